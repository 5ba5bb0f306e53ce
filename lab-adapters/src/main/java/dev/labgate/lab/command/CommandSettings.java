package dev.labgate.lab.command;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A command lab's configuration.
 *
 * @param command the shell command line, run with {@code sh -c} in the checked-out tree
 * @param timeout how long the command may run; then it is killed and the run is an error
 * @param env extra environment variables
 * @param maxOutputBytes how much of the output is kept; the end is kept when there is more
 */
public record CommandSettings(String command, Duration timeout, Map<String, String> env, long maxOutputBytes) {
    public CommandSettings {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        env = Map.copyOf(env);
    }
}
