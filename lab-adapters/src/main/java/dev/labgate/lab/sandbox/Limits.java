package dev.labgate.lab.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a command may use. labgate measures the run's processes and files at each poll,
 * stops a run that passes a limit and reports it as an error of the harness. The kernel holds each
 * process to limits of its own as well (RLIMIT_*), so that nothing passes them far while labgate is
 * not looking: processes (counted in the sandbox's user namespace, exactly), the size of each file
 * (the disk limit), and, a little above labgate's own limits so that labgate's measure decides,
 * CPU time and memory.
 *
 * @param cpu CPU time of all the run's processes together; empty for no limit beyond the wall time
 * @param memory resident memory of all the run's processes together, in bytes; empty for no limit
 * @param processes processes and threads at once
 * @param output bytes the command may print (standard output and error together)
 * @param disk bytes of files in the checkout and the run's {@code /tmp} together
 */
public record Limits(Optional<Duration> cpu, Optional<Long> memory, int processes, long output, long disk) {

    /** Several polls' worth: a process alone reaches the kernel's CPU limit only if labgate is not watching. */
    static final Duration CPU_SLACK = Duration.ofSeconds(30);
    public Limits {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        if (processes < 1 || output < 1 || disk < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * {@code prlimit} setting the kernel's per-process limits (soft and hard, so that the command
     * cannot raise them) before it runs the command that follows.
     *
     * @param processes whether to limit processes too: only where the count is the run's own (in
     *     the sandbox's user namespace), never where it would count every process of labgate's user
     */
    List<String> prlimit(boolean processes) {
        var args = new ArrayList<>(List.of("prlimit", "--fsize=" + disk));
        if (processes) {
            args.add("--nproc=" + this.processes);
        }
        cpu.ifPresent(c -> args.add("--cpu=" + c.plus(CPU_SLACK).toSeconds()));
        memory.ifPresent(m -> args.add("--data=" + m * 2));
        args.add("--");
        return args;
    }
}
