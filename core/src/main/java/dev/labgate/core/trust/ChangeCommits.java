package dev.labgate.core.trust;

import java.util.List;

/**
 * Reads the commits of a change from its git repository: their patch ids and what their
 * signatures prove. Implementations fetch read-only, are thread-safe and may cache fetched objects.
 */
public interface ChangeCommits {

    /**
     * The commits of {@code range}, oldest first.
     *
     * @throws Unavailable when the commits cannot be fetched or read; a durable task retries
     */
    List<CommitCheck> inspect(CommitRange range, SignerKeys keys);

    /** The commits could not be read (network, missing ref, too many commits); the message says why. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
