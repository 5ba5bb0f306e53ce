package dev.labgate.kcidb;

import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A verdict as plain text: the one-line status description, and a report for a terminal. */
public final class VerdictText {

    private VerdictText() {
    }

    /** The commit-status description: state word and headline, at most 140 characters. */
    public static String statusDescription(Verdict verdict) {
        var line = stateWord(verdict.overall()) + ": " + verdict.headline();
        return line.length() <= CommitStatus.MAX_DESCRIPTION ? line
                : line.substring(0, CommitStatus.MAX_DESCRIPTION - 1) + "…";
    }

    public static String stateWord(Verdict.Overall overall) {
        return switch (overall) {
            case PASS -> "Passed";
            case FAIL -> "Failed";
            case PENDING -> "Pending";
            case INFRA_ERROR -> "Infrastructure error";
        };
    }

    /** Every finding, one per line, under a heading per kind, then the counts. */
    public static String render(Verdict verdict) {
        var out = new StringBuilder(verdict.overall().label()).append(": ").append(verdict.headline()).append('\n');
        section(out, "regressions", verdict.regressions());
        section(out, "failures not compared (no baseline)", verdict.notCompared());
        section(out, "fixes", verdict.fixes());
        section(out, "still failing on the base", verdict.stillFailing());
        section(out, "known issues", verdict.knownIssues());
        section(out, "flaky", verdict.flaky());
        section(out, "infrastructure errors (ERROR/MISS, code not judged)", verdict.infraErrors());
        var counts = verdict.counts();
        out.append("\ntests: ").append(statuses(counts.tests())).append('\n');
        out.append("builds: ").append(statuses(counts.builds())).append('\n');
        new TreeMap<>(counts.testsByOrigin()).forEach((origin, byStatus) ->
                out.append("origin ").append(origin).append(": ").append(statuses(byStatus)).append('\n'));
        new TreeMap<>(counts.testsByArchitecture()).forEach((arch, byStatus) ->
                out.append("architecture ").append(arch).append(": ").append(statuses(byStatus)).append('\n'));
        if (counts.unfinished() > 0) {
            out.append("without a status yet: ").append(counts.unfinished()).append('\n');
        }
        return out.toString();
    }

    /** "412 PASS, 2 FAIL", in KCIDB's priority order; "none" when empty. */
    static String statuses(Map<Status, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        return new TreeMap<>(counts).entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    private static void section(StringBuilder out, String title, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        out.append('\n').append(title).append(" (").append(findings.size()).append("):\n");
        for (var finding : findings) {
            out.append("  ").append(finding.status()).append(' ').append(finding.path());
            var where = String.join(", ", List.of(finding.configuration(), finding.platform(), finding.origin())
                    .stream().filter(s -> !s.isEmpty()).toList());
            out.append(" [").append(where).append(']');
            if (!finding.detail().isEmpty()) {
                out.append(": ").append(finding.detail());
            }
            if (finding.logUrl() != null) {
                out.append("\n    log: ").append(finding.logUrl());
            }
            if (finding.dashboardUrl() != null) {
                out.append("\n    dashboard: ").append(finding.dashboardUrl());
            }
            out.append('\n');
        }
    }
}
