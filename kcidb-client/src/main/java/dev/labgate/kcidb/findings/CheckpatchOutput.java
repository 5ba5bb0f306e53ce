package dev.labgate.kcidb.findings;

import dev.labgate.core.review.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code scripts/checkpatch.pl} output. Two shapes name a file and a line:
 * <ul>
 *   <li>verbose (the default): {@code WARNING: <message>} then {@code #<n>: FILE: <path>:<line>:}
 *       and the offending line;</li>
 *   <li>one line per finding, {@code <path>:<line>: WARNING: <message>}, which {@code --showfile}
 *       prints (with {@code --terse}, or alone) and {@code --emacs} prints with {@code --file}.</li>
 * </ul>
 * {@code --show-types} adds the type after the level ({@code WARNING:LONG_LINE: ...}); it is kept
 * in the message. With {@code --emacs} on a patch the line is the patch's, not the file's: those
 * lines are skipped, since no reviewer could find them in the change. Findings about the commit
 * message (no {@code FILE:}) are skipped too. CHECK (from {@code --strict}) is a notice.
 * Source: scripts/checkpatch.pl, sub report and the {@code $prefix}/{@code $here} set-up in sub process.
 */
final class CheckpatchOutput {

    private static final String LEVEL = "(?<level>ERROR|WARNING|CHECK):(?:(?<type>[A-Z0-9_]+):)? (?<message>.+)";
    private static final Pattern HEADER = Pattern.compile("^" + LEVEL + "$");
    private static final Pattern HERE = Pattern.compile("^#\\d+: FILE: " + LogLines.PATH + ":(?<line>\\d+):\\s*$");
    private static final Pattern ONE_LINE = Pattern.compile("^" + LogLines.PATH + ":(?<line>\\d+): " + LEVEL + "$");
    private static final Pattern PATCH_FILE = Pattern.compile(".*\\.(?:patch|diff|mbox|eml)$");

    private CheckpatchOutput() {
    }

    static List<Spot> parse(List<String> lines) {
        var findings = new ArrayList<Spot>();
        for (int i = 0; i < lines.size(); i++) {
            var oneLine = ONE_LINE.matcher(lines.get(i));
            if (oneLine.matches()) {
                if (!PATCH_FILE.matcher(oneLine.group("path")).matches()) {
                    findings.add(new Spot(finding(oneLine.group("path"), oneLine.group("line"),
                            oneLine.group("level"), oneLine.group("type"), oneLine.group("message")), i, i));
                }
                continue;
            }
            var header = HEADER.matcher(lines.get(i));
            if (header.matches() && i + 1 < lines.size()) {
                var here = HERE.matcher(lines.get(i + 1));
                if (here.matches()) {
                    findings.add(new Spot(finding(here.group("path"), here.group("line"), header.group("level"),
                            header.group("type"), header.group("message")), i, i + 1));
                    i++;
                }
            }
        }
        return findings;
    }

    private static Finding finding(String path, String line, String level, String type, String message) {
        var severity = switch (level.toUpperCase(Locale.ROOT)) {
            case "ERROR" -> Finding.Severity.ERROR;
            case "WARNING" -> Finding.Severity.WARNING;
            default -> Finding.Severity.NOTICE;
        };
        return Finding.at(path, Integer.parseInt(line), 0, severity, type == null ? message : type + ": " + message,
                "checkpatch");
    }
}
