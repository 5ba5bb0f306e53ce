package dev.labgate.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.config.PolicyParser;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.FakeGitLab;
import dev.labgate.testkit.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole job from an injected environment to files, statuses and the exit code. */
class ActionJobTest {

    static final String HEAD = "c".repeat(40);

    @TempDir
    Path dir;
    TestClock clock = new TestClock(Instant.parse("2026-11-24T20:00:00Z"));
    OneShotTest.ScriptedLab lab = new OneShotTest.ScriptedLab("qemu");
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    ActionJob job() {
        ChangeCommits noCommits = (range, keys) -> {
            throw new ChangeCommits.Unavailable("not needed without signatures", null);
        };
        var out = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new ActionJob(new OneShot(OneShot.gate(noCommits, clock, "a maintainer approves"),
                name -> name.equals("qemu") ? Optional.<Lab>of(lab) : Optional.empty(), new VerdictAggregator(),
                clock, clock::advance, out), clock, out);
    }

    @Test
    void gitHubRegressionWritesSummaryOutputsAnnotationsAndExitsOne() throws Exception {
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token")) {
            github.openChange("acme/linux", 9, "alice", HEAD, "d".repeat(40), true, List.of("a.c"), List.of(HEAD));
            github.permission("acme/linux", "alice", Permission.Level.WRITE);
            Files.write(dir.resolve("event.json"), github.changeDelivery("acme/linux", 9, "pushed").body());
            lab.script(new LabProgress.Queued(-1), OneShotTest.finished(Status.FAIL));
            var env = new HashMap<>(Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "acme/linux",
                    "GITHUB_API_URL", github.url().toString(), "GITHUB_TOKEN", "gh-token",
                    "GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_EVENT_PATH", dir.resolve("event.json").toString(),
                    "GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString(),
                    "GITHUB_OUTPUT", dir.resolve("output").toString(), "LABGATE_TIMEOUT", "30",
                    "LABGATE_ARTIFACTS", dir.resolve("labgate-report").toString()));

            var exit = job().run(env, runner -> new GitHubForge(GitHubSettings.withToken("github",
                    ((Runner.GitHub) runner).apiUrl(), URI.create("https://github.example"), List.of(),
                    ((Runner.GitHub) runner).token(), "labgate-bot"), clock), OneShotTest.policy());

            assertThat(exit).isEqualTo(ExitCode.REGRESSION);
            assertThat(Files.readString(dir.resolve("summary.md"))).contains("**fail**").contains("boot.smoke");
            // Without a baseline (the policy's lab takes none) the failure fails the job but is no regression.
            assertThat(Files.readAllLines(dir.resolve("output"))).contains("verdict=fail", "regressions=0",
                    "failures=1", "run-url=https://lab.example/run/1");
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("::error title=labgate%3A boot.smoke::")
                    .contains("qemu: queued").doesNotContain("gh-token");
            assertThat(github.statusesSeen("acme/linux", HEAD)).extracting(FakeForge.Status::state)
                    .containsExactly(FakeForge.State.PENDING, FakeForge.State.FAILURE);
        }
    }

    static final String DIFF = """
            diff --git a/a.c b/a.c
            --- a/a.c
            +++ b/a.c
            @@ -1,2 +1,3 @@
             int a;
            +int a_long_line_that_checkpatch_does_not_like_at_all_because_it_is_longer_than_a_hundred_columns_wide;
             int b;
            """;

    static LabProgress finishedWithCheckpatch() {
        return new LabProgress.Finished(KcidbData.of(List.of(), List.of(), List.of(dev.labgate.core.kcidb.Test.of("lab:t1", "lab:b1", "lab",
                "checkpatch", Status.FAIL).withLog(null, "a.c:2: WARNING: line length of 104 exceeds 100 columns\n"))));
    }

    Map<String, String> gitHubEnv(FakeGitHub github) throws Exception {
        Files.write(dir.resolve("event.json"), github.changeDelivery("acme/linux", 9, "pushed").body());
        return Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "acme/linux",
                "GITHUB_API_URL", github.url().toString(), "GITHUB_TOKEN", "gh-token",
                "GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_EVENT_PATH", dir.resolve("event.json").toString(),
                "GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString(),
                "GITHUB_OUTPUT", dir.resolve("output").toString(), "LABGATE_TIMEOUT", "30",
                "LABGATE_ARTIFACTS", dir.resolve("labgate-report").toString());
    }

    ExitCode runOnGitHub(FakeGitHub github) throws Exception {
        return job().run(gitHubEnv(github), runner -> new GitHubForge(GitHubSettings.withToken("github",
                ((Runner.GitHub) runner).apiUrl(), URI.create("https://github.example"), List.of(),
                ((Runner.GitHub) runner).token(), "labgate-bot"), clock), OneShotTest.policy());
    }

    @Test
    void gitHubWithPullRequestsWriteReviewsTheFindingOnItsLine() throws Exception {
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token")) {
            github.openChange("acme/linux", 9, "alice", HEAD, "d".repeat(40), false, List.of("a.c"), List.of(HEAD));
            github.changeDiff("acme/linux", 9, DIFF);
            github.permission("acme/linux", "alice", Permission.Level.WRITE);
            lab.script(finishedWithCheckpatch());

            runOnGitHub(github);

            assertThat(github.reviewComments("acme/linux", 9)).singleElement().satisfies(c -> {
                assertThat(c.path()).isEqualTo("a.c");
                assertThat(c.line()).isEqualTo(2);
                assertThat(c.body()).contains("line length of 104 exceeds 100 columns");
            });
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("1 findings reviewed").doesNotContain("::warning");
        }
    }

    @Test
    void gitHubWithoutPullRequestsWriteAnnotatesTheFindingInstead() throws Exception {
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token").forbidReviews()) {
            github.openChange("acme/linux", 9, "alice", HEAD, "d".repeat(40), false, List.of("a.c"), List.of(HEAD));
            github.changeDiff("acme/linux", 9, DIFF);
            github.permission("acme/linux", "alice", Permission.Level.WRITE);
            lab.script(finishedWithCheckpatch());

            runOnGitHub(github);

            assertThat(github.reviews("acme/linux", 9)).isEmpty();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("pull-requests: write")
                    .contains("::warning file=a.c,line=2,endLine=2,title=checkpatch warning::line length of 104 "
                            + "exceeds 100 columns");
        }
    }

    @Test
    void gitLabMergeRequestGetsADiscussionOnTheLine() throws Exception {
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 4, "alice", HEAD, "d".repeat(40), false, List.of("a.c"), List.of(HEAD));
            gitlab.changeDiff("acme/linux", 4, DIFF);
            gitlab.permission("acme/linux", "alice", Permission.Level.WRITE);
            lab.script(finishedWithCheckpatch());
            var env = Map.of("GITLAB_CI", "true", "CI_PROJECT_PATH", "acme/linux",
                    "CI_API_V4_URL", gitlab.url() + "/api/v4", "CI_COMMIT_SHA", HEAD, "CI_MERGE_REQUEST_IID", "4",
                    "LABGATE_GITLAB_TOKEN", "glpat-token", "LABGATE_ARTIFACTS", dir.resolve("r").toString());
            var policy = new PolicyParser().parse(OneShotTest.POLICY.replace("- github: acme/linux",
                    "- gitlab: acme/linux")).policy().orElseThrow();

            job().run(env, runner -> new GitLabForge(new GitLabSettings("gitlab", ((Runner.GitLab) runner).serverUrl(),
                    ((Runner.GitLab) runner).serverUrl(), List.of(), ((Runner.GitLab) runner).token(), "labgate-bot"),
                    clock), policy);

            assertThat(gitlab.discussions("acme/linux", 4)).singleElement().satisfies(d -> {
                assertThat(d.notes().get(0).position().newLine()).isEqualTo(2);
                assertThat(d.notes().get(0).body()).contains("line length of 104 exceeds 100 columns");
            });
        }
    }

    @Test
    void gitHubUntrustedAuthorGetsAnExplainedSkipAndNoLab() throws Exception {
        try (var github = new FakeGitHub("labgate-bot").acceptToken("gh-token")) {
            github.openChange("acme/linux", 9, "mallory", HEAD, "d".repeat(40), true, List.of("a.c"), List.of(HEAD));
            github.permission("acme/linux", "mallory", Permission.Level.READ);
            Files.write(dir.resolve("event.json"), github.changeDelivery("acme/linux", 9, "opened").body());
            var env = Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "acme/linux",
                    "GITHUB_API_URL", github.url().toString(), "GITHUB_TOKEN", "gh-token",
                    "GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_EVENT_PATH", dir.resolve("event.json").toString(),
                    "GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString(),
                    "GITHUB_OUTPUT", dir.resolve("output").toString(),
                    "LABGATE_ARTIFACTS", dir.resolve("labgate-report").toString());

            var exit = job().run(env, runner -> new GitHubForge(GitHubSettings.withToken("github",
                    ((Runner.GitHub) runner).apiUrl(), URI.create("https://github.example"), List.of(), "gh-token",
                    "labgate-bot"), clock), OneShotTest.policy());

            assertThat(exit.code()).isEqualTo(3);
            assertThat(lab.submitted).isEmpty();
            assertThat(Files.readString(dir.resolve("summary.md"))).contains("not tested").contains("mallory");
            assertThat(Files.readAllLines(dir.resolve("output"))).contains("verdict=untrusted");
        }
    }

    @Test
    void gitLabMergeRequestWritesArtifactsAndSetsTheStatus() throws Exception {
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 4, "alice", HEAD, "d".repeat(40), false, List.of("a.c"), List.of(HEAD));
            gitlab.permission("acme/linux", "alice", Permission.Level.WRITE);
            lab.script(OneShotTest.finished(Status.PASS));
            var artifacts = dir.resolve("labgate-report");
            var env = Map.of("GITLAB_CI", "true", "CI_PROJECT_PATH", "acme/linux",
                    "CI_API_V4_URL", gitlab.url() + "/api/v4", "CI_COMMIT_SHA", HEAD, "CI_MERGE_REQUEST_IID", "4",
                    "LABGATE_GITLAB_TOKEN", "glpat-token", "LABGATE_ARTIFACTS", artifacts.toString());
            var policy = new PolicyParser().parse(OneShotTest.POLICY.replace("- github: acme/linux",
                    "- gitlab: acme/linux")).policy().orElseThrow();

            var exit = job().run(env, runner -> new GitLabForge(new GitLabSettings("gitlab",
                    ((Runner.GitLab) runner).serverUrl(), ((Runner.GitLab) runner).serverUrl(), List.of(),
                    ((Runner.GitLab) runner).token(), "labgate-bot"), clock), policy);

            assertThat(exit).isEqualTo(ExitCode.PASS);
            assertThat(new ObjectMapper().readTree(artifacts.resolve("verdict.json").toFile()).path("verdict").asText())
                    .isEqualTo("pass");
            assertThat(Files.readString(artifacts.resolve("junit.xml"))).contains("failures=\"0\"");
            assertThat(lab.submitted).hasSize(1);
            assertThat(gitlab.statusesSeen("acme/linux", HEAD)).extracting(FakeForge.Status::state).last()
                    .isEqualTo(FakeForge.State.SUCCESS);
        }
    }

    @Test
    void gitLabRegressionFailsTheJobWithAFailingJUnitCase() throws Exception {
        lab.script(OneShotTest.finished(Status.FAIL));

        var exit = runOnGitLab("alice", Permission.Level.WRITE, "30");

        assertThat(exit).isEqualTo(ExitCode.REGRESSION);
        var artifacts = dir.resolve("labgate-report");
        var json = new ObjectMapper().readTree(artifacts.resolve("verdict.json").toFile());
        assertThat(json.path("regressions").asInt()).as("not compared: no regression").isZero();
        assertThat(json.path("failing").asInt()).isEqualTo(1);
        assertThat(Files.readString(artifacts.resolve("junit.xml"))).contains("failures=\"1\"")
                .contains("name=\"boot.smoke");
    }

    @Test
    void gitLabUntrustedAuthorSubmitsNothingAndTheArtifactsSayWhy() throws Exception {
        var exit = runOnGitLab("mallory", Permission.Level.READ, "30");

        assertThat(exit).isEqualTo(ExitCode.UNTRUSTED);
        assertThat(lab.submitted).isEmpty();
        var artifacts = dir.resolve("labgate-report");
        var json = new ObjectMapper().readTree(artifacts.resolve("verdict.json").toFile());
        assertThat(json.path("verdict").asText()).isEqualTo("untrusted");
        assertThat(json.path("headline").asText()).contains("mallory").contains("nothing was submitted");
        assertThat(Files.readString(artifacts.resolve("junit.xml"))).contains("name=\"trust\"")
                .contains("<skipped message=").contains("mallory").contains("failures=\"0\"");
    }

    @Test
    void gitLabOkToTestNoteByAMaintainerOnTheHeadLetsTheRetriedJobTestIt() throws Exception {
        lab.script(OneShotTest.finished(Status.PASS));
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 4, "mallory", HEAD, "d".repeat(40), true, List.of("a.c"), List.of(HEAD));
            gitlab.permission("acme/linux", "mallory", Permission.Level.READ);
            gitlab.permission("acme/linux", "maria", Permission.Level.MAINTAIN);
            gitlab.permission("acme/linux", "rita", Permission.Level.READ);
            gitlab.addNote("acme/linux", 4, "rita", "/labgate ok-to-test");
            assertThat(runOn(gitlab)).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("by rita does not count");

            gitlab.approveHead("acme/linux", 4, "maria");

            assertThat(runOn(gitlab)).isEqualTo(ExitCode.PASS);
            assertThat(lab.submitted).hasSize(1);
            assertThat(gitlab.statusesSeen("acme/linux", HEAD)).allSatisfy(s ->
                    assertThat(s.targetUrl()).isEqualTo("https://gitlab.example/acme/linux/-/jobs/7"));
        }
    }

    @Test
    void gitLabOkToTestWrittenBeforeTheHeadWasPushedDoesNotApproveIt() throws Exception {
        var newHead = "e".repeat(40);
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 4, "mallory", HEAD, "d".repeat(40), true, List.of("a.c"), List.of(HEAD));
            gitlab.permission("acme/linux", "mallory", Permission.Level.READ);
            gitlab.permission("acme/linux", "maria", Permission.Level.MAINTAIN);
            var note = gitlab.addNote("acme/linux", 4, "maria", "looks fine");
            gitlab.approveHead("acme/linux", 4, "maria");
            gitlab.pushToChange("acme/linux", 4, newHead);
            // Edited after the push: the note was still written for the old head, and counts for neither.
            gitlab.editNote("acme/linux", 4, note.id(), "/labgate ok-to-test");

            assertThat(runOn(gitlab, newHead)).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(lab.submitted).isEmpty();
            assertThat(gitlab.statusesSeen("acme/linux", newHead)).singleElement()
                    .extracting(FakeForge.Status::state).isEqualTo(FakeForge.State.PENDING);
        }
    }

    ExitCode runOn(FakeGitLab gitlab) {
        return runOn(gitlab, HEAD);
    }

    ExitCode runOn(FakeGitLab gitlab, String head) {
        var env = Map.of("GITLAB_CI", "true", "CI_PROJECT_PATH", "acme/linux",
                "CI_API_V4_URL", gitlab.url() + "/api/v4", "CI_COMMIT_SHA", head, "CI_MERGE_REQUEST_IID", "4",
                "LABGATE_GITLAB_TOKEN", "glpat-token", "CI_JOB_URL", "https://gitlab.example/acme/linux/-/jobs/7",
                "LABGATE_ARTIFACTS", dir.resolve("labgate-report").toString());
        var policy = new PolicyParser().parse(OneShotTest.POLICY.replace("- github: acme/linux",
                "- gitlab: acme/linux")).policy().orElseThrow();
        return job().run(env, runner -> new GitLabForge(new GitLabSettings("gitlab",
                ((Runner.GitLab) runner).serverUrl(), ((Runner.GitLab) runner).serverUrl(), List.of(),
                ((Runner.GitLab) runner).token(), "labgate-bot"), clock), policy);
    }

    @Test
    void gitLabLabPastTheTimeoutIsAnInfrastructureErrorAndIsCancelled() throws Exception {
        lab.script(new LabProgress.Running("booting"));

        var exit = runOnGitLab("alice", Permission.Level.WRITE, "5");

        assertThat(exit).isEqualTo(ExitCode.INFRA_ERROR);
        assertThat(lab.cancelled).isTrue();
        assertThat(Files.readString(dir.resolve("labgate-report").resolve("junit.xml"))).contains("errors=\"1\"");
    }

    ExitCode runOnGitLab(String author, Permission.Level level, String timeoutMinutes) throws Exception {
        try (var gitlab = new FakeGitLab("glpat-token", "labgate-bot")) {
            gitlab.openChange("acme/linux", 4, author, HEAD, "d".repeat(40), true, List.of("a.c"), List.of(HEAD));
            gitlab.permission("acme/linux", author, level);
            var env = Map.of("GITLAB_CI", "true", "CI_PROJECT_PATH", "acme/linux",
                    "CI_API_V4_URL", gitlab.url() + "/api/v4", "CI_COMMIT_SHA", HEAD, "CI_MERGE_REQUEST_IID", "4",
                    "LABGATE_GITLAB_TOKEN", "glpat-token", "LABGATE_TIMEOUT", timeoutMinutes,
                    "LABGATE_ARTIFACTS", dir.resolve("labgate-report").toString());
            var policy = new PolicyParser().parse(OneShotTest.POLICY.replace("- github: acme/linux",
                    "- gitlab: acme/linux")).policy().orElseThrow();
            return job().run(env, runner -> new GitLabForge(new GitLabSettings("gitlab",
                    ((Runner.GitLab) runner).serverUrl(), ((Runner.GitLab) runner).serverUrl(), List.of(),
                    ((Runner.GitLab) runner).token(), "labgate-bot"), clock), policy);
        }
    }

    @Test
    void outsideCiOrWithABadTimeoutIsAUsageError() {
        assertThat(job().run(Map.of(), runner -> {
            throw new AssertionError("no forge is needed");
        }, OneShotTest.policy())).isEqualTo(ExitCode.USAGE);
        var env = new HashMap<>(RunnerTest.gitHub());
        env.put("LABGATE_TIMEOUT", "soon");
        assertThat(job().run(env, runner -> {
            throw new AssertionError("no forge is needed");
        }, OneShotTest.policy()).code()).isEqualTo(64);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("LABGATE_TIMEOUT must be minutes");
    }
}
