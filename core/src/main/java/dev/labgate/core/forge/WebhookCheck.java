package dev.labgate.core.forge;

import dev.labgate.core.event.DeliveryKey;

import java.util.Objects;

/** The outcome of checking a webhook request before it is stored. */
public sealed interface WebhookCheck {

    /** Authentic and complete: store it under this key. */
    record Accepted(DeliveryKey key, String event) implements WebhookCheck {
        public Accepted {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(event, "event");
        }
    }

    /** Refused; nothing is stored. The message is safe to show to the sender (no secrets). */
    record Rejected(Why why, String message) implements WebhookCheck {
        public Rejected {
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(message, "message");
        }
    }

    enum Why {
        /** Missing or wrong signature/token, or no secret configured: HTTP 401. */
        UNAUTHENTICATED,
        /** A header labgate needs is missing or malformed: HTTP 400. */
        MALFORMED
    }
}
