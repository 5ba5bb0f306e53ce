package dev.labgate.action;

import dev.labgate.config.Baseline;
import dev.labgate.config.MaintainerFacts;
import dev.labgate.config.Planner;
import dev.labgate.config.Policy;
import dev.labgate.config.Reporting;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.TrustRules;
import dev.labgate.core.Sha256;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.HeadApprovals;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.review.Review;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.TrustDecision;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.flow.Labs;
import dev.labgate.flow.NoHistory;
import dev.labgate.flow.PolicyKnownIssues;
import dev.labgate.flow.TrustGate;
import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.kcidb.findings.Findings;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The service's flow for one event, inline in a CI job: the same {@link TrustGate} decides, the
 * labs of the plan get the head (and, on labs whose baseline is {@code test-base}, the base commit
 * too, so that failures are compared), the job waits (one progress line per change of state) and
 * the results become one verdict through the same {@link VerdictAggregator}, each lab against its
 * base's results.
 */
public final class OneShot {

    /** Waits between polls; tests advance a clock instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /**
     * How the job ended.
     *
     * @param message one line for the job log saying why
     * @param verdict empty when nothing was submitted
     * @param logs the whole output of each lab that runs where the job does (the command lab), by lab
     */
    public record Outcome(ExitCode exit, String message, Optional<Verdict> verdict, List<TestPlan.Entry> plan,
                          Optional<String> runUrl, Optional<PendingReview> review, Map<String, String> logs) {
        public Outcome {
            logs = Map.copyOf(logs);
        }

        public Outcome(ExitCode exit, String message, Optional<Verdict> verdict, List<TestPlan.Entry> plan,
                       Optional<String> runUrl) {
            this(exit, message, verdict, plan, runUrl, Optional.empty(), Map.of());
        }
    }

    /**
     * The review of a change's head the job should post: every lab answered, so its findings are all
     * there. A one-shot job has no results of the base, so the findings are not compared with it.
     */
    public record PendingReview(ChangeRef change, Review review) {
    }

    /**
     * What the job was asked: the labs to keep (empty: all planned), how long to wait, whether
     * regressions fail it, and the job's page, where every status it sets leads.
     */
    public record Request(Set<String> labs, Duration timeout, boolean failOnRegression, Optional<String> detailsUrl) {
    }

    /** A run handed to a lab: of the head, or of the base commit ({@code base}) for the head's run on that lab. */
    private record Submitted(TestPlan.Entry entry, Lab lab, LabRun run, boolean base) {
    }

    private final TrustGate gate;
    private final Labs labs;
    private final VerdictAggregator aggregator;
    private final Clock clock;
    private final Pause pause;
    private final PrintStream progress;

    public OneShot(TrustGate gate, Labs labs, VerdictAggregator aggregator, Clock clock, Pause pause,
                   PrintStream progress) {
        this.gate = gate;
        this.labs = labs;
        this.aggregator = aggregator;
        this.clock = clock;
        this.pause = pause;
        this.progress = progress;
    }

    /**
     * The service's trust gate for one job: the approval it knows is the one found on the forge for
     * the job's head (an approving review, a {@code /labgate ok-to-test} note), and no quota is
     * counted across jobs.
     *
     * @param howToApprove how a maintainer approves a head for this kind of job, told to the contributor
     */
    public static TrustGate gate(ChangeCommits commits, Clock clock, String howToApprove) {
        var none = new NoHistory();
        return new TrustGate(new TrustRules(howToApprove), new Planner(), new PolicyParser(), new ApprovalsOnForge(),
                none, none, commits, clock);
    }

    public Outcome run(Forge forge, Policy operator, ForgeEvent event, Request request) throws InterruptedException {
        RepoRef repo;
        Subject subject;
        TrustGate.Planned planned;
        Supplier<TrustGate.Verdict> judge;
        String head;
        String fetchRef;
        String base;
        String baseRef;
        String cloneUrl;
        if (event instanceof ForgeEvent.ChangeUpdated change) {
            repo = change.change().repo();
            if (operator.repository(repo).isEmpty()) {
                return usage(repo);
            }
            subject = new Subject.Change(change.change());
            planned = gate.plan(forge, operator, repo, Optional.of(() -> forge.changedFiles(change.change())));
            var plannedChange = planned;
            judge = () -> gate.judgeChange(forge, plannedChange, change);
            head = change.headSha();
            fetchRef = change.fetchRef();
            base = change.baseSha();
            baseRef = change.baseRef() == null ? null : "refs/heads/" + change.baseRef();
            cloneUrl = change.cloneUrl();
        } else if (event instanceof ForgeEvent.BranchPushed push) {
            repo = push.repo();
            if (operator.repository(repo).isEmpty()) {
                return usage(repo);
            }
            if (push.deleted() || !operator.repository(repo).get().isStaging(push.ref())) {
                return new Outcome(ExitCode.PASS, "nothing to test: " + push.ref() + " is not a staging branch of "
                        + repo + (push.deleted() ? " (or was deleted)" : ""), Optional.empty(), List.of(),
                        Optional.empty());
            }
            subject = new Subject.Branch(repo, push.ref());
            planned = gate.plan(forge, operator, repo, Optional.empty());
            var plannedPush = planned;
            judge = () -> gate.judgePush(forge, plannedPush, push);
            head = push.after();
            fetchRef = push.ref();
            base = push.before() == null || push.before().matches("0{40}") ? null : push.before();
            baseRef = push.ref();
            cloneUrl = push.cloneUrl();
        } else if (event instanceof ForgeEvent.Ignored ignored) {
            return new Outcome(ExitCode.PASS, "nothing to test: " + ignored.reason(), Optional.empty(), List.of(),
                    Optional.empty());
        } else {
            return new Outcome(ExitCode.PASS, "nothing to test: labgate action tests pull requests, merge requests "
                    + "and staging-branch pushes", Optional.empty(), List.of(), Optional.empty());
        }
        if (planned.plan().isEmpty()) {
            return new Outcome(ExitCode.PASS, "nothing to test: the policy plans no tests for this change",
                    Optional.empty(), List.of(), Optional.empty());
        }
        var verdict = judge.get();
        if (verdict.decision().outcome() == TrustDecision.Outcome.NEEDS_APPROVAL
                && event instanceof ForgeEvent.ChangeUpdated change && forge instanceof HeadApprovals approvals
                && approvedOnForge(forge, approvals, planned, change)) {
            verdict = judge.get();
        }
        var decision = verdict.decision();
        gate.record(verdict, subject, head, "action", Map.of());
        var statuses = operator.reporting().statuses();
        if (!decision.trusted()) {
            // Not red: nothing is known to be wrong with the change. Each lab's status waits for approval.
            var description = decision.outcome() == TrustDecision.Outcome.NEEDS_APPROVAL
                    ? "not tested: waiting for a maintainer's approval of " + TrustGate.shortSha(head) + " (Details)"
                    : "not tested: " + decision.reason();
            for (var entry : planned.plan().entries()) {
                if (statuses && (request.labs().isEmpty() || request.labs().contains(entry.lab()))) {
                    forge.setStatus(subject, head, new CommitStatus("labgate/" + entry.lab(), CommitStatus.State.PENDING,
                            description, request.detailsUrl().orElse(null)));
                }
            }
            return new Outcome(ExitCode.UNTRUSTED, "not tested: " + decision.reason() + " (rule " + decision.rule()
                    + "); nothing was submitted to any lab.", Optional.empty(), planned.plan().entries(),
                    Optional.empty());
        }
        var chosen = new ArrayList<TestPlan.Entry>();
        var refused = new ArrayList<String>();
        for (var lab : verdict.labs()) {
            var name = lab.entry().lab();
            if (!request.labs().isEmpty() && !request.labs().contains(name)) {
                continue;
            }
            if (lab.admitted()) {
                chosen.add(lab.entry());
            } else {
                refused.add(name + ": " + lab.admission().decision().reason());
            }
        }
        refused.forEach(line -> progress.println("not submitted to " + line));
        if (chosen.isEmpty()) {
            return new Outcome(ExitCode.UNTRUSTED, "not tested: no planned lab admits this head"
                    + (refused.isEmpty() ? " (the labs input selects none of the plan)" : ""), Optional.empty(),
                    planned.plan().entries(), Optional.empty());
        }
        for (var entry : chosen) {
            if (labs.find(entry.lab()).isEmpty()) {
                return infra("lab " + entry.lab() + " is in the plan but not configured", chosen);
            }
        }
        var at = new Head(forge, subject, cloneUrl, fetchRef, head, base == null ? "" : base, request.detailsUrl(),
                statuses);
        var submitted = new ArrayList<Submitted>();
        var notRun = new LinkedHashMap<String, String>();
        for (var entry : chosen) {
            var after = entry.after();
            if (after.isPresent() && chosen.stream().anyMatch(e -> e.lab().equals(after.get()))) {
                continue; // a later stage: submitted once the run it comes after passed
            }
            if (after.isPresent()) {
                notRun.put(entry.lab(), "not run: " + after.get() + " did not run");
                continue;
            }
            try {
                submitted.add(submit(at, entry, List.of(), Duration.ZERO));
                if (operator.baseline(entry.lab()) == Baseline.TEST_BASE && base != null && baseRef != null
                        && !base.equalsIgnoreCase(head)) {
                    submitted.add(submitBase(at, entry, new Subject.Base(repo, baseRef), baseRef, base));
                }
            } catch (LabException e) {
                cancelAll(submitted);
                return infra("lab " + entry.lab() + " refused the run: " + e.getMessage(), chosen);
            }
        }
        return wait(at, submitted, notRun, request, chosen, PolicyKnownIssues.of(operator),
                operator.reporting().review());
    }

    /**
     * Looks on the forge for an approval of exactly this head by someone the policy counts as a
     * maintainer (the same rule as the service's {@code /labgate ok-to-test}), and records the first.
     */
    private boolean approvedOnForge(Forge forge, HeadApprovals approvals, TrustGate.Planned planned,
                                    ForgeEvent.ChangeUpdated change) {
        var policy = planned.policy();
        var repo = change.change().repo();
        var facts = gate.facts(forge);
        for (var given : approvals.approvalsOf(change.change(), change.headSha())) {
            var changed = policy.trust().maintainers().maintainersFile().isPresent() ? planned.changedFiles().get()
                    : List.<String>of();
            var approver = new MaintainerFacts(facts.person(policy, repo, given.by()),
                    facts.maintainersFile(policy, repo), changed);
            var maintainer = gate.rules().maintainer(policy, approver);
            if (!maintainer.trusted()) {
                progress.println("approval: " + given.how() + " by " + given.by() + " does not count: "
                        + maintainer.decision().reason());
                continue;
            }
            progress.println("approval: " + given.how() + ": "
                    + gate.rules().approval(policy, approver, change.headSha()).decision().reason());
            gate.approvals().record(new Approval(change.change(), change.headSha(),
                    change.baseSha() == null ? "" : change.baseSha(), given.by(), policy.version(), given.at(),
                    List.of(), ""));
            return true;
        }
        return false;
    }

    /** Where a run goes: the head under test and the forge its statuses go to. */
    private record Head(Forge forge, Subject subject, String cloneUrl, String fetchRef, String sha, String base,
                        Optional<String> detailsUrl, boolean statuses) {
    }

    private Submitted submit(Head at, TestPlan.Entry entry, List<Artifact> inputs, Duration elapsed) {
        var lab = labs.find(entry.lab()).orElseThrow();
        var runId = Sha256.hex("action\n" + at.subject().key() + "\n" + at.sha() + "\n" + entry.lab(), 16);
        var run = lab.submit(new TreeRequest(runId, at.subject(), at.cloneUrl(), at.fetchRef(), at.sha(), at.base(),
                entry.tests(), inputs));
        if (at.statuses()) {
            at.forge().setStatus(at.subject(), at.sha(), new CommitStatus("labgate/" + entry.lab(),
                    CommitStatus.State.PENDING, "submitted to " + entry.lab(), at.detailsUrl().orElse(run.url())));
        }
        progress.println("[" + elapsed(elapsed) + "] " + entry.lab() + ": submitted"
                + (run.url() == null ? "" : " " + run.url()));
        return new Submitted(entry, lab, run, false);
    }

    /**
     * The run of the base commit beside a first stage's head run, to compare the head's failures
     * with (fetched through the target branch, or the staging branch's previous head). Later
     * stages get none: their inputs are the head's build.
     */
    private Submitted submitBase(Head at, TestPlan.Entry entry, Subject.Base subject, String baseRef, String base) {
        var lab = labs.find(entry.lab()).orElseThrow();
        var run = lab.submit(new TreeRequest(Sha256.hex("action\nbase\n" + subject.key() + "\n" + base + "\n"
                + entry.lab(), 16), subject, at.cloneUrl(), baseRef, base, null, entry.tests(), List.of()));
        progress.println("[" + elapsed(Duration.ZERO) + "] " + entry.lab() + ": base commit "
                + base.substring(0, Math.min(12, base.length())) + " submitted, to compare with");
        return new Submitted(entry, lab, run, true);
    }

    /**
     * Polls until every run ended, starting each later stage when the run it comes after passed,
     * and noting it as not run (with why) when that run did not.
     *
     * @param notRun the labs of the plan that will not run, with why, filled in as stages end
     */
    private Outcome wait(Head at, List<Submitted> firstStages, Map<String, String> notRun, Request request,
                         List<TestPlan.Entry> plan, KnownIssues known, Reporting.Review reviews)
            throws InterruptedException {
        var start = clock.instant();
        var deadline = start.plus(request.timeout());
        var submitted = new ArrayList<>(firstStages);
        var waiting = new ArrayList<>(firstStages);
        var said = new LinkedHashMap<String, String>();
        var results = new LinkedHashMap<Submitted, KcidbData>();
        var broken = new LinkedHashMap<String, String>();
        while (!waiting.isEmpty()) {
            for (var each : List.copyOf(waiting)) {
                var name = each.entry().lab();
                LabProgress state;
                try {
                    state = each.lab().poll(each.run());
                } catch (LabException e) {
                    // A failed poll is retried on the next round; only the deadline ends the wait.
                    state = new LabProgress.Running("the lab did not answer: " + e.getMessage());
                }
                var text = describe(state);
                var shown = name + (each.base() ? " (base)" : "");
                if (!text.equals(said.put(shown, text))) {
                    progress.println("[" + elapsed(Duration.between(start, clock.instant())) + "] " + shown + ": " + text);
                }
                if (state instanceof LabProgress.Finished finished) {
                    results.put(each, finished.results());
                    waiting.remove(each);
                    if (each.base()) {
                        continue;
                    }
                    var own = aggregator.aggregate(finished.results(), Optional.empty(), known).overall();
                    if (own == Verdict.Overall.PASS) {
                        for (var later : laterStages(plan, name)) {
                            try {
                                var run = submit(at, later, each.lab().artifacts(each.run()),
                                        Duration.between(start, clock.instant()));
                                submitted.add(run);
                                waiting.add(run);
                            } catch (LabException e) {
                                broken.put(later.lab(), "refused the run: " + e.getMessage());
                            }
                        }
                    } else {
                        notRunAfter(plan, name, own == Verdict.Overall.FAIL ? "failed" : "had an infrastructure error",
                                notRun);
                    }
                } else if (state instanceof LabProgress.Lost lost) {
                    waiting.remove(each);
                    if (!each.base()) {
                        broken.put(name, "lost the run: " + lost.reason());
                        notRunAfter(plan, name, "had an infrastructure error", notRun);
                    }
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (!clock.instant().isBefore(deadline)) {
                for (var each : waiting) {
                    each.lab().cancel(each.run());
                    if (!each.base()) {
                        broken.put(each.entry().lab(), "timed out after " + elapsed(request.timeout()));
                        notRunAfter(plan, each.entry().lab(), "timed out", notRun);
                    }
                }
                break;
            }
            pause.pause(waiting.stream().map(s -> s.lab().pollInterval()).min(Duration::compareTo).orElseThrow());
        }
        var parts = new LinkedHashMap<String, VerdictAggregator.Part>();
        for (var each : submitted) {
            var own = results.get(each);
            if (each.base() || own == null) {
                continue;
            }
            var baseline = submitted.stream().filter(s -> s.base() && s.entry().equals(each.entry()))
                    .map(results::get).filter(r -> r != null).findFirst().map(Results::of);
            parts.put(each.entry().lab(), new VerdictAggregator.Part(Results.of(own), baseline));
        }
        var all = submitted.stream().filter(s -> !s.base()).map(results::get).filter(Objects::nonNull)
                .reduce(KcidbData.empty(), KcidbData::merge);
        var verdict = aggregator.aggregate(List.copyOf(parts.values()), known);
        if (!broken.isEmpty() && verdict.overall() != Verdict.Overall.FAIL) {
            var headline = String.join("; ", broken.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .toList());
            verdict = new Verdict(Verdict.Overall.INFRA_ERROR, headline, verdict.compared(), verdict.regressions(),
                    verdict.fixes(), verdict.stillFailing(), verdict.knownIssues(), verdict.flaky(),
                    verdict.infraErrors(), verdict.notCompared(), verdict.counts());
        }
        var logs = new LinkedHashMap<String, String>();
        for (var each : submitted) {
            if (each.base()) {
                continue;
            }
            var name = each.entry().lab();
            each.lab().log(each.run()).ifPresent(log -> logs.put(name, log));
            if (!at.statuses()) {
                continue;
            }
            CommitStatus status;
            if (broken.containsKey(name)) {
                status = new CommitStatus("labgate/" + name, CommitStatus.State.ERROR, broken.get(name),
                        at.detailsUrl().orElse(each.run().url()));
            } else {
                var own = aggregator.aggregate(List.of(parts.get(name)), known);
                status = new CommitStatus("labgate/" + name, state(own.overall()), own.headline(),
                        at.detailsUrl().orElse(each.run().url()));
            }
            at.forge().setStatus(at.subject(), at.sha(), status);
        }
        notRun.forEach((name, why) -> {
            progress.println("[" + elapsed(Duration.between(start, clock.instant())) + "] " + name + ": " + why);
            if (at.statuses()) {
                // Not a failure of its own: the stage before it says what broke.
                at.forge().setStatus(at.subject(), at.sha(), new CommitStatus("labgate/" + name,
                        CommitStatus.State.ERROR, "N" + why.substring(1), at.detailsUrl().orElse(null)));
            }
        });
        var runUrl = submitted.stream().filter(s -> !s.base()).map(s -> s.run().url()).filter(u -> u != null)
                .findFirst();
        var exit = ExitCode.of(verdict, request.failOnRegression());
        var change = at.subject() instanceof Subject.Change c ? Optional.of(c.change()) : Optional.<ChangeRef>empty();
        var review = change.filter(c -> reviews.enabled() && broken.isEmpty()).map(c -> new PendingReview(c,
                new Review(at.sha(), Findings.of(all), false, reviews.maxComments(), reviews.requestChangesAt(),
                        runUrl.orElse(null))));
        return new Outcome(exit, verdict.overall().label() + ": " + verdict.headline(), Optional.of(verdict), plan,
                runUrl, review, logs);
    }

    private static List<TestPlan.Entry> laterStages(List<TestPlan.Entry> plan, String lab) {
        return plan.stream().filter(e -> e.after().filter(lab::equals).isPresent()).toList();
    }

    /** The stages after {@code lab}, and theirs, will not run, because {@code lab} {@code ended}. */
    private static void notRunAfter(List<TestPlan.Entry> plan, String lab, String ended, Map<String, String> notRun) {
        for (var later : laterStages(plan, lab)) {
            notRun.put(later.lab(), "not run: " + lab + " " + ended);
            notRunAfter(plan, later.lab(), "did not run", notRun);
        }
    }

    private static CommitStatus.State state(Verdict.Overall overall) {
        return switch (overall) {
            case PASS -> CommitStatus.State.SUCCESS;
            case FAIL -> CommitStatus.State.FAILURE;
            case PENDING, INFRA_ERROR -> CommitStatus.State.ERROR;
        };
    }

    private static String describe(LabProgress state) {
        if (state instanceof LabProgress.Queued queued) {
            return queued.position() < 0 ? "queued" : "queued (position " + queued.position() + ")";
        }
        if (state instanceof LabProgress.Running running) {
            return running.note().isEmpty() ? "running" : "running: " + running.note();
        }
        if (state instanceof LabProgress.Finished) {
            return "finished";
        }
        return "lost: " + ((LabProgress.Lost) state).reason();
    }

    private static String elapsed(Duration duration) {
        var seconds = duration.toSeconds();
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static void cancelAll(List<Submitted> submitted) {
        submitted.forEach(s -> s.lab().cancel(s.run()));
    }

    private static Outcome usage(RepoRef repo) {
        return new Outcome(ExitCode.USAGE, repo + " is not in the policy: add it under repositories:",
                Optional.empty(), List.of(), Optional.empty());
    }

    private static Outcome infra(String message, List<TestPlan.Entry> plan) {
        return new Outcome(ExitCode.INFRA_ERROR, message, Optional.empty(), plan, Optional.empty());
    }
}
