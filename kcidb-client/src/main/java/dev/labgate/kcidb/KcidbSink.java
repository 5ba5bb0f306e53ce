package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;

/**
 * Receives the objects of a KCIDB document one at a time, in document order, as
 * {@link KcidbJson#stream} reads them. Lets a reader of a large file keep only what it needs.
 * Called on the reading thread; an exception thrown here stops the reading.
 */
public interface KcidbSink {

    default void version(Version version) {
    }

    default void checkout(Checkout checkout) {
    }

    default void build(Build build) {
    }

    default void test(Test test) {
    }

    default void issue(Issue issue) {
    }

    default void incident(Incident incident) {
    }
}
