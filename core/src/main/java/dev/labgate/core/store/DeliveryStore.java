package dev.labgate.core.store;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;

import java.util.Optional;

/** Stored webhook deliveries. Deliveries are written by the intake; the flow reads and settles them. */
public interface DeliveryStore {

    Optional<Delivery> find(DeliveryKey key);

    /** Records what processing the delivery led to, in words ("ignored: ...", "2 runs planned"). */
    void markProcessed(DeliveryKey key, String outcome);
}
