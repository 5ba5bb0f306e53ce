package dev.labgate.flow;

import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.run.Run;

/** The commit status a run shows on the forge, in words a contributor reads. */
final class StatusText {

    private StatusText() {
    }

    static CommitStatus of(Run run, String targetUrl) {
        var lab = run.lab();
        var note = run.note();
        return switch (run.state()) {
            case AWAITING_APPROVAL -> pending(run, "Waiting for a maintainer to approve this commit: /labgate ok-to-test",
                    targetUrl);
            case PLANNED -> pending(run, note.isEmpty() ? "Submitting to " + lab : note, targetUrl);
            case WAITING -> pending(run, note.isEmpty() ? "Waiting for the stage before " + lab : note, targetUrl);
            case SUBMITTED -> pending(run, note.isEmpty() ? "Submitted to " + lab : note, targetUrl);
            case RUNNING -> pending(run, note.isEmpty() ? "Running on " + lab : note, targetUrl);
            case PASSED -> status(run, CommitStatus.State.SUCCESS, "Passed: " + note, targetUrl);
            case FAILED -> status(run, CommitStatus.State.FAILURE, "Failed: " + note, targetUrl);
            case ERRORED -> status(run, CommitStatus.State.ERROR, "Infrastructure error: " + note, targetUrl);
            case TIMED_OUT -> status(run, CommitStatus.State.ERROR, "Timed out: " + note, targetUrl);
            case CANCELLED -> status(run, CommitStatus.State.ERROR, "Cancelled: " + note, targetUrl);
            // Not a failure of its own: the stage before it says what broke.
            case SKIPPED -> status(run, CommitStatus.State.ERROR, note.isEmpty() ? "Not run"
                    : Character.toUpperCase(note.charAt(0)) + note.substring(1), targetUrl);
        };
    }

    /** The status of a run whose head was pushed over before it ended: it ends, without a verdict. */
    static CommitStatus stale(Run run, String newHead, String targetUrl) {
        return status(run, CommitStatus.State.ERROR, "Not reported: " + shortSha(run.headSha())
                + " is no longer the head of the change (now " + shortSha(newHead) + ")", targetUrl);
    }

    private static String shortSha(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }

    private static CommitStatus pending(Run run, String description, String targetUrl) {
        return status(run, CommitStatus.State.PENDING, description, targetUrl);
    }

    private static CommitStatus status(Run run, CommitStatus.State state, String description, String targetUrl) {
        return new CommitStatus(run.statusContext(), state, description, targetUrl);
    }
}
