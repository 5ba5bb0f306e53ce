package dev.labgate.kcidb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogExcerptTest {

    /** A console log with a KASAN report, then a WARNING, as the kernel prints them (timestamps and all). */
    private static final String CONSOLE = """
            [    1.000000] Booting Linux on physical CPU 0x0
            [    2.100000] ==================================================================
            [    2.100001] BUG: KASAN: slab-out-of-bounds in demo_read+0x2c/0x40
            [    2.100002] Read of size 4 at addr ffff888003a1b2c0 by task swapper/0/1
            [    2.100003] Call Trace:
            [    2.100004]  dump_stack_lvl+0x4b/0x70
            [    2.100005] ==================================================================
            [    2.200000] random: crng init done
            [    3.000000] ------------[ cut here ]------------
            [    3.000001] WARNING: CPU: 0 PID: 1 at drivers/demo/demo.c:42 demo_probe+0x10/0x20
            [    3.000002] Modules linked in:
            [    3.000003] ---[ end trace 0000000000000000 ]---
            [    3.100000] demo: probe done
            """;

    @Test
    void kernel_reports_are_found_with_the_lines_that_explain_them_up_to_the_kernels_end_marker() {
        var reports = LogExcerpt.kernelReports(CONSOLE);

        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).startsWith("[    2.100001] BUG: KASAN: slab-out-of-bounds in demo_read+0x2c/0x40")
                .contains("Read of size 4").endsWith("[    2.100005] ==================================================================");
        assertThat(reports.get(1)).startsWith("[    3.000001] WARNING: CPU: 0 PID: 1 at drivers/demo/demo.c:42")
                .endsWith("---[ end trace 0000000000000000 ]---").doesNotContain("probe done");
    }

    @Test
    void a_clean_log_has_no_kernel_report_and_reports_are_capped() {
        assertThat(LogExcerpt.kernelReports("[ 1.0] all good\nok 1 demo\n")).isEmpty();
        var many = "BUG: one\nWARNING: two\nOops: three\nKernel panic - not syncing: four\n";
        assertThat(LogExcerpt.kernelReports(many)).hasSize(LogExcerpt.MAX_REPORTS);
    }

    @Test
    void an_excerpt_is_cut_to_kcidbs_limit_keeping_its_start_and_end_and_no_nul() {
        var long_ = "start\n" + "x".repeat(40_000) + "\0\nend of the failure";

        var fitted = LogExcerpt.fit(long_);

        assertThat(fitted.codePointCount(0, fitted.length())).isLessThanOrEqualTo(LogExcerpt.MAX);
        assertThat(fitted).startsWith("start\n").endsWith(" \nend of the failure").contains("characters cut")
                .doesNotContain("\0");
        assertThat(LogExcerpt.fit("short")).isEqualTo("short");
    }

    @Test
    void a_consoles_terminal_escapes_and_control_characters_never_reach_an_excerpt() {
        var console = "\u001B[0;31m[    3.5] BUG: demo\u001B[0m\r\n\u001B]0;title\u0007call trace:\tx\u0008\n";

        assertThat(LogExcerpt.fit(console)).isEqualTo("[    3.5] BUG: demo \ncall trace:\tx \n");
    }

    @Test
    void a_kunit_expectation_is_said_with_the_values_that_broke_it() {
        var excerpt = """
                    # Subtest: demo
                    1..2
                    # demo_sub: EXPECTATION FAILED at lib/demo.c:12
                    Expected 2 == 3, but
                        x == 2 (0x2)
                    not ok 2 demo_sub
                """;

        assertThat(LogExcerpt.whatWentWrong(excerpt)).isEqualTo("Expected 2 == 3, but x == 2 (0x2)");
    }

    @Test
    void an_assertion_without_an_expected_line_is_said_by_its_location() {
        assertThat(LogExcerpt.whatWentWrong("# demo: ASSERTION FAILED at lib/demo.c:30\nnot ok 1 demo\n"))
                .isEqualTo("ASSERTION FAILED at lib/demo.c:30");
    }

    @Test
    void a_kernel_report_in_the_excerpt_says_more_than_any_expectation() {
        var excerpt = "Expected 1 == 1, but\n[ 4.2] BUG: kernel NULL pointer dereference, address: 0000000000000000\n";

        assertThat(LogExcerpt.whatWentWrong(excerpt)).isEqualTo("BUG: kernel NULL pointer dereference, address: 0000000000000000");
    }

    @Test
    void otherwise_the_last_line_that_is_not_a_result_plan_or_total_is_what_went_wrong() {
        var excerpt = "make: *** [vmlinux] Error 2\n# Totals: pass:0 fail:1 skip:0 total:1\nnot ok 1 build\n";

        assertThat(LogExcerpt.whatWentWrong(excerpt)).isEqualTo("make: *** [vmlinux] Error 2");
        assertThat(LogExcerpt.whatWentWrong("not ok 1 demo\n1..1\n")).isEmpty();
        assertThat(LogExcerpt.whatWentWrong(null)).isEmpty();
    }
}
