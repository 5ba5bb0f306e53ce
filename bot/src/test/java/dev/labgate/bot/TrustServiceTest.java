package dev.labgate.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.RepoRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Trust in the running service: the audit over HTTP, waiting heads in the database, the policy reloaded live. */
class TrustServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void every_decision_is_in_the_audit_served_as_json() throws IOException {
        try (var scenario = new Scenario(tmp, "true");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.permission(Scenario.REPO, "mallory", "read");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, false,
                    List.of("hello.txt"), List.of(scenario.head));
            labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            var other = scenario.git.commit("refs/pull/8/head", scenario.base, "from a fork",
                    Map.of("README", "a kernel\n", "evil.sh", "echo hi\n"));
            scenario.github.openChange(Scenario.REPO, 8, "mallory", other, scenario.base, true,
                    List.of("evil.sh"), List.of(other));
            labgate.postGitHub("pull_request", "d-2", Fixtures.pullRequest("opened", Scenario.REPO, 8, "mallory",
                    other, scenario.base, true), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(30)).until(() -> audit(labgate, "github:acme/linux").size() == 4);

            var entries = audit(labgate, "github:acme/linux");
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("who").asText()).isEqualTo("alice");
                assertThat(e.get("lab").asText()).isEmpty();
                assertThat(e.get("rule").asText()).isEqualTo("forge-permission");
                assertThat(e.get("outcome").asText()).isEqualTo("trusted");
                assertThat(e.get("head").asText()).isEqualTo(scenario.head);
                assertThat(e.get("cause").asText()).isEqualTo("d-1");
            });
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("lab").asText()).isEqualTo("local");
                assertThat(e.get("rule").asText()).isEqualTo("lab-admission");
                assertThat(e.get("allowed").asBoolean()).isTrue();
                assertThat(e.get("run").asText()).isNotEmpty();
            });
            assertThat(entries).filteredOn(e -> e.get("lab").asText().isEmpty()).anySatisfy(e -> {
                assertThat(e.get("who").asText()).isEqualTo("mallory");
                assertThat(e.get("outcome").asText()).isEqualTo("needs-approval");
                assertThat(e.get("reason").asText()).contains("does not have write access").contains("fork");
            });
            assertThat(audit(labgate, "acme/linux")).hasSize(4);
            assertThat(labgate.get("/api/audit").statusCode()).isEqualTo(400);

            var waiting = labgate.bean(JdbcApprovalStore.class).request(new ChangeRef(new RepoRef("github",
                    Scenario.REPO), 8), other);
            assertThat(waiting).hasValueSatisfying(r -> {
                assertThat(r.author().login()).isEqualTo("mallory");
                assertThat(r.fromFork()).isTrue();
                assertThat(r.fetchRef()).isEqualTo("refs/pull/8/head");
            });
        }
    }

    @Test
    void a_changed_policy_is_in_force_without_a_restart_and_an_invalid_one_is_refused() throws IOException {
        try (var scenario = new Scenario(tmp, "true");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.github.permission(Scenario.REPO, "mallory", "read");
            var policy = tmp.resolve("policy.yml");
            rewrite(policy, Files.readString(policy).replace("min-permission: write", "min-permission: read"), 1);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
                var number = 100 + (int) (System.nanoTime() % 1000);
                var head = scenario.git.commit("refs/pull/" + number + "/head", scenario.base, "try",
                        Map.of("README", "try " + number + "\n"));
                scenario.github.openChange(Scenario.REPO, number, "mallory", head, scenario.base, true,
                        List.of("README"), List.of(head));
                labgate.postGitHub("pull_request", "d-" + number, Fixtures.pullRequest("opened", Scenario.REPO, number,
                        "mallory", head, scenario.base, true), Scenario.SECRET);
                return audit(labgate, "github:acme/linux").stream().anyMatch(e -> e.get("lab").asText().isEmpty()
                        && e.get("outcome").asText().equals("trusted"));
            });

            rewrite(policy, "trust:\n  min-permission: [not, a, level]\n", 2);
            var source = labgate.bean(FilePolicySource.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> source.current() != null && source.refusal().isPresent());
            assertThat(source.refusal().get()).contains("2:19: trust.min-permission: expected a single value");
            // The refused file is not in force: a read-only author is still trusted by the last valid policy.
            var head = scenario.git.commit("refs/pull/7/head", scenario.base, "after the bad edit",
                    Map.of("README", "after\n"));
            scenario.github.openChange(Scenario.REPO, 7, "mallory", head, scenario.base, true, List.of("README"),
                    List.of(head));
            labgate.postGitHub("pull_request", "d-after", Fixtures.pullRequest("opened", Scenario.REPO, 7, "mallory",
                    head, scenario.base, true), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(15)).until(() -> audit(labgate, "github:acme/linux").stream()
                    .anyMatch(e -> e.get("cause").asText().equals("d-after")));
            assertThat(audit(labgate, "github:acme/linux")).filteredOn(e -> e.get("cause").asText().equals("d-after")
                    && e.get("lab").asText().isEmpty()).singleElement()
                    .satisfies(e -> assertThat(e.get("outcome").asText()).isEqualTo("trusted"));
        }
    }

    @Test
    void deliveries_that_do_not_add_up_are_refused_with_the_reason_and_nothing_is_run() throws IOException {
        try (var scenario = new Scenario(tmp, "true");
             var labgate = new RunningLabgate(scenario.properties())) {
            scenario.github.permission(Scenario.REPO, "alice", "write");
            scenario.github.openChange(Scenario.REPO, 7, "alice", scenario.head, scenario.base, true,
                    List.of("hello.txt"), List.of(scenario.head));
            labgate.postGitHub("pull_request", "d-negative", Fixtures.pullRequest("opened", Scenario.REPO, -1, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            labgate.postGitHub("pull_request", "d-unknown", Fixtures.pullRequest("opened", Scenario.REPO, 99, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            var elsewhere = (ObjectNode) JSON.readTree(Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                    scenario.head, scenario.base, true));
            ((ObjectNode) elsewhere.at("/pull_request/head/repo")).put("clone_url",
                    "https://evil.example/alice/linux.git");
            labgate.postGitHub("pull_request", "d-elsewhere", JSON.writeValueAsBytes(elsewhere), Scenario.SECRET);

            var deliveries = labgate.bean(JdbcDeliveryStore.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of("d-negative", "d-unknown", "d-elsewhere")
                    .allMatch(id -> deliveries.outcome(new DeliveryKey("github", id)).isPresent()));
            assertThat(deliveries.outcome(new DeliveryKey("github", "d-negative"))).hasValue("refused (change): -1 is "
                    + "not a change number: forges number pull and merge requests from 1; nothing was planned");
            assertThat(deliveries.outcome(new DeliveryKey("github", "d-unknown"))).hasValue("refused (change): "
                    + "github:acme/linux#99 is not open on github: the forge does not know it, or it was closed; "
                    + "nothing was planned");
            assertThat(deliveries.outcome(new DeliveryKey("github", "d-elsewhere")))
                    .hasValueSatisfying(o -> assertThat(o).startsWith("rejected (head-origin)"));
            assertThat(labgate.bean(Database.class).queryOne("select count(*) from runs", rs -> rs.getLong(1)))
                    .hasValue(0L);
            assertThat(scenario.github.statuses(Scenario.REPO, scenario.head)).singleElement().satisfies(status -> {
                assertThat(status.context()).isEqualTo("labgate/local");
                assertThat(status.state()).isEqualTo("error");
                assertThat(status.description()).startsWith("Not run: the head's repository is on evil.example, "
                        + "not on file:, the only host labgate fetches code from");
            });
            assertThat(audit(labgate, "github:acme/linux")).extracting(e -> e.get("cause").asText() + " "
                    + e.get("rule").asText() + " " + e.get("outcome").asText()).containsExactlyInAnyOrder(
                    "d-negative change rejected", "d-unknown change rejected", "d-elsewhere head-origin rejected");
            assertThat(scenario.github.requests()).noneMatch(r -> r.path().contains("/pulls/-1"));
        }
    }

    private static void rewrite(Path file, String text, int step) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(step)));
    }

    private static List<JsonNode> audit(RunningLabgate labgate, String repo) throws IOException {
        var response = labgate.get("/api/audit?repo=" + repo);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var list = new ArrayList<JsonNode>();
        JSON.readTree(response.body()).forEach(list::add);
        return list;
    }
}
