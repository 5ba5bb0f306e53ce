package dev.labgate.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.core.event.ChangeRef;
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
            labgate.postGitHub("pull_request", "d-1", Fixtures.pullRequest("opened", Scenario.REPO, 7, "alice",
                    scenario.head, scenario.base, false), Scenario.SECRET);
            var other = scenario.git.commit("refs/pull/8/head", scenario.base, "from a fork",
                    Map.of("README", "a kernel\n", "evil.sh", "echo hi\n"));
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
            labgate.postGitHub("pull_request", "d-after", Fixtures.pullRequest("opened", Scenario.REPO, 7, "mallory",
                    head, scenario.base, true), Scenario.SECRET);
            await().atMost(Duration.ofSeconds(15)).until(() -> audit(labgate, "github:acme/linux").stream()
                    .anyMatch(e -> e.get("cause").asText().equals("d-after")));
            assertThat(audit(labgate, "github:acme/linux")).filteredOn(e -> e.get("cause").asText().equals("d-after")
                    && e.get("lab").asText().isEmpty()).singleElement()
                    .satisfies(e -> assertThat(e.get("outcome").asText()).isEqualTo("trusted"));
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
