package dev.labgate.kcidb.findings;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Finding.Severity;
import org.junit.jupiter.api.DisplayName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FindingsTest {

    private static final String FILE = "drivers/clocksource/timer-acme.c";

    @org.junit.jupiter.api.Test
    @DisplayName("checkpatch's verbose form: each FILE line gives the place, commit message findings are left out")
    void checkpatch_verbose() {
        assertThat(Findings.parse(fixture("checkpatch-verbose.txt"), null)).containsExactly(
                Finding.at(FILE, 57, 0, Severity.WARNING, "LONG_LINE: line length of 104 exceeds 100 columns",
                        "checkpatch"),
                Finding.at(FILE, 70, 0, Severity.ERROR, "SPACING: space required before the open parenthesis '('",
                        "checkpatch"),
                Finding.at(FILE, 78, 0, Severity.NOTICE, "PARENTHESIS_ALIGNMENT: Alignment should match open "
                        + "parenthesis", "checkpatch"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("checkpatch --terse --showfile: one finding a line; lines of a patch file are not lines of the tree")
    void checkpatch_terse() {
        assertThat(Findings.parse(fixture("checkpatch-terse.txt"), null)).containsExactly(
                Finding.at(FILE, 57, 0, Severity.WARNING, "line length of 104 exceeds 100 columns", "checkpatch"),
                Finding.at(FILE, 70, 0, Severity.ERROR, "space required before the open parenthesis '('",
                        "checkpatch"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("checkpatch --color=always: the colour codes are not part of the finding")
    void checkpatch_in_colour() {
        assertThat(Findings.parse(fixture("checkpatch-color.txt"), null)).containsExactly(
                Finding.at(FILE, 70, 0, Severity.ERROR, "SPACING: space required before the open parenthesis '('",
                        "checkpatch"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("gcc: warnings and errors with their columns and options; notes and caret lines are not findings")
    void gcc() {
        assertThat(Findings.parse(fixture("build-gcc.log"), "gcc (Debian 12.2.0-14) 12.2.0")).containsExactly(
                Finding.at(FILE, 64, 13, Severity.WARNING, "unused variable 'rate' [-Wunused-variable]", "gcc"),
                Finding.at(FILE, 91, 1, Severity.ERROR, "control reaches end of non-void function "
                        + "[-Werror=return-type]", "gcc"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("clang: the build's compiler names the tool; an absolute build path is kept as printed")
    void clang() {
        assertThat(Findings.parse(fixture("build-clang.log"), "Debian clang version 17.0.6")).containsExactly(
                Finding.at("/builds/linux/" + FILE, 64, 6, Severity.ERROR,
                        "unused variable 'rate' [-Werror,-Wunused-variable]", "clang"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("sparse: told from the compiler by kbuild's CHECK line; expected/got lines join the message")
    void sparse() {
        assertThat(Findings.parse(fixture("sparse.log"), "gcc (GCC) 13.2.0")).containsExactly(
                Finding.at(FILE, 20, 5, Severity.WARNING, "symbol 'acme_timer_rate' was not declared. Should it "
                        + "be static?", "sparse"),
                Finding.at(FILE, 57, 24, Severity.WARNING, "incorrect type in argument 2 (different address spaces)"
                        + "\nexpected void volatile [noderef] __iomem *addr\ngot void *", "sparse"),
                Finding.at("drivers/clocksource/timer-of.c", 33, 9, Severity.WARNING,
                        "'np' may be used uninitialized [-Wmaybe-uninitialized]", "gcc"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("smatch: warn, error and info, with the function named")
    void smatch() {
        assertThat(Findings.parse(fixture("smatch.log"), null)).containsExactly(
                Finding.at(FILE, 70, 0, Severity.WARNING, "inconsistent indenting (in acme_timer_probe())", "smatch"),
                Finding.at(FILE, 85, 0, Severity.ERROR, "uninitialized symbol 'ret'. (in acme_timer_probe())",
                        "smatch"),
                Finding.at(FILE, 99, 0, Severity.NOTICE, "ignoring unreachable code. (in acme_timer_remove())",
                        "smatch"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("KUnit: a failed expectation names its file and line; what was expected is the message")
    void kunit() {
        assertThat(Findings.parse(fixture("kunit.log"), null)).containsExactly(
                Finding.at("drivers/clocksource/timer-acme-test.c", 41, 0, Severity.ERROR,
                        "EXPECTATION FAILED in acme_timer_test_rate\nExpected rate == 32768, but\n"
                                + "rate == 32000 (0x7d00)\n32768 == 32768 (0x8000)", "kunit"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("kselftest harness: an Expected line is a failure, a test's own log line a notice")
    void kselftest() {
        assertThat(Findings.parse(fixture("kselftest.log"), null)).containsExactly(
                Finding.at("acme_timer.c", 88, 0, Severity.ERROR, "Expected 0 (0) == ret (-22) (in periodic)",
                        "kselftest"),
                Finding.at("acme_timer.c", 89, 0, Severity.NOTICE, "arming the timer failed (in periodic)",
                        "kselftest"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a log with no diagnostics has no findings")
    void nothing() {
        assertThat(Findings.parse("  CC      init/main.o\n  LD      vmlinux\nKTAP version 1\n1..1\nok 1 boot\n", null))
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    @DisplayName("results: builds' and tests' excerpts are read, the same warning in two builds is one finding")
    void results() {
        var x86 = Build.of("lab:1.x86", "lab:1", "lab").withConfig("x86_64", "defconfig")
                .withLog(null, fixture("build-gcc.log"));
        var arm = Build.of("lab:1.arm", "lab:1", "lab").withConfig("arm64", "defconfig")
                .withLog(null, fixture("build-gcc.log"));
        var checkpatch = Test.of("lab:1.cp", "lab:1.x86", "lab", "checkpatch", Status.FAIL)
                .withLog(null, fixture("checkpatch-terse.txt"));
        var findings = Findings.of(KcidbData.of(List.of(), List.of(x86, arm), List.of(checkpatch)));
        assertThat(findings).extracting(Finding::location, Finding::tool).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FILE + ":57", "checkpatch"),
                org.assertj.core.groups.Tuple.tuple(FILE + ":64:13", "compiler"),
                org.assertj.core.groups.Tuple.tuple(FILE + ":70", "checkpatch"),
                org.assertj.core.groups.Tuple.tuple(FILE + ":91:1", "compiler"));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("new since the base: matched by tool, file and message wherever the line moved, once per occurrence")
    void new_since_base() {
        var moved = Finding.at(FILE, 80, 0, Severity.WARNING, "LONG_LINE: line length of 104 exceeds 100 columns",
                "checkpatch");
        var base = List.of(moved);
        var head = List.of(
                Finding.at(FILE, 90, 0, Severity.WARNING, moved.message(), "checkpatch"),
                Finding.at(FILE, 95, 0, Severity.WARNING, moved.message(), "checkpatch"),
                Finding.at(FILE, 70, 0, Severity.ERROR, "SPACING: space required", "checkpatch"));
        assertThat(Findings.newSince(head, base)).containsExactly(head.get(1), head.get(2));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("an excerpt keeps the lines findings are read from, enough to read the same findings again")
    void excerpt() {
        var log = String.join("\n", List.of(fixture("build-gcc.log"), fixture("sparse.log"), fixture("checkpatch-verbose.txt"),
                fixture("kunit.log"), "  LD      vmlinux", "done"));
        var excerpt = Findings.excerpt(log, 16_384);
        assertThat(excerpt).doesNotContain("LD      vmlinux", "   64 |", "total: 1 errors", "In function");
        assertThat(Findings.parse(excerpt, "gcc 13")).containsExactlyElementsOf(Findings.parse(log, "gcc 13"));
        assertThat(Findings.excerpt(log, 200)).hasSizeLessThanOrEqualTo(200).endsWith("\n");
        assertThat(Findings.excerpt("  CC      init/main.o\n", 100)).isEmpty();
    }

    private static String fixture(String name) {
        try (var in = FindingsTest.class.getResourceAsStream("/findings/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
