package dev.labgate.kcidb;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KcidbValidatorTest {

    private final KcidbValidator validator = new KcidbValidator();

    private static final String VALID = """
            {"version": {"major": 5, "minor": 3},
             "checkouts": [{"id": "labgate:c1", "origin": "labgate",
                            "git_repository_url": "https://git.example/linux.git",
                            "git_commit_hash": "0123456789abcdef0123456789abcdef01234567",
                            "start_time": "2024-05-01T12:00:00.123456+00:00"}],
             "builds": [{"id": "labgate:b1", "checkout_id": "labgate:c1", "origin": "labgate",
                         "architecture": "x86_64", "config_name": "defconfig", "status": "PASS"}],
             "tests": [{"id": "labgate:t1", "build_id": "labgate:b1", "origin": "labgate",
                        "path": "kunit.example.test_one", "status": "FAIL",
                        "environment": {"comment": "qemu", "compatible": ["qemu,virt"], "misc": {"platform": "qemu"}},
                        "number": {"value": 1.5, "unit": "s", "prefix": "metric"}}]}
            """;

    @org.junit.jupiter.api.Test
    void a_valid_document_has_no_violations() {
        assertThat(validate(VALID)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "an id without an origin prefix;                 \"id\": \"labgate:t1\";             \"id\": \"t1\";                  $.tests[0].id;              must be '<origin>:<local id>'",
            "an origin with capitals;                        \"labgate:b1\", \"origin\": \"labgate\"; \"labgate:b1\", \"origin\": \"LabGate\"; $.tests[0].origin;  lowercase letters, digits and '_'",
            "a short commit hash;                            0123456789abcdef0123456789abcdef01234567; 0123456; $.checkouts[0].git_commit_hash; 40 lowercase hex digits",
            "a test path with an empty step;                 kunit.example.test_one;           kunit..test_one;                $.tests[0].path;            dot-separated words",
            "a status outside the enum;                      \"status\": \"FAIL\";               \"status\": \"BROKEN\";          $.tests[0].status;          must be one of FAIL, ERROR, MISS, PASS, DONE, SKIP",
            "a missing build id;                             \"build_id\": \"labgate:b1\",;      ;                               $.tests[0].build_id;        required property is missing",
            "an unknown field;                               \"path\": \"kunit;                 \"flavour\": 1, \"path\": \"kunit; $.tests[0].flavour;     unknown property",
            "a date that is not RFC 3339;                    2024-05-01T12:00:00.123456+00:00; 01/05/2024;                     $.checkouts[0].start_time;  RFC 3339 date-time",
            "a plain-http repository URL;                    https://git.example;              http://git.example;             $.checkouts[0].git_repository_url; https:// URL",
            "an architecture with a dash;                    x86_64;                           x86-64;                         $.builds[0].architecture;   lowercase letters",
            "a compatible string with a space;               qemu,virt;                        qemu virt;                      $.tests[0].environment.compatible[0]; no spaces",
            "an unknown number prefix;                       \"prefix\": \"metric\";             \"prefix\": \"si\";              $.tests[0].number.prefix;   must be one of metric, binary",
            "a version from the future;                      \"minor\": 3;                       \"minor\": 4;                    $.version.minor;            between 0 and 3",
            "null instead of leaving a field out;            \"status\": \"PASS\";               \"status\": null;               $.builds[0].status;         leave the property out",
    })
    void each_violation_is_reported_with_its_path(String sentence, String from, String to, String path, String message) {
        var violations = validate(VALID.replace(from.strip(), to == null ? "" : to.strip()));

        assertThat(violations).as(sentence).hasSize(1);
        assertThat(violations.get(0).path()).isEqualTo(path.strip());
        assertThat(violations.get(0).message()).contains(message.strip());
    }

    @org.junit.jupiter.api.Test
    void every_violation_is_reported_not_only_the_first() {
        var violations = validate("""
                {"tests": [{"id": "x", "origin": "O"}, {"id": "o:1", "build_id": "o:b", "origin": "o", "status": "meh"}],
                 "boots": []}
                """);

        assertThat(violations).extracting(Violation::toString).containsExactly(
                "$.tests[0].build_id: required property is missing",
                "$.tests[0].id: must be '<origin>:<local id>', the origin in lowercase letters, digits and '_', not \"x\"",
                "$.tests[0].origin: must be lowercase letters, digits and '_', not \"O\"",
                "$.tests[1].status: must be one of FAIL, ERROR, MISS, PASS, DONE, SKIP, not \"meh\"",
                "$.boots: unknown property",
                "$.version: required property is missing");
    }

    @org.junit.jupiter.api.Test
    void text_that_is_not_json_is_one_violation_with_its_line() {
        var violations = validate("{\"version\": {\"major\": 5},\n \"tests\": [{\"id\": }]}");

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).path()).isEqualTo("$");
        assertThat(violations.get(0).message()).startsWith("not JSON").contains("line 2");
    }

    @org.junit.jupiter.api.Test
    void a_property_name_that_is_not_a_word_is_quoted_in_the_path() {
        var violations = validate("{\"version\": {\"major\": 5}, \"odd key\": 1}");

        assertThat(violations).extracting(Violation::path).containsExactly("$['odd key']");
    }

    private List<Violation> validate(String json) {
        return validator.validate(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
