package dev.labgate.lab.build;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a kernel build's log says that a contributor needs: its warnings and errors, as the build's
 * KCIDB log excerpt. Compiler and linker diagnostics, modpost and Kconfig messages are kept, each
 * once: the warnings first, then the errors, each in the order they came, so that the excerpt ends
 * with an error (reports quote an excerpt's last line). {@code make}'s own "***" lines only repeat
 * that an error happened, and are kept only when nothing else says what went wrong; a build that
 * failed with no recognisable error keeps the end of its log instead. Pure and thread-safe.
 */
final class BuildLog {

    /** KCIDB's limit for a log excerpt (the I/O schema's {@code maxLength}). */
    static final int MAX_EXCERPT = 16_384;
    private static final int TAIL_LINES = 30;
    private static final int MAX_LINE = 1000;

    private static final Pattern ERROR = Pattern.compile(
            ".*:\\d+(:\\d+)?: (fatal )?error: .*"            // gcc, clang
                    + "|ERROR: modpost: .*"
                    + "|(ld(\\.lld)?|[\\w.-]+-ld(\\.bfd)?): .*(error|undefined reference).*"
                    + "|.*: undefined reference to .*");
    private static final Pattern MAKE_GAVE_UP = Pattern.compile(
            "make(\\[\\d+])?: \\*\\*\\* (?!Waiting for unfinished jobs).*");
    private static final Pattern WARNING = Pattern.compile(
            ".*:\\d+(:\\d+)?: warning: .*"
                    + "|WARNING: modpost: .*"
                    + "|WARNING: unmet direct dependencies detected for .*"
                    + "|Value requested for CONFIG_\\w+ not in final \\.config"
                    + "|(ld(\\.lld)?|[\\w.-]+-ld(\\.bfd)?): warning: .*");

    /** How many warnings and errors a log holds, and the lines that tell them. */
    record Findings(int warnings, int errors, String excerpt) {
    }

    private BuildLog() {
    }

    /**
     * @param failed whether the build failed, so that a log without a recognisable error still
     *               shows how it ended
     */
    static Findings read(String log, boolean failed) {
        int warnings = 0;
        int errors = 0;
        var warned = new LinkedHashSet<String>();
        var erred = new LinkedHashSet<String>();
        var gaveUp = new LinkedHashSet<String>();
        var lines = log.split("\n", -1);
        for (var raw : lines) {
            var line = raw.stripTrailing();
            if (ERROR.matcher(line).matches()) {
                errors++;
                erred.add(line);
            } else if (WARNING.matcher(line).matches()) {
                warnings++;
                warned.add(line);
            } else if (MAKE_GAVE_UP.matcher(line).matches()) {
                gaveUp.add(line);
            }
        }
        if (erred.isEmpty() && !gaveUp.isEmpty()) {
            errors = gaveUp.size();
            erred.addAll(gaveUp);
        }
        var kept = new ArrayList<>(warned);
        kept.addAll(erred);
        if (errors == 0 && failed) {
            var tail = new ArrayList<String>();
            for (int i = Math.max(0, lines.length - TAIL_LINES - 1); i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    tail.add(lines[i].stripTrailing());
                }
            }
            kept.addAll(tail.subList(Math.max(0, tail.size() - TAIL_LINES), tail.size()));
        }
        return new Findings(warnings, errors, cut(kept));
    }

    /** The lines, whole, as many as fit in a KCIDB excerpt, with a last line saying how many did not. */
    private static String cut(List<String> lines) {
        var excerpt = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i).replace('\0', ' ');
            if (line.length() > MAX_LINE) {
                line = line.substring(0, MAX_LINE - 1) + "…";
            }
            var more = "[… " + (lines.size() - i) + " more lines in the build log]\n";
            if (excerpt.length() + line.length() + 1 + more.length() > MAX_EXCERPT) {
                return excerpt.append(more).toString();
            }
            excerpt.append(line).append('\n');
        }
        return excerpt.toString();
    }
}
