package dev.labgate.kcidb.findings;

import dev.labgate.core.review.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * KTAP diagnostic lines ({@code # ...}) that name a file and line:
 * <ul>
 *   <li>KUnit: {@code # <test>: EXPECTATION FAILED at <path>:<line>} (or ASSERTION), followed by
 *       the lines that say what was expected, which become the message;</li>
 *   <li>the kselftest harness: {@code # <path>:<line>:<test>:<message>}, a failure when the message
 *       is an {@code Expected ...} line of an EXPECT/ASSERT, a notice for a test's own TH_LOG.</li>
 * </ul>
 * Sources: lib/kunit/test.c (kunit_fail, kunit_err) and lib/kunit/assert.c;
 * tools/testing/selftests/kselftest_harness.h (__TH_LOG).
 */
final class KtapDiagnostics {

    private static final Pattern KUNIT = Pattern.compile(
            "^\\s*#\\s*(?<test>[^:\\s]+): (?<kind>EXPECTATION|ASSERTION) FAILED at " + LogLines.PATH + ":(?<line>\\d+)\\s*$");
    private static final Pattern HARNESS = Pattern.compile(
            "^\\s*#\\s+" + LogLines.PATH + ":(?<line>\\d+):(?<test>[^:\\s]+):(?<message>.+)$");
    /** Where the lines under a KUnit failure end: the next diagnostic, result or plan. */
    private static final Pattern END = Pattern.compile("^\\s*(?:#|ok\\s|not ok\\s|K?TAP version|1\\.\\.).*");
    private static final int DETAIL_LINES = 8;

    private KtapDiagnostics() {
    }

    static List<Spot> parse(List<String> lines) {
        var findings = new ArrayList<Spot>();
        for (int i = 0; i < lines.size(); i++) {
            var kunit = KUNIT.matcher(lines.get(i));
            if (kunit.matches()) {
                var message = new StringBuilder(kunit.group("kind")).append(" FAILED in ").append(kunit.group("test"));
                var last = i;
                for (int j = i + 1; j < lines.size() && j <= i + DETAIL_LINES; j++) {
                    var detail = lines.get(j);
                    if (detail.isBlank() || END.matcher(detail).matches()) {
                        break;
                    }
                    message.append('\n').append(detail.strip());
                    last = j;
                }
                findings.add(new Spot(Finding.at(kunit.group("path"), Integer.parseInt(kunit.group("line")), 0,
                        Finding.Severity.ERROR, message.toString(), "kunit"), i, last));
                continue;
            }
            var harness = HARNESS.matcher(lines.get(i));
            if (harness.matches()) {
                var message = harness.group("message").strip();
                findings.add(new Spot(Finding.at(harness.group("path"), Integer.parseInt(harness.group("line")), 0,
                        message.startsWith("Expected") ? Finding.Severity.ERROR : Finding.Severity.NOTICE,
                        message + " (in " + harness.group("test") + ")", "kselftest"), i, i));
            }
        }
        return findings;
    }
}
