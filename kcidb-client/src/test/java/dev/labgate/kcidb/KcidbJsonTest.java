package dev.labgate.kcidb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KcidbJsonTest {

    static List<String> examples() {
        return Corpus.EXAMPLES;
    }

    @ParameterizedTest(name = "{0} reads into the model and writes back to the same JSON tree")
    @MethodSource("examples")
    void corpus_examples_round_trip(String example) throws IOException {
        var original = Files.readAllBytes(Corpus.file(example));

        var written = KcidbJson.write(KcidbJson.read(original));

        assertThat(tree(written)).isEqualTo(tree(original));
    }

    @ParameterizedTest(name = "{0} streams the same objects that reading it whole gives")
    @MethodSource("examples")
    void streaming_gives_the_same_objects(String example) throws IOException {
        var original = Files.readAllBytes(Corpus.file(example));
        var collected = new Collected();

        KcidbJson.stream(new ByteArrayInputStream(original), collected);

        assertThat(collected.data()).isEqualTo(KcidbJson.read(original));
    }

    @org.junit.jupiter.api.Test
    void absent_fields_and_empty_top_level_lists_are_not_written() {
        var data = KcidbData.of(List.of(Checkout.of("labgate:c1", "labgate")), List.of(), List.of());

        var json = new String(KcidbJson.write(data), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"version\":{\"major\":5,\"minor\":3},"
                + "\"checkouts\":[{\"id\":\"labgate:c1\",\"origin\":\"labgate\"}]}");
    }

    @org.junit.jupiter.api.Test
    void timestamp_is_written_as_underscore_timestamp_and_nested_fields_in_snake_case() {
        var test = new Test("o:t", "o:b", "o", new Environment("board", List.of("ti,omap3"), Map.of("platform", "bb")),
                "ltp.sem01", null, "https://logs/t", null, Status.FAIL, null, null, 1.5, null, null, null,
                "2024-01-01T00:00:00Z");

        var json = new String(KcidbJson.write(KcidbData.of(List.of(), List.of(), List.of(test))),
                StandardCharsets.UTF_8);

        assertThat(json).contains("\"_timestamp\":\"2024-01-01T00:00:00Z\"", "\"build_id\":\"o:b\"",
                "\"log_url\":\"https://logs/t\"", "\"misc\":{\"platform\":\"bb\"}").doesNotContain("null");
    }

    @org.junit.jupiter.api.Test
    void streaming_reads_objects_in_document_order_whatever_the_order_of_the_lists() throws IOException {
        var json = """
                {"tests": [{"id": "o:t1", "build_id": "o:b1", "origin": "o", "status": "PASS"},
                           {"id": "o:t2", "build_id": "o:b1", "origin": "o", "status": "FAIL"}],
                 "extra": {"ignored": [1, 2]},
                 "builds": [{"id": "o:b1", "checkout_id": "o:c1", "origin": "o"}],
                 "version": {"major": 5, "minor": 3}}
                """;
        var seen = new ArrayList<String>();

        KcidbJson.stream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new KcidbSink() {
            @Override
            public void version(Version version) {
                seen.add("version " + version.major() + "." + version.minor());
            }

            @Override
            public void build(Build build) {
                seen.add("build " + build.id());
            }

            @Override
            public void test(Test test) {
                seen.add("test " + test.id() + " " + test.status());
            }
        });

        assertThat(seen).containsExactly("test o:t1 PASS", "test o:t2 FAIL", "build o:b1", "version 5.3");
    }

    @org.junit.jupiter.api.Test
    void streaming_a_list_that_is_not_a_list_names_the_line() {
        var json = "{\"version\": {\"major\": 5},\n \"tests\": {\"id\": \"o:t\"}}";

        assertThatThrownBy(() -> KcidbJson.stream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                new KcidbSink() { }))
                .isInstanceOf(IOException.class).hasMessageContaining("\"tests\" must be a list")
                .hasMessageContaining("line 2");
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return KcidbJson.mapper().readTree(json);
    }

    /** Gathers streamed objects back into one document. */
    static final class Collected implements KcidbSink {
        private Version version;
        private final List<Checkout> checkouts = new ArrayList<>();
        private final List<Build> builds = new ArrayList<>();
        private final List<Test> tests = new ArrayList<>();
        private final List<Issue> issues = new ArrayList<>();
        private final List<Incident> incidents = new ArrayList<>();

        @Override
        public void version(Version v) {
            version = v;
        }

        @Override
        public void checkout(Checkout c) {
            checkouts.add(c);
        }

        @Override
        public void build(Build b) {
            builds.add(b);
        }

        @Override
        public void test(Test t) {
            tests.add(t);
        }

        @Override
        public void issue(Issue i) {
            issues.add(i);
        }

        @Override
        public void incident(Incident i) {
            incidents.add(i);
        }

        KcidbData data() {
            return new KcidbData(version, checkouts, builds, tests, issues, incidents);
        }
    }
}
