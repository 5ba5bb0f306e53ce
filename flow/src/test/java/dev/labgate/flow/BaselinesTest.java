package dev.labgate.flow;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.testkit.MemoryStores;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BaselinesTest {

    private static final RepoRef REPO = new RepoRef("github", "acme/linux");
    private static final String BASE = "b".repeat(40);
    private static final String HEAD = "1".repeat(40);

    private final MemoryStores stores = new MemoryStores(Clock.systemUTC());
    private final Baselines baselines = new Baselines(stores.runs, stores.results);

    private Run run(String id, Subject subject, String lab, String head, String base, RunState state) {
        var now = Instant.now();
        var run = stores.runs.createIfAbsent(new Run(id, subject, lab, head, base, "https://git.example/x.git",
                "refs/x", List.of(), 0, state, 0, null, "", null, false, "d-" + id, now, now, Optional.empty()));
        stores.results.save(id, KcidbData.of(List.of(), List.of(),
                List.of(Test.of(lab + ":" + id, null, lab, "boot", Status.PASS))));
        return run;
    }

    private static Subject change(long number) {
        return new Subject.Change(new ChangeRef(REPO, number));
    }

    @org.junit.jupiter.api.Test
    void the_base_commits_results_on_the_same_lab_are_the_baseline_whoever_tested_it() {
        run("base-q", new Subject.Branch(REPO, "refs/heads/staging"), "qemu", BASE, null, RunState.PASSED);
        var head = run("head-q", change(7), "qemu", HEAD, BASE, RunState.RUNNING);
        assertThat(baselines.of(List.of(head))).hasValueSatisfying(b -> assertThat(b.tests()).singleElement()
                .satisfies(t -> assertThat(t.id()).isEqualTo("qemu:base-q")));
    }

    @org.junit.jupiter.api.Test
    void a_head_is_compared_only_when_every_one_of_its_labs_has_a_baseline() {
        run("base-q", change(6), "qemu", BASE, null, RunState.FAILED);
        var onQemu = run("head-q", change(7), "qemu", HEAD, BASE, RunState.RUNNING);
        var onRack = run("head-r", change(7), "rack", HEAD, BASE, RunState.RUNNING);
        assertThat(baselines.of(List.of(onQemu))).isPresent();
        assertThat(baselines.of(List.of(onQemu, onRack))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void runs_that_ended_without_results_are_no_baseline() {
        run("base-e", change(6), "qemu", BASE, null, RunState.ERRORED);
        run("base-c", change(5), "qemu", BASE, null, RunState.CANCELLED);
        var head = run("head-q", change(7), "qemu", HEAD, BASE, RunState.RUNNING);
        assertThat(baselines.of(List.of(head))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_run_without_a_base_commit_has_no_baseline() {
        run("base-q", change(6), "qemu", BASE, null, RunState.PASSED);
        var head = run("head-q", change(7), "qemu", HEAD, null, RunState.RUNNING);
        assertThat(baselines.of(List.of(head))).isEmpty();
    }
}
