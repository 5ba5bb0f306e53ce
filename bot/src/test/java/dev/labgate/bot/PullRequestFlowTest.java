package dev.labgate.bot;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.testkit.FakeGitHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path, real all the way: a signed GitHub delivery reaches the running service, the
 * author's permission is asked of a fake GitHub API, the command lab fetches the head commit from
 * a real git repository and runs there, and the statuses and the one summary comment come back.
 */
class PullRequestFlowTest {

    @TempDir
    Path tmp;

    /** Subclasses run the same scenarios on another database. */
    Map<String, Object> database() {
        return Map.of();
    }

    private RunningLabgate start(Scenario scenario) {
        var properties = new java.util.HashMap<>(scenario.properties());
        properties.putAll(database());
        return new RunningLabgate(properties);
    }

    @Test
    void a_trusted_authors_pull_request_is_tested_and_reported_once() {
        try (var scenario = new Scenario(tmp, "test -f hello.txt && echo hello is here");
             var labgate = start(scenario)) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));

            var answer = labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7,
                    "alice", scenario.head, scenario.base, false), Scenario.SECRET);
            assertThat(answer.statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario.github, scenario.head).size() == 1);
            var statuses = scenario.github.statuses(Scenario.REPO, scenario.head);
            assertThat(statuses).allSatisfy(s -> assertThat(s.context()).isEqualTo("labgate/local"));
            assertThat(statuses.get(0).state()).isEqualTo("pending");
            assertThat(statuses.get(0).description()).isEqualTo("Submitting to local");
            var last = statuses.get(statuses.size() - 1);
            assertThat(last.state()).isEqualTo("success");
            assertThat(last.description()).startsWith("Passed:");
            assertThat(last.targetUrl()).startsWith("https://labgate.example/runs/");
            assertThat(statuses.subList(0, statuses.size() - 1)).allSatisfy(s -> assertThat(s.state()).isEqualTo("pending"));

            await().atMost(Duration.ofSeconds(10)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
            var comments = scenario.github.comments(Scenario.REPO, 7);
            assertThat(comments).hasSize(1);
            assertThat(comments.get(0).body()).startsWith(ForgeReports.SUMMARY_MARKER).contains("✅ **pass**")
                    .contains(scenario.head).contains(" on [local](https://labgate.example/runs/");
            // the permission came from the API, not from the payload
            assertThat(scenario.github.requests()).anySatisfy(r -> assertThat(r.path())
                    .isEqualTo("/repos/acme/linux/collaborators/alice/permission"));
        }
    }

    @Test
    void a_failing_command_fails_the_status_and_a_new_push_edits_the_same_comment() {
        // Fails where the change added hello.txt, passes on the base: a regression, not a failure the base had.
        try (var scenario = new Scenario(tmp, "if test -f hello.txt; then echo 'no such file: missing.txt'; exit 1; fi");
             var labgate = start(scenario)) {
            scenario.github.permission(Scenario.REPO, "alice", "admin");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario.github, scenario.head).size() == 1);
            assertThat(finalStatuses(scenario.github, scenario.head).get(0).state()).isEqualTo("failure");
            await().atMost(Duration.ofSeconds(10)).until(() -> scenario.github.comments(Scenario.REPO, 7).size() == 1);
            assertThat(scenario.github.comments(Scenario.REPO, 7).get(0).body()).contains("❌ **fail**")
                    .contains("no such file: missing.txt");

            var second = scenario.git.commit("refs/pull/7/head", scenario.head, "touch up",
                    Map.of("README", "a kernel\n", "hello.txt", "hello again\n"));
            scenario.github.pushToChange(Scenario.REPO, 7, second);
            labgate.postGitHub("pull_request", "d-2", Fixtures.pullRequest("synchronize", Scenario.REPO, 7, "alice",
                    second, scenario.base, false), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario.github, second).size() == 1
                    && scenario.github.comments(Scenario.REPO, 7).get(0).body().contains(second));
            assertThat(scenario.github.comments(Scenario.REPO, 7)).hasSize(1);
        }
    }

    @Test
    void a_line_a_style_check_warns_about_gets_one_review_comment_which_the_fixing_push_retires() {
        // The lab's command checks line lengths in the tree it checked out and prints what it finds as checkpatch does.
        var check = "awk 'length > 100 { print FILENAME \":\" FNR \": WARNING: line length of \" length "
                + "\" exceeds 100 columns\" }' hello.txt";
        try (var scenario = new Scenario(tmp, check); var labgate = start(scenario)) {
            var head = scenario.git.commit("refs/pull/7/head", scenario.base, "add a long line",
                    Map.of("README", "a kernel\n", "hello.txt", "hello\n" + "x".repeat(104) + "\n"));
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", head, scenario.base, false, List.of("hello.txt"),
                    List.of(head));
            scenario.github.changeDiff(Scenario.REPO, 7, scenario.git.diff(scenario.base, head));
            labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice", head,
                    scenario.base, false), Scenario.SECRET);

            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.github.reviewComments(Scenario.REPO, 7).size() == 1);
            assertThat(scenario.github.reviewComments(Scenario.REPO, 7)).singleElement().satisfies(c -> {
                assertThat(c.path()).isEqualTo("hello.txt");
                assertThat(c.line()).isEqualTo(2);
                assertThat(c.commitId()).isEqualTo(head);
                assertThat(c.body()).contains("**checkpatch** warning: line length of 104 exceeds 100 columns")
                        .contains("https://labgate.example/runs/");
            });
            assertThat(scenario.github.reviews(Scenario.REPO, 7)).singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo("COMMENTED"));

            var fixed = scenario.git.commit("refs/pull/7/head", head, "shorter",
                    Map.of("README", "a kernel\n", "hello.txt", "hello\nshort now\n"));
            scenario.github.pushToChange(Scenario.REPO, 7, fixed);
            scenario.github.changeDiff(Scenario.REPO, 7, scenario.git.diff(scenario.base, fixed));
            labgate.postGitHub("pull_request", "d-2", Fixtures.pullRequest("synchronize", Scenario.REPO, 7, "alice",
                    fixed, scenario.base, false), Scenario.SECRET);

            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.github.reviewComments(Scenario.REPO, 7).get(0)
                    .body().startsWith(ForgeReports.MARKER_PREFIX + "finding-fixed "));
            assertThat(scenario.github.reviewComments(Scenario.REPO, 7)).hasSize(1);
            assertThat(scenario.github.reviews(Scenario.REPO, 7)).hasSize(1);
        }
    }

    @Test
    void an_author_without_write_permission_waits_for_approval_and_nothing_runs() {
        try (var scenario = new Scenario(tmp, "touch " + tmp.resolve("ran").toAbsolutePath());
             var labgate = start(scenario)) {
            scenario.github.permission(Scenario.REPO, "mallory", "read");
            scenario.github.openChange(Scenario.REPO, 7, "mallory", scenario.head, scenario.base, true,
                    List.of("hello.txt"), List.of(scenario.head));
            var answer = labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7,
                    "mallory", scenario.head, scenario.base, true), Scenario.SECRET);
            assertThat(answer.statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
            var statuses = scenario.github.statuses(Scenario.REPO, scenario.head);
            assertThat(statuses).singleElement().satisfies(s -> {
                assertThat(s.state()).isEqualTo("pending");
                assertThat(s.description()).contains("approve").contains("/labgate ok-to-test");
            });
            assertThat(scenario.github.comments(Scenario.REPO, 7).get(0).body()).contains("waiting for approval");
            assertThat(tmp.resolve("ran")).doesNotExist();
            assertThat(tmp.resolve("data/work/local")).doesNotExist();
        }
    }

    static List<FakeGitHub.Status> finalStatuses(FakeGitHub github, String sha) {
        return github.statuses(Scenario.REPO, sha).stream().filter(s -> !s.state().equals("pending")).toList();
    }
}
