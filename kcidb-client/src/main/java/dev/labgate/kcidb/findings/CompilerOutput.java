package dev.labgate.kcidb.findings;

import dev.labgate.core.review.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Diagnostics in the GNU format that gcc, clang and sparse share:
 * {@code <path>:<line>[:<column>]: (error|fatal error|warning): <message>}. Notes are dropped (they
 * point at declarations, not at problems). A line at the same place without a kind, indented
 * after the colon, continues the previous message (sparse's {@code expected}/{@code got} lines).
 *
 * <p>Who said it: a message ending in a {@code [-W...]} option is the compiler's (gcc or clang, as
 * the build's {@code compiler} names it); one without, after kbuild's {@code CHECK <file>} line
 * (a {@code C=1} build) and before its next {@code CC}, is sparse's. Otherwise it is the compiler's.
 * Sources: GNU Coding Standards "Formatting Error Messages"; gcc -fdiagnostics-format=text;
 * sparse lib.c (show_info); kbuild scripts/Makefile.build (quiet_cmd_checksrc "CHECK").
 */
final class CompilerOutput {

    private static final Pattern DIAGNOSTIC = Pattern.compile("^" + LogLines.PATH
            + ":(?<line>\\d+):(?:(?<column>\\d+):)? (?<kind>fatal error|error|warning|note|remark): (?<message>.+)$");
    private static final Pattern CONTINUATION = Pattern.compile("^" + LogLines.PATH
            + ":(?<line>\\d+):(?:(?<column>\\d+):)?\\s{2,}(?<message>\\S.*)$");
    private static final Pattern OPTION = Pattern.compile("\\[-W[^\\]]*]\\s*$");
    private static final Pattern KBUILD = Pattern.compile("^\\s+(?<command>[A-Z][A-Z0-9_]*)\\s+\\S.*$");

    private CompilerOutput() {
    }

    /** @param compiler the build's compiler as KCIDB records it ({@code gcc (Debian 12.2.0) 12.2.0}), may be null */
    static List<Spot> parse(List<String> lines, String compiler) {
        var findings = new ArrayList<Spot>();
        var compilerName = compilerName(compiler);
        var checking = -1;
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i);
            var kbuild = KBUILD.matcher(line);
            if (kbuild.matches()) {
                checking = kbuild.group("command").equals("CHECK") ? i : -1;
                continue;
            }
            var diagnostic = DIAGNOSTIC.matcher(line);
            if (diagnostic.matches()) {
                var kind = diagnostic.group("kind");
                if (kind.equals("note") || kind.equals("remark")) {
                    continue;
                }
                var message = diagnostic.group("message");
                var sparse = !OPTION.matcher(message).find() && checking >= 0;
                findings.add(new Spot(Finding.at(diagnostic.group("path"), Integer.parseInt(diagnostic.group("line")),
                        column(diagnostic.group("column")), kind.endsWith("error") ? Finding.Severity.ERROR
                                : Finding.Severity.WARNING, message, sparse ? "sparse" : compilerName), i, i,
                        sparse ? checking : -1));
                continue;
            }
            var continuation = CONTINUATION.matcher(line);
            if (continuation.matches() && !findings.isEmpty()) {
                var spot = findings.get(findings.size() - 1);
                var last = spot.finding();
                if (spot.to() == i - 1 && last.path().equals(continuation.group("path"))
                        && last.line() == Integer.parseInt(continuation.group("line"))) {
                    findings.set(findings.size() - 1, new Spot(new Finding(last.path(), last.line(), last.column(),
                            last.endLine(), last.severity(), last.message() + "\n" + continuation.group("message"),
                            last.tool()), spot.from(), i, spot.context()));
                }
            }
        }
        return findings;
    }

    private static int column(String text) {
        return text == null ? 0 : Integer.parseInt(text);
    }

    private static String compilerName(String compiler) {
        var lower = compiler == null ? "" : compiler.toLowerCase(Locale.ROOT);
        return lower.contains("clang") ? "clang" : lower.contains("gcc") ? "gcc" : "compiler";
    }
}
