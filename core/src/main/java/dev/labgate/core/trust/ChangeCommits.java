package dev.labgate.core.trust;

import dev.labgate.core.retry.OutsideCallFailure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

    /**
     * The commits could not be read (the git server could not be reached, a missing ref, too many
     * commits); the message says why. Only a failure that a later attempt can cure is retried.
     */
    final class Unavailable extends RuntimeException implements OutsideCallFailure {
        private final boolean retryable;

        public Unavailable(String message, Throwable cause) {
            this(message, cause, true);
        }

        public Unavailable(String message, Throwable cause, boolean retryable) {
            super(message, cause);
            this.retryable = retryable;
        }

        @Override
        public boolean retryable() {
            return retryable;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.empty();
        }
    }
}
