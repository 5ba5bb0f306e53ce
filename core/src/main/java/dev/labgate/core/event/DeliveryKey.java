package dev.labgate.core.event;

import java.util.Objects;

/**
 * Identifies one webhook delivery: the forge that sent it and the id the forge gave it
 * ({@code X-GitHub-Delivery}, GitLab's {@code Idempotency-Key}). A redelivery carries the same key.
 */
public record DeliveryKey(String forge, String id) {
    public DeliveryKey {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return forge + "/" + id;
    }
}
