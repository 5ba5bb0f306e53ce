package dev.labgate.forge;

import dev.labgate.core.forge.ForgeException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The API budget of one forge credential, as the forge last reported it. Calls ask it first: when
 * the forge said to wait (a 429, a secondary rate limit) every call waits; when only a reserve is
 * left, calls that gather facts wait for the budget to reset and the reserve is kept for reports,
 * so that statuses still reach the forge. Waiting means throwing a retryable
 * {@link ForgeException} with the time to wait: the durable task that called retries then, and no
 * worker thread sleeps. Thread-safe.
 */
public final class RateBudget {

    /** What a call is for: reports may spend the reserve, facts may not. */
    public enum Use { FACT, REPORT }

    private record State(long remaining, Instant resetAt, Instant pausedUntil) {
    }

    private final String forge;
    private final long reserve;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>(new State(-1, Instant.MIN, Instant.MIN));
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param forge the forge's name, for messages
     * @param reserve how many calls of the budget are kept for reports
     */
    public RateBudget(String forge, long reserve, Clock clock) {
        this.forge = forge;
        this.reserve = reserve;
        this.clock = clock;
    }

    /** Records what the forge said of the budget in a response: calls left, and when it refills. */
    public void observe(long remaining, Instant resetAt) {
        state.updateAndGet(s -> new State(remaining, resetAt, s.pausedUntil()));
    }

    /** The forge asked to wait until {@code until} before any further call. */
    public void pauseUntil(Instant until) {
        state.updateAndGet(s -> new State(s.remaining(), s.resetAt(),
                until.isAfter(s.pausedUntil()) ? until : s.pausedUntil()));
    }

    /** The forge's name, as in messages. */
    public String forge() {
        return forge;
    }

    /** Calls let through so far. */
    public long calls() {
        return calls.get();
    }

    /** Calls that failed so far (an error answer or none at all). */
    public long errors() {
        return errors.get();
    }

    /** The calls left in the budget as the forge last said, or -1 when it has not said. */
    public long remaining() {
        return state.get().remaining();
    }

    /** A call let through by {@link #admit} failed. */
    public void failed() {
        errors.incrementAndGet();
    }

    /** Lets a call through, or throws a retryable {@link ForgeException} saying how long to wait. */
    public void admit(Use use, String what) {
        var now = clock.instant();
        var s = state.get();
        if (now.isBefore(s.pausedUntil())) {
            throw new ForgeException(forge + " asked labgate to wait until " + s.pausedUntil() + " before calling "
                    + "its API again; " + what + " will be retried then", true, Duration.between(now, s.pausedUntil()),
                    null);
        }
        if (use == Use.FACT && s.remaining() >= 0 && s.remaining() <= reserve && now.isBefore(s.resetAt())) {
            throw new ForgeException(forge + " API budget is low (" + s.remaining() + " calls left until "
                    + s.resetAt() + ", kept for reports); " + what + " will be retried then", true,
                    Duration.between(now, s.resetAt()), null);
        }
        calls.incrementAndGet();
    }
}
