package dev.labgate.core.lab;

/**
 * A lab could not be reached or refused a request. {@link #retryable()} says whether trying
 * again later can help (network, 5xx) or not (the lab rejected the request as invalid).
 */
public class LabException extends RuntimeException {

    private final boolean retryable;

    public LabException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public LabException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
