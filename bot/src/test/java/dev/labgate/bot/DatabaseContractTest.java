package dev.labgate.bot;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import com.zaxxer.hikari.HikariDataSource;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.bot.store.JdbcSummaryStore;
import dev.labgate.bot.work.DbWorkQueue;
import dev.labgate.bot.work.WorkRunner;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.Work;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the stores promise, checked against each database labgate supports. */
abstract class DatabaseContractTest {

    @TempDir
    Path tmp;

    private HikariDataSource pool;
    Database db;
    private final Clock clock = Clock.systemUTC();

    /** The database under test: an empty URL means the embedded H2 default. */
    abstract Optional<String> url();

    @BeforeEach
    void open() {
        pool = DatabaseFactory.open(new LabgateSettings(tmp, Optional.empty(), Optional.empty(), Optional.empty()),
                new DatabaseSettings(url(), url().map(u -> "postgres"), Optional.empty(), 4));
        db = new Database(pool);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private static final String BODY = "{\"zen\":\"" + "Keep it logically awesome. ".repeat(200) + "\"}";

    private static JdbcDeliveryStore.Encoded delivery(String id) {
        return JdbcDeliveryStore.Encoded.of(new Delivery(new DeliveryKey("github", id), "ping",
                BODY.getBytes(StandardCharsets.UTF_8), Instant.now()), Optional.empty());
    }

    private static final Subject SUBJECT = new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), 7));

    private static Run run(String id, String head) {
        return run(id, head, Instant.now());
    }

    private static Run run(String id, String head, Instant created) {
        return new Run(id, SUBJECT, "local", head, "b".repeat(40), "file:///x.git", "refs/pull/7/head", List.of("t1"),
                0, RunState.PLANNED, 0, null, "", null, false, "d-1", created, created, Optional.empty());
    }

    @Test
    void a_delivery_is_stored_once_even_when_one_batch_repeats_its_id() {
        var store = new JdbcDeliveryStore(db, clock, 0);
        var fresh = db.inTransaction(() -> store.insertNew(List.of(delivery("a"), delivery("b"), delivery("a"))));
        assertThat(fresh).containsExactly(true, true, false);
        var again = db.inTransaction(() -> store.insertNew(List.of(delivery("b"))));
        assertThat(again).containsExactly(false);
        assertThat(store.find(new DeliveryKey("github", "a"))).hasValueSatisfying(d ->
                assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(BODY));
        var storedBytes = db.queryOne("select body from deliveries where delivery_id = 'a'", rs -> rs.getBytes(1));
        assertThat(storedBytes).hasValueSatisfying(b -> assertThat(b.length).isLessThan(BODY.length() / 4));
    }

    @Test
    void of_stored_deliveries_only_those_not_yet_processed_are_left_to_process() {
        var store = new JdbcDeliveryStore(db, clock, 0);
        db.inTransaction(() -> store.insertNew(List.of(delivery("p1"), delivery("p2"), delivery("p3"))));
        store.markProcessed(new DeliveryKey("github", "p2"), "ignored: test");
        var keys = List.of(new DeliveryKey("github", "p3"), new DeliveryKey("github", "p2"),
                new DeliveryKey("github", "p1"));
        assertThat(keys.stream().filter(k -> store.findUnprocessed(k).isPresent()))
                .containsExactly(new DeliveryKey("github", "p3"), new DeliveryKey("github", "p1"));
        assertThat(store.findUnprocessed(new DeliveryKey("github", "p1"))).hasValueSatisfying(d ->
                assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(BODY));
        assertThat(store.findUnprocessed(new DeliveryKey("github", "absent"))).isEmpty();
    }

    @Test
    void what_this_process_just_stored_is_handed_to_processing_from_memory_once_while_it_is_not_processed() {
        var store = new JdbcDeliveryStore(db, clock, JdbcDeliveryStore.KEEP_FOR_PROCESSING);
        db.inTransaction(() -> store.insertNew(List.of(delivery("m1"), delivery("m2"), delivery("m3"))));
        // The rows no longer match what was stored: whatever is handed over did not come from the table.
        db.update("update deliveries set body = ?, body_encoding = 'identity' where delivery_id = 'm1'",
                (Object) "{}".getBytes(StandardCharsets.UTF_8));
        store.markProcessed(new DeliveryKey("github", "m2"), "ignored: test");
        var keys = List.of(new DeliveryKey("github", "m1"), new DeliveryKey("github", "m2"),
                new DeliveryKey("github", "m3"), new DeliveryKey("github", "absent"));

        var handed = store.handOver(keys);

        assertThat(handed.keySet()).containsExactly(new DeliveryKey("github", "m1"), new DeliveryKey("github", "m3"));
        assertThat(new String(handed.get(new DeliveryKey("github", "m1")).body(), StandardCharsets.UTF_8))
                .isEqualTo(BODY);
        assertThat(store.handOver(keys)).as("handed over once; then read from the table").isEmpty();
        assertThat(store.findUnprocessed(new DeliveryKey("github", "m1"))).hasValueSatisfying(d ->
                assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo("{}"));
    }

    @Test
    void a_delivery_stored_with_its_outcome_is_stored_processed_and_not_handed_to_processing() {
        var store = new JdbcDeliveryStore(db, clock, JdbcDeliveryStore.KEEP_FOR_PROCESSING);
        var screened = JdbcDeliveryStore.Encoded.of(new Delivery(new DeliveryKey("github", "s1"), "star",
                BODY.getBytes(StandardCharsets.UTF_8), Instant.now()), Optional.of("ignored: 'star' events are not acted on"));
        var fresh = db.inTransaction(() -> store.insertNew(List.of(screened, delivery("s2"))));

        assertThat(fresh).containsExactly(true, true);
        assertThat(store.outcome(new DeliveryKey("github", "s1"))).hasValue("ignored: 'star' events are not acted on");
        assertThat(db.queryOne("select count(*) from deliveries where processed_at is not null",
                rs -> rs.getLong(1))).hasValue(1L);
        assertThat(store.findUnprocessed(new DeliveryKey("github", "s1"))).isEmpty();
        assertThat(store.handOver(List.of(new DeliveryKey("github", "s1"), new DeliveryKey("github", "s2"))).keySet())
                .containsExactly(new DeliveryKey("github", "s2"));
        assertThat(store.outcome(new DeliveryKey("github", "s2"))).isEmpty();
    }

    @Test
    void nothing_is_kept_of_a_batch_that_did_not_commit_nor_beyond_the_room_given() {
        var store = new JdbcDeliveryStore(db, clock, 2L * BODY.length());
        assertThatThrownBy(() -> db.inTransaction(() -> {
            store.insertNew(List.of(delivery("r1")));
            throw new IllegalStateException("the commit fails");
        })).isInstanceOf(IllegalStateException.class);
        db.inTransaction(() -> store.insertNew(List.of(delivery("k1"), delivery("k2"), delivery("k3"))));

        var handed = store.handOver(List.of(new DeliveryKey("github", "r1"), new DeliveryKey("github", "k1"),
                new DeliveryKey("github", "k2"), new DeliveryKey("github", "k3")));

        assertThat(handed.keySet()).as("the oldest dropped for room").containsExactly(new DeliveryKey("github", "k2"),
                new DeliveryKey("github", "k3"));
        assertThat(store.findUnprocessed(new DeliveryKey("github", "k1"))).isPresent();
        var runsNoWork = new JdbcDeliveryStore(db, clock, 0);
        db.inTransaction(() -> runsNoWork.insertNew(List.of(delivery("n1"))));
        assertThat(runsNoWork.handOver(List.of(new DeliveryKey("github", "n1")))).isEmpty();
    }

    @Test
    void a_run_is_created_once_for_the_same_subject_head_lab_and_round() {
        var runs = new JdbcRunStore(db, clock);
        var first = runs.createIfAbsent(run("r1", "a".repeat(40)));
        var second = runs.createIfAbsent(run("r1-duplicate", "a".repeat(40)));
        assertThat(second.id()).isEqualTo(first.id()).isEqualTo("r1");
        assertThat(runs.forHead(SUBJECT.key(), "a".repeat(40))).hasSize(1);
        assertThat(first.tests()).containsExactly("t1");
        assertThat(first.subject()).isEqualTo(SUBJECT);
    }

    @Test
    void the_runs_of_a_commit_are_found_from_any_subject_of_the_repository_and_a_base_run_reads_back_as_one() {
        var runs = new JdbcRunStore(db, clock);
        var base = "c".repeat(40);
        runs.createIfAbsent(run("passed", base));
        runs.transition("passed", RunState.PLANNED, RunState.SUBMITTED, "", null, 1, null).orElseThrow();
        runs.transition("passed", RunState.SUBMITTED, RunState.PASSED, "1 test passed", null, 1, null).orElseThrow();
        var other = new Subject.Branch(new RepoRef("github", "acme/linux"), "refs/heads/staging");
        var now = Instant.now();
        runs.createIfAbsent(new Run("errored", other, "qemu", base, null, "file:///x.git", "refs/heads/staging",
                List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d-2", now, now, Optional.empty()));
        runs.transition("errored", RunState.PLANNED, RunState.ERRORED, "lab down", null, 1, null).orElseThrow();
        var elsewhere = new Subject.Change(new ChangeRef(new RepoRef("github", "acme/other"), 7));
        runs.createIfAbsent(new Run("elsewhere", elsewhere, "local", base, null, "file:///y.git", "refs/pull/7/head",
                List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d-3", now, now, Optional.empty()));

        var baseOf = new Subject.Base(new RepoRef("github", "acme/linux"), "refs/heads/main");
        runs.createIfAbsent(new Run("base-run", baseOf, "local", base, null, "file:///x.git", "refs/heads/main",
                List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d-4", now, now, Optional.empty()));
        runs.recordTitle("passed", "mm: fix the leak");
        runs.recordTitle("passed", "a later title does not replace the first");

        assertThat(runs.atCommit(new RepoRef("github", "acme/linux"), base)).extracting(Run::id)
                .containsExactlyInAnyOrder("passed", "errored", "base-run");
        assertThat(runs.atCommit(new RepoRef("github", "acme/linux"), "d".repeat(40))).isEmpty();
        assertThat(runs.find("base-run")).hasValueSatisfying(r -> assertThat(r.subject()).isEqualTo(baseOf));
        assertThat(runs.title("passed")).hasValue("mm: fix the leak");
        assertThat(runs.title("errored")).isEmpty();
    }

    @Test
    void an_older_run_that_appears_while_a_newer_one_takes_the_last_slot_waits_for_it() throws Exception {
        // The window between replicas: the older run was created on one replica and committed only
        // after another replica's newer run had counted the lab's free slots.
        var runs = new JdbcRunStore(db, clock);
        var t = Instant.parse("2026-03-01T10:00:00Z");
        runs.createIfAbsent(run("earlier", "0".repeat(40), t.minusSeconds(60)));
        assertThat(runs.takeSlot("earlier", "local", 1)).isZero();
        runs.transition("earlier", RunState.PLANNED, RunState.CANCELLED, "", null, 0, null).orElseThrow();
        var pool = Executors.newFixedThreadPool(3);
        try {
            var created = new CountDownLatch(1);
            var commitOlder = new CountDownLatch(1);
            Future<?> creating = pool.submit(() -> db.inTransaction(() -> {
                runs.createIfAbsent(run("older", "1".repeat(40), t));
                created.countDown();
                await(commitOlder);
            }));
            assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();
            runs.createIfAbsent(run("newer", "2".repeat(40), t.plusSeconds(1)));
            var taken = new CountDownLatch(1);
            var commitNewer = new CountDownLatch(1);
            Future<Integer> newer = pool.submit(() -> db.inTransaction(() -> {
                var place = runs.takeSlot("newer", "local", 1);
                taken.countDown();
                await(commitNewer);
                return place;
            }));
            assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
            commitOlder.countDown();
            creating.get(10, TimeUnit.SECONDS);
            Future<Integer> older = pool.submit(() -> runs.takeSlot("older", "local", 1));
            assertThatThrownBy(() -> older.get(300, TimeUnit.MILLISECONDS))
                    .as("the older run must wait while the newer one holds the lab's lock")
                    .isInstanceOf(TimeoutException.class);
            commitNewer.countDown();
            assertThat(newer.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(older.get(10, TimeUnit.SECONDS)).as("the lab's one slot is taken").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void of_two_racing_transitions_from_the_same_state_exactly_one_wins() throws Exception {
        var runs = new JdbcRunStore(db, clock);
        runs.createIfAbsent(run("r2", "c".repeat(40)));
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<Optional<Run>> a = pool.submit(() -> {
                start.await();
                return runs.transition("r2", RunState.PLANNED, RunState.SUBMITTED, "", new LabRun("local", "x", null),
                        1, Instant.now());
            });
            Future<Optional<Run>> b = pool.submit(() -> {
                start.await();
                return runs.transition("r2", RunState.PLANNED, RunState.CANCELLED, "superseded", null, 0, null);
            });
            start.countDown();
            var winners = List.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS)).stream()
                    .filter(Optional::isPresent).count();
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        var transitions = db.queryOne("select count(*) from run_transitions where run_id = 'r2'", rs -> rs.getLong(1));
        assertThat(transitions).hasValue(1L);
    }

    @Test
    void a_transition_the_lifecycle_forbids_is_refused() {
        var runs = new JdbcRunStore(db, clock);
        runs.createIfAbsent(run("r3", "d".repeat(40)));
        runs.transition("r3", RunState.PLANNED, RunState.PASSED, "1 test passed", null, 1, null);
        assertThatThrownBy(() -> runs.transition("r3", RunState.PASSED, RunState.RUNNING, "", null, 1, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("passed to running");
    }

    @Test
    void work_enqueued_in_a_transaction_that_rolls_back_is_not_kept_and_its_wake_up_never_runs() {
        var client = SchedulerClient.Builder.create(db.joiningDataSource()).serializer(new JacksonSerializer())
                .jdbcCustomization(WorkRunner.jdbcCustomization(db)).build();
        var wakeUps = new AtomicLong();
        var queue = new DbWorkQueue(client, db, clock, wakeUps::incrementAndGet);
        assertThatThrownBy(() -> db.inTransaction(() -> {
            queue.enqueueNow(new Work.AdvanceRun("rolled-back"));
            throw new IllegalStateException("fail the transaction");
        })).hasMessage("fail the transaction");
        db.inTransaction(() -> queue.enqueueNow(new Work.AdvanceRun("committed")));
        var instances = db.query("select task_instance from scheduled_tasks", rs -> rs.getString(1));
        assertThat(instances).containsExactly("committed");
        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void the_review_of_a_head_is_one_task_however_many_reports_queue_it_also_while_it_runs() {
        var client = SchedulerClient.Builder.create(db.joiningDataSource()).serializer(new JacksonSerializer())
                .jdbcCustomization(WorkRunner.jdbcCustomization(db)).build();
        var queue = new DbWorkQueue(client, db, clock, () -> { });
        var change = new Subject.Change(new ChangeRef(new RepoRef("github", "acme/linux"), 7));
        queue.enqueueNow(new Work.ReviewHead(change, "a".repeat(40)));
        queue.enqueueNow(new Work.ReviewHead(change, "a".repeat(40)));
        db.update("update scheduled_tasks set picked = true, picked_by = 'replica-1'");
        queue.enqueueNow(new Work.ReviewHead(change, "a".repeat(40)));
        queue.enqueueNow(new Work.ReviewHead(change, "b".repeat(40)));
        var tasks = db.query("select task_name || ' ' || task_instance from scheduled_tasks order by task_instance",
                rs -> rs.getString(1));
        assertThat(tasks).containsExactly("review github:acme/linux#7|" + "a".repeat(40) + "|review",
                "review github:acme/linux#7|" + "b".repeat(40) + "|review");
    }

    @Test
    void a_second_reporter_waits_for_the_summary_lock_until_the_first_commits() throws Exception {
        var summaries = new JdbcSummaryStore(db, clock);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> db.inTransaction(() -> {
                summaries.lockLastPosted("acme#7");
                holding.countDown();
                await(release);
                summaries.savePosted("acme#7", "first");
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Optional<String>> second = pool.submit(() -> db.inTransaction(() -> summaries.lockLastPosted("acme#7")));
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
                    .as("the second reporter must not get the lock while the first holds it")
                    .isInstanceOf(TimeoutException.class);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertThat(second.get(10, TimeUnit.SECONDS)).hasValue("first");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
