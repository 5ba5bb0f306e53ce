package dev.labgate.flow;

import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.Work;
import dev.labgate.testkit.MemoryStores;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a lab's final answer does to a run: an answer that says only that the lab broke is another
 * attempt (up to the lab's retries), a code failure never is. A callback only makes the next poll due.
 */
class LabAnswersTest {

    private final MemoryStores memory = new MemoryStores(new TrustFlowTest.Ticking());
    private final ScriptedForge forge = new ScriptedForge();
    private final Deque<Status> answers = new ArrayDeque<>();
    private final List<TreeRequest> submitted = new ArrayList<>();
    private final RunAdvancer advancer;

    LabAnswersTest() {
        var policy = TrustFlowTest.parse("""
                labs:
                  once: {type: command, command: make, retries: 0}
                  sturdy: {type: command, command: make, retries: 2}
                  busy: {type: command, command: make, max-concurrent: 1}
                """);
        Lab lab = new Lab() {
            @Override
            public String name() {
                return "lab";
            }

            @Override
            public LabRun submit(TreeRequest request) {
                submitted.add(request);
                return new LabRun("lab", request.runId() + "#" + submitted.size(), null);
            }

            @Override
            public LabProgress poll(LabRun run) {
                return finished(answers.remove());
            }

            @Override
            public void cancel(LabRun run) {
            }
        };
        var clock = new TrustFlowTest.Ticking();
        advancer = new RunAdvancer(memory.runs, memory.results, name -> Optional.of(lab), new Forges(List.of(forge)),
                () -> policy, memory.work, memory.transactions,
                Verdicts.of(memory.runs, memory.results, () -> policy, memory.work, clock),
                new KcidbSource(() -> policy, Verdicts.HTTP), new RunLinks(Optional.empty()), clock);
    }

    private static LabProgress finished(Status status) {
        return new LabProgress.Finished(KcidbData.of(List.of(), List.of(),
                List.of(Test.of("lab:t1", null, "lab", "boot", status))));
    }

    private Run planned(String lab) {
        return planned("run-" + lab, lab, TrustFlowTest.H1);
    }

    /** A run of its own head: a run is one lab at one head. */
    private Run planned(String id, String lab, String head) {
        var run = new Run(id, new Subject.Change(TrustFlowTest.CHANGE), lab, head, null,
                "file:///x.git", "refs/pull/7/head", List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d",
                Instant.EPOCH, Instant.EPOCH, Optional.empty());
        return memory.runs.createIfAbsent(run);
    }

    private Run now(Run run) {
        return memory.runs.get(run.id());
    }

    @org.junit.jupiter.api.Test
    void an_infrastructure_error_is_tried_again_and_a_pass_on_the_second_attempt_is_the_result() {
        var run = planned("sturdy");
        answers.add(Status.ERROR);
        answers.add(Status.PASS);

        advancer.advance(run.id());
        advancer.advance(run.id());
        assertThat(now(run).state()).isEqualTo(RunState.PLANNED);
        assertThat(now(run).note()).contains("sturdy had an infrastructure error").contains("retrying");
        assertThat(memory.results.find(run.id())).isEmpty();

        advancer.advance(run.id());
        advancer.advance(run.id());
        assertThat(submitted).hasSize(2);
        assertThat(now(run).state()).isEqualTo(RunState.PASSED);
        assertThat(now(run).attempt()).isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void a_run_on_a_full_lab_waits_in_its_queue_with_its_position_and_goes_when_a_slot_frees() {
        var first = planned("run-a", "busy", "a".repeat(40));
        var second = planned("run-b", "busy", "b".repeat(40));
        var third = planned("run-c", "busy", "c".repeat(40));
        answers.add(Status.PASS);

        advancer.advance(first.id());
        advancer.advance(third.id());
        advancer.advance(second.id());

        assertThat(now(first).state()).isEqualTo(RunState.SUBMITTED);
        assertThat(now(second).state()).isEqualTo(RunState.PLANNED);
        assertThat(now(second).note()).isEqualTo("Queued for busy (position 1)");
        assertThat(now(third).note()).as("a newer run never overtakes an older one")
                .isEqualTo("Queued for busy (position 2)");
        assertThat(forge.statuses).extracting(s -> s.description()).contains("Queued for busy (position 1)",
                "Queued for busy (position 2)");
        assertThat(submitted).hasSize(1);

        advancer.advance(first.id());
        assertThat(now(first).state()).isEqualTo(RunState.PASSED);
        assertThat(first.id()).isNotEqualTo(second.id());
        advancer.advance(third.id());
        advancer.advance(second.id());

        assertThat(now(second).state()).isEqualTo(RunState.SUBMITTED);
        assertThat(now(third).state()).isEqualTo(RunState.PLANNED);
        assertThat(now(third).note()).isEqualTo("Queued for busy (position 1)");
        assertThat(submitted).extracting(TreeRequest::runId).containsExactly("run-a", "run-b");
    }

    @org.junit.jupiter.api.Test
    void a_code_failure_is_never_tried_again() {
        var run = planned("sturdy");
        answers.add(Status.FAIL);

        advancer.advance(run.id());
        advancer.advance(run.id());

        assertThat(now(run).state()).isEqualTo(RunState.FAILED);
        assertThat(submitted).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void when_the_retries_are_spent_the_run_ends_errored_with_its_last_results() {
        var run = planned("sturdy");
        answers.add(Status.ERROR);
        answers.add(Status.ERROR);
        answers.add(Status.ERROR);

        for (int step = 0; step < 6; step++) {
            advancer.advance(run.id());
        }

        assertThat(submitted).hasSize(3);
        assertThat(now(run).state()).isEqualTo(RunState.ERRORED);
        assertThat(now(run).note()).contains("gave up after 3 attempts");
        assertThat(memory.results.find(run.id())).isPresent();
    }

    @org.junit.jupiter.api.Test
    void a_callback_makes_the_runs_poll_due_now_and_the_poll_finishes_it() {
        var run = planned("once");
        advancer.advance(run.id());
        assertThat(now(run).state()).isEqualTo(RunState.SUBMITTED);
        memory.work.clear();

        assertThat(advancer.wake(run.id())).isEqualTo(RunAdvancer.Callback.QUEUED);

        assertThat(now(run).state()).as("the callback itself reads nothing").isEqualTo(RunState.SUBMITTED);
        assertThat(memory.work.items()).containsExactly(new Work.AdvanceRun(run.id()));
        answers.add(Status.PASS);
        advancer.advance(run.id());
        assertThat(now(run).state()).isEqualTo(RunState.PASSED);
        assertThat(advancer.wake(run.id())).isEqualTo(RunAdvancer.Callback.ENDED);
    }

    @org.junit.jupiter.api.Test
    void a_callback_for_a_run_that_is_not_at_the_lab_changes_nothing() {
        var run = planned("once");

        assertThat(advancer.wake(run.id())).isEqualTo(RunAdvancer.Callback.NOT_AT_LAB);
        assertThat(advancer.wake("no-such-run")).isEqualTo(RunAdvancer.Callback.ENDED);

        assertThat(now(run).state()).isEqualTo(RunState.PLANNED);
        assertThat(submitted).isEmpty();
    }
}
