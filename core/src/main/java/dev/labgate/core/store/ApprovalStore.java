package dev.labgate.core.store;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;

import java.util.Optional;

/**
 * Heads waiting for approval, and the approvals maintainers gave. Safe to use from several
 * replicas; recording the same request or approval twice keeps the first.
 */
public interface ApprovalStore {

    /** Records that a head waits for approval; a second request for the same head keeps the first. */
    void request(ApprovalRequest request);

    /** The request of one head, if that head waited for approval. */
    Optional<ApprovalRequest> request(ChangeRef change, String headSha);

    /** Records an approval of a head; a second approval of the same head keeps the first. */
    void record(Approval approval);

    /** The most recent approval of any head of the change. */
    Optional<Approval> latest(ChangeRef change);
}
