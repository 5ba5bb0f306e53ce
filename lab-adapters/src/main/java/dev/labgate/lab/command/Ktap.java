package dev.labgate.lab.command;

import dev.labgate.core.kcidb.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Test results in KTAP (KUnit, kselftest) or TAP 13 output, as a tree of named results.
 *
 * <p>The output may carry other lines before and between the results (build output, kernel log
 * timestamps like {@code [    1.234567] }); results start at the first {@code KTAP version} or
 * {@code TAP version} line. Nesting is read from indentation (four spaces or a tab per level, as
 * KUnit writes it) or a {@code # } prefix before a nested KTAP line (as the kselftest runner writes
 * it). A level that never got its result line (the test crashed) becomes an ERROR result named
 * after its {@code # Subtest:} line. Pure and thread-safe.
 */
final class Ktap {

    /**
     * One result line and what was nested under it.
     *
     * @param log the lines printed for this result, its own result line last (at most {@link #LOG_LINES})
     */
    record Result(String name, Status status, String directive, List<Result> children, String log) {
        Result {
            children = List.copyOf(children);
        }
    }

    static final int LOG_LINES = 20;

    private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s?");
    private static final Pattern HEADER = Pattern.compile("^(.*?)K?TAP version \\d+\\s*$");
    private static final Pattern RESULT = Pattern.compile("^(not )?ok\\s+\\d+\\s*(?:-\\s*)?(.*)$");
    /** Where a comment or directive starts: a {@code #} at the start or after white space. */
    private static final Pattern COMMENT = Pattern.compile("(?:^|\\s)#");
    private static final Pattern SUBTEST = Pattern.compile("^#\\s*Subtest:\\s*(.*)$");
    private static final Pattern NESTED = Pattern.compile("^(?:(?:not )?ok\\s|K?TAP version|1\\.\\.|#|\\s{4}|\\t).*");

    private Ktap() {
    }

    /** The top-level results; empty when the output has no KTAP or TAP header. */
    static List<Result> parse(String output) {
        var lines = output.split("\r?\n", -1);
        int first = -1;
        String prefix = "";
        for (int i = 0; i < lines.length; i++) {
            var header = HEADER.matcher(TIMESTAMP.matcher(lines[i]).replaceFirst(""));
            if (header.matches() && header.group(1).isBlank()) {
                first = i;
                prefix = header.group(1);
                break;
            }
        }
        if (first < 0) {
            return List.of();
        }
        var pending = new TreeMap<Integer, List<Result>>();
        var subtests = new HashMap<Integer, String>();
        var recent = new ArrayList<String>();
        for (int i = first + 1; i < lines.length; i++) {
            var line = TIMESTAMP.matcher(lines[i]).replaceFirst("");
            if (line.startsWith(prefix)) {
                line = line.substring(prefix.length());
            }
            int depth = 0;
            while (true) {
                if (line.startsWith("    ")) {
                    line = line.substring(4);
                } else if (line.startsWith("\t")) {
                    line = line.substring(1);
                } else if (line.startsWith("# ") && NESTED.matcher(line.substring(2)).matches()
                        && !SUBTEST.matcher(line).matches()) {
                    line = line.substring(2);
                } else {
                    break;
                }
                depth++;
            }
            var content = line.strip();
            if (content.isEmpty()) {
                continue;
            }
            recent.add(lines[i].strip());
            if (recent.size() > LOG_LINES) {
                recent.remove(0);
            }
            var subtest = SUBTEST.matcher(content);
            if (subtest.matches()) {
                // KUnit writes a subtest's name at the indentation of its results.
                subtests.put(depth, subtest.group(1).strip());
                continue;
            }
            var result = RESULT.matcher(content);
            if (!result.matches()) {
                continue;
            }
            var children = new ArrayList<Result>();
            for (var deeper : new ArrayList<>(pending.tailMap(depth + 1).keySet())) {
                children.addAll(pending.remove(deeper));
            }
            pending.computeIfAbsent(depth, d -> new ArrayList<>())
                    .add(result(result.group(1) == null, result.group(2), children, String.join("\n", recent)));
            recent.clear();
            subtests.remove(depth + 1);
        }
        // Levels left open had no result line: their test did not finish.
        while (pending.size() > 1 || !pending.isEmpty() && pending.firstKey() > 0) {
            int deepest = pending.lastKey();
            var orphans = pending.remove(deepest);
            var name = subtests.getOrDefault(deepest, "unfinished");
            pending.computeIfAbsent(deepest - 1, d -> new ArrayList<>()).add(new Result(name, Status.ERROR,
                    "no result line: the test did not finish", orphans, String.join("\n", recent)));
        }
        return pending.isEmpty() ? List.of() : pending.get(0);
    }

    /** A result line's description is its name, then an optional {@code # DIRECTIVE reason} or comment. */
    private static Result result(boolean ok, String description, List<Result> children, String log) {
        var comment = COMMENT.matcher(description);
        var found = comment.find();
        var name = (found ? description.substring(0, comment.start()) : description).strip();
        var tail = found ? description.substring(comment.end()).strip() : "";
        var word = tail.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        var status = switch (word) {
            case "SKIP", "TODO" -> Status.SKIP;
            case "XFAIL" -> Status.PASS;
            case "TIMEOUT", "ERROR" -> Status.ERROR;
            default -> ok ? Status.PASS : Status.FAIL;
        };
        return new Result(name, status, tail.isEmpty() ? null : tail, children, log);
    }

    /**
     * The results as named tests with dotted paths: {@code kunit.<suite>.<case>} for KUnit, and
     * {@code kselftest.<collection>.<test>} for the kselftest runner's {@code selftests: a: b}
     * results. Only leaves are tests, plus any result that failed or broke while nothing under it did,
     * so that every failure appears once.
     */
    static Map<String, Result> tests(List<Result> top) {
        var tests = new LinkedHashMap<String, Result>();
        for (var result : top) {
            String path;
            if (result.name().startsWith("selftests:")) {
                var parts = result.name().substring("selftests:".length()).split(":", 2);
                path = "kselftest." + component(parts[0]) + (parts.length > 1 ? "." + component(parts[1]) : "");
            } else {
                path = "kunit." + component(result.name());
            }
            collect(path, result, tests);
        }
        return tests;
    }

    private static boolean collect(String path, Result result, Map<String, Result> tests) {
        boolean brokenBelow = false;
        for (var child : result.children()) {
            brokenBelow |= collect(path + "." + component(child.name()), child, tests);
        }
        var broken = result.status() == Status.FAIL || result.status() == Status.ERROR;
        if (result.children().isEmpty() || broken && !brokenBelow) {
            var unique = path;
            for (int n = 2; tests.containsKey(unique); n++) {
                unique = path + "_" + n;
            }
            tests.put(unique, result);
        }
        return brokenBelow || broken;
    }

    private static String component(String name) {
        var cleaned = name.strip().replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        return cleaned.isEmpty() ? "_" : cleaned;
    }
}
