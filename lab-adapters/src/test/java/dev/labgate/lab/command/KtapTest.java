package dev.labgate.lab.command;

import dev.labgate.core.kcidb.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** KTAP and TAP output as labgate reads it: which tests, under which paths, with which status. */
class KtapTest {

    static final String KUNIT = """
            KTAP version 1
            1..2
                KTAP version 1
                # Subtest: example
                # module: kunit_example_test
                1..4
                ok 1 example_simple_test
                # example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:42
                Expected 1 == 2, but
                    1 == 1
                    2 == 2
                not ok 2 example_fail_test
                ok 3 example_skip_test # SKIP this test should be skipped
                    KTAP version 1
                    # Subtest: example_params_test
                    ok 1 example value 3 # SKIP unsupported
                    ok 2 example value 2
                    not ok 3 example value 1
                not ok 4 example_params_test
            # example: pass:1 fail:2 skip:1 total:4
            not ok 1 example
                KTAP version 1
                # Subtest: crashing
                1..2
                ok 1 first
            """;

    static final String KSELFTEST = """
            make: Entering directory 'tools/testing/selftests'
            TAP version 13
            1..3
            # timeout set to 45
            # selftests: size: get_size
            # TAP version 13
            # 1..1
            # ok 1 get runtime memory use
            # # Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
            ok 1 selftests: size: get_size
            # selftests: timers: nsleep-lat
            not ok 2 selftests: timers: nsleep-lat # TIMEOUT 45 seconds
            # selftests: breakpoints: step_after_suspend_test
            not ok 3 selftests: breakpoints: step_after_suspend_test # SKIP
            """;

    static Stream<Arguments> outputs() {
        return Stream.of(
                Arguments.of("KUnit suites give kunit.<suite>.<case>, parameters one level deeper, and a suite that "
                        + "crashed an error", KUNIT, ordered(
                        "kunit.example.example_simple_test", Status.PASS,
                        "kunit.example.example_fail_test", Status.FAIL,
                        "kunit.example.example_skip_test", Status.SKIP,
                        "kunit.example.example_params_test.example_value_3", Status.SKIP,
                        "kunit.example.example_params_test.example_value_2", Status.PASS,
                        "kunit.example.example_params_test.example_value_1", Status.FAIL,
                        "kunit.crashing.first", Status.PASS,
                        "kunit.crashing", Status.ERROR)),
                Arguments.of("the kselftest runner gives kselftest.<collection>.<test>, a timeout is an error",
                        KSELFTEST, ordered(
                        "kselftest.size.get_size.get_runtime_memory_use", Status.PASS,
                        "kselftest.timers.nsleep-lat", Status.ERROR,
                        "kselftest.breakpoints.step_after_suspend_test", Status.SKIP)),
                Arguments.of("kernel log timestamps before each line are ignored", """
                        [    0.500000] KTAP version 1
                        [    0.500001] 1..1
                        [    0.500002]     # Subtest: list
                        [    0.500003]     ok 1 list_test_list_init
                        [    0.500004] ok 1 list
                        """, ordered("kunit.list.list_test_list_init", Status.PASS)),
                Arguments.of("a failed suite whose cases all passed still counts as a failure", """
                        KTAP version 1
                        1..1
                            # Subtest: leak
                            ok 1 alloc
                        not ok 1 leak
                        """, ordered("kunit.leak.alloc", Status.PASS, "kunit.leak", Status.FAIL)),
                Arguments.of("an expected failure passes and a TODO is not run", """
                        TAP version 13
                        1..2
                        ok 1 selftests: x: known_bug # XFAIL kernel too old
                        not ok 2 selftests: x: todo # TODO not written
                        """, ordered("kselftest.x.known_bug", Status.PASS, "kselftest.x.todo", Status.SKIP)),
                Arguments.of("output without KTAP has no tests", "make: Nothing to be done.\nok 1 not tap\n",
                        Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void results_become_tests(String sentence, String output, Map<String, Status> expected) {
        var tests = new LinkedHashMap<String, Status>();
        Ktap.tests(Ktap.parse(output)).forEach((path, result) -> tests.put(path, result.status()));

        assertThat(tests).containsExactlyEntriesOf(expected);
    }

    @org.junit.jupiter.api.Test
    void a_suite_that_broke_in_its_setup_says_so_in_the_words_it_printed_before_its_cases() {
        var output = """
                KTAP version 1
                1..1
                    KTAP version 1
                    # Subtest: net
                    # net: failed to initialize (-12)
                    1..1
                    not ok 1 net_case # SKIP suite init failed
                not ok 1 net
                """;

        var suite = Ktap.tests(Ktap.parse(output)).get("kunit.net");

        assertThat(suite.status()).isEqualTo(Status.FAIL);
        assertThat(Ktap.parse(output).get(0).preamble()).isEqualTo("# Subtest: net\n# net: failed to initialize (-12)");
        assertThat(suite.log()).endsWith("not ok 1 net");
    }

    @org.junit.jupiter.api.Test
    void a_failed_case_keeps_the_lines_printed_for_it_after_its_parents_diagnostics() {
        var failed = Ktap.tests(Ktap.parse(KUNIT)).get("kunit.example.example_fail_test");

        assertThat(failed.log()).isEqualTo("""
                # Subtest: example
                # module: kunit_example_test
                # example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:42
                Expected 1 == 2, but
                    1 == 1
                    2 == 2
                not ok 2 example_fail_test""");
        assertThat(Ktap.tests(Ktap.parse(KUNIT)).get("kunit.example.example_params_test.example_value_1").log())
                .as("a parameter's parents are the suite and the parameterised case").isEqualTo("""
                # Subtest: example
                # module: kunit_example_test
                # Subtest: example_params_test
                not ok 3 example value 1""");
        assertThat(Ktap.tests(Ktap.parse(KUNIT)).get("kunit.example.example_skip_test").directive())
                .isEqualTo("SKIP this test should be skipped");
    }

    private static Map<String, Status> ordered(Object... pairs) {
        var map = new LinkedHashMap<String, Status>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Status) pairs[i + 1]);
        }
        return map;
    }
}
