package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Status;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A verdict as Markdown a contributor understands in ten seconds: one line of verdict, a short
 * table of what fails it in the log's own words with links, the failures the base already had,
 * then everything else collapsed, including why each entry of the test plan ran. Columns and rows
 * that would hold nothing are left out; long lists are cut so that a summary comment stays well
 * within forge limits.
 */
public final class VerdictMarkdown {

    /** Rows in the table of failures shown open; the rest are counted. */
    static final int TABLE_ROWS = 10;
    /** Lines per list inside the collapsed details. */
    static final int DETAIL_LINES = 50;
    /** Failures whose log excerpt is shown, and how much of each. */
    static final int EXCERPTS = 3;
    static final int EXCERPT_LINES = 40;
    static final int EXCERPT_CHARS = 4_000;

    private VerdictMarkdown() {
    }

    /** The whole summary: the verdict line, then {@link #body}. */
    public static String render(Verdict verdict, List<TestPlan.Entry> plan) {
        return "### " + verdictLine(verdict) + "\n\n" + body(verdict, plan);
    }

    /**
     * "❌ **fail**: 1 regression: kunit.demo.demo_sub: Expected 2 == 3, but … ([log](…))": the
     * headline, with a link to the log when it names one failure that has one.
     */
    public static String verdictLine(Verdict verdict) {
        var icon = switch (verdict.overall()) {
            case PASS -> "✅";
            case FAIL -> "❌";
            case PENDING -> "⏳";
            case INFRA_ERROR -> "⚠️";
        };
        return icon + " **" + verdict.overall().label() + "**: " + headline(verdict);
    }

    /** The headline, escaped, with a link to the log of the one failure it names, when there is one. */
    public static String headline(Verdict verdict) {
        var named = switch (verdict.overall()) {
            case FAIL -> verdict.failures();
            case INFRA_ERROR -> verdict.infraErrors();
            case PASS, PENDING -> List.<Finding>of();
        };
        var log = named.size() == 1 && named.get(0).logUrl() != null
                ? " ([log](" + url(named.get(0).logUrl()) + "))" : "";
        return escape(verdict.headline()) + log;
    }

    /**
     * Everything below the verdict line: the tables of failures (regressions, and failures that
     * could not be compared), their log excerpts, the failures the base already had, and the
     * collapsed details; for a summary that writes its own first line.
     *
     * @param plan the test plan entries of the head, each with why it was chosen; may be empty
     */
    public static String body(Verdict verdict, List<TestPlan.Entry> plan) {
        var out = new StringBuilder();
        table(out, "**Regressions** (pass or absent on the base, fail here)", verdict.regressions());
        table(out, "**Failures not compared** (no results of the base commit on that lab: they may have been "
                + "there before this change)", verdict.notCompared());
        excerpts(out, verdict.failures());
        list(out, "**Failing on the base too** (not this change's doing)", verdict.stillFailing());
        out.append("<details><summary>Details: ").append(escape(summaryOfDetails(verdict, plan)))
                .append("</summary>\n\n");
        list(out, "**Known issues** (do not fail the verdict)", verdict.knownIssues());
        list(out, "**Flaky** (passed and failed; prove nothing)", verdict.flaky());
        list(out, "**Infrastructure errors** (ERROR or MISS: the test or the harness broke, the code is not judged)",
                verdict.infraErrors());
        list(out, "**Fixed** (failed on the base, pass here)", verdict.fixes());
        counts(out, verdict.counts());
        why(out, plan);
        out.append("</details>\n");
        return out.toString();
    }

    /** A table of failures with only the columns that hold something. */
    private static void table(StringBuilder out, String title, List<Finding> failures) {
        if (failures.isEmpty()) {
            return;
        }
        var shown = failures.subList(0, Math.min(TABLE_ROWS, failures.size()));
        var columns = new ArrayList<Column>();
        columns.add(new Column("test", f -> "`" + code(f.path()) + "`"));
        optional(columns, shown, "configuration", Finding::configuration);
        optional(columns, shown, "platform", Finding::platform);
        if (shown.stream().map(Finding::origin).distinct().count() > 1) {
            columns.add(new Column("origin", f -> escape(f.origin())));
        }
        optional(columns, shown, "what went wrong", Finding::detail);
        if (shown.stream().anyMatch(f -> !links(f).isEmpty())) {
            columns.add(new Column("links", VerdictMarkdown::links));
        }
        out.append(title).append("\n\n|");
        columns.forEach(c -> out.append(' ').append(c.name()).append(" |"));
        out.append("\n|");
        columns.forEach(c -> out.append("---|"));
        out.append('\n');
        for (var finding : shown) {
            out.append('|');
            columns.forEach(c -> out.append(' ').append(c.cell().apply(finding)).append(" |"));
            out.append('\n');
        }
        if (failures.size() > TABLE_ROWS) {
            out.append("\n…and ").append(failures.size() - TABLE_ROWS).append(" more.\n");
        }
        out.append('\n');
    }

    private record Column(String name, Function<Finding, String> cell) {
    }

    private static void optional(List<Column> columns, List<Finding> shown, String name,
                                 Function<Finding, String> value) {
        if (shown.stream().anyMatch(f -> !value.apply(f).isEmpty())) {
            columns.add(new Column(name, f -> escape(value.apply(f))));
        }
    }

    /** The log excerpts of the first failures, collapsed: each failure in its own words. */
    private static void excerpts(StringBuilder out, List<Finding> failures) {
        failures.stream().filter(f -> !f.excerpt().isBlank()).limit(EXCERPTS).forEach(f -> out
                .append("<details><summary>Log excerpt of <code>").append(html(f.path().isEmpty() ? "(all tests)"
                        : f.path())).append("</code></summary>\n\n```\n").append(fenced(f.excerpt()))
                .append("\n```\n</details>\n\n"));
    }

    private static String summaryOfDetails(Verdict verdict, List<TestPlan.Entry> plan) {
        var parts = new ArrayList<String>();
        add(parts, verdict.knownIssues().size(), "known issue", "known issues");
        add(parts, verdict.flaky().size(), "flaky", "flaky");
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
        out.append(title).append("\n\n");
        var origins = findings.stream().map(Finding::origin).distinct().count() > 1;
        for (var finding : findings.subList(0, Math.min(DETAIL_LINES, findings.size()))) {
            var where = where(finding, origins);
            out.append("- `").append(code(finding.path())).append('`')
                    .append(where.isEmpty() ? "" : " (" + escape(where) + ")");
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

    /** The counts, a row for each thing there is; by origin or architecture only when there are several. */
    private static void counts(StringBuilder out, Verdict.Counts counts) {
        out.append("**Counts**\n\n| | results |\n|---|---|\n");
        out.append("| tests | ").append(VerdictText.statuses(counts.tests())).append(" |\n");
        // One build that passed says nothing a command lab's tests do not.
        var builds = counts.totalBuilds();
        if (builds > 1 || builds == 1 && !counts.builds().containsKey(Status.PASS)) {
            out.append("| builds | ").append(VerdictText.statuses(counts.builds())).append(" |\n");
        }
        if (counts.testsByOrigin().size() > 1) {
            new TreeMap<>(counts.testsByOrigin()).forEach((origin, byStatus) -> out.append("| origin ")
                    .append(escape(origin)).append(" | ").append(VerdictText.statuses(byStatus)).append(" |\n"));
        }
        if (counts.testsByArchitecture().size() > 1) {
            new TreeMap<>(counts.testsByArchitecture()).forEach((arch, byStatus) -> out.append("| architecture ")
                    .append(escape(arch)).append(" | ").append(VerdictText.statuses(byStatus)).append(" |\n"));
        }
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

    /** Where a finding ran: its configuration and platform, and its origin where a list has several. */
    private static String where(Finding finding, boolean origin) {
        return String.join(", ", List.of(finding.configuration(), finding.platform(), origin ? finding.origin() : "")
                .stream().filter(s -> !s.isEmpty()).toList());
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

    /** Text inside an HTML element of the summary. */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b");
    }

    /**
     * A log excerpt inside a fenced code block: at most {@link #EXCERPT_LINES} lines and
     * {@link #EXCERPT_CHARS} characters (its end, where the failure is), unable to close the fence.
     */
    static String fenced(String excerpt) {
        var lines = excerpt.strip().split("\\r?\\n");
        var from = Math.max(0, lines.length - EXCERPT_LINES);
        var text = String.join("\n", List.of(lines).subList(from, lines.length));
        if (text.length() > EXCERPT_CHARS) {
            text = text.substring(text.length() - EXCERPT_CHARS);
            from = 1;
        }
        return (from > 0 ? "[…]\n" : "") + text.replace("```", "'''").replace("~~~", "'''");
    }

    /** A link target cannot close the link or the cell. */
    private static String url(String url) {
        return url.replace(" ", "%20").replace(")", "%29").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E");
    }
}
