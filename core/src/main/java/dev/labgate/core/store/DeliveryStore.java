package dev.labgate.core.store;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;

import java.util.Optional;

/** Stored webhook deliveries, as the flow reads them. The service writes and settles them. */
public interface DeliveryStore {

    Optional<Delivery> find(DeliveryKey key);
}
