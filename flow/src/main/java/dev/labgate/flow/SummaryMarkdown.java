package dev.labgate.flow;

import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.StageOrder;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictMarkdown;

import java.util.List;
import java.util.Map;

/**
 * The summary comment: one line of state, one line per lab in the order of the plan's stages, then
 * the verdict of all their results (a build and the boots after it together).
 */
final class SummaryMarkdown {

    private SummaryMarkdown() {
    }

    /** @param whys why the plan chose each run, by run id (absent where not recorded) */
    static String render(String headSha, List<Run> runs, Verdict verdict, RunLinks links, Map<String, String> whys) {
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
        for (var run : StageOrder.of(runs)) {
            var link = links.run(run.id());
            var lab = link == null ? escape(run.lab()) : "[" + escape(run.lab()) + "](" + link + ")";
            var stage = run.after().map(after -> " (after " + escape(after) + ")").orElse("");
            sb.append("| ").append(lab).append(stage).append(" | ").append(run.state().label()).append(" | ")
                    .append(escape(run.note())).append(" |\n");
        }
        if (!waiting) {
            var plan = runs.stream().map(r -> new TestPlan.Entry(r.lab(), r.tests(), whys.getOrDefault(r.id(), ""),
                    r.after())).toList();
            sb.append('\n').append(VerdictMarkdown.verdictLine(verdict)).append("\n\n")
                    .append(VerdictMarkdown.body(verdict, plan));
        }
        return sb.toString();
    }

    static String escape(String text) {
        return VerdictMarkdown.escape(text);
    }
}
