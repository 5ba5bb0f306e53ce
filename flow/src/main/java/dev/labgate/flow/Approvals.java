package dev.labgate.flow;

import dev.labgate.core.event.ForgeEvent;
import org.slf4j.LoggerFactory;

/**
 * What labgate does with {@code /labgate ok-to-test}: the approval rules (who may approve, which
 * head is approved, what a new push does to an approval) live behind this seam.
 */
@FunctionalInterface
public interface Approvals {

    /**
     * Handles an approval command. Called from a durable task, so it may be repeated: it must be
     * idempotent. Returns what it did, in words, for the delivery's record.
     */
    String approve(ForgeEvent.CommandIssued command);

    /** Approvals that are only noted in the log and approve nothing. */
    static Approvals logOnly() {
        return command -> {
            LoggerFactory.getLogger(Approvals.class).info("/labgate ok-to-test by {} on {} noted; approvals are not "
                    + "acted on in this build", command.by(), command.change());
            return "ok-to-test by " + command.by() + " noted; approvals are not acted on in this build";
        };
    }
}
