package dev.labgate.config;

import dev.labgate.core.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The policy from the operator's file, reloaded when the file changes. A new file that is not
 * valid is refused and the last valid policy stays in force; the listener hears about both.
 *
 * <p>{@link #current()} looks at the file at most once per {@code checkEvery} (a {@code stat}), so
 * it is cheap on every call, and only one thread reads and parses a changed file while the
 * others keep the policy in force.
 */
public final class PolicyFile implements PolicySource {

    /** Hears what became of a change to the file. Called on the thread that noticed the change. */
    public interface Listener {
        void reloaded(Policy policy);

        void refused(List<PolicyError> errors);
    }

    /** The file is not valid at start: there is no last valid policy to keep. */
    public static final class Invalid extends RuntimeException {
        private final transient List<PolicyError> errors;

        Invalid(Path path, List<PolicyError> errors) {
            super("the policy " + path + " is not valid:\n  " + String.join("\n  ",
                    errors.stream().map(PolicyError::toString).toList()));
            this.errors = List.copyOf(errors);
        }

        public List<PolicyError> errors() {
            return errors;
        }
    }

    private record Seen(FileTime modified, long size, String digest) {
    }

    private final Path path;
    private final Clock clock;
    private final Duration checkEvery;
    private final Listener listener;
    private final PolicyParser parser = new PolicyParser();
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Policy policy;
    private volatile Seen seen;
    private volatile Instant lastCheck;
    private String lastReadError = "";

    private PolicyFile(Path path, Clock clock, Duration checkEvery, Listener listener) {
        this.path = path;
        this.clock = clock;
        this.checkEvery = checkEvery;
        this.listener = listener;
    }

    /**
     * Reads the file now.
     *
     * @throws Invalid when it is not a valid policy
     * @throws IOException when it cannot be read
     */
    public static PolicyFile load(Path path, Clock clock, Duration checkEvery, Listener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        var file = new PolicyFile(path, clock, checkEvery, listener);
        var bytes = Files.readString(path);
        var result = file.parser.parse(bytes, directory(path));
        if (!result.valid()) {
            throw new Invalid(path, result.errors());
        }
        file.policy = result.policy().orElseThrow();
        file.seen = file.look(bytes);
        file.lastCheck = clock.instant();
        return file;
    }

    @Override
    public Policy current() {
        var now = clock.instant();
        if (now.isBefore(lastCheck.plus(checkEvery)) || !reading.tryLock()) {
            return policy;
        }
        try {
            lastCheck = now;
            reloadIfChanged();
        } finally {
            reading.unlock();
        }
        return policy;
    }

    public Path path() {
        return path;
    }

    private void reloadIfChanged() {
        try {
            var before = seen;
            if (before != null && Files.getLastModifiedTime(path).equals(before.modified())
                    && Files.size(path) == before.size()) {
                return;
            }
            var text = Files.readString(path);
            lastReadError = "";
            var now = look(text);
            seen = now;
            if (before != null && now.digest().equals(before.digest())) {
                return;
            }
            var result = parser.parse(text, directory(path));
            if (result.valid()) {
                policy = result.policy().orElseThrow();
                listener.reloaded(policy);
            } else {
                listener.refused(result.errors());
            }
        } catch (IOException e) {
            // A file being replaced may be missing for a moment: keep the policy and look again later,
            // telling the listener once per distinct problem.
            var before = seen;
            seen = before == null ? null : new Seen(FileTime.fromMillis(Long.MIN_VALUE), -1, before.digest());
            var message = "cannot read " + path + ": " + e.getMessage();
            if (!message.equals(lastReadError)) {
                lastReadError = message;
                listener.refused(List.of(new PolicyError(0, 0, "", message, "the last valid policy stays in force")));
            }
        }
    }

    private Seen look(String text) throws IOException {
        return new Seen(Files.getLastModifiedTime(path), Files.size(path), Sha256.hex(text));
    }

    private static Path directory(Path path) {
        var parent = path.toAbsolutePath().getParent();
        return parent == null ? Path.of("") : parent;
    }
}
