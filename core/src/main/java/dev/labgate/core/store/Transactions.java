package dev.labgate.core.store;

import java.util.function.Supplier;

/** Runs work atomically: every store write and every enqueued {@code Work} commit together or not at all. */
public interface Transactions {

    <T> T inTransaction(Supplier<T> work);

    default void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
