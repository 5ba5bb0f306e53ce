package dev.labgate.forge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Consumer;

/** The webhook payloads written for these tests ({@code src/test/resources/<forge>/<event>.<action>.json}). */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static byte[] bytes(String resource) {
        try (var in = Fixtures.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with changes applied to its JSON. */
    public static byte[] edited(String resource, Consumer<ObjectNode> change) {
        try {
            var root = (ObjectNode) JSON.readTree(bytes(resource));
            change.accept(root);
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Delivery delivery(String forge, String event, byte[] body) {
        return new Delivery(new DeliveryKey(forge, "test-delivery"), event, body, Instant.parse("2026-01-01T00:00:00Z"));
    }
}
