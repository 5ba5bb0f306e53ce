package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import dev.labgate.core.run.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of pull requests by one author against a daily quota of 5, delivered one after another
 * and processed by concurrent workers: exactly 5 runs are admitted and submitted to the lab, each audited
 * with its own place in the day, and every other head says why it was not run.
 */
class QuotaServiceTest {

    private static final int QUOTA = 5;
    private static final int CHANGES = 20;

    @TempDir
    Path tmp;

    @Test
    void twenty_pull_requests_on_the_embedded_database_submit_exactly_the_quota() throws IOException {
        try (var scenario = scenario(); var labgate = new RunningLabgate(scenario.properties())) {
            burst(scenario, List.of(labgate));
        }
    }

    @Test
    void twenty_pull_requests_across_two_replicas_on_postgresql_submit_exactly_the_quota() throws IOException {
        var url = PostgresForTests.newDatabaseUrl();
        try (var scenario = scenario()) {
            var a = new HashMap<>(scenario.properties());
            a.put("labgate.database.url", url);
            a.put("labgate.database.user", "postgres");
            a.put("labgate.data-dir", tmp.resolve("data-a").toString());
            var b = new HashMap<>(a);
            b.put("labgate.data-dir", tmp.resolve("data-b").toString());
            try (var first = new RunningLabgate(a); var second = new RunningLabgate(b)) {
                burst(scenario, List.of(first, second));
            }
        }
    }

    private Scenario scenario() throws IOException {
        var scenario = new Scenario(tmp, "true");
        var policy = tmp.resolve("policy.yml");
        Files.writeString(policy, Files.readString(policy) + "quotas:\n  runs-per-author-per-day: " + QUOTA + "\n");
        scenario.github.permission(Scenario.REPO, "alice", "write");
        return scenario;
    }

    private static void burst(Scenario scenario, List<RunningLabgate> replicas) {
        var heads = new ArrayList<String>();
        for (int n = 1; n <= CHANGES; n++) {
            var head = scenario.git.commit("refs/pull/" + n + "/head", scenario.base, "change " + n,
                    Map.of("README", "change " + n + "\n"));
            heads.add(head);
            scenario.github.openChange(Scenario.REPO, n, "alice", head, scenario.base, false, List.of("README"),
                    List.of(head));
        }
        for (int n = 1; n <= CHANGES; n++) {
            var target = replicas.get(n % replicas.size());
            assertThat(target.postGitHub("pull_request", "burst-" + n, Fixtures.pullRequest("opened", Scenario.REPO, n,
                    "alice", heads.get(n - 1), scenario.base, false), Scenario.SECRET).statusCode()).isEqualTo(202);
        }
        var db = replicas.get(0).bean(Database.class);
        await().atMost(Duration.ofSeconds(90)).until(() -> count(db,
                "select count(*) from deliveries where outcome is not null") == CHANGES);

        assertThat(count(db, "select count(*) from runs where subject_kind <> 'base'")).isEqualTo(QUOTA);
        assertThat(count(db, "select count(*) from runs where subject_kind = 'base'"))
                .as("the base commit's one run, counted against no author's quota").isEqualTo(1);
        var places = db.query("select reason from audit where rule = 'lab-admission' and outcome = 'TRUSTED'",
                rs -> rs.getString(1));
        assertThat(places).map(reason -> reason.replaceAll(".*; (\\d+ of \\d+) runs today.*", "$1"))
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, QUOTA).mapToObj(i -> i + " of " + QUOTA)
                        .toList());
        assertThat(count(db, "select count(*) from audit where rule = 'quota-runs-per-author-per-day'"))
                .isEqualTo(CHANGES - QUOTA);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(db, "select count(distinct t.run_id) from "
                + "run_transitions t join runs r on r.id = t.run_id where r.subject_kind <> 'base' and t.to_state = '"
                + RunState.SUBMITTED.name() + "'") == QUOTA);
        var refused = heads.stream().filter(head -> scenario.github.statuses(Scenario.REPO, head).stream()
                .anyMatch(s -> s.state().equals("error") && s.description()
                        .equals("Not run: alice has used all 5 runs of today (UTC); the quota resets at midnight UTC")))
                .count();
        assertThat(refused).isEqualTo(CHANGES - QUOTA);
    }

    private static long count(Database db, String sql) {
        return db.queryOne(sql, rs -> rs.getLong(1)).orElseThrow();
    }
}
