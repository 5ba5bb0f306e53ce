package dev.labgate.core.lab;

import dev.labgate.core.event.Subject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test lab: something that takes a kernel tree at a commit and eventually returns results as
 * KCIDB objects.
 *
 * <p>Labs are driven by polling from durable tasks: {@link #submit} starts work and returns at
 * once, {@link #poll} is called until it answers {@link LabProgress.Finished}. A task may be
 * repeated after a crash, so {@link #submit} must be idempotent on {@link TreeRequest#runId()}:
 * a lab that already has that run in flight returns it instead of starting another. A run the lab
 * already finished is not handed back: a second submit after a finished attempt is a retry and
 * starts afresh. Implementations are thread-safe and keep no state of their own between calls
 * that another replica (or a new instance after a restart) would need: everything is in the
 * {@link LabRun} handle or at the lab. Failures to reach the lab throw {@link LabException}.
 */
public interface Lab {

    /** The lab's name in the policy; statuses are {@code labgate/<name>}. */
    String name();

    LabRun submit(TreeRequest request);

    LabProgress poll(LabRun run);

    /** Asks the lab to stop the run; a lab that cannot cancel ignores the request. */
    void cancel(LabRun run);

    /**
     * Whether a notification the lab sent (for LAVA, the job's {@code notify} callback, routed by
     * labgate from {@code POST /callbacks/<lab type>/<run id>}) is authentic and about {@code run}.
     * When it is, the caller has the run polled at once by its durable task: a callback is a signal
     * to look, never a result.
     *
     * <p>The lab checks that the request is authentic for this run (in constant time) before it
     * reads anything else, and does no I/O: the lab waits for the answer (LAVA at most 5 seconds)
     * and sends a callback once, never again, so {@link #poll} stays the fallback for a lost one.
     *
     * @param headers the request headers; names are matched case-insensitively
     * @param body the raw request body
     * @return false when it is not authentic, not about this run, or this lab takes no callbacks
     *     (the caller then answers 403 and changes nothing)
     */
    default boolean callback(LabRun run, Map<String, String> headers, byte[] body) {
        return false;
    }

    /**
     * The subject was closed or merged: the lab frees what it keeps for it between runs (for
     * KernelCI, the branch labgate pushed to the lab-facing repository). Idempotent; a lab that
     * keeps nothing ignores it.
     */
    default void release(Subject subject) {
    }

    /**
     * The files a run that passed published for the stages after it, each with its URL and
     * checksum (a build lab's kernel, modules, device trees, {@code .config} and log). Empty for a
     * lab that publishes nothing, and once the files were deleted after their retention period.
     */
    default List<Artifact> artifacts(LabRun run) {
        return List.of();
    }

    /**
     * The whole output of a run's latest attempt as text, for labs whose output exists only where
     * labgate runs them (the command lab); size-capped by the lab. Empty for labs that keep their
     * logs themselves and link them from the results, and for runs whose output is gone.
     */
    default Optional<String> log(LabRun run) {
        return Optional.empty();
    }

    /** How long to wait between polls of a running run. */
    default Duration pollInterval() {
        return Duration.ofSeconds(30);
    }
}
