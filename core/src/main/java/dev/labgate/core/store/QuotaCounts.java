package dev.labgate.core.store;

import dev.labgate.core.event.Person;

import java.time.Instant;

/** The counts the quota rules need, read from the stored runs and admissions. */
public interface QuotaCounts {

    /** How many runs were admitted for changes or pushes by {@code author} since {@code since}. */
    int runsAdmittedSince(Person author, Instant since);

    /** How many runs of {@code lab} are planned, submitted or running now. */
    int activeRuns(String lab);
}
