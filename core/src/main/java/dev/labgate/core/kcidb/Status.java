package dev.labgate.core.kcidb;

import java.util.Collection;
import java.util.Optional;

/**
 * A build or test status, in KCIDB's priority order (highest first): the summary status of a
 * collection is the highest-priority status in it.
 */
public enum Status {
    /** The code is faulty. */
    FAIL,
    /** The test itself broke; the code's status is unknown. */
    ERROR,
    /** The harness broke and the test did not run; nothing is known. */
    MISS,
    PASS,
    /** Completed without judging the code (e.g. a measurement). */
    DONE,
    /** Not applicable; did not run. */
    SKIP;

    /** The highest-priority status of the collection, empty when it is empty. */
    public static Optional<Status> summary(Collection<Status> statuses) {
        return statuses.stream().min(Enum::compareTo);
    }

    /** FAIL blames the code; ERROR and MISS blame the test or the harness, never the code. */
    public boolean blamesCode() {
        return this == FAIL;
    }

    public boolean blamesInfrastructure() {
        return this == ERROR || this == MISS;
    }
}
