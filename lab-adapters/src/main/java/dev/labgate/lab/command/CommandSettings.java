package dev.labgate.lab.command;

import dev.labgate.lab.sandbox.Limits;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A command lab's configuration.
 *
 * @param command the shell command line, run with {@code sh -c} in the checked-out tree
 * @param timeout how long the command may run; then it is killed and the run is an error
 * @param env extra environment variables
 * @param maxOutputBytes how much of the output is kept; the end is kept when there is more
 * @param limits what one run may use besides time
 * @param logUrl where labgate serves a run's output, by run id (null when it has no public URL): the
 *     {@code log_url} of the run's results
 */
public record CommandSettings(String command, Duration timeout, Map<String, String> env, long maxOutputBytes,
                              Limits limits, Function<String, String> logUrl) {
    public CommandSettings {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        env = Map.copyOf(env);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(logUrl, "logUrl");
    }

    /** Settings whose output is linked from nowhere (a one-shot job, a build lab, a test). */
    public CommandSettings(String command, Duration timeout, Map<String, String> env, long maxOutputBytes,
                           Limits limits) {
        this(command, timeout, env, maxOutputBytes, limits, runId -> null);
    }
}
