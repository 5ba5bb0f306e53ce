package dev.labgate.lab.command;

import dev.labgate.lab.sandbox.Limits;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A command lab's configuration.
 *
 * @param command the shell command line, run with {@code sh -c} in the checked-out tree
 * @param timeout how long the command may run; then it is killed and the run is an error
 * @param env extra environment variables
 * @param maxOutputBytes how much of the end of the output is read for the log excerpt
 * @param limits what one run may use besides time
 */
public record CommandSettings(String command, Duration timeout, Map<String, String> env, long maxOutputBytes,
                              Limits limits) {
    public CommandSettings {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        env = Map.copyOf(env);
        Objects.requireNonNull(limits, "limits");
    }
}
