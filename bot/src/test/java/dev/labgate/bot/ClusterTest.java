package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two labgate processes on one PostgreSQL: every delivery is processed, and none twice. */
class ClusterTest {

    @TempDir
    Path tmp;

    @Test
    void two_replicas_on_one_postgresql_process_every_delivery_exactly_once() {
        var url = PostgresForTests.newDatabaseUrl();
        try (var scenario = new Scenario(tmp, "true")) {
            var a = new HashMap<>(scenario.properties());
            a.put("labgate.database.url", url);
            a.put("labgate.database.user", "postgres");
            a.put("labgate.data-dir", tmp.resolve("data-a").toString());
            var b = new HashMap<>(a);
            b.put("labgate.data-dir", tmp.resolve("data-b").toString());
            try (var first = new RunningLabgate(a); var second = new RunningLabgate(b)) {
                int deliveries = 200;
                for (int i = 0; i < deliveries; i++) {
                    var target = i % 2 == 0 ? first : second;
                    // A closed change of the policy's repository: processing must look for its runs,
                    // so it is a task (an ignored event would be settled by the intake that took it).
                    var body = Fixtures.pullRequest("closed", Scenario.REPO, i + 1, "alice", scenario.head,
                            scenario.base, false);
                    assertThat(target.postGitHub("pull_request", "cluster-" + i, body, Scenario.SECRET).statusCode())
                            .isEqualTo(202);
                }
                var db = first.bean(Database.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> db.queryOne(
                        "select count(*) from deliveries where outcome is not null", rs -> rs.getLong(1))
                        .orElseThrow() == deliveries);
                await().atMost(Duration.ofSeconds(10)).until(() -> db.queryOne(
                        "select count(*) from scheduled_tasks where task_name like 'process-%'", rs -> rs.getLong(1))
                        .orElseThrow() == 0);
                var byFirst = processed(first);
                var bySecond = processed(second);
                assertThat(byFirst + bySecond).isEqualTo(deliveries);
                assertThat(db.queryOne("select count(*) from deliveries where outcome like 'closed: 0 unfinished%'",
                        rs -> rs.getLong(1))).hasValue((long) deliveries);
                assertThat(byFirst).as("both replicas took work").isPositive();
                assertThat(bySecond).as("both replicas took work").isPositive();
            }
        }
    }

    private static long processed(RunningLabgate labgate) {
        return Math.round(labgate.bean(MeterRegistry.class).counter("labgate.deliveries.processed").count());
    }
}
