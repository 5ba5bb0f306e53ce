package dev.labgate.core.trust;

import java.util.Objects;

/**
 * The commits of a change or push: those reachable from {@code head} and not from {@code base}
 * (or from the tip of {@code baseRef}), as {@code git rev-list base..head} lists them.
 *
 * @param cloneUrl the repository on the configured forge host
 * @param headRef the ref of that repository that holds the head, e.g. {@code refs/pull/7/head}
 * @param headSha the newest commit
 * @param baseRef the ref of the target branch, e.g. {@code refs/heads/master}; may be empty
 * @param baseSha the commit the change is compared with; may be empty for a new branch
 */
public record CommitRange(String cloneUrl, String headRef, String headSha, String baseRef, String baseSha) {
    public CommitRange {
        Objects.requireNonNull(cloneUrl, "cloneUrl");
        Objects.requireNonNull(headRef, "headRef");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(baseRef, "baseRef");
        Objects.requireNonNull(baseSha, "baseSha");
    }
}
