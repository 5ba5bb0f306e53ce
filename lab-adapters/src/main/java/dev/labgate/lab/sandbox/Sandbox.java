package dev.labgate.lab.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a command from a change's tree runs: the code under test, which must never act with
 * labgate's authority. Every sandbox gives the command an environment built from nothing (the
 * variables it is handed, never labgate's own) and the run's {@link Limits}; {@link Bubblewrap}
 * also hides everything of the host but what the command needs. {@link Unconfined} is the
 * operator's explicit {@code sandbox: none}.
 *
 * <p>The command line a sandbox returns is started by the command lab with an environment that
 * holds only {@code PATH}, with its output going to the run's log and file descriptor 3 open on
 * the run's {@code sandbox.json}, where the sandbox writes {@code "child-pid": <pid>} once the
 * command's first process runs: the root of every process of the run, which the lab measures and
 * kills. A run whose command line exits without writing it never started.
 */
public sealed interface Sandbox permits Bubblewrap, Unconfined {

    /** The search path of every command line labgate starts, and the command's unless the lab sets one. */
    String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** How the command sees its checkout and scratch space, for the log and for {@code config check}. */
    String description();

    /**
     * Makes a run's directory ready for the command, after the checkout: creates the scratch
     * directory and hands the files to the user the command runs as.
     */
    void prepare(Workspace workspace) throws IOException;

    /** Where the command sees the object directory the checkout borrows from (for git's alternates). */
    String objectsPath(Workspace workspace);

    /** The command line that runs {@code command} with {@code sh -c} in the checkout. */
    List<String> commandLine(Workspace workspace, String command, Map<String, String> env, Limits limits);

    /**
     * One run's files on the host.
     *
     * @param run the run's directory: {@code tree/} (the checkout, the command's working directory),
     *     {@code tmp/} (its {@code /tmp} and home) and labgate's own files about the run
     * @param objects the git object directory the checkout borrows from, if any
     */
    record Workspace(Path run, Optional<Path> objects) {
        public Path tree() {
            return run.resolve("tree");
        }

        public Path tmp() {
            return run.resolve("tmp");
        }
    }
}
