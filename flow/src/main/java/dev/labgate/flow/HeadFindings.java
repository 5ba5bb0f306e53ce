package dev.labgate.flow;

import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.review.Finding;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.ResultStore;
import dev.labgate.kcidb.findings.Findings;

import java.util.List;

/**
 * The findings labgate reports for the runs of one head: those in their results, less those its
 * base already had when labgate has results for the base on the same labs (see {@link Baselines}).
 */
public final class HeadFindings {

    /** @param compared whether the base's findings were there to take away */
    public record Found(List<Finding> findings, boolean compared) {
    }

    private final ResultStore results;
    private final Baselines baselines;

    public HeadFindings(ResultStore results, Baselines baselines) {
        this.results = results;
        this.baselines = baselines;
    }

    public Found of(List<Run> runs) {
        var all = KcidbData.empty();
        for (var run : runs) {
            var found = results.find(run.id());
            if (found.isPresent()) {
                all = all.merge(found.get());
            }
        }
        var findings = Findings.of(all);
        var baseline = baselines.of(runs);
        return baseline.map(base -> new Found(Findings.newSince(findings, Findings.of(base)), true))
                .orElse(new Found(findings, false));
    }
}
