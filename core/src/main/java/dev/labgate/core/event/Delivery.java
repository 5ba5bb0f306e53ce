package dev.labgate.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A webhook delivery as it was received, after its signature was verified: the raw body is
 * kept so that the event can be parsed again by a later version of labgate.
 *
 * @param key the forge and the delivery id
 * @param event the forge's event name ({@code X-GitHub-Event}, {@code X-Gitlab-Event})
 * @param body the raw request body, exactly as signed
 * @param receivedAt when labgate stored it
 */
public record Delivery(DeliveryKey key, String event, byte[] body, Instant receivedAt) {
    public Delivery {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
