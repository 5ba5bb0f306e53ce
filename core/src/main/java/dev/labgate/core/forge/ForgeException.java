package dev.labgate.core.forge;

import dev.labgate.core.retry.OutsideCallFailure;

import java.time.Duration;
import java.util.Optional;

/**
 * A forge API call failed. {@link #retryable()} tells a durable task whether trying again later
 * can help (5xx, rate limits, network) or not (404, 422); {@link #retryAfter()} is the forge's
 * own hint when it gave one. {@link #outcomeUnknown()} marks a write whose request may have
 * reached the forge without its answer reaching labgate (a timeout, a reset connection): the forge
 * may still apply it later.
 */
public class ForgeException extends RuntimeException implements OutsideCallFailure {

    private final boolean retryable;
    private final Duration retryAfter;
    private final boolean outcomeUnknown;

    public ForgeException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        this(message, retryable, retryAfter, false, cause);
    }

    public ForgeException(String message, boolean retryable, Duration retryAfter, boolean outcomeUnknown,
                          Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.outcomeUnknown = outcomeUnknown;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether the request may have been applied by the forge even though no answer came back. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /**
     * Whether a request that failed with {@code e} may have reached the other side: anything but a
     * connection that was never made (refused, no such host, connect timeout) may have.
     */
    public static boolean maySend(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || cause instanceof java.net.http.HttpConnectTimeoutException
                    || cause instanceof java.net.NoRouteToHostException) {
                return false;
            }
        }
        return true;
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
