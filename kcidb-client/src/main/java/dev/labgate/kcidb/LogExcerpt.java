package dev.labgate.kcidb;

import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a log says went wrong, in its own words: the kernel's reports (oops, panic, BUG, KASAN,
 * WARNING...) found in a console log, an excerpt cut to what KCIDB takes, and the one telling line
 * of an excerpt for a headline. Pure and thread-safe; labs use it to write {@code log_excerpt}, the
 * verdict to say what failed.
 */
public final class LogExcerpt {

    /** KCIDB v5.3: {@code log_excerpt} is at most 16,384 characters (kcidb-io schema, {@code maxLength}). */
    public static final int MAX = 16_384;
    /** Lines of one kernel report kept after its first line. */
    static final int REPORT_LINES = 40;
    /** Kernel reports kept from one log: the first ones are the cause, the rest its echoes. */
    static final int MAX_REPORTS = 3;

    /** A console line's timestamp ({@code [   12.345678] }) and printk level ({@code <4>}). */
    private static final Pattern PREFIX = Pattern.compile("^(?:<\\d>)?(?:\\[\\s*\\d+\\.\\d+\\]\\s?)?(?:<\\d>)?");
    /**
     * The first line of a kernel report, as the kernel prints it (lib/bug.c, mm/kasan/report.c,
     * kernel/panic.c, arch fault handlers, lib/ubsan.c, kernel/hung_task.c, kernel/rcu/tree_stall.h).
     */
    private static final Pattern REPORT = Pattern.compile("^\\s*(?:(?:watchdog: )?BUG: |kernel BUG at |Oops|"
            + "Internal error: |Kernel panic - |general protection fault|Unable to handle kernel |WARNING: |"
            + "UBSAN: |KASAN: |KCSAN: |kfence: |INFO: task .* blocked for more than|rcu: INFO: )");
    /** Where the kernel says a report ends. */
    private static final Pattern REPORT_END = Pattern.compile("^\\s*(?:---\\[ end |={20,}$)");
    /** A KUnit or kselftest expectation, the best words a failed case has (lib/kunit/assert.c). */
    private static final Pattern EXPECTED = Pattern.compile("^\\s*(?:#\\s*)?(?:[\\w.-]+: )?(Expected .*|"
            + "(?:EXPECTATION|ASSERTION) FAILED at .*)$");
    /** KTAP and TAP lines that carry no words of their own: results, plans, headers, totals. */
    private static final Pattern NOISE = Pattern.compile("^\\s*(?:#\\s*)?(?:(?:not )?ok \\d+.*|1\\.\\.\\d+.*|"
            + "K?TAP version \\d+|Subtest:.*|module:.*|Totals:.*|[\\w.-]+: pass:\\d+ fail:\\d+.*|\\[[^\\]]*cut[^\\]]*\\])$");

    /** ANSI terminal escapes (ECMA-48 CSI and OSC sequences, lone ESC pairs). */
    private static final Pattern ESCAPE = Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|[@-Z\\\\-_])");
    /** Control characters other than newline and tab. */
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");

    private LogExcerpt() {
    }

    /**
     * The kernel's reports in a console log, each from its first line to the kernel's end marker
     * (or {@link #REPORT_LINES} lines), at most {@link #MAX_REPORTS}; timestamps are kept.
     */
    public static List<String> kernelReports(String log) {
        var reports = new ArrayList<String>();
        if (log == null || log.isEmpty()) {
            return reports;
        }
        var lines = log.split("\r?\n", -1);
        for (int i = 0; i < lines.length && reports.size() < MAX_REPORTS; i++) {
            if (!REPORT.matcher(bare(lines[i])).find()) {
                continue;
            }
            var report = new StringBuilder(lines[i].stripTrailing());
            int j = i + 1;
            for (; j < lines.length && j <= i + REPORT_LINES; j++) {
                var line = lines[j].stripTrailing();
                var bare = bare(line);
                // A new report starts its own block.
                if (REPORT.matcher(bare).find()) {
                    break;
                }
                report.append('\n').append(line);
                if (REPORT_END.matcher(bare).find()) {
                    j++;
                    break;
                }
            }
            reports.add(report.toString());
            i = j - 1;
        }
        return reports;
    }

    /**
     * Text cut to {@link #MAX} characters: its start and its end, with a line saying how much was
     * left out between them. A console's terminal escapes (colours, cursor moves) are dropped and
     * its other control characters (NUL, which KCIDB refuses; carriage returns) become spaces: the
     * excerpt is read on a page, in a comment and in KCIDB, never by a terminal.
     */
    public static String fit(String text) {
        if (text == null) {
            return null;
        }
        var clean = CONTROL.matcher(ESCAPE.matcher(text).replaceAll("")).replaceAll(" ");
        if (clean.codePointCount(0, clean.length()) <= MAX) {
            return clean;
        }
        // Room for the line that says how much was cut: 23 characters and the count's digits.
        var room = MAX - 40;
        var head = clean.substring(0, clean.offsetByCodePoints(0, room / 4));
        var tail = clean.substring(clean.offsetByCodePoints(clean.length(), -(room - room / 4)));
        var cut = clean.length() - head.length() - tail.length();
        return head + "\n[… " + cut + " characters cut …]\n" + tail;
    }

    /**
     * The words that say what went wrong in an excerpt, on one line: a kernel report's first line;
     * else a KUnit expectation with the lines that explain it ({@code Expected 2 == 3, but x == 2});
     * else the last line that is not a KTAP result, plan or total. Empty when there is none.
     */
    public static String whatWentWrong(String excerpt) {
        if (excerpt == null || excerpt.isBlank()) {
            return "";
        }
        var lines = excerpt.strip().split("\r?\n");
        for (var line : lines) {
            if (REPORT.matcher(bare(line)).find()) {
                return oneLine(bare(line));
            }
        }
        for (int i = 0; i < lines.length; i++) {
            var expected = EXPECTED.matcher(bare(lines[i]));
            if (expected.matches() && expected.group(1).startsWith("Expected")) {
                var words = new StringBuilder(expected.group(1).strip());
                var indent = indent(bare(lines[i]));
                // KUnit prints the values that broke the expectation on the lines below, further in.
                for (int j = i + 1; j < lines.length; j++) {
                    var next = bare(lines[j]);
                    if (next.isBlank() || indent(next) <= indent || NOISE.matcher(next).matches()) {
                        break;
                    }
                    words.append(' ').append(next.strip());
                }
                return oneLine(words.toString());
            }
        }
        for (var line : lines) {
            var expected = EXPECTED.matcher(bare(line));
            if (expected.matches()) {
                return oneLine(expected.group(1));
            }
        }
        for (int i = lines.length - 1; i >= 0; i--) {
            var line = bare(lines[i]);
            if (!line.isBlank() && !NOISE.matcher(line).matches()) {
                return oneLine(line.strip().replaceFirst("^#\\s*", ""));
            }
        }
        return "";
    }

    /**
     * The results with the kernel's reports found in {@code console} first in the excerpt of each
     * failure {@code of} picks (its own excerpt after them): a failed boot or test is then said in
     * the kernel's own words. Unchanged when the console holds no report.
     */
    public static KcidbData withKernelReports(KcidbData results, Predicate<Test> of, String console) {
        var reports = kernelReports(console);
        if (reports.isEmpty()) {
            return results;
        }
        var words = String.join("\n", reports);
        var tests = new ArrayList<Test>();
        for (var test : results.tests()) {
            if (test.status() == Status.FAIL && of.test(test)) {
                var own = test.logExcerpt() == null || test.logExcerpt().isBlank() ? "" : "\n[…]\n" + test.logExcerpt();
                test = test.withLog(test.logUrl(), fit(words + own));
            }
            tests.add(test);
        }
        return new KcidbData(results.version(), results.checkouts(), results.builds(), tests, results.issues(),
                results.incidents());
    }

    private static String bare(String line) {
        return PREFIX.matcher(line).replaceFirst("");
    }

    private static int indent(String line) {
        int width = 0;
        for (int i = 0; i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t'); i++) {
            width += line.charAt(i) == '\t' ? 4 : 1;
        }
        return width;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
