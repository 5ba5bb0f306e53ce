package dev.labgate.core.lab;

import java.time.Duration;

/**
 * A test lab: something that takes a kernel tree at a commit and eventually returns results as
 * KCIDB objects.
 *
 * <p>Labs are driven by polling from durable tasks: {@link #submit} starts work and returns at
 * once, {@link #poll} is called until it answers {@link LabProgress.Finished}. A task may be
 * repeated after a crash, so {@link #submit} must be idempotent on {@link TreeRequest#runId()}:
 * a lab that already has that run returns it instead of starting another. Implementations are
 * thread-safe. Failures to reach the lab throw {@link LabException}.
 */
public interface Lab {

    /** The lab's name in the policy; statuses are {@code labgate/<name>}. */
    String name();

    LabRun submit(TreeRequest request);

    LabProgress poll(LabRun run);

    /** Asks the lab to stop the run; a lab that cannot cancel ignores the request. */
    void cancel(LabRun run);

    /** How long to wait between polls of a running run. */
    default Duration pollInterval() {
        return Duration.ofSeconds(30);
    }
}
