package dev.labgate.core.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;

/** What labgate writes back to a forge. Every call is idempotent, so a retried task may repeat it. */
public interface ForgeReports {

    /** The hidden marker that identifies labgate's one summary comment on a change. */
    String SUMMARY_MARKER = "<!-- labgate:summary -->";

    /** Sets (or replaces) the commit status with {@code status.context()} on {@code sha}. */
    void setStatus(RepoRef repo, String sha, CommitStatus status);

    /**
     * Writes the summary comment of a change: edits the comment carrying {@link #SUMMARY_MARKER}
     * if there is one, else creates it. The marker is added by the implementation.
     */
    void upsertSummary(ChangeRef change, String markdown);
}
