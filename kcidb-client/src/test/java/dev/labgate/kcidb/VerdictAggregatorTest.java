package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Culprit;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.core.verdict.Verdict.Finding;
import dev.labgate.core.verdict.Verdict.Overall;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.labgate.core.kcidb.Status.ERROR;
import static dev.labgate.core.kcidb.Status.FAIL;
import static dev.labgate.core.kcidb.Status.MISS;
import static dev.labgate.core.kcidb.Status.PASS;
import static dev.labgate.core.kcidb.Status.SKIP;
import static dev.labgate.kcidb.Kcidb.results;
import static org.assertj.core.api.Assertions.assertThat;

class VerdictAggregatorTest {

    private final VerdictAggregator aggregator = new VerdictAggregator(Optional.of("https://dashboard.example/"));

    /** One row of the table: a sentence, the inputs, and the verdict with the findings it must list. */
    record Case(String sentence, KcidbData head, KcidbData baseline, KnownIssues known, Overall overall,
                Map<String, List<String>> findings) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static List<Case> cases() {
        var base = results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", PASS)
                .test("kernelci", "ltp.sem01", PASS).data();
        var known = KnownIssues.of(List.of(
                KnownIssuePattern.of("qemu-oom", "QEMU runs out of memory", "Out of memory: Killed process", null, null),
                KnownIssuePattern.of("ltp-timers", "", null, "^ltp\\.timer", "https://bugs.example/7")));
        return List.of(
                new Case("all pass: the verdict is pass and nothing is listed",
                        results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", PASS).data(), base,
                        KnownIssues.none(), Overall.PASS, Map.of()),
                new Case("a new failure on the head that passed on the base is a regression and fails the verdict",
                        results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", FAIL).data(), base,
                        KnownIssues.none(), Overall.FAIL, Map.of("regressions", List.of("kunit.b kernelci x86_64 defconfig qemu"))),
                new Case("a failure the base also had is still failing, not a regression, and does not fail the verdict",
                        results().test("kernelci", "kunit.a", FAIL).data(),
                        results().test("kernelci", "kunit.a", FAIL).data(), KnownIssues.none(), Overall.PASS,
                        Map.of("stillFailing", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("a failure with a KCIDB incident of a known issue is listed apart and does not fail the verdict",
                        results().test("kernelci", "kunit.b", FAIL)
                                .incidentOnLastTest("triage:1", "kunit.b is broken", new Culprit(false, true, false)).data(),
                        base, KnownIssues.none(), Overall.PASS,
                        Map.of("knownIssues", List.of("kunit.b kernelci x86_64 defconfig qemu"))),
                new Case("a failure whose log excerpt matches an operator's pattern is a known issue",
                        results().test("kernelci", "x86_64", "qemu", "ltp.sem01", FAIL,
                                "sem01 started\nOut of memory: Killed process 42 (sem01)\n").data(),
                        base, known, Overall.PASS, Map.of("knownIssues", List.of("ltp.sem01 kernelci x86_64 defconfig qemu"))),
                new Case("a failure whose test path matches an operator's pattern is a known issue",
                        results().test("kernelci", "ltp.timer01", FAIL).data(), base, known, Overall.PASS,
                        Map.of("knownIssues", List.of("ltp.timer01 kernelci x86_64 defconfig qemu"))),
                new Case("an incident of an issue that blames nothing (all culprits false) is invalid: still a regression",
                        results().test("kernelci", "kunit.b", FAIL)
                                .incidentOnLastTest("triage:2", "bogus", new Culprit(false, false, false)).data(),
                        base, KnownIssues.none(), Overall.FAIL,
                        Map.of("regressions", List.of("kunit.b kernelci x86_64 defconfig qemu"))),
                new Case("ERROR only: the test broke, so infra-error, never a code failure",
                        results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", ERROR).data(), base,
                        KnownIssues.none(), Overall.INFRA_ERROR,
                        Map.of("infraErrors", List.of("kunit.b kernelci x86_64 defconfig qemu"))),
                new Case("MISS: the harness did not run the test, so infra-error, never a code failure",
                        results().test("kernelci", "kunit.a", MISS).data(), base, KnownIssues.none(),
                        Overall.INFRA_ERROR, Map.of("infraErrors", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("a test that both passes and fails for the same key on the head is flaky, not a regression",
                        results().test("kernelci", "kunit.a", FAIL).test("kernelci", "kunit.a", PASS).data(), base,
                        KnownIssues.none(), Overall.PASS, Map.of("flaky", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("a failure on the head of a test that is flaky on the base is flaky, not a regression",
                        results().test("kernelci", "kunit.a", FAIL).data(),
                        results().test("kernelci", "kunit.a", FAIL).test("kernelci", "kunit.a", PASS).data(),
                        KnownIssues.none(), Overall.PASS, Map.of("flaky", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("two origins ran the same test: each is judged alone, the one that fails is the regression",
                        results().test("kernelci", "kunit.a", FAIL).test("cki", "kunit.a", PASS).data(),
                        results().test("kernelci", "kunit.a", PASS).test("cki", "kunit.a", PASS).data(),
                        KnownIssues.none(), Overall.FAIL,
                        Map.of("regressions", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("without a baseline failures are reported as not compared, not guessed to be regressions",
                        results().test("kernelci", "kunit.a", PASS).test("kernelci", "kunit.b", FAIL).data(), null,
                        KnownIssues.none(), Overall.FAIL,
                        Map.of("notCompared", List.of("kunit.b kernelci x86_64 defconfig qemu"))),
                new Case("a test retried after an ERROR with a final PASS passes, with no infrastructure error",
                        results().test("kernelci", "kunit.a", ERROR).test("kernelci", "kunit.a", PASS).data(), base,
                        KnownIssues.none(), Overall.PASS, Map.of()),
                new Case("a test that failed on the base and passes on the head is a fix",
                        results().test("kernelci", "kunit.a", PASS).data(),
                        results().test("kernelci", "kunit.a", FAIL).data(), KnownIssues.none(), Overall.PASS,
                        Map.of("fixes", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("a failing test the base never ran (another platform) is a regression",
                        results().test("kernelci", "x86_64", "rpi4", "kunit.a", FAIL, null).data(), base,
                        KnownIssues.none(), Overall.FAIL,
                        Map.of("regressions", List.of("kunit.a kernelci x86_64 defconfig rpi4"))),
                new Case("the same test failing on one architecture only is a regression on that architecture only",
                        results().test("kernelci", "x86_64", "qemu", "kunit.a", PASS, null)
                                .test("kernelci", "arm64", "qemu", "kunit.a", FAIL, null).data(),
                        results().test("kernelci", "x86_64", "qemu", "kunit.a", PASS, null)
                                .test("kernelci", "arm64", "qemu", "kunit.a", PASS, null).data(),
                        KnownIssues.none(), Overall.FAIL,
                        Map.of("regressions", List.of("kunit.a kernelci arm64 defconfig qemu"))),
                new Case("a build that fails on the head and passed on the base is a regression",
                        results().build("kernelci", "arm64", FAIL).test("kernelci", "kunit.a", PASS).data(),
                        results().build("kernelci", "arm64", PASS).test("kernelci", "kunit.a", PASS).data(),
                        KnownIssues.none(), Overall.FAIL,
                        Map.of("regressions", List.of("build kernelci arm64 defconfig "))),
                new Case("skipped tests judge nothing: with everything else passing the verdict is pass",
                        results().test("kernelci", "kunit.a", SKIP).test("kernelci", "kunit.b", PASS).data(), base,
                        KnownIssues.none(), Overall.PASS, Map.of()),
                new Case("no results at all: pending",
                        KcidbData.empty(), base, KnownIssues.none(), Overall.PENDING, Map.of()),
                new Case("a failure whose retry is still running is judged when the retry ends: pending, not a regression",
                        results().test("kernelci", "kunit.a", FAIL).test("kernelci", "kunit.a", null).data(), base,
                        KnownIssues.none(), Overall.PENDING, Map.of()),
                new Case("a skip whose retry is still running is pending, not a pass",
                        results().test("kernelci", "kunit.a", SKIP).test("kernelci", "kunit.a", null).data(), base,
                        KnownIssues.none(), Overall.PENDING, Map.of()),
                new Case("an error whose retry is still running is pending, not an infrastructure error yet",
                        results().test("kernelci", "kunit.a", ERROR).test("kernelci", "kunit.a", null).data(), base,
                        KnownIssues.none(), Overall.PENDING, Map.of()),
                new Case("a test that passed and failed is flaky whatever its running retry gives",
                        results().test("kernelci", "kunit.a", FAIL).test("kernelci", "kunit.a", PASS)
                                .test("kernelci", "kunit.a", null).data(), base,
                        KnownIssues.none(), Overall.PASS, Map.of("flaky", List.of("kunit.a kernelci x86_64 defconfig qemu"))),
                new Case("a regression fails the verdict even while another test's retry is still running",
                        results().test("kernelci", "kunit.a", FAIL).test("kernelci", "kunit.a", null)
                                .test("kernelci", "kunit.b", FAIL).data(), base,
                        KnownIssues.none(), Overall.FAIL, Map.of("regressions", List.of("kunit.b kernelci x86_64 defconfig qemu"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(Case c) {
        var verdict = aggregator.aggregate(c.head(), Optional.ofNullable(c.baseline()), c.known());

        assertThat(verdict.overall()).as(c.sentence()).isEqualTo(c.overall());
        assertThat(verdict.compared()).isEqualTo(c.baseline() != null);
        assertThat(listed(verdict)).as(c.sentence()).isEqualTo(expected(c.findings()));
        assertThat(verdict.headline()).hasSizeLessThanOrEqualTo(VerdictAggregator.MAX_HEADLINE).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void a_regression_links_to_its_log_and_the_dashboard_and_says_what_went_wrong_in_its_own_words() {
        var excerpt = """
                # Subtest: demo
                1..2
                # demo_sub: EXPECTATION FAILED at lib/demo.c:12
                Expected 2 == 3, but
                    2 == 2 (0x2)
                not ok 2 demo_sub
                """;
        var head = results().test("kernelci", "x86_64", "qemu", "kunit.demo.demo_sub", FAIL, excerpt);
        var verdict = aggregator.aggregate(head.data(),
                Optional.of(results().test("kernelci", "kunit.demo.demo_sub", PASS).data()), KnownIssues.none());

        var regression = verdict.regressions().get(0);
        assertThat(regression.id()).isEqualTo(head.lastTestId());
        assertThat(regression.logUrl()).isEqualTo("https://logs.example/" + head.lastTestId() + ".log");
        assertThat(regression.dashboardUrl()).isEqualTo("https://dashboard.example/test/kernelci%3At0");
        assertThat(regression.detail()).isEqualTo("Expected 2 == 3, but 2 == 2 (0x2)");
        assertThat(regression.excerpt()).isEqualTo(excerpt);
        assertThat(verdict.headline())
                .isEqualTo("1 regression: kunit.demo.demo_sub (x86_64 defconfig): Expected 2 == 3, but 2 == 2 (0x2)");
    }

    @org.junit.jupiter.api.Test
    void a_regression_the_base_never_ran_says_so_after_its_own_words() {
        var head = results().test("kernelci", "x86_64", "qemu", "kunit.new", FAIL, "BUG: kernel NULL pointer dereference\n");

        var verdict = aggregator.aggregate(head.data(), Optional.of(results().data()), KnownIssues.none());

        assertThat(verdict.regressions()).singleElement().satisfies(r -> assertThat(r.detail())
                .isEqualTo("BUG: kernel NULL pointer dereference (not run on the base)"));
    }

    @org.junit.jupiter.api.Test
    void each_lab_is_judged_against_its_own_baseline_so_a_lab_without_one_does_not_make_regressions() {
        var compared = new VerdictAggregator.Part(Results.of(results().test("lab", "kunit.a", FAIL).data()),
                Optional.of(Results.of(results().test("lab", "kunit.a", PASS).data())));
        var alone = new VerdictAggregator.Part(Results.of(results().test("rack", "boot", FAIL).data()),
                Optional.empty());

        var verdict = aggregator.aggregate(List.of(compared, alone), KnownIssues.none());

        assertThat(verdict.overall()).isEqualTo(Overall.FAIL);
        assertThat(verdict.compared()).isFalse();
        assertThat(verdict.regressions()).extracting(Finding::path).containsExactly("kunit.a");
        assertThat(verdict.notCompared()).extracting(Finding::path).containsExactly("boot");
        assertThat(verdict.failures()).extracting(Finding::path).containsExactly("kunit.a", "boot");
        assertThat(verdict.headline()).startsWith("1 regression and 1 failure not compared (no baseline): kunit.a");
        assertThat(verdict.counts().tests()).containsExactly(Map.entry(FAIL, 2L));
    }

    @org.junit.jupiter.api.Test
    void a_known_issue_says_which_issue_and_where_it_is_tracked() {
        var head = results().test("kernelci", "kunit.b", FAIL)
                .incidentOnLastTest("triage:1", "kunit.b is broken", new Culprit(false, true, false));

        var verdict = aggregator.aggregate(head.data());

        assertThat(verdict.knownIssues()).extracting(Finding::detail)
                .containsExactly("known issue triage:1: kunit.b is broken (https://bugs.example/triage-1)");
        assertThat(verdict.overall()).isEqualTo(Overall.PASS);
    }

    @org.junit.jupiter.api.Test
    void counts_are_per_status_origin_and_architecture() {
        var head = results().test("kernelci", "x86_64", "qemu", "a", PASS, null)
                .test("kernelci", "arm64", "qemu", "a", FAIL, null).test("cki", "x86_64", "qemu", "b", PASS, null)
                .test("cki", "x86_64", "qemu", "c", SKIP, null);

        var counts = aggregator.aggregate(head.data()).counts();

        assertThat(counts.tests()).containsExactlyInAnyOrderEntriesOf(Map.of(PASS, 2L, FAIL, 1L, SKIP, 1L));
        assertThat(counts.builds()).containsExactlyInAnyOrderEntriesOf(Map.of(PASS, 3L));
        assertThat(counts.testsByOrigin()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "kernelci", Map.of(PASS, 1L, FAIL, 1L), "cki", Map.of(PASS, 1L, SKIP, 1L)));
        assertThat(counts.testsByArchitecture()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "x86_64", Map.of(PASS, 2L, SKIP, 1L), "arm64", Map.of(FAIL, 1L)));
    }

    @org.junit.jupiter.api.Test
    void many_regressions_fit_the_headline_with_a_count_of_the_rest() {
        var head = results();
        var base = results();
        for (int i = 0; i < 40; i++) {
            head.test("kernelci", "ltp.syscalls.some_rather_long_test_name_" + i, FAIL);
            base.test("kernelci", "ltp.syscalls.some_rather_long_test_name_" + i, PASS);
        }

        var headline = aggregator.aggregate(head.data(), Optional.of(base.data()), KnownIssues.none()).headline();

        assertThat(headline).startsWith("40 regressions: ltp.syscalls.some_rather_long_test_name_0 (x86_64 defconfig)")
                .endsWith(" more").hasSizeLessThanOrEqualTo(VerdictAggregator.MAX_HEADLINE);
    }

    @org.junit.jupiter.api.Test
    void a_test_sent_again_with_the_same_id_replaces_the_first_report() {
        var first = results().test("kernelci", "kunit.a", FAIL);
        var id = first.lastTestId();
        var again = dev.labgate.core.kcidb.Test.of(id, "kernelci:build-x86_64", "kernelci", "kunit.a", PASS);

        var verdict = aggregator.aggregate(Results.of(first.data()).add(KcidbData.of(List.of(), List.of(), List.of(again))),
                Optional.empty(), KnownIssues.none());

        assertThat(verdict.overall()).isEqualTo(Overall.PASS);
        assertThat(verdict.counts().tests()).containsExactly(Map.entry(PASS, 1L));
    }

    private static Map<String, List<String>> listed(Verdict verdict) {
        var all = new LinkedHashMap<String, List<String>>();
        put(all, "regressions", verdict.regressions());
        put(all, "fixes", verdict.fixes());
        put(all, "stillFailing", verdict.stillFailing());
        put(all, "knownIssues", verdict.knownIssues());
        put(all, "flaky", verdict.flaky());
        put(all, "infraErrors", verdict.infraErrors());
        put(all, "notCompared", verdict.notCompared());
        return all;
    }

    private static Map<String, List<String>> expected(Map<String, List<String>> findings) {
        var all = new LinkedHashMap<String, List<String>>();
        for (var name : List.of("regressions", "fixes", "stillFailing", "knownIssues", "flaky", "infraErrors", "notCompared")) {
            if (findings.containsKey(name)) {
                all.put(name, findings.get(name));
            }
        }
        return all;
    }

    private static void put(Map<String, List<String>> all, String name, List<Finding> findings) {
        if (!findings.isEmpty()) {
            all.put(name, findings.stream().map(f -> f.path() + " " + f.origin() + " " + f.configuration() + " "
                    + f.platform()).toList());
        }
    }

}
