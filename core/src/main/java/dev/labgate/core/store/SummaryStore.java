package dev.labgate.core.store;

import java.util.Optional;

/**
 * What was last written in the summary comment of a subject, so that reports are serialized
 * across replicas and an unchanged summary is not written again.
 */
public interface SummaryStore {

    /**
     * Locks the subject's summary until the surrounding transaction ends and returns the
     * fingerprint of what was last posted, if anything. Call inside {@link Transactions}.
     */
    Optional<String> lockLastPosted(String subjectKey);

    void savePosted(String subjectKey, String fingerprint);
}
