package dev.labgate.core.forge;

import java.time.Duration;
import java.util.Optional;

/**
 * A forge API call failed. {@link #retryable()} tells a durable task whether trying again later
 * can help (5xx, rate limits, network) or not (404, 422); {@link #retryAfter()} is the forge's
 * own hint when it gave one.
 */
public class ForgeException extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;

    public ForgeException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * A network failure in words: its message, or its kind when it has none (the JDK's HTTP client
     * reports a refused connection with no message at all).
     */
    public static String network(Exception e) {
        var cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
        return cause.getMessage() == null || cause.getMessage().isBlank()
                ? "network error (" + cause.getClass().getSimpleName() + ")"
                : cause.getMessage();
    }
}
