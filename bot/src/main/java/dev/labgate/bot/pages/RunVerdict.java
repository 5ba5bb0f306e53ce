package dev.labgate.bot.pages;

import dev.labgate.core.kcidb.Status;
import dev.labgate.core.verdict.Verdict;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The one place where the pages turn a verdict (the flow's, from {@code RunVerdicts}) into what a
 * page shows. Everything else in the pages reads {@link RunView.VerdictView} only.
 */
final class RunVerdict {

    private final int maxFindings;

    RunVerdict(int maxFindings) {
        this.maxFindings = maxFindings;
    }

    RunView.VerdictView of(Verdict verdict) {
        var counts = new LinkedHashMap<String, Long>();
        for (var status : Status.values()) {
            var count = verdict.counts().tests().get(status);
            if (count != null && count > 0) {
                counts.put(status.name(), count);
            }
        }
        return new RunView.VerdictView(verdict.overall().name().toLowerCase(Locale.ROOT).replace('_', '-'), verdict.headline(),
                counts, findings(verdict.regressions()), findings(verdict.notCompared()),
                findings(verdict.stillFailing()), findings(verdict.flaky()), findings(verdict.fixes()),
                findings(verdict.knownIssues()), findings(verdict.infraErrors()));
    }

    private RunView.Findings findings(List<Verdict.Finding> all) {
        return new RunView.Findings(all.size(), all.stream().limit(maxFindings).map(RunVerdict::finding).toList());
    }

    private static RunView.Finding finding(Verdict.Finding f) {
        return new RunView.Finding(f.path(), f.origin(), Objects.requireNonNullElse(f.configuration(), ""),
                Objects.requireNonNullElse(f.platform(), ""), f.status().name(), f.logUrl(),
                Objects.requireNonNullElse(f.detail(), ""), f.excerpt());
    }
}
