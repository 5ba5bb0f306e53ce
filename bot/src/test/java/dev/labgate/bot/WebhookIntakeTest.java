package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.core.event.DeliveryKey;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What POST /webhooks/github answers to good and bad requests, and what it stores. */
class WebhookIntakeTest {

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;
    private JdbcDeliveryStore store;
    private final byte[] body = "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() {
        scenario = new Scenario(tmp, "true");
        var properties = new HashMap<>(scenario.properties());
        properties.put("labgate.github.webhook-secrets", "old-secret,new-secret");
        labgate = new RunningLabgate(properties);
        store = labgate.bean(JdbcDeliveryStore.class);
    }

    @AfterEach
    void stop() {
        labgate.close();
        scenario.close();
    }

    private long stored() {
        return labgate.bean(Database.class).queryOne("select count(*) from deliveries", rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void a_signed_delivery_is_stored_and_answered_202_and_its_redelivery_200() {
        var first = labgate.postGitHub("ping", "a1b2c3", body, "new-secret");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.body()).contains("\"accepted\"");
        var again = labgate.postGitHub("ping", "a1b2c3", body, "new-secret");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"duplicate\"");
        assertThat(stored()).isEqualTo(1);
    }

    @Test
    void a_delivery_signed_with_the_other_rotated_secret_is_accepted() {
        assertThat(labgate.postGitHub("ping", "rot-1", body, "old-secret").statusCode()).isEqualTo(202);
        assertThat(labgate.postGitHub("ping", "rot-2", body, "new-secret").statusCode()).isEqualTo(202);
        assertThat(stored()).isEqualTo(2);
    }

    @Test
    void a_wrong_signature_is_refused_with_401_and_nothing_is_stored() {
        var answer = labgate.postGitHub("ping", "bad-1", body, "not-the-secret");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("signature does not match").doesNotContain("Exception").doesNotContain("secret\":");
        assertThat(stored()).isZero();
    }

    @Test
    void a_missing_signature_is_refused_with_401() {
        var answer = labgate.postGitHub("ping", "bad-2", body, null);
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("missing X-Hub-Signature-256");
        assertThat(stored()).isZero();
    }

    @Test
    void a_body_that_is_not_json_is_refused_with_400_and_a_reason() {
        var form = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        var answer = labgate.postGitHub("ping", "bad-3", form, "new-secret");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("application/json");
        assertThat(stored()).isZero();
    }

    @Test
    void a_signed_request_without_a_delivery_id_is_refused_with_400() {
        var request = HttpRequest.newBuilder(labgate.url().resolve("/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", "sha256=" + RunningLabgate.hmac("new-secret", body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        var answer = labgate.send(request);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("X-GitHub-Delivery");
        assertThat(stored()).isZero();
    }

    private long processTasks() {
        return labgate.bean(Database.class).queryOne("select count(*) from scheduled_tasks where task_name like "
                + "'process-%'", rs -> rs.getLong(1)).orElseThrow();
    }

    private long processed() {
        return Math.round(labgate.bean(MeterRegistry.class).counter("labgate.deliveries.processed").count());
    }

    @Test
    void an_event_labgate_does_not_act_on_is_stored_already_processed_and_schedules_nothing() {
        assertThat(labgate.postGitHub("star", "unknown-1", body, "new-secret").statusCode()).isEqualTo(202);
        // Settled in the transaction that stored it: the outcome is there when the sender is answered.
        assertThat(store.outcome(new DeliveryKey("github", "unknown-1")))
                .hasValue("ignored: 'star' events are not acted on");
        assertThat(processTasks()).isZero();
        assertThat(processed()).isEqualTo(1);
        assertThat(labgate.postGitHub("star", "unknown-1", body, "new-secret").statusCode()).isEqualTo(200);
        assertThat(processed()).as("a redelivery is not processed again").isEqualTo(1);
    }

    @Test
    void a_change_in_a_repository_the_policy_does_not_name_is_settled_as_it_is_stored() {
        var change = Fixtures.pullRequest("opened", "someone/else", 3, "mallory", scenario.head, scenario.base, true);
        assertThat(labgate.postGitHub("pull_request", "elsewhere-1", change, "new-secret").statusCode())
                .isEqualTo(202);
        assertThat(store.outcome(new DeliveryKey("github", "elsewhere-1")))
                .hasValue("ignored: github:someone/else is not in the policy");
        assertThat(processTasks()).isZero();
        assertThat(scenario.github.statuses("someone/else", scenario.head)).isEmpty();
    }

    @Test
    void a_payload_the_adapter_cannot_read_is_stored_and_settled_with_the_reason() {
        assertThat(labgate.postGitHub("pull_request", "unreadable-1", body, "new-secret").statusCode())
                .isEqualTo(202);
        assertThat(store.outcome(new DeliveryKey("github", "unreadable-1"))).hasValueSatisfying(outcome ->
                assertThat(outcome).startsWith("ignored: malformed pull_request payload"));
        assertThat(store.find(new DeliveryKey("github", "unreadable-1"))).isPresent();
    }

    @Test
    void a_change_in_the_policys_repository_is_left_to_processing() {
        var closed = Fixtures.pullRequest("closed", Scenario.REPO, 7, "alice", scenario.head, scenario.base, false);
        assertThat(labgate.postGitHub("pull_request", "closed-1", closed, "new-secret").statusCode()).isEqualTo(202);
        var key = new DeliveryKey("github", "closed-1");
        // Only processing, which looks for the change's runs, says how many it cancelled.
        await().until(() -> store.outcome(key).isPresent());
        assertThat(store.outcome(key)).hasValue("closed: 0 unfinished runs cancelled");
        assertThat(processed()).isEqualTo(1);
    }

    @Test
    void a_forge_that_is_not_configured_is_404() {
        var request = HttpRequest.newBuilder(labgate.url().resolve("/webhooks/bitbucket"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertThat(labgate.send(request).statusCode()).isEqualTo(404);
    }

    @Test
    void health_includes_the_database_and_prometheus_exposes_intake_counters() {
        labgate.postGitHub("ping", "m-1", body, "new-secret");
        var health = labgate.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"jdbc\"");
        var metrics = labgate.get("/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("labgate_deliveries_stored_total 1.0");
    }
}
