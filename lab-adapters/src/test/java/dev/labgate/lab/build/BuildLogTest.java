package dev.labgate.lab.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class BuildLogTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gcc warning|drivers/net/foo.c:12:5: warning: unused variable 'x' [-Wunused-variable]|1|0",
            "clang error|fs/ext4/inode.c:301:9: error: use of undeclared identifier 'y'|0|1",
            "fatal error|include/linux/foo.h:3:10: fatal error: bar.h: No such file or directory|0|1",
            "make giving up|make[2]: *** [scripts/Makefile.build:243: fs/ext4/inode.o] Error 1|0|1",
            "modpost error|ERROR: modpost: \"foo_bar\" [drivers/net/foo.ko] undefined!|0|1",
            "modpost warning|WARNING: modpost: vmlinux: section mismatch in reference: foo (section: .text)|1|0",
            "Kconfig dependency|WARNING: unmet direct dependencies detected for FOO|1|0",
            "linker error|ld: vmlinux.o: in function `foo': undefined reference to `bar'|0|1",
            "cross linker warning|aarch64-linux-gnu-ld: warning: orphan section `.foo' from `init/main.o'|1|0",
            "make waiting is not an error|make: *** Waiting for unfinished jobs....|0|0",
            "a compile line is nothing|  CC      init/main.o|0|0"})
    void warnings_and_errors_are_recognised_as_kernel_builds_print_them(String sentence, String line, int warnings,
                                                                          int errors) {
        var findings = BuildLog.read("  CC      kernel/fork.o\n" + line + "\n", false);
        assertThat(findings.warnings()).as(sentence).isEqualTo(warnings);
        assertThat(findings.errors()).as(sentence).isEqualTo(errors);
        assertThat(findings.excerpt()).isEqualTo(warnings + errors > 0 ? line + "\n" : "");
    }

    @Test
    void makes_own_lines_give_way_to_the_error_that_made_it_give_up_and_errors_come_last() {
        var findings = BuildLog.read("""
                  CC      init/main.o
                init/main.c:7:1: error: expected ';' before '}' token
                make[1]: *** [scripts/Makefile.build:243: init/main.o] Error 1
                drivers/net/foo.c:12:5: warning: unused variable 'x' [-Wunused-variable]
                make: *** [Makefile:1921: init] Error 2
                """, true);
        assertThat(findings.errors()).isEqualTo(1);
        assertThat(findings.warnings()).isEqualTo(1);
        assertThat(findings.excerpt()).isEqualTo("""
                drivers/net/foo.c:12:5: warning: unused variable 'x' [-Wunused-variable]
                init/main.c:7:1: error: expected ';' before '}' token
                """);
    }

    @Test
    void a_warning_printed_many_times_is_kept_once_and_counted_each_time() {
        var line = "drivers/net/foo.c:12:5: warning: unused variable 'x' [-Wunused-variable]";
        var findings = BuildLog.read((line + "\n").repeat(3), false);
        assertThat(findings.warnings()).isEqualTo(3);
        assertThat(findings.excerpt()).isEqualTo(line + "\n");
    }

    @Test
    void a_failed_build_without_a_recognisable_error_keeps_the_end_of_its_log() {
        var log = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            log.append("line ").append(i).append('\n');
        }
        var findings = BuildLog.read(log + "Killed\n", true);
        assertThat(findings.excerpt()).startsWith("line 12\n").endsWith("line 40\nKilled\n");
        assertThat(BuildLog.read(log.toString(), false).excerpt()).isEmpty();
    }

    @Test
    void the_excerpt_fits_kcidb_and_says_how_much_was_left_out() {
        var log = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            log.append("drivers/x").append(i).append(".c:1:1: warning: ").append("w".repeat(40)).append('\n');
        }
        var excerpt = BuildLog.read(log.toString(), false).excerpt();
        assertThat(excerpt.length()).isLessThanOrEqualTo(BuildLog.MAX_EXCERPT);
        assertThat(excerpt).containsPattern("\\[… \\d+ more lines in the build log]\n$");
    }
}
