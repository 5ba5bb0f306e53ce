package dev.labgate.lab.artifact;

import dev.labgate.core.retry.OutsideCallFailure;

import java.time.Duration;
import java.util.Optional;

/**
 * The S3 bucket artifacts go to could not be reached, or refused a request. The message names the
 * bucket, the operation and what the bucket said ({@code HTTP 403 SignatureDoesNotMatch: ...}),
 * never a credential or an object's key (a key holds the run's URL token).
 */
public final class BucketException extends RuntimeException implements OutsideCallFailure {

    private final boolean retryable;
    private final Optional<Duration> retryAfter;

    BucketException(String message, boolean retryable, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
