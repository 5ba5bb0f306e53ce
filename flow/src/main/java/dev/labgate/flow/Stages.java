package dev.labgate.flow;

import dev.labgate.core.lab.Artifact;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.RunStore;

import java.util.List;
import java.util.Optional;

/**
 * The stages of a plan: a run that comes after another lab's run (same head, same round) starts
 * only once that run passed, and takes its artifacts as input. When that run did not pass, the
 * later stage is not run and says why, never as a failure of its own; when it was cancelled, the
 * later stage is cancelled with it. A retry of the earlier run keeps the later one waiting, and a
 * retest plans both again in a new round.
 */
final class Stages {

    /** What the run a later stage comes after says about starting it. */
    sealed interface Gate {

        /** It passed (or there is none): the run may go, with these inputs. */
        record Open(List<Artifact> inputs) implements Gate {
            public Open {
                inputs = List.copyOf(inputs);
            }
        }

        /** It has not ended yet. */
        record Wait(String note) implements Gate {
        }

        /** It ended without passing: this run ends too, in {@code state}, with the reason. */
        record Closed(RunState state, String note) implements Gate {
        }
    }

    private final RunStore runs;
    private final Labs labs;

    Stages(RunStore runs, Labs labs) {
        this.runs = runs;
        this.labs = labs;
    }

    Gate gate(Run run) {
        if (run.after().isEmpty()) {
            return new Gate.Open(List.of());
        }
        var lab = run.after().get();
        var before = runBefore(run);
        if (before.isEmpty()) {
            return new Gate.Closed(RunState.SKIPPED, "not run: " + lab + " did not run for this commit");
        }
        var dependency = before.get();
        return switch (dependency.state()) {
            case PASSED -> new Gate.Open(dependency.labRun() == null ? List.of()
                    : labs.find(lab).map(l -> l.artifacts(dependency.labRun())).orElse(List.of()));
            case CANCELLED -> new Gate.Closed(RunState.CANCELLED, "cancelled with " + lab
                    + (dependency.note().isEmpty() ? "" : ": " + dependency.note()));
            case FAILED -> new Gate.Closed(RunState.SKIPPED, "not run: " + lab + " failed");
            case ERRORED -> new Gate.Closed(RunState.SKIPPED, "not run: " + errored(lab, dependency.note()));
            case TIMED_OUT -> new Gate.Closed(RunState.SKIPPED, "not run: " + lab + " timed out");
            case SKIPPED -> new Gate.Closed(RunState.SKIPPED, "not run: " + lab + " did not run");
            case AWAITING_APPROVAL, PLANNED, WAITING, SUBMITTED, RUNNING -> new Gate.Wait("Waiting for " + lab);
        };
    }

    /** Why the run before ended errored, in its own words when it has them (a bucket that refused the build's upload). */
    private static String errored(String lab, String note) {
        var said = lab + " had an infrastructure error";
        return note.isEmpty() ? said : note.startsWith(said) ? note : said + ": " + note;
    }

    /** The runs that come after {@code run} and may still be waiting for it. */
    List<Run> after(Run run) {
        return runs.forHead(run.subject().key(), run.headSha()).stream()
                .filter(r -> r.round() == run.round() && r.after().filter(run.lab()::equals).isPresent())
                .filter(r -> !r.state().isTerminal())
                .toList();
    }

    private Optional<Run> runBefore(Run run) {
        var id = DeliveryProcessor.runId(run.subject(), run.headSha(), run.after().orElseThrow(), run.round());
        return runs.find(id);
    }
}
