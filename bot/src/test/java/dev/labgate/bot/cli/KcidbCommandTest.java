package dev.labgate.bot.cli;

import dev.labgate.bot.Labgate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class KcidbCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static final String BASE = """
            {"version": {"major": 5, "minor": 3},
             "builds": [{"id": "ci:b1", "checkout_id": "ci:c1", "origin": "ci", "architecture": "x86_64",
                         "config_name": "defconfig", "status": "PASS"}],
             "tests": [{"id": "ci:t1", "build_id": "ci:b1", "origin": "ci", "path": "kunit.a", "status": "PASS"},
                       {"id": "ci:t2", "build_id": "ci:b1", "origin": "ci", "path": "kunit.b", "status": "PASS"}]}
            """;
    private static final String HEAD = """
            {"version": {"major": 5, "minor": 3},
             "builds": [{"id": "ci:b2", "checkout_id": "ci:c2", "origin": "ci", "architecture": "x86_64",
                         "config_name": "defconfig", "status": "PASS"}],
             "tests": [{"id": "ci:t3", "build_id": "ci:b2", "origin": "ci", "path": "kunit.a", "status": "PASS"},
                       {"id": "ci:t4", "build_id": "ci:b2", "origin": "ci", "path": "kunit.b", "status": "FAIL",
                        "log_url": "https://logs.example/t4", "log_excerpt": "expected 1, got 2\\n"}]}
            """;

    private int run(String... args) {
        var cli = Labgate.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path file(String name, String json) throws IOException {
        return Files.writeString(tmp.resolve(name), json);
    }

    @Test
    void validate_exits_0_for_valid_files() throws IOException {
        var code = run("kcidb", "validate", file("head.json", HEAD).toString(), file("base.json", BASE).toString());

        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("head.json: valid").contains("base.json: valid");
    }

    @Test
    void validate_exits_1_and_prints_every_violation_with_its_path() throws IOException {
        var bad = file("bad.json", HEAD.replace("\"ci:b2\", \"checkout_id\"", "\"b2\", \"checkout_id\"")
                .replace("\"FAIL\"", "\"BROKEN\""));

        var code = run("kcidb", "validate", bad.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(bad + ": $.builds[0].id: must be '<origin>:<local id>'")
                .contains(bad + ": $.tests[1].status: must be one of FAIL, ERROR, MISS, PASS, DONE, SKIP, not \"BROKEN\"")
                .contains(bad + ": 2 violations");
    }

    @Test
    void summarize_prints_the_verdict_with_the_regression_and_exits_0_even_when_it_fails() throws IOException {
        var code = run("kcidb", "summarize", file("head.json", HEAD).toString(), "--baseline",
                file("base.json", BASE).toString());

        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).startsWith("fail: 1 regression: kunit.b (x86_64 defconfig)")
                .contains("FAIL kunit.b [x86_64 defconfig, ci]: expected 1, got 2")
                .contains("log: https://logs.example/t4");
    }

    @Test
    void summarize_as_json_has_the_verdict_lists_and_counts() throws IOException {
        var code = run("kcidb", "summarize", file("head.json", HEAD).toString(), "--format", "json");

        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("\"verdict\" : \"fail\"").contains("\"compared\" : false")
                .contains("\"not_compared\" : [ {").contains("\"regressions\" : [ ]").contains("\"known_issues\" : [ ]")
                .contains("\"flaky\" : [ ]").contains("\"fixes\" : [ ]").contains("\"counts\" : {");
    }

    @Test
    void summarize_as_markdown_starts_with_the_verdict_line() throws IOException {
        run("kcidb", "summarize", file("head.json", HEAD).toString(), "--baseline", file("base.json", BASE).toString(),
                "--format", "markdown", "--dashboard-url", "https://dashboard.example");

        assertThat(out.toString()).startsWith("### ❌ **fail**: 1 regression: kunit.b (x86_64 defconfig)")
                .contains("[dashboard](https://dashboard.example/test/ci%3At4)");
    }

    @Test
    void summarize_exits_64_on_a_usage_error_or_an_unreadable_file() throws IOException {
        assertThat(run("kcidb", "summarize", "--format", "pdf", "x.json")).isEqualTo(64);
        assertThat(run("kcidb", "summarize", file("broken.json", "{\"tests\": [{]}").toString())).isEqualTo(64);
        assertThat(run("kcidb", "summarize", file("ok.json", HEAD).toString(), "--baseline",
                tmp.resolve("gone.json").toString())).isEqualTo(64);
        assertThat(err.toString()).contains("broken.json").contains("line 1").contains("gone.json: no such file")
                .doesNotContain("Exception");
    }

    @Test
    void summarize_with_a_policy_lists_failures_its_known_issues_match_apart_and_passes() throws IOException {
        var policy = file("policy.yml", """
                known-issues:
                  - id: kunit-b-flake
                    test-path: '^kunit\\.b$'
                    log: 'expected 1, got \\d'
                    description: kunit.b fails on this runner
                """);

        var code = run("kcidb", "summarize", file("head.json", HEAD).toString(), "--baseline",
                file("base.json", BASE).toString(), "--policy", policy.toString(), "--format", "json");

        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("\"verdict\" : \"pass\"").contains("\"regressions\" : [ ]")
                .contains("kunit-b-flake");
    }

    @Test
    void summarize_with_a_broken_policy_names_its_line_and_exits_64() throws IOException {
        var policy = file("policy.yml", "known-issues:\n  - id: x\n    test-path: '(unclosed'\n");

        assertThat(run("kcidb", "summarize", file("head.json", HEAD).toString(), "--policy", policy.toString()))
                .isEqualTo(64);
        assertThat(err.toString()).contains("policy.yml:3:").contains("labgate config check");
        assertThat(out.toString()).isEmpty();
    }
}
