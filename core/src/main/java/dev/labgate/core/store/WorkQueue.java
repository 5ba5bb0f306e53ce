package dev.labgate.core.store;

import java.time.Instant;

/**
 * Durable work to do later. Inside {@link Transactions#inTransaction}, enqueued work commits with
 * the rest of the transaction. Work with the id of pending work is not added again.
 */
public interface WorkQueue {

    void enqueue(Work work, Instant notBefore);

    default void enqueueNow(Work work) {
        enqueue(work, Instant.EPOCH);
    }

    /**
     * Has {@code work} run at {@code at}, also when it is already pending for another time (a
     * lab's callback brings a run's next step forward). Work running at this moment keeps the
     * next time it sets itself.
     */
    void reschedule(Work work, Instant at);
}
