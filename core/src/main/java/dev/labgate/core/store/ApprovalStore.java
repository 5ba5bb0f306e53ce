package dev.labgate.core.store;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.trust.Approval;

import java.util.Optional;

/** Recorded approvals. Safe to use from several replicas; recording the same approval twice keeps one. */
public interface ApprovalStore {

    /** Records an approval of a head; a second approval of the same head keeps the first. */
    void record(Approval approval);

    /** The most recent approval of any head of the change. */
    Optional<Approval> latest(ChangeRef change);
}
