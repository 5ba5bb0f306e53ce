package dev.labgate.flow;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.store.QuotaCounts;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The trust gate's stores where there is no database (a one-shot CI job, {@code labgate explain}):
 * no approval is known (so an untrusted head stays untrusted), no run is counted against quotas,
 * and decisions go to the log rather than an audit table.
 */
public final class NoHistory implements ApprovalStore, AuditLog, QuotaCounts {

    @Override
    public void request(ApprovalRequest request) {
    }

    @Override
    public Optional<ApprovalRequest> request(ChangeRef change, String headSha) {
        return Optional.empty();
    }

    @Override
    public void record(Approval approval) {
    }

    @Override
    public Optional<Approval> latest(ChangeRef change) {
        return Optional.empty();
    }

    @Override
    public void record(AuditEntry entry) {
    }

    @Override
    public List<AuditEntry> forRepository(RepoRef repo, int limit) {
        return List.of();
    }

    /** Nothing was counted before: every run is the author's first of the day. */
    @Override
    public OptionalInt admit(Person author, LocalDate day, int limit, String runId) {
        return limit > 0 ? OptionalInt.of(1) : OptionalInt.empty();
    }

    @Override
    public int activeRuns(String lab) {
        return 0;
    }
}
