package dev.labgate.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The webhook payloads written for these tests ({@code src/test/resources/<forge>/<event>.<action>.json}),
 * and those of the shared corpus ({@code ../shared/corpus}).
 */
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

    /** A folder of the shared corpus; the calling test is skipped, with the reason, when it is absent. */
    public static Path corpus(String folder) {
        var shared = System.getProperty("labgate.shared");
        Assumptions.assumeTrue(shared != null, "labgate.shared is not set: run through Maven to find ../shared");
        var dir = Path.of(shared, "corpus", folder);
        Assumptions.assumeTrue(Files.isDirectory(dir), "the shared corpus is absent: no " + dir);
        return dir;
    }

    /** The JSON files under a folder, in name order. */
    public static List<Path> json(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A payload with one field changed, for every field of its objects (not inside arrays): removed,
     * or replaced by null, an empty object, an empty array, a text and a number. Keyed by what changed.
     */
    public static Map<String, byte[]> variants(byte[] body) {
        var variants = new LinkedHashMap<String, byte[]>();
        try {
            var root = JSON.readTree(body);
            var pointers = new ArrayList<String>();
            fields(root, "", pointers);
            var replacements = List.<JsonNode>of(JSON.nullNode(), JSON.createObjectNode(), JSON.createArrayNode(),
                    JSON.getNodeFactory().textNode("x"), JSON.getNodeFactory().numberNode(7));
            for (var pointer : pointers) {
                var slash = pointer.lastIndexOf('/');
                var parent = pointer.substring(0, slash);
                var name = pointer.substring(slash + 1);
                var removed = root.deepCopy();
                ((ObjectNode) removed.at(parent)).remove(name);
                variants.put(pointer + " removed", JSON.writeValueAsBytes(removed));
                for (var replacement : replacements) {
                    var changed = root.deepCopy();
                    ((ObjectNode) changed.at(parent)).set(name, replacement);
                    variants.put(pointer + " = " + replacement, JSON.writeValueAsBytes(changed));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return variants;
    }

    private static void fields(JsonNode node, String pointer, List<String> into) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                into.add(pointer + "/" + name);
                fields(node.get(name), pointer + "/" + name, into);
            });
        }
    }
}
