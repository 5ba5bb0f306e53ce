package dev.labgate.flow;

import dev.labgate.config.LabSpec;
import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.verdict.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Takes one step of a run each time it is called: submit it to its lab, poll it, or report its
 * end. Returns when it wants to be called again. Every step is safe to repeat after a crash: a
 * lab recognizes a resubmitted run by its id, and every state change is a compare-and-set.
 */
public final class RunAdvancer {

    private static final Logger LOG = LoggerFactory.getLogger(RunAdvancer.class);
    /** How often a queued run looks for a free slot at its lab. */
    static final Duration QUEUE_CHECK = Duration.ofSeconds(15);
    /**
     * How often a later stage looks at the run it waits for; only a fallback, since that run's
     * end wakes it at once.
     */
    static final Duration STAGE_CHECK = Duration.ofMinutes(1);

    private final RunStore runs;
    private final ResultStore results;
    private final Labs labs;
    private final Forges forges;
    private final PolicySource policies;
    private final WorkQueue work;
    private final Transactions transactions;
    private final RunVerdicts verdicts;
    private final Baselines baselines;
    private final KcidbSource kcidb;
    private final RunLinks links;
    private final FinalStatuses statuses;
    private final Stages stages;
    private final Clock clock;

    public RunAdvancer(RunStore runs, ResultStore results, Labs labs, Forges forges, PolicySource policies,
                       WorkQueue work, Transactions transactions, RunVerdicts verdicts, KcidbSource kcidb,
                       RunLinks links, Clock clock) {
        this.runs = runs;
        this.baselines = verdicts.baselines();
        this.kcidb = kcidb;
        this.results = results;
        this.labs = labs;
        this.forges = forges;
        this.policies = policies;
        this.work = work;
        this.transactions = transactions;
        this.verdicts = verdicts;
        this.links = links;
        this.statuses = new FinalStatuses(runs, results, forges, policies, verdicts, links, clock);
        this.stages = new Stages(runs, labs);
        this.clock = clock;
    }

    public Next advance(String runId) {
        var found = runs.find(runId);
        if (found.isEmpty()) {
            LOG.warn("run {} is not stored; nothing to do", runId);
            return Next.DONE;
        }
        var run = found.get();
        try (var ignored = MDC.putCloseable("delivery", run.deliveryId())) {
            return switch (run.state()) {
                case AWAITING_APPROVAL -> Next.DONE;
                case PLANNED, WAITING -> submit(run);
                case SUBMITTED, RUNNING -> poll(run);
                case PASSED, FAILED, ERRORED, TIMED_OUT, CANCELLED, SKIPPED -> finish(run);
            };
        }
    }

    private Next submit(Run waiting) {
        var lab = labs.find(waiting.lab());
        if (lab.isEmpty()) {
            return end(waiting, RunState.ERRORED, "lab '" + waiting.lab() + "' is no longer in the policy");
        }
        var gate = stages.gate(waiting);
        if (gate instanceof Stages.Gate.Wait wait) {
            return waitForStage(waiting, wait.note());
        }
        if (gate instanceof Stages.Gate.Closed closed) {
            return end(waiting, closed.state(), closed.note());
        }
        var inputs = ((Stages.Gate.Open) gate).inputs();
        var run = waiting;
        if (run.state() == RunState.WAITING) {
            var planned = runs.transition(run.id(), RunState.WAITING, RunState.PLANNED, "", null, run.attempt(), null);
            if (planned.isEmpty()) {
                return Next.again(clock.instant());
            }
            run = planned.get();
        }
        var position = queuePosition(run);
        if (position > 0) {
            var note = "Queued for " + run.lab() + " (position " + position + ")";
            if (!note.equals(run.note())) {
                runs.updateNote(run.id(), note);
                runs.find(run.id()).ifPresent(this::pendingStatus);
            }
            return Next.again(clock.instant().plus(QUEUE_CHECK));
        }
        pendingStatus(run);
        LabRun handle;
        try {
            handle = lab.get().submit(new TreeRequest(run.id(), run.subject(), run.cloneUrl(), run.fetchRef(),
                    run.headSha(), run.baseSha(), run.tests(), inputs));
        } catch (LabException e) {
            return failedAttempt(run, "could not submit to " + run.lab() + ": " + e.getMessage(), e.retryable());
        }
        var now = clock.instant();
        var submitted = runs.transition(run.id(), RunState.PLANNED, RunState.SUBMITTED, "", handle,
                run.attempt() + 1, now.plus(timeout(run.lab())));
        if (submitted.isEmpty()) {
            // Cancelled while we were submitting: take it back from the lab.
            cancelAtLab(lab.get(), handle);
            return Next.again(now);
        }
        LOG.info("run {} submitted to {} as {} (attempt {})", run.id(), run.lab(), handle.externalId(),
                run.attempt() + 1);
        return Next.again(now.plus(lab.get().pollInterval()));
    }

    /**
     * A later stage whose earlier run has not ended: it waits out of its lab's queue, and that
     * run's end wakes it.
     */
    private Next waitForStage(Run run, String note) {
        if (run.state() == RunState.PLANNED) {
            runs.transition(run.id(), RunState.PLANNED, RunState.WAITING, note, null, run.attempt(), null)
                    .ifPresent(this::pendingStatus);
        } else if (!note.equals(run.note())) {
            runs.updateNote(run.id(), note);
        }
        return Next.again(clock.instant().plus(STAGE_CHECK));
    }

    /** What became of a lab's callback about a run. */
    public enum Callback {
        /** The run's next step (a poll) is now due, in its durable task. */
        QUEUED,
        /** The run had ended already (or was superseded): the callback changes nothing. */
        ENDED,
        /** The run is not at the lab (not submitted yet, or waiting to be submitted again). */
        NOT_AT_LAB
    }

    /**
     * A lab's authentic callback about a run: the run's next step, a poll, is made due now. Only
     * the durable task reads the lab, so the caller answers the lab at once (LAVA gives up after 5
     * seconds) and nothing is lost when this replica stops. A run whose task is running at this
     * moment keeps the time that task sets: its poll is under way, or follows one poll interval later.
     */
    public Callback wake(String runId) {
        var found = runs.find(runId);
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return Callback.ENDED;
        }
        var run = found.get();
        if (run.state() != RunState.SUBMITTED && run.state() != RunState.RUNNING) {
            return Callback.NOT_AT_LAB;
        }
        work.reschedule(new Work.AdvanceRun(run.id()), clock.instant());
        return Callback.QUEUED;
    }

    /**
     * Where a planned run stands in its lab's queue: 0 when it holds one of the lab's slots (taken
     * now, atomically, so that replicas never put more runs on the lab than its limit), else its
     * place among the runs waiting for one. Runs are taken oldest first; base runs are not queued.
     */
    private int queuePosition(Run run) {
        var limit = policies.current().maxConcurrent(run.lab());
        // A base run does not queue: the changes that wait for it may hold the very slots it would wait for.
        if (limit.isEmpty() || run.subject() instanceof Subject.Base) {
            return 0;
        }
        return runs.takeSlot(run.id(), run.lab(), limit.get());
    }

    private Next poll(Run run) {
        var lab = labs.find(run.lab());
        if (lab.isEmpty()) {
            return end(run, RunState.ERRORED, "lab '" + run.lab() + "' is no longer in the policy");
        }
        var now = clock.instant();
        if (run.deadline() != null && now.isAfter(run.deadline()) && !waitingForBase(run)) {
            cancelAtLab(lab.get(), run.labRun());
            return end(run, RunState.TIMED_OUT, "no result from " + run.lab() + " within "
                    + describe(timeout(run.lab())));
        }
        LabProgress progress;
        try {
            progress = lab.get().poll(run.labRun());
        } catch (LabException e) {
            if (e.retryable()) {
                LOG.warn("run {}: could not poll {}: {}", run.id(), run.lab(), e.getMessage());
                return Next.again(now.plus(lab.get().pollInterval()));
            }
            return end(run, RunState.ERRORED, "lab " + run.lab() + " refused: " + e.getMessage());
        }
        return answer(run, lab.get(), progress);
    }

    /** The lab's answer about a submitted run. */
    private Next answer(Run run, Lab lab, LabProgress progress) {
        var now = clock.instant();
        var later = now.plus(lab.pollInterval());
        if (progress instanceof LabProgress.Queued queued) {
            var note = "Queued on " + run.lab() + (queued.position() >= 0 ? " (position " + queued.position() + ")" : "");
            if (!note.equals(run.note())) {
                runs.updateNote(run.id(), note);
                runs.find(run.id()).ifPresent(this::pendingStatus);
            }
            return Next.again(later);
        }
        if (progress instanceof LabProgress.Running running) {
            if (run.state() == RunState.SUBMITTED) {
                runs.transition(run.id(), RunState.SUBMITTED, RunState.RUNNING, running.note(), null, run.attempt(), null)
                        .ifPresent(this::pendingStatus);
            }
            return Next.again(later);
        }
        if (progress instanceof LabProgress.Lost lost) {
            return failedAttempt(run, run.lab() + ": " + lost.reason(), true);
        }
        var finished = (LabProgress.Finished) progress;
        var baseline = baselines.forVerdict(run);
        if (baseline instanceof Baselines.Pending pending) {
            return waitForBase(run, pending.base());
        }
        var kept = finished.results().merge(kcidb.triage(run, finished.results()));
        var verdict = verdicts.of(run, kept, baseline);
        if (verdict.overall() == Verdict.Overall.INFRA_ERROR
                && run.attempt() <= policies.current().access(run.lab()).retries()) {
            // Only the lab broke: another attempt may give an answer about the code.
            return failedAttempt(run, run.lab() + " had an infrastructure error: " + verdict.headline(), true);
        }
        var state = switch (verdict.overall()) {
            case PASS -> RunState.PASSED;
            case FAIL -> RunState.FAILED;
            case INFRA_ERROR, PENDING -> RunState.ERRORED;
        };
        var note = verdict.overall() == Verdict.Overall.PENDING ? run.lab() + " finished "
                + (verdict.counts().unfinished() > 0 ? "with results that have no status" : "without any result")
                : verdict.headline() + (verdict.overall() == Verdict.Overall.INFRA_ERROR && run.attempt() > 1
                        ? " (gave up after " + run.attempt() + " attempts)" : "");
        transactions.inTransaction(() -> {
            results.save(run.id(), kept);
            runs.transition(run.id(), run.state(), state, note, null, run.attempt(), null);
        });
        LOG.info("run {} on {} finished: {} ({})", run.id(), run.lab(), state.label(), note);
        return Next.again(now);
    }

    /**
     * A terminal run: write its final status once, then have the summary brought up to date. A
     * result for a head that was pushed over is not reported: the status says so instead (it still
     * ends), and the summary waits for the new head, which its delivery or the reconciler starts.
     */
    private Next finish(Run run) {
        if (run.finalReported()) {
            // Reached again only while an unanswered status write may still land: read back, repair.
            return statuses.recheck(run).<Next>map(Next::again).orElse(Next.DONE);
        }
        if (run.subject() instanceof Subject.Base) {
            return finishBase(run);
        }
        var forge = forges.get(run.subject().repo().forge());
        var link = links.run(run.id());
        var newHead = newHead(forge, run);
        if (newHead.isPresent()) {
            statuses.write(run, StatusText.stale(run, newHead.get(), link));
            transactions.inTransaction(() -> {
                runs.markFinalReported(run.id());
                wakeLaterStages(run);
                share(run);
            });
            // The head no longer gates the change: a late write on it harms nobody.
            runs.clearStatusDoubt(run.id());
            LOG.info("run {} on {} ended {} but {} is no longer the head (now {}): result not reported", run.id(),
                    run.lab(), run.state().label(), run.headSha(), newHead.get());
            return Next.DONE;
        }
        statuses.write(run, statuses.of(run));
        transactions.inTransaction(() -> {
            runs.markFinalReported(run.id());
            wakeLaterStages(run);
            work.enqueueNow(new Work.Report(run.subject(), run.headSha(), run.id() + ":" + run.state().label()));
            share(run);
        });
        if (statuses.inDoubt(run)) {
            LOG.info("run {}: final status written while an earlier write is in doubt; reading it back every {}s "
                    + "for {} minutes", run.id(), FinalStatuses.CHECK_EVERY.toSeconds(),
                    FinalStatuses.DOUBT_WINDOW.toMinutes());
            return Next.again(clock.instant().plus(FinalStatuses.CHECK_EVERY));
        }
        return Next.DONE;
    }

    /** The runs that wait for this one take their next step now: start, or end with it. */
    private void wakeLaterStages(Run run) {
        var now = clock.instant();
        for (var later : stages.after(run)) {
            work.reschedule(new Work.AdvanceRun(later.id()), now);
        }
    }

    /**
     * A base run reports nothing to the forge: the runs waiting for it as their baseline take their
     * next step now instead of at their next check.
     */
    private Next finishBase(Run run) {
        var waiting = baselines.waitingOn(run);
        transactions.inTransaction(() -> {
            runs.markFinalReported(run.id());
            waiting.forEach(r -> work.reschedule(new Work.AdvanceRun(r.id()), clock.instant()));
            share(run);
        });
        LOG.info("base run {} of {} on {} ended {}; {} waiting", run.id(), run.headSha(), run.lab(),
                run.state().label(), waiting.size());
        return Next.DONE;
    }

    /** A run that ended with results shares them with KCIDB, when the policy says where. */
    private void share(Run run) {
        if ((run.state() == RunState.PASSED || run.state() == RunState.FAILED)
                && policies.current().kcidb().submit().isPresent()) {
            work.enqueueNow(new Work.ShareResults(run.id()));
        }
    }

    /**
     * A run whose results are in waits for the run of its base commit, so that its verdict can
     * compare; the base run wakes it when it ends, and a check now and then covers a lost wake-up.
     */
    private Next waitForBase(Run run, Run base) {
        var note = "Finished; waiting for the base commit " + shortSha(base.headSha()) + " to be tested on "
                + run.lab() + " to compare with";
        if (!note.equals(run.note())) {
            runs.updateNote(run.id(), note);
            runs.find(run.id()).ifPresent(this::pendingStatus);
        }
        return Next.again(clock.instant().plus(QUEUE_CHECK));
    }

    /** Whether a run's results wait for its base: its own deadline does not count while it does. */
    private boolean waitingForBase(Run run) {
        return baselines.of(run) instanceof Baselines.Pending;
    }

    private static String shortSha(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }

    /**
     * The change's head now, when it is no longer the run's head. Only results are checked (a
     * cancelled run reports no result). When the forge cannot say for good, the result is reported.
     */
    private Optional<String> newHead(Forge forge, Run run) {
        if (!(run.subject() instanceof Subject.Change change) || run.state() == RunState.CANCELLED) {
            return Optional.empty();
        }
        try {
            var head = forge.currentHead(change.change());
            return head.equalsIgnoreCase(run.headSha()) ? Optional.empty() : Optional.of(head);
        } catch (ForgeException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.warn("run {}: cannot tell whether {} is still the head of {} ({}); reporting its result", run.id(),
                    run.headSha(), change.change(), e.getMessage());
            return Optional.empty();
        }
    }

    /** An infrastructure failure before a result: try again later, or give up after the lab's retries. */
    private Next failedAttempt(Run run, String reason, boolean retryable) {
        var attempts = run.attempt() + (run.state() == RunState.PLANNED ? 1 : 0);
        if (!retryable || attempts > policies.current().access(run.lab()).retries()) {
            return end(run, RunState.ERRORED, reason + (retryable ? " (gave up after " + attempts + " attempts)" : ""));
        }
        var retryAt = clock.instant().plus(RetryPolicy.OUTSIDE_CALLS.backoff(attempts));
        LOG.warn("run {}: {}; retrying at {}", run.id(), reason, retryAt);
        var moved = runs.transition(run.id(), run.state(), RunState.PLANNED, reason + "; retrying", null, attempts,
                null);
        return moved.isPresent() ? Next.again(retryAt) : Next.again(clock.instant());
    }

    private Next end(Run run, RunState state, String note) {
        runs.transition(run.id(), run.state(), state, note, null, run.attempt(), null);
        LOG.info("run {} on {}: {} ({})", run.id(), run.lab(), state.label(), note);
        return Next.again(clock.instant());
    }

    /** Pending statuses are progress news: a forge that is down must not stop the run. */
    private void pendingStatus(Run run) {
        try {
            statuses.write(run, StatusText.of(run, links.run(run.id())));
        } catch (ForgeException e) {
            LOG.warn("run {}: pending status not written ({}); the run goes on", run.id(), e.getMessage());
        }
    }

    private static void cancelAtLab(Lab lab, LabRun handle) {
        try {
            lab.cancel(handle);
        } catch (RuntimeException e) {
            LOG.warn("could not cancel {} at lab {}: {}", handle.externalId(), lab.name(), e.getMessage());
        }
    }

    private Duration timeout(String lab) {
        return Optional.ofNullable(policies.current().labs().get(lab)).map(LabSpec::timeout)
                .orElse(Duration.ofHours(1));
    }

    private static String describe(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
