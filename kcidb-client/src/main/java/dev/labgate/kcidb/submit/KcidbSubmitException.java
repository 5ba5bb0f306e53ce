package dev.labgate.kcidb.submit;

import java.util.List;

/**
 * A submission that did not make it: refused (4xx), unreachable after every try, invalid before
 * sending, or failed by the ingester. Carries the submissions that did go through before it.
 */
public final class KcidbSubmitException extends Exception {

    private final transient List<Submission> done;

    public KcidbSubmitException(String message, List<Submission> done) {
        super(message);
        this.done = List.copyOf(done);
    }

    public KcidbSubmitException(String message, List<Submission> done, Throwable cause) {
        super(message, cause);
        this.done = List.copyOf(done);
    }

    /** Submissions made before this failure, with their states. */
    public List<Submission> done() {
        return done;
    }
}
