package dev.labgate.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictMarkdown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict as GitLab CI job artifacts in one directory: {@code verdict.md} for people,
 * {@code verdict.json} for scripts, {@code junit.xml} for the merge request's test widget, and
 * {@code <lab>.log}, the whole output of each lab that ran in the job (the command lab).
 */
public final class GitLabArtifacts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public GitLabArtifacts(Path directory) {
        this.directory = directory;
    }

    public void write(Verdict verdict, List<TestPlan.Entry> plan, Optional<String> runUrl, Map<String, String> logs)
            throws IOException {
        Files.createDirectories(directory);
        for (var log : logs.entrySet()) {
            Files.writeString(directory.resolve(log.getKey() + ".log"), log.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(directory.resolve("verdict.md"), VerdictMarkdown.render(verdict, plan) + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("verdict.json"), json(verdict, runUrl), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("junit.xml"), junit(verdict), StandardCharsets.UTF_8);
    }

    /**
     * Nothing was tested (an untrusted head, or nothing to test): the artifacts still say why, so
     * the merge request shows the reason instead of a missing report.
     */
    public void writeNothing(ExitCode exit, String message) throws IOException {
        Files.createDirectories(directory);
        var untrusted = exit == ExitCode.UNTRUSTED;
        Files.writeString(directory.resolve("verdict.md"), "**labgate**: " + message + "\n", StandardCharsets.UTF_8);
        var root = root(untrusted ? "untrusted" : "skipped", message, 0, Optional.empty());
        root.putArray("failures");
        Files.writeString(directory.resolve("verdict.json"), pretty(root), StandardCharsets.UTF_8);
        // Skipped, not failed, either way: nothing is known to be wrong with the change.
        var testCase = "    <testcase classname=\"labgate\" name=\"" + (untrusted ? "trust" : "plan") + "\">\n      "
                + "<skipped message=\"" + xml(message) + "\"/>\n    </testcase>\n";
        Files.writeString(directory.resolve("junit.xml"), suite(1, 0, 0, testCase), StandardCharsets.UTF_8);
    }

    static String json(Verdict verdict, Optional<String> runUrl) throws IOException {
        var root = root(verdict.overall().label(), verdict.headline(), verdict.regressions().size(), runUrl);
        root.put("failing", verdict.failures().size());
        var failures = root.putArray("failures");
        for (var failure : verdict.failures()) {
            failures.addObject().put("path", failure.path()).put("configuration", failure.configuration())
                    .put("platform", failure.platform()).put("status", failure.status().name())
                    .put("logUrl", failure.logUrl()).put("detail", failure.detail())
                    .put("compared", verdict.regressions().contains(failure));
        }
        return pretty(root);
    }

    private static ObjectNode root(String verdict, String headline, int regressions, Optional<String> runUrl) {
        var root = JSON.createObjectNode();
        root.put("verdict", verdict);
        root.put("headline", headline);
        root.put("regressions", regressions);
        root.put("runUrl", runUrl.orElse(""));
        return root;
    }

    private static String pretty(ObjectNode root) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    /**
     * One test case per failure of the verdict; a verdict without failures is one passing case,
     * and an infrastructure error is one erroring case, so the widget never shows an empty report.
     */
    static String junit(Verdict verdict) {
        var failures = verdict.failures();
        var infra = verdict.overall() == Verdict.Overall.INFRA_ERROR || verdict.overall() == Verdict.Overall.PENDING;
        var cases = new StringBuilder();
        for (var failure : failures) {
            var name = failure.path() + (failure.configuration().isEmpty() ? "" : " (" + failure.configuration() + ")");
            cases.append("    <testcase classname=\"labgate.").append(xml(failure.origin())).append("\" name=\"")
                    .append(xml(name)).append("\">\n      <failure message=\"")
                    .append(xml(failure.status().name().toLowerCase(Locale.ROOT) + (failure.detail().isEmpty() ? ""
                            : ": " + failure.detail()))).append("\">")
                    .append(xml(failure.logUrl() == null ? "" : failure.logUrl()))
                    .append("</failure>\n    </testcase>\n");
        }
        if (infra) {
            cases.append("    <testcase classname=\"labgate\" name=\"labs\">\n      <error message=\"")
                    .append(xml(verdict.headline())).append("\"/>\n    </testcase>\n");
        } else if (failures.isEmpty()) {
            cases.append("    <testcase classname=\"labgate\" name=\"verdict\"/>\n");
        }
        var total = failures.size() + (infra || failures.isEmpty() ? 1 : 0);
        return suite(total, failures.size(), infra ? 1 : 0, cases.toString());
    }

    private static String suite(int tests, int failures, int errors, String cases) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"labgate\" tests=\""
                + tests + "\" failures=\"" + failures + "\" errors=\"" + errors + "\">\n" + cases
                + "  </testsuite>\n</testsuites>\n";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
