package dev.labgate.flow;

import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;

import java.util.List;
import java.util.Optional;

/**
 * What a head's results are compared with: labgate's own results for the commit the change is
 * based on (its base branch tested as a staging branch, or another change tested at that commit),
 * on the same lab. Without one, failures are reported as not compared rather than guessed to be
 * regressions.
 */
public final class Baselines {

    private final RunStore runs;
    private final ResultStore results;

    public Baselines(RunStore runs, ResultStore results) {
        this.runs = runs;
        this.results = results;
    }

    /**
     * The baseline of a set of runs at one head: present only when every run has one, since the
     * tests of a lab without a baseline would otherwise look new, and new failures look like
     * regressions.
     */
    public Optional<KcidbData> of(List<Run> atHead) {
        var merged = KcidbData.empty();
        for (var run : atHead) {
            var baseline = of(run);
            if (baseline.isEmpty()) {
                return Optional.empty();
            }
            merged = merged.merge(baseline.get());
        }
        return atHead.isEmpty() ? Optional.empty() : Optional.of(merged);
    }

    private Optional<KcidbData> of(Run run) {
        if (run.baseSha() == null || run.baseSha().isEmpty() || run.baseSha().equalsIgnoreCase(run.headSha())) {
            return Optional.empty();
        }
        return runs.finishedAt(run.subject().repo(), run.baseSha()).stream()
                .filter(r -> r.lab().equals(run.lab()))
                .findFirst()
                .flatMap(r -> results.find(r.id()));
    }
}
