package dev.labgate.action;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;

import java.util.Optional;

/**
 * The trust gate's approvals in a one-shot job, which keeps no state: the approval a maintainer
 * gave on the forge itself for the job's head, once {@link OneShot} has found and judged it.
 * Nothing waits for approval between jobs, so requests are not kept.
 */
final class ApprovalsOnForge implements ApprovalStore {

    private volatile Approval approval;

    @Override
    public void request(ApprovalRequest request) {
    }

    @Override
    public Optional<ApprovalRequest> request(ChangeRef change, String headSha) {
        return Optional.empty();
    }

    @Override
    public void record(Approval approval) {
        this.approval = approval;
    }

    @Override
    public Optional<Approval> latest(ChangeRef change) {
        return Optional.ofNullable(approval).filter(a -> a.change().equals(change));
    }
}
