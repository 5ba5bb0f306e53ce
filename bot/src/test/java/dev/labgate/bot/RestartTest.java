package dev.labgate.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import static dev.labgate.bot.PullRequestFlowTest.finalStatuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A delivery answered 202 is finished after a restart, and its final status is posted exactly once. */
class RestartTest {

    @TempDir
    Path tmp;

    @Test
    void a_delivery_acknowledged_by_a_process_that_then_stops_is_processed_by_the_next_one() {
        try (var scenario = new Scenario(tmp, "test -f hello.txt")) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            var intakeOnly = new HashMap<>(scenario.properties());
            // This process acknowledges and stores, but runs no task: it is stopped before any work.
            intakeOnly.put("labgate.work.enabled", false);
            try (var first = new RunningLabgate(intakeOnly)) {
                var answer = first.postGitHub("pull_request", "d-restart-1", Fixtures.pullRequest("opened",
                        Scenario.REPO, 7, "alice", scenario.head, scenario.base, false), Scenario.SECRET);
                assertThat(answer.statusCode()).isEqualTo(202);
            }
            assertThat(scenario.github.statuses(Scenario.REPO, scenario.head)).isEmpty();

            try (var second = new RunningLabgate(scenario.properties())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
                assertThat(finalStatuses(scenario.github, scenario.head)).singleElement()
                        .satisfies(s -> assertThat(s.state()).isEqualTo("success"));
            }
        }
    }

    @Test
    void a_restart_while_the_lab_runs_finishes_the_run_with_exactly_one_final_status() {
        // The command runs in the sandbox, which writes where its first process is once it runs.
        var work = tmp.resolve("data/work/local");
        try (var scenario = new Scenario(tmp, "sleep 3 && test -f hello.txt")) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            try (var first = new RunningLabgate(scenario.properties())) {
                first.postGitHub("pull_request", "d-restart-2", Fixtures.pullRequest("opened", Scenario.REPO, 7,
                        "alice", scenario.head, scenario.base, false), Scenario.SECRET);
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(work) && Files.list(work)
                        .anyMatch(run -> Files.exists(run.resolve("sandbox.json"))));
            }
            assertThat(finalStatuses(scenario.github, scenario.head)).isEmpty();

            try (var second = new RunningLabgate(scenario.properties())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !scenario.github.comments(Scenario.REPO, 7).isEmpty());
                assertThat(finalStatuses(scenario.github, scenario.head)).singleElement()
                        .satisfies(s -> assertThat(s.state()).isEqualTo("success"));
                assertThat(scenario.github.comments(Scenario.REPO, 7)).singleElement()
                        .satisfies(c -> assertThat(c.body()).contains("✅ **pass**"));
            }
        }
    }
}
