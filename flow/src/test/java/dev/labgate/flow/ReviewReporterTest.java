package dev.labgate.flow;

import dev.labgate.config.Policy;
import dev.labgate.core.event.Subject;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.Work;
import dev.labgate.testkit.MemoryStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When a change's head is reviewed: once, when all its runs ended with results, and never at once twice. */
class ReviewReporterTest {

    private static final Subject.Change CHANGE = new Subject.Change(TrustFlowTest.CHANGE);
    private static final String HEAD = TrustFlowTest.H1;
    private static final Policy POLICY = TrustFlowTest.parse("""
            labs:
              build: {type: command, command: make}
              boot: {type: command, command: make}
            """);

    private final MemoryStores memory = new MemoryStores(new TrustFlowTest.Ticking());
    private final ScriptedForge forge = new ScriptedForge();
    private final ReviewReporter reporter = new ReviewReporter(memory.runs, memory.results,
            new Forges(List.of(forge)), () -> POLICY, new RunLinks(Optional.empty()), memory.work,
            Verdicts.of(memory.runs, memory.results, () -> POLICY, memory.work, new TrustFlowTest.Ticking()).baselines());

    private void run(String id, String lab, String head, RunState state) {
        memory.runs.createIfAbsent(new Run(id, CHANGE, lab, head, null, "file:///x.git", "refs/pull/7/head", List.of(),
                0, RunState.PLANNED, 0, null, "", null, false, "d", Instant.EPOCH, Instant.EPOCH, Optional.empty()));
        if (state != RunState.PLANNED) {
            memory.runs.transition(id, RunState.PLANNED, state, state.label(), null, 1, null);
        }
    }

    @Test
    @DisplayName("two reports of a head whose runs all ended queue one review of it")
    void one_review_per_head() {
        run("r1", "build", HEAD, RunState.PASSED);
        run("r2", "boot", HEAD, RunState.FAILED);
        reporter.report(CHANGE, HEAD);
        reporter.report(CHANGE, HEAD);
        assertThat(memory.work.items()).containsExactly(new Work.ReviewHead(CHANGE, HEAD));
        assertThat(forge.reviews).as("a report only queues the review").isEmpty();
    }

    @Test
    @DisplayName("no review while a run of the head is unfinished, after one broke, or for a head that is not the newest")
    void not_due() {
        run("r1", "build", HEAD, RunState.PASSED);
        run("r2", "boot", HEAD, RunState.PLANNED);
        reporter.report(CHANGE, HEAD);
        memory.runs.transition("r2", RunState.PLANNED, RunState.ERRORED, "the lab broke", null, 1, null);
        reporter.report(CHANGE, HEAD);
        reporter.review(CHANGE, HEAD);
        run("r3", "build", TrustFlowTest.H2, RunState.PASSED);
        reporter.review(CHANGE, HEAD);
        assertThat(memory.work.items()).isEmpty();
        assertThat(forge.reviews).isEmpty();
    }

    @Test
    @DisplayName("a run that ends while the review is posted is reviewed in the same task (its report found it running)")
    void results_that_end_meanwhile() {
        run("r1", "build", HEAD, RunState.PASSED);
        forge.duringReview = () -> {
            forge.duringReview = () -> { };
            run("r2", "boot", HEAD, RunState.FAILED);
        };
        reporter.review(CHANGE, HEAD);
        assertThat(forge.reviews).hasSize(2).allSatisfy(r -> assertThat(r.headSha()).isEqualTo(HEAD));
    }
}
