package dev.labgate.kcidb;

import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A verdict as Markdown a contributor understands in ten seconds: one line of verdict, a short
 * table of what fails it with links, then everything else collapsed, including why each entry of
 * the test plan ran. Long lists are cut so that a summary comment stays well within forge limits.
 */
public final class VerdictMarkdown {

    /** Rows in the table of failures shown open; the rest are counted. */
    static final int TABLE_ROWS = 10;
    /** Lines per list inside the collapsed details. */
    static final int DETAIL_LINES = 50;

    private VerdictMarkdown() {
    }

    /** The whole summary: the verdict line, then {@link #body}. */
    public static String render(Verdict verdict, List<TestPlan.Entry> plan) {
        return "### " + verdictLine(verdict) + "\n\n" + body(verdict, plan);
    }

    /** "❌ **fail**: 2 regressions: kunit.b (x86_64 defconfig), ltp.sem01 (arm64 defconfig)". */
    public static String verdictLine(Verdict verdict) {
        var icon = switch (verdict.overall()) {
            case PASS -> "✅";
            case FAIL -> "❌";
            case PENDING -> "⏳";
            case INFRA_ERROR -> "⚠️";
        };
        return icon + " **" + verdict.overall().label() + "**: " + escape(verdict.headline());
    }

    /**
     * Everything below the verdict line: the table of failures (regressions, or without a
     * baseline every failure) and the collapsed details; for a summary that writes its own first line.
     *
     * @param plan the test plan entries of the head, each with why it was chosen; may be empty
     */
    public static String body(Verdict verdict, List<TestPlan.Entry> plan) {
        var out = new StringBuilder();
        failureTable(out, verdict);
        out.append("<details><summary>Details: ").append(escape(summaryOfDetails(verdict, plan)))
                .append("</summary>\n\n");
        if (!verdict.compared() && !verdict.notCompared().isEmpty()) {
            out.append("No results of the base commit were there to compare with, so failures are listed as ")
                    .append("they are: they may have been there before this change.\n\n");
        }
        list(out, "Known issues (do not fail the verdict)", verdict.knownIssues());
        list(out, "Flaky (passed and failed; prove nothing)", verdict.flaky());
        list(out, "Still failing (the base fails too)", verdict.stillFailing());
        list(out, "Infrastructure errors (ERROR or MISS: the test or the harness broke, the code is not judged)",
                verdict.infraErrors());
        list(out, "Fixed (failed on the base, pass here)", verdict.fixes());
        counts(out, verdict.counts());
        why(out, plan);
        out.append("</details>\n");
        return out.toString();
    }

    private static void failureTable(StringBuilder out, Verdict verdict) {
        var failures = verdict.failures();
        if (failures.isEmpty()) {
            return;
        }
        out.append(verdict.compared() ? "**Regressions** (pass or absent on the base, fail here)\n\n"
                : "**Failures** (not compared: no baseline)\n\n");
        out.append("| test | configuration | platform | origin | what went wrong | links |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (var finding : failures.subList(0, Math.min(TABLE_ROWS, failures.size()))) {
            out.append("| `").append(code(finding.path())).append("` | ").append(escape(finding.configuration()))
                    .append(" | ").append(escape(finding.platform())).append(" | ").append(escape(finding.origin()))
                    .append(" | ").append(escape(finding.detail())).append(" | ").append(links(finding)).append(" |\n");
        }
        if (failures.size() > TABLE_ROWS) {
            out.append("\n…and ").append(failures.size() - TABLE_ROWS).append(" more.\n");
        }
        out.append('\n');
    }

    private static String summaryOfDetails(Verdict verdict, List<TestPlan.Entry> plan) {
        var parts = new ArrayList<String>();
        add(parts, verdict.knownIssues().size(), "known issue", "known issues");
        add(parts, verdict.flaky().size(), "flaky", "flaky");
        add(parts, verdict.stillFailing().size(), "still failing", "still failing");
        add(parts, verdict.infraErrors().size(), "infrastructure error", "infrastructure errors");
        add(parts, verdict.fixes().size(), "fix", "fixes");
        parts.add("counts");
        if (!plan.isEmpty()) {
            parts.add("why these tests ran");
        }
        return String.join(", ", parts);
    }

    private static void add(List<String> parts, int count, String one, String many) {
        if (count > 0) {
            parts.add(count + " " + (count == 1 ? one : many));
        }
    }

    private static void list(StringBuilder out, String title, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        out.append("**").append(title).append("**\n\n");
        for (var finding : findings.subList(0, Math.min(DETAIL_LINES, findings.size()))) {
            out.append("- `").append(code(finding.path())).append("` (").append(escape(where(finding))).append(')');
            if (!finding.detail().isEmpty()) {
                out.append(": ").append(escape(finding.detail()));
            }
            var links = links(finding);
            if (!links.isEmpty()) {
                out.append(' ').append(links);
            }
            out.append('\n');
        }
        if (findings.size() > DETAIL_LINES) {
            out.append("- …and ").append(findings.size() - DETAIL_LINES).append(" more\n");
        }
        out.append('\n');
    }

    private static void counts(StringBuilder out, Verdict.Counts counts) {
        out.append("**Counts**\n\n| | results |\n|---|---|\n");
        out.append("| tests | ").append(VerdictText.statuses(counts.tests())).append(" |\n");
        out.append("| builds | ").append(VerdictText.statuses(counts.builds())).append(" |\n");
        new TreeMap<>(counts.testsByOrigin()).forEach((origin, byStatus) -> out.append("| origin ")
                .append(escape(origin)).append(" | ").append(VerdictText.statuses(byStatus)).append(" |\n"));
        new TreeMap<>(counts.testsByArchitecture()).forEach((arch, byStatus) -> out.append("| architecture ")
                .append(escape(arch)).append(" | ").append(VerdictText.statuses(byStatus)).append(" |\n"));
        if (counts.unfinished() > 0) {
            out.append("| without a status yet | ").append(counts.unfinished()).append(" |\n");
        }
        out.append('\n');
    }

    private static void why(StringBuilder out, List<TestPlan.Entry> plan) {
        if (plan.isEmpty()) {
            return;
        }
        out.append("**Why these tests ran**\n\n| lab | tests | why |\n|---|---|---|\n");
        for (var entry : plan) {
            out.append("| ").append(escape(entry.lab())).append(" | ")
                    .append(entry.tests().isEmpty() ? "the lab's default" : escape(String.join(", ", entry.tests())))
                    .append(" | ").append(entry.why().isEmpty() ? "not recorded" : escape(entry.why())).append(" |\n");
        }
        out.append('\n');
    }

    private static String where(Finding finding) {
        return String.join(", ", List.of(finding.configuration(), finding.platform(), finding.origin()).stream()
                .filter(s -> !s.isEmpty()).toList());
    }

    private static String links(Finding finding) {
        var links = new ArrayList<String>();
        if (finding.logUrl() != null) {
            links.add("[log](" + url(finding.logUrl()) + ")");
        }
        if (finding.dashboardUrl() != null) {
            links.add("[dashboard](" + url(finding.dashboardUrl()) + ")");
        }
        return String.join(" · ", links);
    }

    /**
     * Text from labs and commits goes into table cells and list items: keep it from breaking the
     * table or adding markup (HTML, mentions, links of its own).
     */
    public static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", " ").replace("\n", " ").replace("`", "'").replace("@", "@\u200b")
                .replace("[", "\\[").replace("]", "\\]");
    }

    /**
     * Test paths are plain words and dots by KCIDB's rules; anything else cannot leave the code
     * span. The empty path is KCIDB's root: all tests of a build.
     */
    private static String code(String path) {
        if (path.isEmpty()) {
            return "(all tests)";
        }
        return path.replace("`", "'").replace("|", "\\|").replace("\n", " ");
    }

    /** A link target cannot close the link or the cell. */
    private static String url(String url) {
        return url.replace(" ", "%20").replace(")", "%29").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E");
    }
}
