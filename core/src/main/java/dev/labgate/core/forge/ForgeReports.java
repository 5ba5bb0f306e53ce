package dev.labgate.core.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.review.Review;

import java.util.Optional;

/**
 * What labgate writes back to a forge. Every call is idempotent, so a retried task may repeat it.
 * Every comment labgate writes carries a hidden marker starting with {@link #MARKER_PREFIX}, so
 * that its own comments are never read as commands and are found again to be edited. Only
 * comments written by labgate's own account are ever edited.
 */
public interface ForgeReports {

    /** How every hidden marker in labgate's comments begins. */
    String MARKER_PREFIX = "<!-- labgate:";

    /** The hidden marker that identifies labgate's living summary comment on a change. */
    String SUMMARY_MARKER = "<!-- labgate:summary -->";

    /**
     * Sets (or replaces) the commit status with {@code status.context()} on {@code sha}, a commit
     * of {@code subject}. A GitHub App writes a check run of that name instead, with
     * {@code status.details()} as its summary. GitLab files a status under a ref, which it takes
     * from the subject: the branch, or the merge request's source branch or head ref.
     */
    void setStatus(Subject subject, String sha, CommitStatus status);

    /**
     * The latest state of the status {@code context} on {@code sha} as the forge shows it now (for a
     * GitHub App, the state of its newest check run of that name); empty when there is none. Reads
     * back a status after a write whose outcome was unknown, which the forge may apply late.
     */
    Optional<CommitStatus.State> statusOf(RepoRef repo, String sha, String context);

    /**
     * Writes the summary comment of a change, found by {@link #SUMMARY_MARKER} (the marker is
     * added by the implementation). {@code markdown} is written most important first: where the
     * forge takes less, the last blocks are left out and the comment says so.
     *
     * <p>When {@code verdictChanged} is false, the summary is edited in place (or created if there
     * is none), so nobody is notified of progress. When it is true, a new comment is posted, so
     * that people subscribed to the change are notified, and the previous summary is edited to
     * point at the new one. Repeating a call after a crash posts nothing twice: a newest summary
     * that already says {@code markdown} is kept.
     */
    void upsertSummary(ChangeRef change, String markdown, boolean verdictChanged);

    /**
     * Answers a comment (a command) with a new comment, once: a reply to the same
     * {@code inReplyTo} comment id that already exists is not written again.
     */
    void reply(ChangeRef change, String inReplyTo, String markdown);

    /**
     * Reviews one head of a change: each finding on a line the forge's diff of that head shows
     * becomes a comment on that line (GitHub: one pull request review; GitLab: one positioned
     * discussion each), and findings elsewhere are listed once in a body. Never repeated: a finding
     * that already has a live labgate comment on the change is not commented on again, a call for a
     * head that was already reviewed posts nothing, and labgate's comments on findings that are no
     * longer found are marked fixed (GitHub) or resolved (GitLab). Saying nothing new posts nothing.
     */
    void review(ChangeRef change, Review review);
}
