package dev.labgate.core.retry;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to something outside labgate (a forge, a lab, KCIDB, a git server) failed. Every such
 * failure says whether trying again can help and, when the other side said when, how long to wait:
 * {@link RetryPolicy} turns that into the next attempt.
 */
public interface OutsideCallFailure {

    /** Whether trying again later can help (network, 5xx, rate limits) or not (a request refused as invalid). */
    boolean retryable();

    /** How long the other side asked labgate to wait ({@code Retry-After}, a rate-limit reset), when it said. */
    Optional<Duration> retryAfter();

    /** What failed, in one line for an operator: no stack trace, no secret. */
    String getMessage();
}
