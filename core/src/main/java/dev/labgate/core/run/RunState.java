package dev.labgate.core.run;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The life of one run (one lab, one head commit). Moves only forward; a terminal state is final.
 *
 * <pre>
 * awaiting-approval ─▶ planned ─▶ submitted ─▶ running ─▶ passed | failed | errored | timed-out
 *                      ▲    │
 *                      │    ▼
 *                      waiting ─▶ skipped     (a later stage: it waits for the stage it comes after)
 * any state that is not terminal ─▶ cancelled
 * </pre>
 */
public enum RunState {
    /** The author is not trusted yet; waiting for a maintainer's approval of this head. */
    AWAITING_APPROVAL,
    /** Trusted and planned; not yet handed to the lab. */
    PLANNED,
    /** A later stage of the plan: waits for the run it comes after to pass before it may be submitted. */
    WAITING,
    /** The lab accepted it. */
    SUBMITTED,
    /** The lab is working on it. */
    RUNNING,
    PASSED,
    /** The code is faulty (a test reported FAIL). */
    FAILED,
    /** The lab, the test or the harness broke; nothing is known about the code. */
    ERRORED,
    TIMED_OUT,
    /** Stopped: superseded by a newer push, closed, or cancelled by a maintainer. */
    CANCELLED,
    /**
     * Not run, because the stage it comes after did not pass: nothing is known about this lab, and
     * it is not a failure of its own.
     */
    SKIPPED;

    private static final Set<RunState> TERMINAL = EnumSet.of(PASSED, FAILED, ERRORED, TIMED_OUT, CANCELLED, SKIPPED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Whether the lifecycle allows going from this state to {@code next}. */
    public boolean canMoveTo(RunState next) {
        if (isTerminal()) {
            return false;
        }
        if (next == CANCELLED || next == this) {
            // A run stays in its state while it records an attempt or a note.
            return true;
        }
        return switch (this) {
            case AWAITING_APPROVAL -> next == PLANNED;
            // PLANNED may be finished without a lab (e.g. a fetch that failed before submission).
            case PLANNED -> next == SUBMITTED || next == WAITING || next.isTerminal();
            case WAITING -> next == PLANNED || next == SKIPPED;
            case SUBMITTED -> next == RUNNING || next == PLANNED || next.isTerminal();
            case RUNNING -> next == PLANNED || next.isTerminal();
            default -> false;
        };
    }

    /** The state name as users read it: {@code timed-out}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
