package dev.labgate.flow;

import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.testkit.MemoryStores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica dies with a run in each state of its life; another (a new {@link RunAdvancer} on the
 * same stores, facing the same lab) takes it over. The lab is handed the run once, and the final
 * status is written once.
 */
class RestartInEachStateTest {

    /** Where the first replica was when it died. */
    enum CrashPoint {
        /** The lab took the run, but the replica died before it recorded the submission. */
        PLANNED_AFTER_THE_LAB_TOOK_IT,
        SUBMITTED,
        RUNNING,
        /** The run ended, but its final status was not written yet. */
        ENDED_BEFORE_ITS_STATUS
    }

    private final MemoryStores memory = new MemoryStores(new TrustFlowTest.Ticking());
    private final ScriptedForge forge = new ScriptedForge();
    /** The lab's own jobs, by run id: a lab recognizes a run it already has (the Lab contract). */
    private final Map<String, LabRun> jobs = new HashMap<>();
    private final List<String> submitCalls = new ArrayList<>();
    private boolean done;

    private final Lab lab = new Lab() {
        @Override
        public String name() {
            return "lab";
        }

        @Override
        public LabRun submit(TreeRequest request) {
            submitCalls.add(request.runId());
            return jobs.computeIfAbsent(request.runId(), id -> new LabRun("lab", "job-" + (jobs.size() + 1), null));
        }

        @Override
        public LabProgress poll(LabRun run) {
            return done ? new LabProgress.Finished(KcidbData.of(List.of(), List.of(),
                    List.of(Test.of("lab:t1", null, "lab", "boot", Status.PASS))))
                    : new LabProgress.Running("booting");
        }

        @Override
        public void cancel(LabRun run) {
        }
    };

    private RunAdvancer replica() {
        var policy = TrustFlowTest.parse("labs:\n  lab: {type: command, command: make}\n");
        var clock = new TrustFlowTest.Ticking();
        return new RunAdvancer(memory.runs, memory.results, name -> Optional.of(lab), new Forges(List.of(forge)),
                () -> policy, memory.work, memory.transactions,
                Verdicts.of(memory.runs, memory.results, () -> policy, memory.work, clock),
                new KcidbSource(() -> policy, Verdicts.HTTP), new RunLinks(Optional.empty()), clock);
    }

    private Run planned() {
        forge.heads.put(TrustFlowTest.CHANGE.number(), TrustFlowTest.H1);
        return memory.runs.createIfAbsent(new Run("run-1", new Subject.Change(TrustFlowTest.CHANGE), "lab",
                TrustFlowTest.H1, null, "file:///x.git", "refs/pull/7/head", List.of(), 0, RunState.PLANNED, 0, null,
                "", null, false, "d", Instant.EPOCH, Instant.EPOCH, Optional.empty()));
    }

    private RunState state(Run run) {
        return memory.runs.get(run.id()).state();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CrashPoint.class)
    void another_replica_finishes_the_run_without_submitting_it_twice_and_reports_once(CrashPoint crash) {
        var run = planned();
        var first = replica();
        switch (crash) {
            case PLANNED_AFTER_THE_LAB_TOOK_IT -> lab.submit(new TreeRequest(run.id(), run.subject(), run.cloneUrl(),
                    run.fetchRef(), run.headSha(), "", run.tests(), List.of()));
            case SUBMITTED -> first.advance(run.id());
            case RUNNING -> {
                first.advance(run.id());
                first.advance(run.id());
            }
            case ENDED_BEFORE_ITS_STATUS -> {
                first.advance(run.id());
                done = true;
                first.advance(run.id());
            }
        }
        var expected = switch (crash) {
            case PLANNED_AFTER_THE_LAB_TOOK_IT -> RunState.PLANNED;
            case SUBMITTED -> RunState.SUBMITTED;
            case RUNNING -> RunState.RUNNING;
            case ENDED_BEFORE_ITS_STATUS -> RunState.PASSED;
        };
        assertThat(state(run)).as("where the first replica died").isEqualTo(expected);

        done = true;
        var second = replica();
        for (int step = 0; step < 5; step++) {
            second.advance(run.id());
        }

        assertThat(state(run)).isEqualTo(RunState.PASSED);
        assertThat(jobs).as("jobs at the lab").hasSize(1);
        assertThat(forge.statuses.stream().filter(s -> s.state() != CommitStatus.State.PENDING))
                .as("final statuses").singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(CommitStatus.State.SUCCESS));
        assertThat(memory.runs.get(run.id()).finalReported()).isTrue();
    }
}
