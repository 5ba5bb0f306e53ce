package dev.labgate.action;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Artifact;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.trust.ChangeCommits;

import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import dev.labgate.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code labgate action} on a simulated GitHub runner: the event file the runner would write, a
 * fake GitHub API behind the real adapter, and a scripted lab at the {@link Lab} seam.
 */
class OneShotTest {

    static final String REPO = "acme/linux";
    static final String HEAD = "a".repeat(40);
    static final String BASE = "b".repeat(40);
    static final String POLICY = """
            repositories:
              - github: acme/linux
                staging-branches: [staging]
            trust:
              min-permission: write
            labs:
              qemu:
                type: command
                command: "true"
                timeout: 10m
                baseline: none
            plans:
              - name: boot
                lab: qemu
            """;

    /** A boot on qemu after a build. */
    static final String STAGES = POLICY.replace("""
            plans:
              - name: boot
                lab: qemu
            """, """
              build:
                type: command
                command: make
                baseline: none
            plans:
              - name: boot
                lab: qemu
                after: build
              - name: build
                lab: build
            """);

    @TempDir
    Path dir;
    FakeGitHub github;
    GitHubForge forge;
    TestClock clock = new TestClock(Instant.parse("2026-11-24T20:00:00Z"));
    ScriptedLab lab = new ScriptedLab("qemu");
    ScriptedLab build = new ScriptedLab("build");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    String policyText = POLICY;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub("labgate-bot").acceptToken("gh-token");
        forge = new GitHubForge(settings(), clock);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    GitHubSettings settings() {
        return GitHubSettings.withToken("github", github.url(), URI.create("https://github.example"), List.of(),
                "gh-token", "labgate-bot");
    }

    static final String JOB = "https://github.example/acme/linux/actions/runs/31";

    OneShot.Outcome run(String author, String permission, Duration timeout) throws Exception {
        github.openChange(REPO, 7, author, HEAD, BASE, true, List.of("mm/slab.c"), List.of(HEAD));
        github.permission(REPO, author, permission);
        return runAgain(timeout);
    }

    /** The job run again on the pull request as it is on the fake (a re-run of the same event). */
    OneShot.Outcome runAgain(Duration timeout) throws Exception {
        var delivery = github.changeDelivery(REPO, 7, "opened");
        Files.write(dir.resolve("event.json"), delivery.body());
        var runner = new Runner.GitHub(REPO, github.url(), URI.create("https://github.example"), "gh-token",
                "pull_request_target", dir.resolve("event.json"), Optional.empty(), Optional.empty(),
                Optional.of(JOB), Optional.empty());
        var event = new GitHubEventFile(forge, clock).read(runner);
        ChangeCommits noCommits = (range, keys) -> {
            throw new ChangeCommits.Unavailable("not needed without signatures", null);
        };
        var oneShot = new OneShot(OneShot.gate(noCommits, clock, "a maintainer approves with a review"),
                name -> Optional.<Lab>ofNullable(Map.of("qemu", lab, "build", build).get(name)),
                new VerdictAggregator(), clock, clock::advance, new PrintStream(log, true, StandardCharsets.UTF_8));
        return oneShot.run(forge, new PolicyParser().parse(policyText).policy().orElseThrow(), event,
                new OneShot.Request(Set.of(), timeout, true, Optional.of(JOB)));
    }

    static Policy policy() {
        return new PolicyParser().parse(POLICY).policy().orElseThrow();
    }

    List<FakeForge.Status> statuses() {
        return github.statusesSeen(REPO, HEAD);
    }

    String progress() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @org.junit.jupiter.api.Test
    void trustedAuthorsPassingRunPassesWithProgressAndStatuses() throws Exception {
        lab.script(new LabProgress.Queued(2), new LabProgress.Queued(2), new LabProgress.Running("booting"),
                finished(Status.PASS));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.PASS);
        assertThat(lab.submitted).hasSize(1);
        assertThat(lab.submitted.get(0).commit()).isEqualTo(HEAD);
        assertThat(lab.submitted.get(0).fetchRef()).isEqualTo("refs/pull/7/head");
        // One line per change of state, not per poll: the second "queued" is not repeated.
        assertThat(progress().lines().toList()).containsExactly(
                "[00:00:00] qemu: submitted https://lab.example/run/1",
                "[00:00:00] qemu: queued (position 2)",
                "[00:01:00] qemu: running: booting",
                "[00:01:30] qemu: finished");
        assertThat(statuses()).extracting(FakeForge.Status::context, FakeForge.Status::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("labgate/qemu", FakeForge.State.PENDING),
                org.assertj.core.groups.Tuple.tuple("labgate/qemu", FakeForge.State.SUCCESS));
    }

    @org.junit.jupiter.api.Test
    void regressionFailsTheJobAndTheStatus() throws Exception {
        lab.script(finished(Status.FAIL));

        var outcome = run("alice", "admin", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.REGRESSION);
        assertThat(outcome.exit().code()).isEqualTo(1);
        assertThat(outcome.verdict().orElseThrow().failures()).extracting(f -> f.path()).containsExactly("boot.smoke");
        assertThat(statuses()).last().extracting(FakeForge.Status::state).isEqualTo(FakeForge.State.FAILURE);
    }

    @org.junit.jupiter.api.Test
    void aFailureMatchedByAKnownIssueOfThePolicyPassesTheJobAndIsListedApart() throws Exception {
        policyText = POLICY + """
                known-issues:
                  - id: smoke-flake
                    test-path: '^boot\\.smoke$'
                """;
        lab.script(finished(Status.FAIL));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.PASS);
        assertThat(outcome.verdict().orElseThrow().knownIssues()).extracting(f -> f.path()).containsExactly("boot.smoke");
        assertThat(statuses()).last().extracting(FakeForge.Status::state).isEqualTo(FakeForge.State.SUCCESS);
    }

    @org.junit.jupiter.api.Test
    void untrustedAuthorSubmitsNothingLeavesAPendingStatusAndSaysHowAMaintainerApproves() throws Exception {
        lab.script(finished(Status.PASS));

        var outcome = run("mallory", "read", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.UNTRUSTED);
        assertThat(outcome.exit().code()).isEqualTo(3);
        assertThat(outcome.message()).startsWith("not tested: ").contains("a maintainer approves with a review")
                .contains("nothing was submitted").doesNotContain("/labgate ok-to-test");
        assertThat(lab.submitted).isEmpty();
        assertThat(statuses()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.PENDING);
            assertThat(s.description()).startsWith("not tested: waiting for a maintainer's approval of aaaaaaaaaaaa");
            assertThat(s.targetUrl()).isEqualTo(JOB);
        });
    }

    @org.junit.jupiter.api.Test
    void aMaintainersApprovingReviewOfTheHeadLetsTheRerunTestIt() throws Exception {
        lab.script(finished(Status.PASS));
        assertThat(run("mallory", "read", Duration.ofMinutes(30)).exit()).isEqualTo(ExitCode.UNTRUSTED);
        github.permission(REPO, "maria", "maintain");
        github.review(REPO, 7, "maria", "APPROVED", HEAD);

        var outcome = runAgain(Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.PASS);
        assertThat(lab.submitted).hasSize(1);
        assertThat(progress()).contains("approval: approving review").contains("maria approved aaaaaaaaaaaa as a maintainer");
        assertThat(statuses()).extracting(FakeForge.Status::state).last().isEqualTo(FakeForge.State.SUCCESS);
        assertThat(statuses()).allSatisfy(s -> assertThat(s.targetUrl()).isEqualTo(JOB));
    }

    @org.junit.jupiter.api.Test
    void anApprovalOfAnotherHeadOrByANonMaintainerOrNotApprovingDoesNotCount() throws Exception {
        github.permission(REPO, "maria", "maintain");
        github.permission(REPO, "rita", "read");
        github.review(REPO, 7, "maria", "APPROVED", BASE);
        github.review(REPO, 7, "maria", "COMMENTED", HEAD);
        github.review(REPO, 7, "maria", "DISMISSED", HEAD);
        github.review(REPO, 7, "rita", "APPROVED", HEAD);

        var outcome = run("mallory", "read", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.UNTRUSTED);
        assertThat(lab.submitted).isEmpty();
        assertThat(progress()).contains("by rita does not count: rita is not a maintainer");
    }

    @org.junit.jupiter.api.Test
    void labPastTheTimeoutIsAnInfrastructureErrorAndIsCancelled() throws Exception {
        lab.script(new LabProgress.Running("booting"));

        var outcome = run("alice", "write", Duration.ofMinutes(5));

        assertThat(outcome.exit()).isEqualTo(ExitCode.INFRA_ERROR);
        assertThat(outcome.exit().code()).isEqualTo(2);
        assertThat(outcome.message()).contains("qemu timed out after 00:05:00");
        assertThat(lab.cancelled).isTrue();
        assertThat(statuses()).last().extracting(FakeForge.Status::state).isEqualTo(FakeForge.State.FAILURE);
    }

    @org.junit.jupiter.api.Test
    void aBootAfterABuildIsSubmittedOnlyOnceTheBuildPassedWithItsArtifacts() throws Exception {
        policyText = STAGES;
        var kernel = new Artifact("bzImage", Artifact.Kind.KERNEL, "https://files.example.org/b/bzImage",
                "c".repeat(64), 10);
        build.artifacts = List.of(kernel);
        build.script(new LabProgress.Running("building"), finished(Status.PASS));
        lab.script(finished(Status.PASS));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.PASS);
        assertThat(lab.submitted).singleElement().satisfies(r -> assertThat(r.inputs()).containsExactly(kernel));
        assertThat(progress().lines().toList()).containsSubsequence(
                "[00:00:00] build: submitted https://lab.example/run/1",
                "[00:00:30] build: finished",
                "[00:00:30] qemu: submitted https://lab.example/run/1");
        assertThat(outcome.plan()).extracting(TestPlan.Entry::lab).containsExactly("build", "qemu");
    }

    @org.junit.jupiter.api.Test
    void aBuildThatFailsLeavesTheBootNotRunWithThatReason() throws Exception {
        policyText = STAGES;
        build.script(finished(Status.FAIL));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.REGRESSION);
        assertThat(lab.submitted).isEmpty();
        assertThat(github.statuses(REPO, HEAD)).filteredOn(s -> s.context().equals("labgate/qemu")).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo("error");
                    assertThat(s.description()).isEqualTo("Not run: build failed");
                });
        assertThat(progress()).contains("qemu: not run: build failed");
    }

    static LabProgress finished(Test... tests) {
        return new LabProgress.Finished(KcidbData.of(List.of(), List.of(), List.of(tests)));
    }

    @org.junit.jupiter.api.Test
    void onATestBaseLabTheBaseCommitIsTestedTooAndAFailureItHasIsNotARegression() throws Exception {
        policyText = POLICY.replace("baseline: none", "baseline: test-base");
        lab.byCommit.put(HEAD, finished(Test.of("labgate:h1", null, "labgate", "kunit.a", Status.FAIL),
                Test.of("labgate:h2", null, "labgate", "kunit.b", Status.FAIL)
                        .withLog(null, "Expected 1 == 2, but\n    x == 1\n")));
        lab.byCommit.put(BASE, finished(Test.of("labgate:b1", null, "labgate", "kunit.a", Status.FAIL),
                Test.of("labgate:b2", null, "labgate", "kunit.b", Status.PASS)));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(lab.submitted).extracting(TreeRequest::commit).containsExactly(HEAD, BASE);
        assertThat(lab.submitted.get(1).fetchRef()).startsWith("refs/heads/");
        assertThat(outcome.exit()).isEqualTo(ExitCode.REGRESSION);
        var verdict = outcome.verdict().orElseThrow();
        assertThat(verdict.compared()).isTrue();
        assertThat(verdict.headline()).isEqualTo("1 regression: kunit.b: Expected 1 == 2, but x == 1");
        assertThat(verdict.stillFailing()).extracting(f -> f.path()).containsExactly("kunit.a");
        assertThat(outcome.logs()).containsOnlyKeys("qemu");
        assertThat(statuses()).last().satisfies(s -> assertThat(s.description())
                .isEqualTo("1 regression: kunit.b: Expected 1 == 2, but x == 1"));
    }

    @org.junit.jupiter.api.Test
    void thePolicyCanTurnOffStatuses() throws Exception {
        policyText = POLICY + "reporting: {statuses: false}\n";
        lab.script(finished(Status.FAIL));

        var outcome = run("alice", "write", Duration.ofMinutes(30));

        assertThat(outcome.exit()).isEqualTo(ExitCode.REGRESSION);
        assertThat(statuses()).isEmpty();
    }

    static LabProgress finished(Status status) {
        return new LabProgress.Finished(KcidbData.of(List.of(), List.of(),
                List.of(Test.of("lab:t1", "lab:b1", "lab", "boot.smoke", status))));
    }

    /** A lab answering polls from a script; its last answer repeats. */
    static final class ScriptedLab implements Lab {
        final String name;
        final List<TreeRequest> submitted = new ArrayList<>();
        final Deque<LabProgress> script = new ArrayDeque<>();
        /** Answers for the runs of one commit, where a test gives them; the script answers the others. */
        final java.util.Map<String, LabProgress> byCommit = new java.util.HashMap<>();
        boolean cancelled;
        List<Artifact> artifacts = List.of();

        ScriptedLab(String name) {
            this.name = name;
        }

        @Override
        public List<Artifact> artifacts(LabRun run) {
            return artifacts;
        }

        void script(LabProgress... answers) {
            script.addAll(List.of(answers));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public LabRun submit(TreeRequest request) {
            submitted.add(request);
            return new LabRun(name, request.runId(), "https://lab.example/run/1");
        }

        @Override
        public LabProgress poll(LabRun run) {
            var commit = submitted.stream().filter(r -> r.runId().equals(run.externalId())).findFirst()
                    .map(TreeRequest::commit).orElse("");
            if (byCommit.containsKey(commit)) {
                return byCommit.get(commit);
            }
            return script.size() > 1 ? script.poll() : script.peek();
        }

        @Override
        public Optional<String> log(LabRun run) {
            return Optional.of("output of " + run.externalId() + "\n");
        }

        @Override
        public void cancel(LabRun run) {
            cancelled = true;
        }

        @Override
        public Duration pollInterval() {
            return Duration.ofSeconds(30);
        }
    }
}
