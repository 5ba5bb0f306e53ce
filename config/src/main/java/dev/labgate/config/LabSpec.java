package dev.labgate.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** A lab as the policy describes it; the service turns each into a working lab adapter. */
public sealed interface LabSpec {

    String name();

    /** How long a run may take on this lab before it is stopped and reported as timed out. */
    Duration timeout();

    /**
     * A command run on the labgate host in a fresh checkout of the head commit.
     *
     * @param command a shell command line, run with {@code sh -c}
     * @param env extra environment variables for the command
     * @param maxOutputBytes how much of the output is kept (the tail is kept when it is longer)
     */
    record Command(String name, String command, Duration timeout, Map<String, String> env, long maxOutputBytes)
            implements LabSpec {
        public Command {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(timeout, "timeout");
            env = Map.copyOf(env);
        }
    }
}
