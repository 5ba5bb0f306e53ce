package dev.labgate.flow;

import dev.labgate.config.PolicyParser;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.testkit.FakeKcidbDashboard;
import dev.labgate.testkit.MemoryStores;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BaselinesTest {

    private static final RepoRef REPO = new RepoRef("github", "acme/linux");
    private static final String BASE = "b".repeat(40);
    private static final String HEAD = "1".repeat(40);

    private final MemoryStores stores = new MemoryStores(Clock.systemUTC());
    private final List<Work> queued = new ArrayList<>();
    private final WorkQueue work = new WorkQueue() {
        @Override
        public void enqueue(Work item, Instant notBefore) {
            queued.add(item);
        }

        @Override
        public void reschedule(Work item, Instant at) {
            queued.add(item);
        }
    };

    private Baselines baselines(String policy) {
        var parsed = new PolicyParser().parse(policy).policy().orElseThrow();
        return new Baselines(stores.runs, stores.results, () -> parsed, new KcidbSource(() -> parsed, Verdicts.HTTP),
                work, Clock.systemUTC());
    }

    private Baselines baselines() {
        return baselines("labs:\n  qemu: {type: command, command: make}\n  rack: {type: command, command: make, "
                + "baseline: none}\n");
    }

    private Run run(String id, Subject subject, String lab, String head, String base, RunState state, Status result) {
        var now = Instant.now();
        var run = stores.runs.createIfAbsent(new Run(id, subject, lab, head, base, "https://git.example/x.git",
                "refs/x", List.of(), 0, state, 0, null, "", null, false, "d-" + id, now, now, Optional.empty()));
        if (result != null) {
            stores.results.save(id, KcidbData.of(List.of(), List.of(),
                    List.of(Test.of("labgate:" + id, null, "labgate", "boot", result))));
        }
        return run;
    }

    private static Subject change(long number) {
        return new Subject.Change(new ChangeRef(REPO, number));
    }

    @org.junit.jupiter.api.Test
    void every_finished_run_of_the_base_commit_on_the_same_lab_is_the_baseline_whoever_ran_it() {
        run("base-q", new Subject.Branch(REPO, "refs/heads/staging"), "qemu", BASE, null, RunState.PASSED, Status.PASS);
        run("base-r", change(6), "qemu", BASE, null, RunState.FAILED, Status.FAIL);
        run("base-other-lab", change(5), "rack", BASE, null, RunState.PASSED, Status.PASS);
        var head = run("head-q", change(7), "qemu", HEAD, BASE, RunState.RUNNING, null);

        var found = baselines().of(head);

        assertThat(found).isInstanceOfSatisfying(Baselines.Known.class, known -> {
            assertThat(known.results().tests()).extracting(Test::id)
                    .containsExactlyInAnyOrder("labgate:base-q", "labgate:base-r");
            assertThat(known.from()).extracting(Run::id).containsExactlyInAnyOrder("base-q", "base-r");
        });
    }

    @org.junit.jupiter.api.Test
    void a_base_run_still_going_is_pending_and_one_that_ended_without_results_says_why() {
        var base = run("base-q", change(6), "qemu", BASE, null, RunState.RUNNING, null);
        var head = run("head-q", change(7), "qemu", HEAD, BASE, RunState.RUNNING, null);

        assertThat(baselines().of(head)).isEqualTo(new Baselines.Pending(base));

        stores.runs.transition(base.id(), RunState.RUNNING, RunState.ERRORED, "the lab lost it", null, 1, null);
        assertThat(baselines().of(head)).isEqualTo(new Baselines.None(
                "the base commit's run on qemu ended errored: the lab lost it"));
    }

    @org.junit.jupiter.api.Test
    void a_run_without_a_base_commit_or_on_a_lab_that_asks_for_none_has_no_baseline() {
        run("base-q", change(6), "qemu", BASE, null, RunState.PASSED, Status.PASS);
        var noBase = run("head-q", change(7), "qemu", HEAD, null, RunState.RUNNING, null);
        var onRack = run("head-r", change(7), "rack", HEAD, BASE, RunState.RUNNING, null);

        assertThat(baselines().of(noBase)).isEqualTo(new Baselines.None("no base commit to compare with"));
        assertThat(baselines().of(onRack)).isEqualTo(new Baselines.None("the policy asks for no baseline on rack"));
    }

    @org.junit.jupiter.api.Test
    void a_head_on_a_test_base_lab_starts_one_base_run_that_the_next_change_on_that_base_reuses() {
        var baselines = baselines();
        var first = run("head-7", change(7), "qemu", HEAD, BASE, RunState.PLANNED, null);
        var second = run("head-8", change(8), "qemu", "2".repeat(40), BASE, RunState.PLANNED, null);

        var started = baselines.startFor(first, "refs/heads/main");
        var again = baselines.startFor(second, "refs/heads/main");

        assertThat(started).hasValueSatisfying(base -> {
            assertThat(base.subject()).isEqualTo(new Subject.Base(REPO, "refs/heads/main"));
            assertThat(base.headSha()).isEqualTo(BASE);
            assertThat(base.fetchRef()).isEqualTo("refs/heads/main");
            assertThat(base.state()).isEqualTo(RunState.PLANNED);
            assertThat(base.baseSha()).isNull();
        });
        assertThat(again).isEmpty();
        assertThat(queued).containsExactly(new Work.AdvanceRun(started.get().id()));
        assertThat(baselines.of(second)).isEqualTo(new Baselines.Pending(started.get()));
        assertThat(baselines.waitingOn(started.get())).extracting(Run::id).containsExactly("head-7", "head-8");
    }

    @org.junit.jupiter.api.Test
    void no_base_run_where_the_policy_asks_for_none_or_the_base_branch_is_unknown() {
        var onRack = run("head-r", change(7), "rack", HEAD, BASE, RunState.PLANNED, null);
        var onQemu = run("head-q", change(7), "qemu", HEAD, BASE, RunState.PLANNED, null);

        assertThat(baselines().startFor(onRack, "refs/heads/main")).isEmpty();
        assertThat(baselines().startFor(onQemu, null)).isEmpty();
        assertThat(queued).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_kcidb_baseline_is_read_once_from_the_dashboard_and_kept_as_a_finished_base_run() throws Exception {
        try (var dashboard = new FakeKcidbDashboard()) {
            dashboard.answer("tree/" + BASE + "/tests", """
                    {"tests": [{"id": "maestro:t1", "origin": "maestro", "status": "FAIL", "path": "boot",
                      "architecture": "x86_64", "config": "defconfig", "compiler": "gcc", "environment_misc": null,
                      "duration": null, "start_time": null, "environment_compatible": null, "log_url": null,
                      "lab": null}]}""");
            var baselines = baselines("""
                    labs:
                      kci: {type: command, command: make, baseline: kcidb}
                    kcidb:
                      dashboard:
                        url: %s
                        tree-url: https://git.kernel.org/linux.git
                        branch: master
                    """.formatted(dashboard.api()));
            var head = run("head-k", change(7), "kci", HEAD, BASE, RunState.RUNNING, null);

            var found = baselines.forVerdict(head);
            var again = baselines.forVerdict(head);

            assertThat(found).isInstanceOfSatisfying(Baselines.Known.class, known -> {
                assertThat(known.results().tests()).extracting(Test::id).containsExactly("maestro:t1");
                assertThat(known.from()).singleElement().satisfies(base -> {
                    assertThat(base.subject()).isEqualTo(new Subject.Base(REPO, "master"));
                    assertThat(base.state()).isEqualTo(RunState.FAILED);
                    assertThat(base.note()).isEqualTo("results of maestro read from the KCIDB dashboard");
                    assertThat(base.finalReported()).isTrue();
                });
            });
            assertThat(again).isEqualTo(found);
            assertThat(dashboard.requests()).extracting(r -> r.path()).filteredOn(p -> p.endsWith("/tests"))
                    .hasSize(1);
        }
    }
}
