package dev.labgate.kcidb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.path.PathType;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our validator and the official KCIDB v5.3 JSON Schema (run by a JSON Schema library) must agree
 * on the corpus examples and on systematically broken copies of them: valid or not, and where.
 */
class SchemaConformanceTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final KcidbValidator OURS = new KcidbValidator();
    private static Schema official;

    /** A value that breaks the rule of a string property, by property name. */
    private static final Map<String, String> BAD_TEXT = Map.ofEntries(
            Map.entry("id", "no-origin-prefix"), Map.entry("checkout_id", "Upper:case"),
            Map.entry("build_id", ":missing-origin"), Map.entry("test_id", "spaces in origin:1"),
            Map.entry("issue_id", "no-colon"), Map.entry("origin", "Not-An-Origin"),
            Map.entry("git_commit_hash", "5acb9c2a"), Map.entry("patchset_hash", "not-hex"),
            Map.entry("git_repository_url", "http://insecure.example/linux.git"),
            Map.entry("path", "ltp..sem01"), Map.entry("status", "BROKEN"), Map.entry("architecture", "x86-64"),
            Map.entry("prefix", "decimal"), Map.entry("name", "dir/file"),
            Map.entry("log_url", "not a uri"), Map.entry("config_url", "::"), Map.entry("url", "relative/path"),
            Map.entry("report_url", "no scheme"),
            Map.entry("start_time", "yesterday"), Map.entry("_timestamp", "2020-13-45T99:00:00Z"),
            Map.entry("origin_builds_finish_time", "2020-08-14"), Map.entry("origin_tests_finish_time", "12:00"),
            Map.entry("message_id", "no-at-sign"));

    static List<String> examples() {
        return Corpus.EXAMPLES;
    }

    @BeforeAll
    static void loadOfficialSchema() throws IOException {
        var schema = (ObjectNode) KcidbJson.mapper().readTree(Corpus.file("kcidb-io.schema.v5.3.json").toFile());
        // The exported schema carries no "$schema"; its PROVENANCE says to add draft-07 for a validator.
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        javaPatterns(schema);
        // KCIDB checks formats (kcidb-io validates with a format checker); JSON paths to compare with ours.
        var config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).pathType(PathType.JSON_PATH).build();
        official = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                registry -> registry.schemaRegistryConfig(config)).getSchema(schema);
    }

    @ParameterizedTest(name = "{0} is valid for both")
    @MethodSource("examples")
    void corpus_examples_are_valid_for_both(String example) throws IOException {
        var document = read(example);

        assertThat(official.validate(document)).isEmpty();
        assertThat(OURS.validate(document)).isEmpty();
    }

    @ParameterizedTest(name = "broken copies of {0}: both find the same problems at the same paths")
    @MethodSource("examples")
    void mutated_copies_get_the_same_answer(String example) throws IOException {
        var original = read(example);
        var mutations = new ArrayList<Mutation>();
        mutate(original, "$", mutations::add);
        assertThat(mutations).hasSizeGreaterThan(30);

        var disagreements = new ArrayList<String>();
        var invalid = 0;
        for (var mutation : mutations) {
            var document = original.deepCopy();
            mutation.apply().accept(document);
            var theirs = locations(official.validate(document));
            var ours = OURS.validate(document).stream().map(Violation::path).collect(Collectors.toCollection(TreeSet::new));
            if (!theirs.equals(ours)) {
                disagreements.add(mutation.description() + ": schema " + theirs + ", ours " + ours);
            }
            var streamed = OURS.validate(new ByteArrayInputStream(KcidbJson.mapper().writeValueAsBytes(document)));
            if (!streamed.equals(OURS.validate(document))) {
                disagreements.add(mutation.description() + ": streamed " + streamed);
            }
            invalid += ours.isEmpty() ? 0 : 1;
        }

        assertThat(disagreements).isEmpty();
        assertThat(invalid).as("most mutations break the document").isGreaterThan(mutations.size() / 2);
    }

    @Test
    void a_missing_version_and_an_unknown_top_level_list_are_found_by_both() throws IOException {
        var document = (ObjectNode) read("example-minimal-required-v5.3.json");
        document.remove("version");
        document.putArray("boots");

        assertThat(locations(official.validate(document))).containsExactly("$.boots", "$.version");
        assertThat(OURS.validate(document)).extracting(Violation::path).containsExactlyInAnyOrder("$.version", "$.boots");
    }

    /** One broken copy: what was changed, and the change. */
    record Mutation(String description, Consumer<JsonNode> apply) {
    }

    /**
     * Every field of every object gets: removed, set to null, set to a value of another type, set
     * to a value that breaks its rule, given a NUL or an over-long text; every object gets an
     * unknown property. Removing an optional field must stay valid for both.
     */
    private static void mutate(JsonNode node, String path, Consumer<Mutation> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                mutate(node.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        var target = pointer(path);
        out.accept(new Mutation(path + " gets an unknown property",
                doc -> ((ObjectNode) doc.at(target)).put("surprise", true)));
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        for (var name : names) {
            var value = node.get(name);
            var at = path + "." + name;
            out.accept(new Mutation(at + " removed", doc -> ((ObjectNode) doc.at(target)).remove(name)));
            out.accept(new Mutation(at + " set to null", doc -> ((ObjectNode) doc.at(target)).putNull(name)));
            out.accept(new Mutation(at + " of another type",
                    doc -> ((ObjectNode) doc.at(target)).set(name, otherType(value))));
            if (value.isTextual()) {
                if (BAD_TEXT.containsKey(name)) {
                    out.accept(new Mutation(at + " breaks its rule",
                            doc -> ((ObjectNode) doc.at(target)).put(name, BAD_TEXT.get(name))));
                }
                out.accept(new Mutation(at + " holds a NUL",
                        doc -> ((ObjectNode) doc.at(target)).put(name, value.textValue() + "\u0000")));
                if (name.equals("log_excerpt")) {
                    out.accept(new Mutation(at + " is too long",
                            doc -> ((ObjectNode) doc.at(target)).put(name, "x".repeat(16385))));
                }
            }
            if (value.isIntegralNumber()) {
                out.accept(new Mutation(at + " is negative", doc -> ((ObjectNode) doc.at(target)).put(name, -1)));
                out.accept(new Mutation(at + " is a fraction", doc -> ((ObjectNode) doc.at(target)).put(name, 2.5)));
            }
            if (value.isArray() && value.size() > 0 && value.get(0).isTextual()) {
                out.accept(new Mutation(at + "[0] breaks its rule",
                        doc -> ((ArrayNode) doc.at(target).get(name)).set(0, NODES.textNode("has space, and..dots"))));
            }
            if (!name.equals("misc")) {
                mutate(value, at, out);
            }
        }
    }

    /**
     * The schema's patterns write NUL as {@code \\0}, which ECMA-262 and Python read as NUL but
     * java.util.regex rejects; the same character is {@code \\x00} in Java. Nothing else changes.
     */
    private static void javaPatterns(JsonNode node) {
        if (node.isObject()) {
            var object = (ObjectNode) node;
            if (object.path("pattern").isTextual()) {
                object.put("pattern", object.get("pattern").textValue().replace("\\0", "\\x00"));
            }
        }
        node.forEach(SchemaConformanceTest::javaPatterns);
    }

    private static JsonNode otherType(JsonNode value) {
        return value.isTextual() ? NODES.numberNode(42) : NODES.textNode("42");
    }

    /** Where the schema library says the problem is, as our JSON paths: a missing or unknown property is its own path. */
    private static Set<String> locations(List<Error> errors) {
        var paths = new TreeSet<String>();
        for (var error : errors) {
            var at = error.getInstanceLocation().toString();
            var keyword = error.getKeyword();
            if (("required".equals(keyword) || "additionalProperties".equals(keyword)) && error.getProperty() != null) {
                at = at + Paths.property(error.getProperty());
            }
            paths.add(at);
        }
        return paths;
    }

    private static String pointer(String path) {
        return path.substring(1).replaceAll("\\[(\\d+)]", "/$1").replace('.', '/');
    }

    private static JsonNode read(String example) throws IOException {
        return KcidbJson.mapper().readTree(Files.readAllBytes(Corpus.file(example)));
    }
}
