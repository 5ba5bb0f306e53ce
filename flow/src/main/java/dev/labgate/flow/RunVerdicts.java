package dev.labgate.flow;

import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one way the flow and the pages judge runs: each lab's results at a head (with the attempts
 * of its earlier rounds at that head, so that a test that failed and then passed on a retest is
 * seen to be flaky) against that lab's baseline, with the policy's known issues and those KCIDB
 * triaged (kept with the results). A run's final state, its status, the summary and its page all
 * come from here, so they cannot disagree.
 */
public final class RunVerdicts {

    private final RunStore runs;
    private final ResultStore results;
    private final Baselines baselines;
    private final Supplier<KnownIssues> knownIssues;
    private final VerdictAggregator aggregator;

    public RunVerdicts(RunStore runs, ResultStore results, Baselines baselines, Supplier<KnownIssues> knownIssues,
                       VerdictAggregator aggregator) {
        this.runs = runs;
        this.results = results;
        this.baselines = baselines;
        this.knownIssues = knownIssues;
        this.aggregator = aggregator;
    }

    public Baselines baselines() {
        return baselines;
    }

    /** The verdict over runs at one head, from their stored results. */
    public Verdict of(List<Run> atHead) {
        var parts = new ArrayList<VerdictAggregator.Part>();
        for (var run : atHead) {
            var own = results.find(run.id());
            if (own.isPresent()) {
                parts.add(part(run, own.get(), baseline(baselines.of(run))));
            }
        }
        return aggregator.aggregate(parts, knownIssues.get());
    }

    /** The verdict of one run's results that just came from its lab, against the baseline found for it. */
    public Verdict of(Run run, KcidbData fresh, Baselines.Found baseline) {
        return aggregator.aggregate(List.of(part(run, fresh, baseline(baseline))), knownIssues.get());
    }

    private VerdictAggregator.Part part(Run run, KcidbData own, Optional<KcidbData> baseline) {
        var head = Results.of(own);
        for (var earlier : runs.forHead(run.subject().key(), run.headSha())) {
            if (earlier.lab().equals(run.lab()) && earlier.round() < run.round()) {
                results.find(earlier.id()).ifPresent(head::add);
            }
        }
        return new VerdictAggregator.Part(head, baseline.map(Results::of));
    }

    private static Optional<KcidbData> baseline(Baselines.Found found) {
        return found instanceof Baselines.Known known ? Optional.of(known.results()) : Optional.empty();
    }
}
