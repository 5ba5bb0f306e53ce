package dev.labgate.bot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.bot.cli.ReplayCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Work that fails for good is kept, listed and retried: a comment command whose processing the
 * forge refuses is listed at /api/deliveries?state=failed and on /failed, the change is told, and
 * {@code labgate replay --retry ID} runs it again.
 */
class FailedWorkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;

    @BeforeEach
    void start() {
        scenario = new Scenario(tmp, "true");
        labgate = new RunningLabgate(scenario.properties());
    }

    @AfterEach
    void stop() {
        labgate.close();
        scenario.close();
    }

    private int replay(StringWriter out, String... args) {
        var cli = new CommandLine(new ReplayCommand(Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", Scenario.SECRET)::get));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void a_refused_command_is_listed_said_on_the_change_and_retried_by_replay() throws Exception {
        scenario.github.permission(Scenario.REPO, "alice", "write");
        scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                java.util.List.of("hello.txt"), java.util.List.of(scenario.head));
        var comment = scenario.github.comment(Scenario.REPO, 7, "alice", "/labgate test");
        var delivery = scenario.github.commentDelivery(Scenario.REPO, 7, comment);
        scenario.github.failNext(1, 422);

        assertThat(labgate.postGitHub(delivery.event(), "d-failing", delivery.body(), Scenario.SECRET).statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(labgate.get("/api/deliveries?state=failed")
                .body()).size() == 1);
        var failed = JSON.readTree(labgate.get("/api/deliveries?state=failed").body()).get(0);
        assertThat(failed.path("task").asText()).isEqualTo("process-delivery");
        assertThat(failed.path("delivery").asText()).isEqualTo("d-failing");
        assertThat(failed.path("error").asText()).contains("HTTP 422");
        var id = failed.path("id").asText();
        assertThat(labgate.get("/failed").body()).contains(id).contains("HTTP 422");
        await().atMost(Duration.ofSeconds(10)).until(() -> scenario.github.comments(Scenario.REPO, 7).stream()
                .anyMatch(c -> c.body().contains("could not be carried out") && c.body().contains(id)));
        assertThat(labgate.get("/api/deliveries?state=pending").statusCode()).isEqualTo(400);

        // unsigned, a retry is refused and changes nothing
        var unsigned = labgate.send(HttpRequest.newBuilder(URI.create(labgate.url() + "/api/deliveries/retry"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}")).build());
        assertThat(unsigned.statusCode()).isEqualTo(401);

        var out = new StringWriter();
        assertThat(replay(out, "--retry", id, "--url", labgate.url().toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("retry of failed work " + id).contains(": 202");

        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(labgate.get("/api/deliveries?state=failed")
                .body()).isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> !scenario.github.statuses(Scenario.REPO, scenario.head)
                .isEmpty());
        assertThat(replay(new StringWriter(), "--retry", id, "--url", labgate.url().toString())).isEqualTo(1);

        // the operator's metrics, each with its help text; the change's run and its base commit's run ended
        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.regex.Pattern.compile(
                "(?m)^labgate_verdicts_total\\{lab=\"local\",outcome=\"passed\",?\\} 2\\.0")
                .matcher(labgate.get("/prometheus").body()).find());
        var metrics = labgate.get("/prometheus").body();
        for (var name : java.util.List.of("labgate_runs", "labgate_lab_queue_wait_seconds",
                "labgate_lab_duration_seconds", "labgate_verdicts_total", "labgate_forge_calls_total",
                "labgate_forge_errors_total", "labgate_forge_rate_remaining", "labgate_tasks_lag_seconds",
                "labgate_failed_work", "labgate_deliveries_stored_total")) {
            assertThat(metrics).as(name).containsPattern("(?m)^# HELP " + name.replaceAll("_total$", "")
                    + "(_total)? \\S");
        }
        assertThat(metrics).containsPattern("(?m)^labgate_forge_errors_total\\{forge=\"github\",?\\} [1-9]");
    }
}
