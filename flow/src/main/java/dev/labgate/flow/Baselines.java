package dev.labgate.flow;

import dev.labgate.config.Baseline;
import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a head's results are compared with: the results of the commit the change is based on, on
 * the same lab with the same tests, whoever produced them (the base branch tested as a staging
 * branch, another change at that commit, a base run). Where there are none, the policy says per
 * lab what labgate does ({@link Baseline}): test the base commit itself, once, as a base run that
 * every change on that base reuses; read the base's results from the KCIDB dashboard; or nothing,
 * and failures are reported as not compared rather than guessed to be regressions.
 *
 * <p>Every finished run at the base commit counts, so a test that both passed and failed there
 * (over retests and base runs) is seen to be flaky.
 */
public final class Baselines {

    private static final Logger LOG = LoggerFactory.getLogger(Baselines.class);

    /** Where a run's baseline stands. */
    public sealed interface Found {
    }

    /**
     * The base commit's results on the run's lab, every finished run merged.
     *
     * @param from the finished runs they come from, most recently updated first
     */
    public record Known(KcidbData results, List<Run> from) implements Found {
        public Known {
            from = List.copyOf(from);
        }
    }

    /** A run of the base commit on the run's lab has not ended yet: the verdict waits for it. */
    public record Pending(Run base) implements Found {
    }

    /** No baseline, and why, in words for the summary. */
    public record None(String why) implements Found {
    }

    private final RunStore runs;
    private final ResultStore results;
    private final PolicySource policies;
    private final KcidbSource kcidb;
    private final WorkQueue work;
    private final Clock clock;

    public Baselines(RunStore runs, ResultStore results, PolicySource policies, KcidbSource kcidb, WorkQueue work,
                     Clock clock) {
        this.runs = runs;
        this.results = results;
        this.policies = policies;
        this.kcidb = kcidb;
        this.work = work;
        this.clock = clock;
    }

    /** The baseline of one run as it stands; reads the stores only. */
    public Found of(Run run) {
        if (!hasBase(run)) {
            return new None(run.subject() instanceof Subject.Base ? "" : "no base commit to compare with");
        }
        var candidates = candidates(run);
        var merged = KcidbData.empty();
        var from = new ArrayList<Run>();
        for (var candidate : candidates) {
            if (candidate.state() == RunState.PASSED || candidate.state() == RunState.FAILED) {
                var found = results.find(candidate.id());
                if (found.isPresent()) {
                    merged = merged.merge(found.get());
                    from.add(candidate);
                }
            }
        }
        if (!from.isEmpty()) {
            return new Known(merged, from);
        }
        var running = candidates.stream().filter(c -> !c.state().isTerminal()).findFirst();
        if (running.isPresent()) {
            return new Pending(running.get());
        }
        var ended = candidates.stream().findFirst();
        if (ended.isPresent()) {
            return new None("the base commit's run on " + run.lab() + " ended " + ended.get().state().label()
                    + (ended.get().note().isEmpty() ? "" : ": " + ended.get().note()));
        }
        return new None(switch (policies.current().baseline(run.lab())) {
            case TEST_BASE -> "the base commit was not tested on " + run.lab();
            case KCIDB -> "KCIDB has no results of the base commit for " + run.lab();
            case NONE -> "the policy asks for no baseline on " + run.lab();
        });
    }

    /**
     * The results of the known baselines of runs at one head, merged (for the findings a change
     * added); empty when none of them has one yet.
     */
    public Optional<KcidbData> of(List<Run> atHead) {
        var known = atHead.stream().map(this::of).filter(Known.class::isInstance).map(Known.class::cast)
                .map(Known::results).toList();
        return known.stream().reduce(KcidbData::merge);
    }

    /**
     * The baseline a finished run's verdict is judged with: {@link #of}, after reading the base's
     * results from KCIDB once where the policy says so (kept as a finished base run, so that every
     * change on that base reuses them and the pages show where they came from).
     */
    public Found forVerdict(Run run) {
        var found = of(run);
        if (!(found instanceof None) || !hasBase(run) || policies.current().baseline(run.lab()) != Baseline.KCIDB) {
            return found;
        }
        var fetched = kcidb.baseResults(run.baseSha());
        if (fetched.isEmpty()) {
            return found;
        }
        var source = fetched.get();
        var verdict = new VerdictAggregator().aggregate(source.results());
        var now = clock.instant();
        var base = new Subject.Base(run.subject().repo(), source.branch());
        var stored = runs.createIfAbsent(new Run(DeliveryProcessor.runId(base, run.baseSha(), run.lab(), 0), base,
                run.lab(), run.baseSha(), null, run.cloneUrl(), source.branch(), run.tests(), 0,
                verdict.overall() == Verdict.Overall.FAIL ? RunState.FAILED : RunState.PASSED,
                0, null, "results of " + source.origin() + " read from the KCIDB dashboard", null, true,
                run.deliveryId(), now, now, Optional.empty()));
        results.save(stored.id(), source.results());
        LOG.info("run {}: baseline of {} on {} read from KCIDB ({} tests of {})", run.id(), run.baseSha(), run.lab(),
                source.results().tests().size(), source.origin());
        return of(run);
    }

    /**
     * Starts the base run a planned head needs when its lab's baseline is {@code test-base} and no
     * run of its base commit (finished or not) exists on that lab with the same tests; inside the
     * caller's transaction. Nothing about the base run counts against the author's quotas.
     *
     * @param baseRef the branch that holds the base commit, e.g. {@code refs/heads/main}
     * @return the base run started, if one was
     */
    public Optional<Run> startFor(Run head, String baseRef) {
        // A later stage is not tested on its own base: its input is the head's build, not the base's.
        if (!hasBase(head) || baseRef == null || baseRef.isEmpty() || head.after().isPresent()
                || policies.current().baseline(head.lab()) != Baseline.TEST_BASE) {
            return Optional.empty();
        }
        var candidates = candidates(head);
        if (candidates.stream().anyMatch(c -> c.state() != RunState.CANCELLED)) {
            return Optional.empty();
        }
        var subject = new Subject.Base(head.subject().repo(), baseRef);
        int round = (int) candidates.stream().filter(c -> c.subject().key().equals(subject.key())).count();
        var now = clock.instant();
        var base = runs.createIfAbsent(new Run(DeliveryProcessor.runId(subject, head.baseSha(), head.lab(), round),
                subject, head.lab(), head.baseSha(), null, head.cloneUrl(), baseRef, head.tests(), round,
                RunState.PLANNED, 0, null, "", null, false, head.deliveryId(), now, now, Optional.empty()));
        runs.recordWhy(base.id(), "the base commit of " + head.subject().key() + ", tested once as the baseline of "
                + "every change on it (baseline: test-base)");
        if (base.state() == RunState.PLANNED) {
            work.enqueueNow(new Work.AdvanceRun(base.id()));
        }
        LOG.info("base run {} of {} on {} started for {}", base.id(), head.baseSha(), head.lab(), head.id());
        return Optional.of(base);
    }

    /** The runs of other subjects or heads whose baseline a base run is: they are waiting for it. */
    public List<Run> waitingOn(Run base) {
        return runs.activeOnBase(base.subject().repo(), base.headSha()).stream()
                .filter(r -> r.lab().equals(base.lab()) && r.tests().equals(base.tests())).toList();
    }

    /** Runs of the base commit on the run's lab with the run's tests, most recently updated first. */
    private List<Run> candidates(Run run) {
        return runs.atCommit(run.subject().repo(), run.baseSha()).stream()
                .filter(c -> c.lab().equals(run.lab()) && c.tests().equals(run.tests()) && !c.id().equals(run.id()))
                .toList();
    }

    private static boolean hasBase(Run run) {
        return run.baseSha() != null && !run.baseSha().isEmpty() && !run.baseSha().equalsIgnoreCase(run.headSha());
    }
}
