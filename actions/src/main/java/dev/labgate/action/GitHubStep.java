package dev.labgate.action;

import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.review.Finding;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictMarkdown;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a verdict leaves behind in a GitHub Actions job: the Markdown appended to the step summary
 * (with each command lab's output collapsed), the step's outputs, one {@code ::error} annotation per
 * failure on the job's log, and the labs' whole output as files for the job's artifacts.
 */
public final class GitHubStep {

    private final Runner.GitHub runner;
    private final PrintStream log;

    public GitHubStep(Runner.GitHub runner, PrintStream log) {
        this.runner = runner;
        this.log = log;
    }

    /** The outputs {@link #report} writes, in order; action.yml declares exactly these. */
    public static final List<String> OUTPUTS = List.of("verdict", "regressions", "failures", "summary-path", "run-url");
    /** How much of a lab's output goes into the step summary (GitHub takes 1 MiB per step); the whole is in the artifacts. */
    static final int SUMMARY_LOG_CHARS = 64 * 1024;

    /** GitHub shows at most 10 annotations of each level per step; more are not shown anywhere. */
    static final int ANNOTATIONS_PER_LEVEL = 10;

    /**
     * Writes the summary (the verdict, then each lab's output collapsed), the outputs and the
     * annotations, and each lab's whole output to {@code artifacts} as {@code <lab>.log} for the job
     * to upload; the run URL is empty when no lab gave one.
     */
    public void report(Verdict verdict, List<TestPlan.Entry> plan, Optional<String> runUrl, Map<String, String> logs,
                       Path artifacts) throws IOException {
        var markdown = new StringBuilder(VerdictMarkdown.render(verdict, plan));
        logs.forEach((lab, output) -> markdown.append('\n').append(collapsed(lab, output)));
        if (runner.stepSummary().isPresent()) {
            append(runner.stepSummary().get(), markdown + "\n");
        }
        if (!logs.isEmpty()) {
            Files.createDirectories(artifacts);
            for (var log : logs.entrySet()) {
                Files.writeString(artifacts.resolve(log.getKey() + ".log"), log.getValue(), StandardCharsets.UTF_8);
            }
        }
        var outputs = new LinkedHashMap<String, String>();
        outputs.put("verdict", verdict.overall().label());
        outputs.put("regressions", String.valueOf(verdict.regressions().size()));
        outputs.put("failures", String.valueOf(verdict.failures().size()));
        outputs.put("summary-path", runner.stepSummary().map(Path::toString).orElse(""));
        outputs.put("run-url", runUrl.orElse(""));
        if (runner.output().isPresent()) {
            append(runner.output().get(), outputLines(outputs));
        }
        for (var failure : verdict.failures()) {
            log.println(annotation(failure));
        }
    }

    /**
     * Findings as annotations on the lines they name, which GitHub shows in the pull request's
     * diff: the most severe first, as many of each level as a step may have, then how many more
     * there are.
     */
    public void annotate(List<Finding> findings) {
        var sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(Finding::severity).reversed());
        var shown = new EnumMap<Finding.Severity, Integer>(Finding.Severity.class);
        for (var finding : sorted) {
            if (shown.merge(finding.severity(), 1, Integer::sum) <= ANNOTATIONS_PER_LEVEL) {
                log.println(annotation(finding));
            }
        }
        var hidden = sorted.size() - shown.values().stream().mapToInt(n -> Math.min(n, ANNOTATIONS_PER_LEVEL)).sum();
        if (hidden > 0) {
            log.println("labgate action: " + hidden + " more findings are not annotated (GitHub shows "
                    + ANNOTATIONS_PER_LEVEL + " of each level per step)");
        }
    }

    /** A workflow command that annotates the finding's line. */
    static String annotation(Finding finding) {
        var command = switch (finding.severity()) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case NOTICE -> "notice";
        };
        return "::" + command + " file=" + property(finding.path()) + ",line=" + finding.line() + ",endLine="
                + finding.endLine() + (finding.column() > 0 && finding.endLine() == finding.line()
                ? ",col=" + finding.column() : "") + ",title=" + property(finding.tool() + " " + finding.severity()
                .label()) + "::" + data(finding.message());
    }

    /**
     * A lab's output, its end where it is long, collapsed, in a code fence longer than any run of
     * backticks in it, so that nothing in it can close the fence (CommonMark).
     */
    static String collapsed(String lab, String output) {
        var cut = output.length() > SUMMARY_LOG_CHARS;
        var shown = cut ? output.substring(output.length() - SUMMARY_LOG_CHARS) : output;
        int longest = 0;
        for (int i = 0, run = 0; i < shown.length(); i++) {
            run = shown.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        var fence = "`".repeat(Math.max(3, longest + 1));
        return "<details><summary>Output of " + VerdictMarkdown.escape(lab) + (cut ? " (its end; the whole is in "
                + "the job's artifacts)" : "") + "</summary>\n\n" + fence + "\n" + shown
                + (shown.endsWith("\n") ? "" : "\n") + fence + "\n</details>\n";
    }

    /**
     * Nothing was submitted (an untrusted head, nothing planned): the summary says why, and the
     * {@code verdict} output is {@code untrusted} or {@code skipped}.
     */
    public void reportNothing(ExitCode exit, String message) throws IOException {
        if (runner.stepSummary().isPresent()) {
            append(runner.stepSummary().get(), "**labgate**: " + message + "\n");
        }
        var outputs = new LinkedHashMap<String, String>();
        outputs.put("verdict", exit == ExitCode.UNTRUSTED ? "untrusted" : "skipped");
        outputs.put("regressions", "0");
        outputs.put("failures", "0");
        outputs.put("summary-path", runner.stepSummary().map(Path::toString).orElse(""));
        outputs.put("run-url", "");
        if (runner.output().isPresent()) {
            append(runner.output().get(), outputLines(outputs));
        }
    }

    /** {@code name=value} lines; a value with a line break uses GitHub's delimiter form. */
    static String outputLines(Map<String, String> outputs) {
        var text = new StringBuilder();
        outputs.forEach((name, value) -> {
            if (value.contains("\n") || value.contains("\r")) {
                var delimiter = "labgate_" + UUID.randomUUID();
                text.append(name).append("<<").append(delimiter).append('\n').append(value).append('\n')
                        .append(delimiter).append('\n');
            } else {
                text.append(name).append('=').append(value).append('\n');
            }
        });
        return text.toString();
    }

    /** A workflow command GitHub shows on the run page; its data is escaped as the runner expects. */
    static String annotation(Verdict.Finding failure) {
        var where = failure.configuration().isEmpty() ? "" : " (" + failure.configuration() + ")";
        var message = failure.path() + where + ": " + failure.status().name().toLowerCase(Locale.ROOT)
                + (failure.detail().isEmpty() ? "" : ", " + failure.detail())
                + (failure.logUrl() == null ? "" : " log: " + failure.logUrl());
        return "::error title=" + property("labgate: " + failure.path()) + "::" + data(message);
    }

    private static String data(String text) {
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String property(String text) {
        return data(text).replace(":", "%3A").replace(",", "%2C");
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
