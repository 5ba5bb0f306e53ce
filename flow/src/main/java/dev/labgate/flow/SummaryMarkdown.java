package dev.labgate.flow;

import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.run.StageOrder;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictMarkdown;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The summary comment (and a GitHub check run's details): the verdict's headline once, one line
 * on the commit, its labs in the order of the plan's stages and what it was compared with, then the
 * verdict of all the labs' results (a build and the boots after it together).
 */
final class SummaryMarkdown {

    private SummaryMarkdown() {
    }

    /** @param whys why the plan chose each run, by run id (absent where not recorded) */
    static String render(String headSha, List<Run> runs, Verdict verdict, RunLinks links, Map<String, String> whys,
                         Baselines baselines) {
        var summary = SummaryVerdict.of(runs);
        var open = runs.stream().filter(r -> !r.state().isTerminal()).count();
        var sb = new StringBuilder("### labgate: ");
        sb.append(switch (summary) {
            case WAITING -> "⏸ waiting for approval";
            case RUNNING -> "⏳ " + open + " of " + runs.size() + (runs.size() == 1 ? " lab" : " labs") + " still running";
            case FAILED, PASSED -> VerdictMarkdown.verdictLine(verdict);
            case INCOMPLETE -> verdict.overall() == Verdict.Overall.INFRA_ERROR ? VerdictMarkdown.verdictLine(verdict)
                    : "⚠️ **incomplete**: " + escape(incomplete(runs));
        });
        // A whole commit hash is a link to the commit on both forges.
        sb.append("\n\nCommit ").append(headSha).append(" on ")
                .append(labs(runs, links)).append(". ").append(compared(runs, verdict, baselines, links)).append("\n\n");
        if (summary == SummaryVerdict.WAITING) {
            sb.append("The author is not trusted to use the labs yet. A maintainer can approve this commit ")
                    .append("by commenting `/labgate ok-to-test`.\n\n");
            return sb.toString();
        }
        var counts = verdict.counts();
        if (counts.totalTests() + counts.totalBuilds() > 0) {
            var plan = runs.stream().map(r -> new TestPlan.Entry(r.lab(), r.tests(), whys.getOrDefault(r.id(), ""),
                    r.after())).toList();
            sb.append(VerdictMarkdown.body(verdict, plan));
        }
        return sb.toString();
    }

    /** "[local](…) failed, [rack](…) queued (position 2)": each lab with its state, and its note while it runs. */
    private static String labs(List<Run> runs, RunLinks links) {
        return StageOrder.of(runs).stream().map(run -> {
            var link = links.run(run.id());
            var lab = link == null ? escape(run.lab()) : "[" + escape(run.lab()) + "](" + link + ")";
            var stage = run.after().map(after -> " (after " + escape(after) + ")").orElse("");
            // A running lab says what it does; a lab that was not run says why.
            var state = run.note().isEmpty() || run.state().isTerminal() && run.state() != RunState.SKIPPED
                    ? run.state().label() : run.state().isTerminal() ? run.state().label() + " (" + escape(run.note()) + ")"
                    : escape(run.note());
            return lab + stage + " " + state;
        }).collect(Collectors.joining(", "));
    }

    /**
     * What the labs' results were compared with, once when every lab says the same; why they were
     * not, only when there are failures for it to matter.
     */
    private static String compared(List<Run> runs, Verdict verdict, Baselines baselines, RunLinks links) {
        var phrases = new LinkedHashSet<String>();
        for (var run : runs) {
            if (run.state() == RunState.AWAITING_APPROVAL || run.state() == RunState.CANCELLED) {
                continue;
            }
            var found = baselines.of(run);
            var base = run.baseSha() == null ? "" : run.baseSha();
            if (found instanceof Baselines.Known known) {
                var from = known.from().get(0);
                var link = links.run(from.id());
                phrases.add("Compared with the base commit " + base + " on " + escape(run.lab())
                        + (link == null ? "" : " ([" + (known.from().size() == 1 ? "run" : "newest of "
                        + known.from().size() + " runs") + "](" + link + "))") + ".");
            } else if (found instanceof Baselines.Pending pending) {
                var link = links.run(pending.base().id());
                phrases.add("The base commit " + base + " is being tested on " + escape(run.lab())
                        + (link == null ? "" : " ([run](" + link + "))") + " to compare with.");
            } else if (found instanceof Baselines.None none && !none.why().isEmpty() && !verdict.failures().isEmpty()) {
                phrases.add("Not compared: " + escape(none.why()) + ".");
            }
        }
        return String.join(" ", phrases);
    }

    private static String incomplete(List<Run> runs) {
        var reasons = new ArrayList<String>();
        for (var run : runs) {
            if (run.state() != RunState.PASSED && run.state() != RunState.FAILED) {
                reasons.add(run.lab() + " " + run.state().label() + (run.note().isEmpty() ? "" : ": " + run.note()));
            }
        }
        return String.join("; ", reasons) + "; nothing is known about the code there";
    }

    static String escape(String text) {
        return VerdictMarkdown.escape(text);
    }
}
