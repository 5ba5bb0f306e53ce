package dev.labgate.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy of every outside call (forges, labs, KCIDB, git), whether the retry is a
 * durable task run again later or a loop in one thread: exponential backoff from {@code first},
 * doubling per failure, up to {@code cap}, with "equal jitter" (each wait is drawn between half
 * and all of its nominal value, so that tasks failing together do not retry together).
 *
 * <p>When the other side said how long to wait ({@code Retry-After}, {@code X-RateLimit-Reset}),
 * that wait is taken as it is, without jitter, and it is not a failure of the backoff: the caller
 * does not count it, so a rate limit never makes the next error wait longer.
 *
 * <p>The cap keeps recovery fast: once an outage ends, every waiting call is tried again within
 * {@code cap}. A call that keeps failing for {@code patience} gives up (see {@link #exhausted}).
 *
 * @param first the nominal wait after the first failure
 * @param cap the longest wait between two attempts, jitter included
 * @param patience how long, in nominal waits summed, a call keeps failing before it gives up
 */
public record RetryPolicy(Duration first, Duration cap, Duration patience) {

    /** The policy of every outside call: 2 s, 4 s, 8 s, 16 s, then every 30 s for up to 6 hours. */
    public static final RetryPolicy OUTSIDE_CALLS = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofHours(6));

    public RetryPolicy {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(patience, "patience");
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= cap, got first " + first + ", cap " + cap);
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first), with fresh jitter. */
    public Duration backoff(int failures) {
        return backoff(failures, ThreadLocalRandom.current()::nextDouble);
    }

    /**
     * The wait after the {@code failures}-th failure in a row, {@code random} giving the jitter in
     * {@code [0, 1)}: between half and all of {@code first × 2^(failures − 1)}, never above the cap.
     */
    public Duration backoff(int failures, DoubleSupplier random) {
        var nominal = nominal(failures).toMillis();
        var jittered = nominal / 2 + (long) (random.getAsDouble() * (nominal - nominal / 2));
        return Duration.ofMillis(Math.min(jittered, cap.toMillis()));
    }

    /**
     * The wait before the next attempt after {@code failure}: the other side's own wait when it gave
     * one, else {@link #backoff(int)} for {@code failures} failures in a row.
     */
    public Duration next(int failures, Optional<Duration> retryAfter) {
        return retryAfter.filter(d -> !d.isNegative()).orElseGet(() -> backoff(failures));
    }

    /** Whether a call that failed {@code failures} times in a row has used up the policy's patience. */
    public boolean exhausted(int failures) {
        return failures >= maxFailures();
    }

    /** The failures in a row after which a call gives up: the first whose waits so far add up to the patience. */
    public int maxFailures() {
        var waited = Duration.ZERO;
        int failures = 1;
        while (waited.compareTo(patience) < 0) {
            waited = waited.plus(nominal(failures));
            failures++;
        }
        return failures;
    }

    private Duration nominal(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures counts from 1, got " + failures);
        }
        var shift = Math.min(failures - 1, 30);
        var millis = first.toMillis() << shift;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }
}
