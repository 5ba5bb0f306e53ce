package dev.labgate.core.store;

import dev.labgate.core.kcidb.KcidbData;

import java.util.Optional;

/** The results of finished runs, in KCIDB form, one document per run. */
public interface ResultStore {

    /** Stores (or replaces) the results of a run. */
    void save(String runId, KcidbData results);

    Optional<KcidbData> find(String runId);
}
