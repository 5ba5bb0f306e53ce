package dev.labgate.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.kcidb.KcidbJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * KCIDB's own I/O schema (v5.3, from {@code ../shared/corpus/kcidb/}), to check what the labs
 * produce. A test that uses it is skipped, with the reason, when the shared folder is absent.
 */
public final class KcidbSchema {

    private static Schema schema;

    private KcidbSchema() {
    }

    /** The schema's complaints about a document; empty when KCIDB would accept it. */
    public static synchronized List<String> violations(KcidbData data) {
        if (schema == null) {
            var file = Path.of(System.getProperty("labgate.shared", "../../shared"), "corpus", "kcidb",
                    "kcidb-io.schema.v5.3.json");
            assumeTrue(Files.exists(file), "the KCIDB schema is not at " + file + " (../shared absent)");
            try {
                var config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
                var tree = new ObjectMapper().readTree(Files.readAllBytes(file));
                javaPatterns(tree);
                schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                        registry -> registry.schemaRegistryConfig(config)).getSchema(tree);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return schema.validate(new ObjectMapper().readTree(KcidbJson.write(data))).stream()
                    .map(Error::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Python's {@code \\0} (NUL) in the schema's patterns is {@code \\x00} for Java's regular expressions. */
    private static void javaPatterns(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var pattern = object.get("pattern");
            if (pattern != null && pattern.isTextual()) {
                object.put("pattern", pattern.asText().replace("\\0", "\\x00"));
            }
        }
        node.forEach(KcidbSchema::javaPatterns);
    }
}
