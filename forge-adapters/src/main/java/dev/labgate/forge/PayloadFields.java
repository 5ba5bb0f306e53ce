package dev.labgate.forge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a webhook payload that an event mapper reads, and the one way to read a payload:
 * a tree of just those fields, each node as the whole tree would have it, the rest of the document
 * tokenized and skipped but never built. A 24 KB pull_request payload has about a thousand nodes,
 * of which labgate reads some twenty; building them all was a quarter of the processing time of a
 * delivery (docs/benchmarks.md). Immutable and thread-safe.
 */
public final class PayloadFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields read below this one; empty when the whole value is kept. */
    private final Map<String, PayloadFields> named;

    private PayloadFields(Map<String, PayloadFields> named) {
        this.named = named;
    }

    /**
     * Fields by dotted path from the document's root ({@code "pull_request.head.sha"}). The last name
     * of a path is kept whole, whatever it holds; a path through an array applies to each element.
     */
    public static PayloadFields of(String... paths) {
        var root = new Node();
        for (var path : paths) {
            var node = root;
            for (var name : path.split("\\.")) {
                if (node.whole) {
                    break;
                }
                node = node.named.computeIfAbsent(name, n -> new Node());
            }
            node.whole = true;
            node.named.clear();
        }
        return root.fields();
    }

    /**
     * The document with only these fields; {@link MissingNode} for an empty document. Like reading the
     * whole tree, data after the first value is not read.
     *
     * @throws IOException when the document is not JSON
     */
    public JsonNode read(byte[] json) throws IOException {
        try (var parser = JSON.createParser(json)) {
            return parser.nextToken() == null ? MissingNode.getInstance() : read(parser);
        }
    }

    /** The value at the parser's current token, which is left on that value's last token. */
    private JsonNode read(JsonParser parser) throws IOException {
        if (named.isEmpty()) {
            return JSON.readTree(parser);
        }
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            var object = JSON.createObjectNode();
            String name;
            while ((name = parser.nextFieldName()) != null) {
                parser.nextToken();
                var field = named.get(name);
                if (field == null) {
                    parser.skipChildren();
                } else {
                    object.set(name, field.read(parser));
                }
            }
            return object;
        }
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            var array = JSON.createArrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(read(parser));
            }
            return array;
        }
        return JSON.readTree(parser);
    }

    private static final class Node {
        final Map<String, Node> named = new HashMap<>();
        boolean whole;

        PayloadFields fields() {
            var fields = new HashMap<String, PayloadFields>();
            named.forEach((name, node) -> fields.put(name, node.fields()));
            return new PayloadFields(Map.copyOf(fields));
        }
    }
}
