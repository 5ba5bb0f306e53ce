package dev.labgate.core.lab;

import dev.labgate.core.retry.OutsideCallFailure;

import java.time.Duration;
import java.util.Optional;

/**
 * A lab could not be reached or refused a request. {@link #retryable()} says whether trying
 * again later can help (network, 5xx) or not (the lab rejected the request as invalid).
 */
public class LabException extends RuntimeException implements OutsideCallFailure {

    private final boolean retryable;

    public LabException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public LabException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    /** Labs give no usable hint of when to come back; the retry policy decides. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
