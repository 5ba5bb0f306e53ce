package dev.labgate.core.trust;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;

import java.time.Instant;
import java.util.Objects;

/**
 * A head of a change that waits for a maintainer's approval: what an approval of it needs to
 * know (who wrote it, where its commits are) when it comes, perhaps much later.
 *
 * @param baseRef the target branch's ref, e.g. {@code refs/heads/master}
 * @param cloneUrl the base repository on the configured forge host
 * @param fetchRef the ref of that repository that holds the head
 */
public record ApprovalRequest(ChangeRef change, String headSha, String baseSha, String baseRef, Person author,
                              boolean fromFork, String cloneUrl, String fetchRef, Instant at) {
    public ApprovalRequest {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(baseSha, "baseSha");
        Objects.requireNonNull(baseRef, "baseRef");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(cloneUrl, "cloneUrl");
        Objects.requireNonNull(fetchRef, "fetchRef");
        Objects.requireNonNull(at, "at");
    }

    public CommitRange range() {
        return new CommitRange(cloneUrl, fetchRef, headSha, baseRef, baseSha);
    }
}
