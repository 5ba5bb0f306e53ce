package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Culprit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

import static dev.labgate.core.kcidb.Status.ERROR;
import static dev.labgate.core.kcidb.Status.FAIL;
import static dev.labgate.core.kcidb.Status.PASS;
import static dev.labgate.kcidb.Kcidb.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultsTest {

    private final VerdictAggregator aggregator = new VerdictAggregator();

    static List<String> examples() {
        return Corpus.EXAMPLES;
    }

    @ParameterizedTest(name = "{0}: reading streaming gives the verdict that reading the model gives")
    @MethodSource("examples")
    void streaming_and_model_give_the_same_verdict_on_the_corpus(String example) throws IOException {
        var bytes = Files.readAllBytes(Corpus.file(example));

        var streamed = aggregator.aggregate(new Results().read(new ByteArrayInputStream(bytes)), Optional.empty(),
                KnownIssues.none());
        var bound = aggregator.aggregate(KcidbJson.read(bytes));

        assertThat(streamed).isEqualTo(bound);
    }

    @Test
    void streaming_and_model_agree_on_keys_logs_and_known_issues() throws IOException {
        var head = results().test("kernelci", "x86_64", "rpi4", "kunit.a", FAIL, "boom\n")
                .test("kernelci", "kunit.b", ERROR).test("cki", "kunit.c", PASS)
                .test("kernelci", "kunit.d", FAIL).incidentOnLastTest("t:1", "known", new Culprit(true, false, false))
                .data();
        var base = results().test("kernelci", "kunit.c", FAIL).data();

        var streamed = aggregator.aggregate(new Results().read(new ByteArrayInputStream(KcidbJson.write(head))),
                Optional.of(new Results().read(new ByteArrayInputStream(KcidbJson.write(base)))), KnownIssues.none());
        var bound = aggregator.aggregate(head, Optional.of(base), KnownIssues.none());

        assertThat(streamed).isEqualTo(bound);
        assertThat(streamed.regressions()).singleElement().satisfies(f -> {
            assertThat(f.platform()).isEqualTo("rpi4");
            assertThat(f.detail()).isEqualTo("boom (not run on the base)");
        });
    }

    @Test
    void a_platform_comes_from_misc_else_from_the_first_compatible_string_never_from_the_comment() throws IOException {
        var json = """
                {"version": {"major": 5},
                 "builds": [{"id": "o:b", "checkout_id": "o:c", "origin": "o", "status": "PASS"}],
                 "tests": [
                   {"id": "o:1", "build_id": "o:b", "origin": "o", "path": "a", "status": "FAIL",
                    "environment": {"comment": "host-17.lab", "compatible": ["ti,beagle", "ti,omap3"], "misc": {"platform": "beagle"}}},
                   {"id": "o:2", "build_id": "o:b", "origin": "o", "path": "b", "status": "FAIL",
                    "environment": {"comment": "host-18.lab", "compatible": ["ti,beagle", "ti,omap3"]}},
                   {"id": "o:3", "build_id": "o:b", "origin": "o", "path": "c", "status": "FAIL",
                    "environment": {"comment": "host-19.lab"}}]}
                """;

        var verdict = aggregator.aggregate(new Results().read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))),
                Optional.empty(), KnownIssues.none());

        assertThat(verdict.notCompared()).extracting(f -> f.path() + "@" + f.platform())
                .containsExactly("a@beagle", "b@ti,beagle", "c@");
    }

    @Test
    void a_test_field_of_the_wrong_type_is_an_error_with_its_line() {
        var json = "{\"version\": {\"major\": 5},\n\"tests\": [{\"id\": \"o:1\", \"build_id\": \"o:b\", \"origin\": \"o\",\n"
                + "\"status\": \"GREEN\"}]}";

        assertThatThrownBy(() -> new Results().read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("\"GREEN\" is not one of").hasMessageContaining("line 3");
    }
}
