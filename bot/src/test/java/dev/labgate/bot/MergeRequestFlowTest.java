package dev.labgate.bot;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.forge.Permission;
import dev.labgate.testkit.FakeForge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GitLab end to end, real all the way: a merge request hook with its secret token reaches the
 * running service, the author's access is asked of a fake GitLab API, the command lab runs the
 * merge request's head fetched from a real git repository, and the statuses and the one summary
 * note come back to GitLab.
 */
class MergeRequestFlowTest {

    @TempDir
    Path tmp;

    private static List<FakeForge.Status> finalStatuses(Scenario scenario, String sha) {
        return scenario.gitlab.statusesSeen(Scenario.REPO, sha).stream()
                .filter(s -> s.state() != FakeForge.State.PENDING).toList();
    }

    private static List<FakeForge.Comment> summaries(Scenario scenario) {
        return scenario.gitlab.commentsSeen(Scenario.REPO, 7).stream()
                .filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER)).toList();
    }

    @Test
    void a_developers_merge_request_is_tested_and_reported_once_and_a_retried_hook_changes_nothing() {
        try (var scenario = new Scenario(tmp, "test -f hello.txt && echo hello is here");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.gitlab.permission(Scenario.REPO, "dana", Permission.Level.WRITE);
            scenario.gitlab.openChange(Scenario.REPO, 7, "dana", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            var hook = scenario.gitlab.changeDelivery(Scenario.REPO, 7, "opened");

            var answer = labgate.postGitLab(hook.event(), "7c9e6679-7425-40de-944b-e07fc1f90ae7", hook.body(),
                    Scenario.SECRET);
            assertThat(answer.statusCode()).isEqualTo(202);
            var retry = labgate.postGitLab(hook.event(), "7c9e6679-7425-40de-944b-e07fc1f90ae7", hook.body(),
                    Scenario.SECRET);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(retry.body()).contains("duplicate");

            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario, scenario.head).size() == 1);
            var statuses = scenario.gitlab.statusesSeen(Scenario.REPO, scenario.head);
            assertThat(statuses.get(0).state()).isEqualTo(FakeForge.State.PENDING);
            assertThat(statuses).last().satisfies(s -> {
                assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS);
                assertThat(s.context()).isEqualTo("labgate/local");
                assertThat(s.description()).startsWith("Passed:");
                assertThat(s.targetUrl()).startsWith("https://labgate.example/runs/");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> summaries(scenario).stream()
                    .anyMatch(c -> c.body().contains("✅ **pass**")));
            assertThat(summaries(scenario)).singleElement().satisfies(c -> {
                assertThat(c.author()).isEqualTo("labgate-bot");
                assertThat(c.body()).contains(scenario.head);
            });
            assertThat(scenario.gitlab.requests()).anySatisfy(r -> assertThat(r.path())
                    .startsWith("/api/v4/projects/acme%2Flinux/members/all/"));
        }
    }

    @Test
    void a_hook_without_the_secret_token_is_refused_and_nothing_is_stored() {
        try (var scenario = new Scenario(tmp, "true");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.gitlab.openChange(Scenario.REPO, 7, "dana", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            var hook = scenario.gitlab.changeDelivery(Scenario.REPO, 7, "opened");
            assertThat(labgate.postGitLab(hook.event(), "k-1", hook.body(), "guessed").statusCode()).isEqualTo(401);
            assertThat(labgate.postGitLab(hook.event(), "k-1", hook.body(), null).statusCode()).isEqualTo(401);
            assertThat(labgate.postGitLab(hook.event(), "k-1", hook.body(), Scenario.SECRET).statusCode())
                    .as("the same key is new: the refused requests stored nothing").isEqualTo(202);
        }
    }

    @Test
    void a_maintainers_retest_note_runs_the_head_again() throws Exception {
        try (var scenario = new Scenario(tmp, "echo ran the head");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.gitlab.permission(Scenario.REPO, "dana", Permission.Level.WRITE);
            scenario.gitlab.permission(Scenario.REPO, "max", Permission.Level.MAINTAIN);
            scenario.gitlab.openChange(Scenario.REPO, 7, "dana", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            var hook = scenario.gitlab.changeDelivery(Scenario.REPO, 7, "opened");
            labgate.postGitLab(hook.event(), "k-open", hook.body(), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario, scenario.head).size() == 1);

            var note = scenario.gitlab.comment(Scenario.REPO, 7, "max", "/labgate retest");
            var noteHook = scenario.gitlab.commentDelivery(Scenario.REPO, 7, note);
            assertThat(labgate.postGitLab(noteHook.event(), "k-note", noteHook.body(), Scenario.SECRET).statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario, scenario.head).size() == 2);
            assertThat(finalStatuses(scenario, scenario.head))
                    .allSatisfy(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
            // The head, its base commit once (the baseline), the head again: the retest does not test the base again.
            try (var runs = Files.list(tmp.resolve("data/work/local"))) {
                assertThat(runs.map(run -> run.resolve("output.log"))).as("three runs of the command")
                        .hasSize(3).allSatisfy(log -> assertThat(log).hasContent("ran the head"));
            }
        }
    }

    @Test
    void a_merge_request_opened_while_labgate_was_down_is_found_at_start() {
        try (var scenario = new Scenario(tmp, "true")) {
            scenario.gitlab.permission(Scenario.REPO, "dana", Permission.Level.WRITE);
            scenario.gitlab.openChange(Scenario.REPO, 7, "dana", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            var properties = new HashMap<>(scenario.properties());
            properties.put("labgate.reconcile.at-start", true);
            try (var labgate = new RunningLabgate(properties)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> finalStatuses(scenario, scenario.head).size() == 1);
                assertThat(finalStatuses(scenario, scenario.head)).singleElement()
                        .satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
            }
        }
    }
}
