package dev.labgate.action;

import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.review.Finding;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubStepTest {

    static final String HEAD = "1".repeat(40);

    static Verdict regression() {
        var finding = new Verdict.Finding("t1", "kunit.example.test_one", "labgate", "x86_64 defconfig", "qemu",
                Status.FAIL, "https://lab.example/log/1", null, "passed on the base", "");
        return new Verdict(Verdict.Overall.FAIL, "1 regression: kunit.example.test_one", true, List.of(finding),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Verdict.Counts.none());
    }

    static Verdict pass() {
        return new Verdict(Verdict.Overall.PASS, "no regressions", true, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), Verdict.Counts.none());
    }

    static Runner.GitHub runner(Path dir, String eventName) {
        return new Runner.GitHub("linux/kernel", URI.create("http://127.0.0.1:1"), URI.create("https://github.com"), "ghs_secret", eventName,
                dir.resolve("event.json"), Optional.of(dir.resolve("summary.md")), Optional.of(dir.resolve("output")),
                Optional.empty(), Optional.empty());
    }

    @Test
    void regressionWritesSummaryOutputsAndOneAnnotation(@TempDir Path dir) throws Exception {
        var log = new ByteArrayOutputStream();
        new GitHubStep(runner(dir, "pull_request"), new PrintStream(log, true, StandardCharsets.UTF_8))
                .report(regression(), List.of(), Optional.of("https://labgate.example/runs/42"),
                        Map.of("local", "KTAP version 1\n```\nnot ok 1 demo\n"), dir.resolve("artifacts"));

        assertThat(Files.readString(dir.resolve("summary.md"))).contains("**fail**")
                .contains("kunit.example.test_one")
                .contains("<details><summary>Output of local</summary>\n\n````\nKTAP version 1\n```\nnot ok 1 demo\n"
                        + "````\n</details>");
        assertThat(Files.readString(dir.resolve("artifacts/local.log"))).isEqualTo("KTAP version 1\n```\nnot ok 1 demo\n");
        assertThat(Files.readAllLines(dir.resolve("output"))).containsExactly("verdict=fail", "regressions=1",
                "failures=1", "summary-path=" + dir.resolve("summary.md"), "run-url=https://labgate.example/runs/42");
        assertThat(log.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "::error title=labgate%3A kunit.example.test_one::kunit.example.test_one (x86_64 defconfig): fail, "
                        + "passed on the base log: https://lab.example/log/1");
    }

    @Test
    void passAppendsToWhatEarlierStepsWrote(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("output"), "earlier=1\n");
        var log = new ByteArrayOutputStream();
        new GitHubStep(runner(dir, "push"), new PrintStream(log, true, StandardCharsets.UTF_8))
                .report(pass(), List.of(), Optional.empty(), Map.of(), dir.resolve("artifacts"));

        assertThat(Files.readAllLines(dir.resolve("output"))).startsWith("earlier=1", "verdict=pass", "regressions=0");
        assertThat(log.size()).isZero();
    }

    @Test
    void failuresThatCouldNotBeComparedFailTheJobButAreNoRegressions(@TempDir Path dir) throws Exception {
        var failure = new Verdict.Finding("t1", "kunit.a", "labgate", "", "", Status.FAIL, null, null, "", "");
        var notCompared = new Verdict(Verdict.Overall.FAIL, "1 failure not compared (no baseline): kunit.a", false,
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(failure),
                Verdict.Counts.none());

        new GitHubStep(runner(dir, "push"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .report(notCompared, List.of(), Optional.empty(), Map.of(), dir.resolve("artifacts"));

        assertThat(Files.readAllLines(dir.resolve("output"))).contains("regressions=0", "failures=1");
    }

    @Test
    void aLongOutputShowsItsEndInTheSummary() {
        var output = "x".repeat(GitHubStep.SUMMARY_LOG_CHARS) + "the end\n";

        var collapsed = GitHubStep.collapsed("local", output);

        assertThat(collapsed).contains("(its end; the whole is in the job's artifacts)").contains("the end\n```")
                .hasSizeLessThan(GitHubStep.SUMMARY_LOG_CHARS + 200);
    }

    @Test
    void multiLineOutputUsesTheDelimiterForm() {
        var text = GitHubStep.outputLines(Map.of("verdict", "a\nb"));
        var lines = text.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("verdict<<labgate_");
        assertThat(lines.get(3)).isEqualTo(lines.get(0).substring("verdict<<".length()));
        assertThat(lines.subList(1, 3)).containsExactly("a", "b");
    }

    @Test
    void annotationEscapesLineBreaksAndPercent() {
        var finding = new Verdict.Finding("t", "ltp.a,b", "lab", "", "", Status.ERROR, null, null, "", "");
        assertThat(GitHubStep.annotation(finding))
                .isEqualTo("::error title=labgate%3A ltp.a%2Cb::ltp.a,b: error");
        var detailed = new Verdict.Finding("t", "x", "lab", "", "", Status.FAIL, null, null, "100%\nnext", "");
        assertThat(GitHubStep.annotation(detailed)).isEqualTo("::error title=labgate%3A x::x: fail, 100%25%0Anext");
    }

    @Test
    void pullRequestTargetPayloadIsReadByTheServiceParser(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("event.json"), """
                {"action": "synchronize", "number": 12,
                 "pull_request": {"number": 12, "title": "mm: fix leak", "draft": false,
                   "html_url": "https://github.com/linux/kernel/pull/12",
                   "user": {"login": "alice"},
                   "head": {"sha": "%s", "ref": "fix", "repo": {"full_name": "alice/kernel"}},
                   "base": {"sha": "%s", "ref": "main", "repo": {"full_name": "linux/kernel"}}},
                 "repository": {"full_name": "linux/kernel"},
                 "sender": {"login": "alice"}}
                """.formatted(HEAD, "2".repeat(40)));
        var settings = GitHubSettings.withToken("github", URI.create("https://api.github.com"),
                URI.create("https://github.com"), List.of(), "ghs_secret", "labgate[bot]");
        var event = new GitHubEventFile(new GitHubForge(settings, Clock.systemUTC()), Clock.systemUTC())
                .read(runner(dir, "pull_request_target"));

        assertThat(event).isInstanceOf(ForgeEvent.ChangeUpdated.class);
        var change = (ForgeEvent.ChangeUpdated) event;
        assertThat(change.action()).isEqualTo(ChangeAction.PUSHED);
        assertThat(change.headSha()).isEqualTo(HEAD);
        assertThat(change.author().login()).isEqualTo("alice");
        assertThat(change.fromFork()).isTrue();
        assertThat(change.change().number()).isEqualTo(12);
    }

    @Test
    void findingsAreAnnotatedMostSevereFirstTenOfEachLevelWithTheirPlaceEscaped(@TempDir Path dir) {
        var log = new ByteArrayOutputStream();
        var runner = new Runner.GitHub("acme/linux", URI.create("https://api.github.com"),
                URI.create("https://github.com"), "t", "pull_request", dir.resolve("event.json"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        var findings = new ArrayList<Finding>();
        for (int i = 1; i <= 12; i++) {
            findings.add(Finding.at("drivers/a.c", i, 0, Finding.Severity.WARNING, "warning " + i, "gcc"));
        }
        findings.add(Finding.at("drivers/odd,name:x.c", 3, 7, Finding.Severity.ERROR, "50% wrong\nsecond line",
                "sparse"));
        new GitHubStep(runner, new PrintStream(log, true, StandardCharsets.UTF_8)).annotate(findings);
        var lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("::error file=drivers/odd%2Cname%3Ax.c,line=3,endLine=3,col=7,"
                + "title=sparse error::50%25 wrong%0Asecond line");
        assertThat(lines).filteredOn(l -> l.startsWith("::warning ")).hasSize(10);
        assertThat(lines).last().asString().contains("2 more findings are not annotated");
    }
}
