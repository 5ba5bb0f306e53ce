package dev.labgate.kcidb.findings;

import dev.labgate.core.review.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * smatch's {@code [<program>: ]<path>:<line> <function>() (warn|error|parse error|info): <message>}.
 * Source: smatch.h, sm_prefix and sm_print_msg.
 */
final class SmatchOutput {

    private static final Pattern MESSAGE = Pattern.compile("^(?:[\\w.-]+: )?" + LogLines.PATH
            + ":(?<line>\\d+) (?<function>\\S+)\\(\\) (?<kind>warn|error|parse error|info): (?<message>.+)$");

    private SmatchOutput() {
    }

    static List<Spot> parse(List<String> lines) {
        var findings = new ArrayList<Spot>();
        for (int i = 0; i < lines.size(); i++) {
            var m = MESSAGE.matcher(lines.get(i));
            if (m.matches()) {
                var severity = switch (m.group("kind")) {
                    case "warn" -> Finding.Severity.WARNING;
                    case "info" -> Finding.Severity.NOTICE;
                    default -> Finding.Severity.ERROR;
                };
                findings.add(new Spot(Finding.at(m.group("path"), Integer.parseInt(m.group("line")), 0, severity,
                        m.group("message") + " (in " + m.group("function") + "())", "smatch"), i, i));
            }
        }
        return findings;
    }
}
