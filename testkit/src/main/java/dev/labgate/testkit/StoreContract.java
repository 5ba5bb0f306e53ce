package dev.labgate.testkit;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.SummaryStore;
import dev.labgate.core.store.Transactions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What labgate's stores promise, orderings included, checked the same way against every
 * implementation: the in-memory one ({@link MemoryStores}) and the JDBC stores on H2 and
 * PostgreSQL. A subclass gives the stores, all on {@link #clock}.
 */
public abstract class StoreContract {

    /** The stores under test. */
    public record Stores(RunStore runs, ResultStore results, SummaryStore summaries, Transactions transactions) {
    }

    protected static final RepoRef REPO = new RepoRef("github", "acme/linux");
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    protected final TestClock clock = new TestClock(T0);
    private Stores stores;

    /** Fresh, empty stores whose clock is {@link #clock}. */
    protected abstract Stores stores();

    @BeforeEach
    void open() {
        stores = stores();
    }

    private static Subject change(long number) {
        return new Subject.Change(new ChangeRef(REPO, number));
    }

    private Run create(String id, Subject subject, String lab, String head, int round, Instant at) {
        return stores.runs().createIfAbsent(new Run(id, subject, lab, head, "b".repeat(40), "file:///x.git",
                "refs/pull/7/head", List.of("t1"), round, RunState.PLANNED, 0, null, "", null, false, "d-" + id, at, at,
                Optional.empty()));
    }

    @Test
    void the_same_subject_head_lab_and_round_is_one_run() {
        var first = create("r1", change(7), "lab", "1".repeat(40), 0, T0);
        var again = create("r2", change(7), "lab", "1".repeat(40), 0, T0.plusSeconds(1));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(stores.runs().find("r2")).isEmpty();
    }

    @Test
    void runs_of_a_head_come_oldest_first_then_by_lab_then_by_round() {
        var head = "1".repeat(40);
        create("c", change(7), "zeta", head, 0, T0);
        create("a", change(7), "beta", head, 1, T0.plusSeconds(5));
        create("b", change(7), "alpha", head, 0, T0.plusSeconds(5));
        create("d", change(7), "beta", head, 0, T0.plusSeconds(5));
        create("x", change(8), "alpha", head, 0, T0);

        assertThat(stores.runs().forHead(change(7).key(), head)).extracting(Run::id).containsExactly("c", "b", "d", "a");
    }

    @Test
    void the_latest_head_is_the_head_of_the_newest_run() {
        create("r1", change(7), "lab", "1".repeat(40), 0, T0);
        create("r2", change(7), "lab", "2".repeat(40), 0, T0.plusSeconds(10));
        create("r3", change(7), "other", "1".repeat(40), 1, T0.plusSeconds(5));

        assertThat(stores.runs().latestHead(change(7).key())).contains("2".repeat(40));
        assertThat(stores.runs().latestHead(change(9).key())).isEmpty();
    }

    @Test
    void a_later_stage_keeps_the_lab_it_runs_after_and_waits_out_of_its_labs_queue() {
        var head = "1".repeat(40);
        var boot = stores.runs().createIfAbsent(new Run("boot", change(7), "boards", head, null, "file:///x.git",
                "refs/pull/7/head", List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d", T0, T0,
                Optional.of("build")));
        assertThat(boot.after()).contains("build");
        assertThat(stores.runs().find("boot").orElseThrow().after()).contains("build");
        create("first", change(8), "boards", head, 0, T0.plusSeconds(5));

        var waiting = stores.runs().transition("boot", RunState.PLANNED, RunState.WAITING, "Waiting for build", null, 0,
                null).orElseThrow();

        assertThat(waiting.after()).contains("build");
        assertThat(stores.runs().takeSlot("first", "boards", 1)).as("a waiting stage neither holds a slot nor queues")
                .isZero();
        assertThat(stores.runs().active(change(7).key())).extracting(Run::id).containsExactly("boot");
        assertThat(stores.runs().transition("boot", RunState.WAITING, RunState.SKIPPED, "not run: build failed", null, 0,
                null)).hasValueSatisfying(r -> assertThat(r.state().isTerminal()).isTrue());
        assertThat(stores.runs().active(change(7).key())).isEmpty();
    }

    @Test
    void a_labs_slots_go_to_its_oldest_planned_runs_and_are_held_until_each_run_ends() {
        create("late", change(1), "lab", "1".repeat(40), 0, T0.plusSeconds(20));
        create("early", change(2), "lab", "1".repeat(40), 0, T0);
        create("b-same", change(3), "lab", "1".repeat(40), 0, T0.plusSeconds(10));
        create("a-same", change(4), "lab", "1".repeat(40), 0, T0.plusSeconds(10));
        create("ended", change(5), "lab", "1".repeat(40), 0, T0);
        stores.runs().transition("ended", RunState.PLANNED, RunState.CANCELLED, "closed", null, 0, null);
        create("elsewhere", change(6), "other", "1".repeat(40), 0, T0);
        var runs = stores.runs();

        assertThat(runs.takeSlot("a-same", "lab", 2)).as("early and a-same fit in two slots").isZero();
        assertThat(runs.takeSlot("b-same", "lab", 2)).as("early waits ahead of b-same").isEqualTo(1);
        assertThat(runs.takeSlot("late", "lab", 2)).isEqualTo(2);
        assertThat(runs.takeSlot("early", "lab", 2)).isZero();
        assertThat(runs.takeSlot("early", "lab", 2)).as("a slot held is kept").isZero();
        assertThat(runs.takeSlot("elsewhere", "other", 1)).as("each lab has its own slots").isZero();

        runs.transition("early", RunState.PLANNED, RunState.SUBMITTED, "", new LabRun("lab", "x", null), 1, null);
        runs.transition("a-same", RunState.PLANNED, RunState.SUBMITTED, "", new LabRun("lab", "y", null), 1, null);
        runs.transition("a-same", RunState.SUBMITTED, RunState.PLANNED, "lab down; retrying", null, 1, null);
        assertThat(runs.takeSlot("b-same", "lab", 2)).as("a run waiting to be submitted again keeps its slot")
                .isEqualTo(1);
        runs.transition("early", RunState.SUBMITTED, RunState.PASSED, "done", null, 1, null);
        assertThat(runs.takeSlot("b-same", "lab", 2)).as("an ended run frees its slot").isZero();
        assertThat(runs.takeSlot("late", "lab", 2)).isEqualTo(1);
        assertThat(runs.active(change(5).key())).isEmpty();
        assertThat(runs.active(change(1).key())).extracting(Run::id).containsExactly("late");
    }

    @Test
    void a_transition_happens_once_from_the_state_it_names() {
        create("r1", change(7), "lab", "1".repeat(40), 0, T0);
        clock.advance(Duration.ofMinutes(1));

        var moved = stores.runs().transition("r1", RunState.PLANNED, RunState.SUBMITTED, "at the lab",
                new LabRun("lab", "job-1", null), 1, T0.plusSeconds(3600));
        var again = stores.runs().transition("r1", RunState.PLANNED, RunState.SUBMITTED, "twice", null, 1, null);

        assertThat(moved).hasValueSatisfying(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUBMITTED);
            assertThat(r.labRun().externalId()).isEqualTo("job-1");
            assertThat(r.updatedAt()).isEqualTo(clock.instant());
        });
        assertThat(again).isEmpty();
        assertThat(stores.runs().find("r1").orElseThrow().note()).isEqualTo("at the lab");
    }

    @Test
    void runs_at_a_commit_in_any_state_and_reported_runs_come_most_recently_changed_first() {
        var head = "1".repeat(40);
        var number = 0;
        for (var id : List.of("one", "two", "three")) {
            create(id, change(++number), "lab", head, 0, T0);
        }
        for (var id : List.of("two", "one", "three")) {
            clock.advance(Duration.ofSeconds(10));
            stores.runs().transition(id, RunState.PLANNED, RunState.SUBMITTED, "", null, 1, null);
            stores.runs().transition(id, RunState.SUBMITTED, RunState.RUNNING, "", null, 1, null);
            stores.runs().transition(id, RunState.RUNNING, id.equals("three") ? RunState.ERRORED : RunState.PASSED,
                    "", null, 1, null);
            stores.runs().markFinalReported(id);
        }

        assertThat(stores.runs().atCommit(REPO, head)).extracting(Run::id).containsExactly("three", "one", "two");
        assertThat(stores.runs().atCommit(REPO, "2".repeat(40))).isEmpty();
        assertThat(stores.runs().reportedSince(T0, 10)).extracting(Run::id).containsExactly("three", "one", "two");
        assertThat(stores.runs().reportedSince(clock.instant(), 10)).extracting(Run::id).containsExactly("three");
        assertThat(stores.runs().reportedSince(T0, 1)).extracting(Run::id).containsExactly("three");
    }

    @Test
    void the_runs_not_ended_on_a_base_commit_are_those_its_base_run_wakes() {
        create("first", change(1), "lab", "1".repeat(40), 0, T0);
        create("second", change(2), "other", "2".repeat(40), 0, T0.plusSeconds(1));
        create("ended", change(3), "lab", "3".repeat(40), 0, T0);
        stores.runs().transition("ended", RunState.PLANNED, RunState.CANCELLED, "", null, 0, null);

        assertThat(stores.runs().activeOnBase(REPO, "b".repeat(40))).extracting(Run::id)
                .containsExactly("first", "second");
        assertThat(stores.runs().activeOnBase(REPO, "c".repeat(40))).isEmpty();
    }

    @Test
    void a_status_in_doubt_keeps_its_first_moment_until_cleared() {
        create("r1", change(7), "lab", "1".repeat(40), 0, T0);

        stores.runs().markStatusInDoubt("r1", T0.plusSeconds(5));
        stores.runs().markStatusInDoubt("r1", T0.plusSeconds(9));
        assertThat(stores.runs().statusInDoubtSince("r1")).contains(T0.plusSeconds(5));

        stores.runs().clearStatusDoubt("r1");
        assertThat(stores.runs().statusInDoubtSince("r1")).isEmpty();
    }

    @Test
    void the_first_reason_for_a_run_stays() {
        var head = "1".repeat(40);
        create("r1", change(7), "lab", head, 0, T0);

        stores.runs().recordWhy("r1", "plan smoke");
        stores.runs().recordWhy("r1", "plan other");

        assertThat(stores.runs().whys(change(7).key(), head)).containsExactly(java.util.Map.entry("r1", "plan smoke"));
    }

    @Test
    void results_and_summaries_are_kept_per_run_and_per_subject() {
        create("r1", change(7), "lab", "1".repeat(40), 0, T0);
        var data = KcidbData.of(List.of(Checkout.of("labgate:c1", "labgate")), List.of(), List.of());

        stores.results().save("r1", data);
        stores.transactions().inTransaction(() -> {
            assertThat(stores.summaries().lockLastPosted(change(7).key())).isEmpty();
            stores.summaries().savePosted(change(7).key(), "fingerprint-1");
            return null;
        });

        assertThat(stores.results().find("r1")).hasValueSatisfying(d ->
                assertThat(d.checkouts()).extracting(Checkout::id).containsExactly("labgate:c1"));
        assertThat(stores.results().find("r2")).isEmpty();
        assertThat(stores.transactions().inTransaction(() -> stores.summaries().lockLastPosted(change(7).key())))
                .contains("fingerprint-1");
    }
}
