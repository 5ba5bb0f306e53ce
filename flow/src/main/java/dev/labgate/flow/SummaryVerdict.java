package dev.labgate.flow;

import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;

import java.util.List;

/**
 * What the summary of one head says in a word: its verdict once every run has ended, its progress
 * before. A change of verdict (not of progress) is news worth a new comment.
 */
enum SummaryVerdict {
    WAITING(false), RUNNING(false), FAILED(true), PASSED(true), INCOMPLETE(true);

    private final boolean isFinal;

    SummaryVerdict(boolean isFinal) {
        this.isFinal = isFinal;
    }

    boolean isFinal() {
        return isFinal;
    }

    static SummaryVerdict of(List<Run> runs) {
        if (runs.stream().anyMatch(r -> r.state() == RunState.AWAITING_APPROVAL)) {
            return WAITING;
        }
        if (runs.stream().anyMatch(r -> !r.state().isTerminal())) {
            return RUNNING;
        }
        if (runs.stream().anyMatch(r -> r.state() == RunState.FAILED)) {
            return FAILED;
        }
        if (runs.stream().allMatch(r -> r.state() == RunState.PASSED)) {
            return PASSED;
        }
        return INCOMPLETE;
    }
}
