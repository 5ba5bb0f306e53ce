package dev.labgate.core.store;

import dev.labgate.core.event.Person;

import java.time.LocalDate;
import java.util.OptionalInt;

/**
 * The counts rule 7 needs. The daily quota is taken, not merely read: {@link #admit} checks and
 * counts in one atomic step, so that workers or replicas admitting at the same moment can never
 * both take an author's last run of the day.
 */
public interface QuotaCounts {

    /**
     * Counts run {@code runId} as one of {@code author}'s runs on {@code day} (UTC), unless
     * {@code limit} runs are counted there already. The check and the count are one atomic step
     * that joins the caller's transaction: call it in the transaction that creates or plans the
     * run, so that a rollback gives the run back. A run counted before keeps its place: a repeated
     * step counts nothing twice.
     *
     * @return the run's place among the author's runs of that day (1 for the first), or empty when
     *     {@code limit} other runs were counted already
     */
    OptionalInt admit(Person author, LocalDate day, int limit, String runId);

    /** How many runs of {@code lab} are planned, submitted or running now. */
    int activeRuns(String lab);
}
