package dev.labgate.core.store;

import dev.labgate.core.event.RepoRef;
import dev.labgate.core.trust.AuditEntry;

import java.util.List;

/** The record of every trust decision. Entries are never changed; one with a known id is not added again. */
public interface AuditLog {

    void record(AuditEntry entry);

    /** The newest {@code limit} entries of a repository, newest first. */
    List<AuditEntry> forRepository(RepoRef repo, int limit);
}
