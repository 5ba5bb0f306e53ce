package dev.labgate.flow;

import dev.labgate.core.run.Run;
import dev.labgate.core.verdict.Verdict;

import java.util.List;

/** The summary comment: one line of verdict, then one line per lab, then what failed. */
final class SummaryMarkdown {

    private SummaryMarkdown() {
    }

    static String render(String headSha, List<Run> runs, Verdict verdict, RunLinks links) {
        var open = runs.stream().filter(r -> !r.state().isTerminal()).count();
        var summary = SummaryVerdict.of(runs);
        var waiting = summary == SummaryVerdict.WAITING;
        var sb = new StringBuilder();
        sb.append("### labgate: ");
        sb.append(switch (summary) {
            case WAITING -> "⏸ waiting for approval";
            case RUNNING -> "⏳ " + open + " of " + runs.size() + " labs still running";
            case FAILED -> "❌ failed";
            case PASSED -> "✅ passed";
            case INCOMPLETE -> "⚠️ incomplete: infrastructure trouble, nothing is known about some labs";
        });
        sb.append("\n\nTested commit `").append(headSha).append("`.\n\n");
        if (waiting) {
            sb.append("The author is not trusted to use the labs yet. A maintainer can approve this commit ")
                    .append("by commenting `/labgate ok-to-test`.\n\n");
        }
        sb.append("| lab | state | result |\n|---|---|---|\n");
        for (var run : runs) {
            var link = links.run(run.id());
            var lab = link == null ? escape(run.lab()) : "[" + escape(run.lab()) + "](" + link + ")";
            sb.append("| ").append(lab).append(" | ").append(run.state().label()).append(" | ")
                    .append(escape(run.note())).append(" |\n");
        }
        var failures = verdict.regressions().isEmpty() ? verdict.notCompared() : verdict.regressions();
        if (!failures.isEmpty()) {
            sb.append("\n**Failures**\n\n");
            for (var finding : failures) {
                sb.append("- `").append(finding.path()).append("`");
                if (!finding.configuration().isEmpty()) {
                    sb.append(" (").append(escape(finding.configuration())).append(")");
                }
                if (finding.logUrl() != null) {
                    sb.append(" [log](").append(finding.logUrl()).append(")");
                }
                if (!finding.detail().isEmpty()) {
                    sb.append(": ").append(escape(finding.detail()));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Text from labs and commits goes into a table cell: keep it from breaking the table or adding markup. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", " ").replace("`", "'");
    }
}
