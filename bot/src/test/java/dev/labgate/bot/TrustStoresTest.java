package dev.labgate.bot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcAuditLog;
import dev.labgate.bot.store.JdbcQuotaCounts;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.trust.TrustDecision;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trust tables and their stores, on H2 (PostgreSQL mode) and on a real PostgreSQL, with the same migrations. */
class TrustStoresTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static EmbeddedPostgres postgres;
    private static HikariDataSource h2;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        migrate(postgres.getPostgresDatabase());
        var config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:trust-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        h2 = new HikariDataSource(config);
        migrate(h2);
    }

    @AfterAll
    static void stop() throws IOException {
        h2.close();
        postgres.close();
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }

    private static Database database(String which) {
        return new Database(which.equals("h2") ? h2 : postgres.getPostgresDatabase());
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void requests_and_approvals_are_kept_once_and_the_latest_approval_wins(String which) {
        var db = database(which);
        var store = new JdbcApprovalStore(db);
        var change = new ChangeRef(new RepoRef("github", "acme/" + which), 7);
        var request = new ApprovalRequest(change, "1".repeat(40), "b".repeat(40), "refs/heads/master",
                new Person("mallory"), true, "https://github.example/acme/linux.git", "refs/pull/7/head", T);
        store.request(request);
        store.request(new ApprovalRequest(change, "1".repeat(40), "c".repeat(40), "refs/heads/other",
                new Person("eve"), false, "x", "y", T.plusSeconds(5)));
        assertThat(store.request(change, "1".repeat(40))).contains(request);
        assertThat(store.request(change, "2".repeat(40))).isEmpty();

        var first = new Approval(change, "1".repeat(40), "b".repeat(40), new Person("bob"), "v1", T.plusSeconds(10),
                List.of("p1", "p2"), "");
        var carried = new Approval(change, "2".repeat(40), "b".repeat(40), new Person("bob"), "v1", T.plusSeconds(20),
                List.of("p1", "p2"), "1".repeat(40));
        store.record(first);
        store.record(carried);
        store.record(new Approval(change, "1".repeat(40), "", new Person("eve"), "v2", T.plusSeconds(30), List.of(), ""));
        assertThat(store.latest(change)).contains(carried);
        assertThat(store.latest(new ChangeRef(change.repo(), 8))).isEmpty();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void the_audit_keeps_each_decision_once_newest_first(String which) {
        var db = database(which);
        var audit = new JdbcAuditLog(db);
        var repo = new RepoRef("github", "acme/" + which);
        var alice = new Person("alice-" + which);
        audit.record(entry("a", repo, alice, "qemu", "run-1", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED, T));
        audit.record(entry("a", repo, alice, "qemu", "run-1", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                T.plusSeconds(99)));
        audit.record(entry("b", repo, alice, "qemu", "run-2", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                T.plusSeconds(60)));
        audit.record(entry("c", repo, alice, "rack", "", TrustRules.LAB_TIER, TrustDecision.Outcome.REJECTED,
                T.plusSeconds(61)));
        audit.record(entry("d", repo, alice, "qemu", "run-0", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                T.minusSeconds(86_400)));

        var entries = audit.forRepository(new RepoRef("github", "ACME/" + which), 10);
        assertThat(entries).extracting(AuditEntry::id).containsExactly("c", "b", "a", "d");
        assertThat(entries.get(0).reason()).isEqualTo("because c");
        assertThat(audit.forRepository(repo, 2)).hasSize(2);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void twenty_transactions_at_once_take_exactly_the_quota_each_run_counted_once(String which) throws Exception {
        var db = database(which);
        var quotas = new JdbcQuotaCounts(db);
        var alice = new Person("burst-" + which);
        var day = LocalDate.of(2026, 3, 1);
        var start = new CyclicBarrier(20);
        var pool = Executors.newFixedThreadPool(20);
        try {
            var answers = new ArrayList<Future<OptionalInt>>();
            for (int i = 0; i < 20; i++) {
                var run = which + "-run-" + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return db.inTransaction(() -> quotas.admit(alice, day, 5, run));
                }));
            }
            var places = new ArrayList<Integer>();
            for (var answer : answers) {
                answer.get(60, TimeUnit.SECONDS).ifPresent(places::add);
            }
            assertThat(places).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        } finally {
            pool.shutdownNow();
        }
        var counted = db.queryOne("select run_id from quota_runs where who = ? and place = 3", rs -> rs.getString(1),
                alice.login()).orElseThrow();
        assertThat(quotas.admit(alice, day, 5, counted)).hasValue(3);
        assertThat(quotas.admit(alice, day, 5, which + "-run-late")).isEmpty();
        assertThat(quotas.admit(alice, day.plusDays(1), 5, which + "-run-next-day")).hasValue(1);
        assertThat(quotas.admit(new Person("bob-" + which), day, 5, which + "-run-bob")).hasValue(1);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void a_rolled_back_transaction_gives_its_run_back(String which) {
        var db = database(which);
        var quotas = new JdbcQuotaCounts(db);
        var carol = new Person("rollback-" + which);
        var day = LocalDate.of(2026, 3, 1);
        assertThatThrownBy(() -> db.inTransaction(() -> {
            assertThat(quotas.admit(carol, day, 1, which + "-rolled-back")).hasValue(1);
            throw new IllegalStateException("the run could not be stored");
        })).hasMessageContaining("could not be stored");
        assertThat(quotas.admit(carol, day, 1, which + "-kept")).hasValue(1);
        assertThat(quotas.admit(carol, day, 1, which + "-rolled-back")).isEmpty();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void an_upgrade_carries_the_audits_admissions_over_to_the_quota(String which) throws Exception {
        DataSource fresh;
        if (which.equals("h2")) {
            var config = new HikariConfig();
            config.setJdbcUrl("jdbc:h2:mem:upgrade-" + UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
            fresh = new HikariDataSource(config);
        } else {
            var name = "upgrade_" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
            try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                st.execute("create database " + name);
            }
            fresh = postgres.getDatabase("postgres", name);
        }
        Flyway.configure().dataSource(fresh).locations("classpath:db/migration").target("3.8").load().migrate();
        var db = new Database(fresh);
        var audit = new JdbcAuditLog(db);
        var repo = new RepoRef("github", "acme/linux");
        var dave = new Person("dave");
        // 23:30 UTC is the next day in some time zones: the day must be taken in UTC.
        audit.record(entry("a", repo, dave, "qemu", "run-1", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                Instant.parse("2026-03-01T23:30:00Z")));
        audit.record(entry("b", repo, dave, "qemu", "run-2", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                Instant.parse("2026-03-01T08:00:00Z")));
        audit.record(entry("c", repo, dave, "rack", "", TrustRules.LAB_TIER, TrustDecision.Outcome.REJECTED,
                Instant.parse("2026-03-01T09:00:00Z")));
        audit.record(entry("d", repo, dave, "qemu", "run-3", TrustRules.LAB_ADMISSION, TrustDecision.Outcome.TRUSTED,
                Instant.parse("2026-03-02T00:30:00Z")));
        migrate(fresh);

        var quotas = new JdbcQuotaCounts(db);
        assertThat(quotas.admit(dave, LocalDate.of(2026, 3, 1), 5, "run-1")).hasValue(2);
        assertThat(quotas.admit(dave, LocalDate.of(2026, 3, 1), 5, "run-2")).hasValue(1);
        assertThat(quotas.admit(dave, LocalDate.of(2026, 3, 1), 5, "run-4")).hasValue(3);
        assertThat(quotas.admit(dave, LocalDate.of(2026, 3, 2), 1, "run-5")).isEmpty();
        if (fresh instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void active_runs_are_counted_per_lab(String which) {
        var db = database(which);
        var runs = new JdbcRunStore(db, Clock.fixed(T, ZoneOffset.UTC));
        var lab = "lab-" + which;
        var subject = new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), 9));
        for (var state : Map.of("1", RunState.PLANNED, "2", RunState.RUNNING, "3", RunState.PASSED,
                "4", RunState.AWAITING_APPROVAL).entrySet()) {
            runs.createIfAbsent(new Run(which + state.getKey(), subject, lab, state.getKey().repeat(40), null,
                    "file:///x.git", "refs/pull/9/head", List.of(), 0, state.getValue(), 0, null, "", null, false, "d",
                    T, T, Optional.empty()));
        }
        assertThat(new JdbcQuotaCounts(db).activeRuns(lab)).isEqualTo(2);
    }

    private static AuditEntry entry(String id, RepoRef repo, Person who, String lab, String run, String rule,
                                    TrustDecision.Outcome outcome, Instant at) {
        return new AuditEntry(id, at, repo, repo + "#7", "1".repeat(40), who, lab, run, rule, outcome, "because " + id,
                "v1", "delivery-1");
    }
}
