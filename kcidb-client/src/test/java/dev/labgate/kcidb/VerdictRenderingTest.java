package dev.labgate.kcidb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.kcidb.Culprit;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.labgate.core.kcidb.Status.ERROR;
import static dev.labgate.core.kcidb.Status.FAIL;
import static dev.labgate.core.kcidb.Status.PASS;
import static dev.labgate.kcidb.Kcidb.results;
import static org.assertj.core.api.Assertions.assertThat;

class VerdictRenderingTest {

    private final VerdictAggregator aggregator = new VerdictAggregator(Optional.of("https://dashboard.example"));
    private final List<TestPlan.Entry> plan = List.of(
            new TestPlan.Entry("kernelci", List.of("kunit", "ltp"), "plan 'drivers' (changed: drivers/net/foo.c)",
                    Optional.empty()),
            new TestPlan.Entry("local", List.of(), "plan 'smoke'", Optional.empty()));

    private Verdict mixed() {
        var head = results();
        var base = results();
        for (int i = 0; i < 12; i++) {
            head.test("kernelci", "x86_64", "qemu", "kunit.case" + i, FAIL, "assert | <b>failed</b> @maintainer\n");
            base.test("kernelci", "kunit.case" + i, PASS);
        }
        head.test("kernelci", "ltp.sem01", FAIL).incidentOnLastTest("triage:9", "sem01 hangs", new Culprit(false, true, false));
        head.test("cki", "ltp.timer", ERROR).test("cki", "kunit.ok", PASS);
        return aggregator.aggregate(head.data(), Optional.of(base.data()), KnownIssues.none());
    }

    @Test
    void markdown_starts_with_one_line_of_verdict_then_a_short_table_of_regressions_with_links() {
        var markdown = VerdictMarkdown.render(mixed(), plan);
        var lines = markdown.split("\n");

        assertThat(lines[0]).startsWith("### ❌ **fail**: 12 regressions: kunit.case0 (x86_64 defconfig)");
        assertThat(markdown.lines().filter(l -> l.contains("12 regressions"))).as("the headline, once").hasSize(1);
        assertThat(markdown).contains("**Regressions** (pass or absent on the base, fail here)")
                .contains("| test | configuration | platform | what went wrong | links |")
                .contains("| `kunit.case0` | x86_64 defconfig | qemu | assert \\| &lt;b&gt;failed&lt;/b&gt; ")
                .contains("[log](https://logs.example/kernelci:t0.log) · [dashboard](https://dashboard.example/test/kernelci%3At0)")
                .contains("…and 2 more.");
        assertThat(markdown.lines().filter(l -> l.startsWith("| `kunit.case"))).hasSize(VerdictMarkdown.TABLE_ROWS);
    }

    @Test
    void the_first_failures_show_their_log_excerpt_collapsed_in_a_fence_it_cannot_close() {
        var head = results();
        for (int i = 0; i < 5; i++) {
            head.test("lab", "x86_64", "qemu", "kunit.case" + i, FAIL, "Expected 1 == " + i + "\n```\n@someone");
        }
        var markdown = VerdictMarkdown.render(aggregator.aggregate(head.data()), List.of());

        assertThat(markdown.split("Log excerpt of ", -1)).hasSize(VerdictMarkdown.EXCERPTS + 1);
        assertThat(markdown).contains("<details><summary>Log excerpt of <code>kunit.case0</code></summary>\n\n```\n"
                + "Expected 1 == 0\n'''\n@someone\n```\n</details>");
    }

    @Test
    void columns_that_would_hold_nothing_are_left_out_and_one_failures_headline_links_its_log() {
        var head = results().test("lab", "", "", "kunit.demo.demo_sub", FAIL, "Expected 2 == 3, but\n    x == 2\n");
        var verdict = aggregator.aggregate(head.data(), Optional.of(results().data()), KnownIssues.none());

        var markdown = VerdictMarkdown.render(verdict, List.of());

        assertThat(markdown).startsWith("### ❌ **fail**: 1 regression: kunit.demo.demo_sub (defconfig): Expected 2 == 3, "
                + "but x == 2 (not run on the base) ([log](https://logs.example/lab:t0.log))")
                .contains("| test | configuration | what went wrong | links |")
                .doesNotContain("| origin ");
    }

    @Test
    void details_are_collapsed_and_say_why_each_plan_entry_ran() {
        var markdown = VerdictMarkdown.render(mixed(), plan);
        var details = markdown.substring(markdown.indexOf("<details><summary>Details"));

        assertThat(details).startsWith("<details><summary>Details: 1 known issue, 1 infrastructure error, counts, "
                + "why these tests ran</summary>");
        assertThat(details).contains("**Known issues** (do not fail the verdict)",
                "- `ltp.sem01` (x86_64 defconfig, qemu): known issue triage:9: sem01 hangs (https://bugs.example/triage-9)",
                "**Infrastructure errors", "- `ltp.timer` (x86_64 defconfig, qemu)",
                "| origin cki | 1 ERROR, 1 PASS |", "| tests | 13 FAIL, 1 ERROR, 1 PASS |",
                "| kernelci | kunit, ltp | plan 'drivers' (changed: drivers/net/foo.c) |",
                "| local | the lab's default | plan 'smoke' |")
                .endsWith("</details>\n");
    }

    @Test
    void text_from_labs_cannot_break_the_table_or_add_markup_or_mentions() {
        var markdown = VerdictMarkdown.render(mixed(), plan);
        // Inside a fenced code block the forge shows text as it is: no markup, no mention.
        var outsideCode = markdown.replaceAll("(?s)\n```\n.*?\n```\n", "\n");

        assertThat(outsideCode).contains("assert \\| &lt;b&gt;failed&lt;/b&gt; @\u200bmaintainer")
                .doesNotContain("<b>").doesNotContain(" @maintainer");
    }

    @Test
    void without_a_baseline_failures_are_titled_not_compared_and_the_details_say_why() {
        var verdict = aggregator.aggregate(results().test("kernelci", "kunit.a", FAIL).data());

        var markdown = VerdictMarkdown.render(verdict, List.of());

        assertThat(markdown).startsWith("### ❌ **fail**: 1 failure not compared (no baseline): kunit.a (x86_64 defconfig)")
                .contains("**Failures not compared** (no results of the base commit on that lab: they may have been "
                        + "there before this change)")
                .doesNotContain("Why these tests ran");
    }

    @Test
    void a_passing_verdict_has_no_table_and_the_status_description_fits_140_characters() {
        var verdict = aggregator.aggregate(results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", PASS)
                .data(), Optional.of(results().data()), KnownIssues.none());

        assertThat(VerdictMarkdown.render(verdict, plan)).startsWith("### ✅ **pass**: 2 tests passed\n\n<details>");
        assertThat(VerdictText.statusDescription(verdict)).isEqualTo("Passed: 2 tests passed");
        assertThat(VerdictText.statusDescription(mixed())).startsWith("Failed: 12 regressions: kunit.case0")
                .hasSizeLessThanOrEqualTo(140);
    }

    @Test
    void json_has_the_verdict_every_kind_of_finding_and_the_counts() throws Exception {
        JsonNode json = KcidbJson.mapper().readTree(VerdictJson.write(mixed()));

        assertThat(json.get("verdict").asText()).isEqualTo("fail");
        assertThat(json.get("compared").asBoolean()).isTrue();
        assertThat(json.get("regressions")).hasSize(12);
        assertThat(json.get("regressions").get(0).get("path").asText()).isEqualTo("kunit.case0");
        assertThat(json.get("regressions").get(0).get("log_url").asText()).isEqualTo("https://logs.example/kernelci:t0.log");
        assertThat(json.get("known_issues").get(0).get("detail").asText()).startsWith("known issue triage:9");
        assertThat(json.get("infra_errors").get(0).get("status").asText()).isEqualTo("ERROR");
        assertThat(json.get("fixes")).isEmpty();
        assertThat(json.get("flaky")).isEmpty();
        assertThat(json.get("counts").get("tests").get("FAIL").asLong()).isEqualTo(13);
        assertThat(json.get("counts").get("by_origin").get("cki").get("ERROR").asLong()).isEqualTo(1);
        assertThat(json.get("counts").get("by_architecture").get("x86_64").get("PASS").asLong()).isEqualTo(1);
    }

    @Test
    void without_a_plan_or_failures_the_details_say_nothing_about_them_and_the_root_path_has_a_name() {
        var verdict = aggregator.aggregate(results().test("kernelci", "", ERROR).data());

        var markdown = VerdictMarkdown.render(verdict, List.of());

        assertThat(markdown).contains("<summary>Details: 1 infrastructure error, counts</summary>")
                .contains("- `(all tests)` (x86_64 defconfig, qemu)")
                .doesNotContain("not compared").doesNotContain("why these tests ran");
    }

    @Test
    void text_lists_every_finding_with_its_links() {
        var text = VerdictText.render(mixed());

        assertThat(text).startsWith("fail: 12 regressions: kunit.case0")
                .contains("regressions (12):\n  FAIL kunit.case0 [x86_64 defconfig, qemu, kernelci]: assert | <b>failed</b> @maintainer\n"
                        + "    log: https://logs.example/kernelci:t0.log\n    dashboard: https://dashboard.example/test/kernelci%3At0")
                .contains("known issues (1):").contains("origin cki: 1 ERROR, 1 PASS");
    }
}
