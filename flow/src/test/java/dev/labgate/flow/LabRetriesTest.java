package dev.labgate.flow;

import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.testkit.MemoryStores;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A lab's {@code retries} in the policy decide how often a run is handed to it after an infrastructure failure. */
class LabRetriesTest {

    private final MemoryStores memory = new MemoryStores(new TrustFlowTest.Ticking());
    private final ScriptedForge forge = new ScriptedForge();
    private final RunAdvancer advancer;

    LabRetriesTest() {
        var policy = TrustFlowTest.parse("""
                labs:
                  flaky: {type: command, command: make, retries: 0}
                  sturdy: {type: command, command: make, retries: 2}
                """);
        Lab down = new Lab() {
            @Override
            public String name() {
                return "any";
            }

            @Override
            public LabRun submit(TreeRequest request) {
                throw new LabException("connection refused", true);
            }

            @Override
            public LabProgress poll(LabRun run) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void cancel(LabRun run) {
            }
        };
        var clock = new TrustFlowTest.Ticking();
        advancer = new RunAdvancer(memory.runs, memory.results, name -> Optional.of(down), new Forges(List.of(forge)),
                () -> policy, memory.work, memory.transactions,
                Verdicts.of(memory.runs, memory.results, () -> policy, memory.work, clock),
                new KcidbSource(() -> policy, Verdicts.HTTP), new RunLinks(Optional.empty()), clock);
    }

    private Run planned(String lab) {
        var run = new Run("run-" + lab, new Subject.Change(TrustFlowTest.CHANGE), lab, TrustFlowTest.H1, null,
                "file:///x.git", "refs/pull/7/head", List.of(), 0, RunState.PLANNED, 0, null, "", null, false, "d",
                Instant.EPOCH, Instant.EPOCH, Optional.empty());
        return memory.runs.createIfAbsent(run);
    }

    @Test
    void a_lab_without_retries_gives_up_at_the_first_infrastructure_failure() {
        var run = planned("flaky");
        advancer.advance(run.id());
        assertThat(memory.runs.get(run.id()).state()).isEqualTo(RunState.ERRORED);
        assertThat(memory.runs.get(run.id()).note()).contains("connection refused (gave up after 1 attempts)");
    }

    @Test
    void a_lab_with_two_retries_is_tried_three_times() {
        var run = planned("sturdy");
        advancer.advance(run.id());
        assertThat(memory.runs.get(run.id()).state()).isEqualTo(RunState.PLANNED);
        assertThat(memory.runs.get(run.id()).attempt()).isEqualTo(1);
        advancer.advance(run.id());
        assertThat(memory.runs.get(run.id()).state()).isEqualTo(RunState.PLANNED);
        advancer.advance(run.id());
        assertThat(memory.runs.get(run.id()).state()).isEqualTo(RunState.ERRORED);
        assertThat(memory.runs.get(run.id()).note()).contains("gave up after 3 attempts");
    }
}
