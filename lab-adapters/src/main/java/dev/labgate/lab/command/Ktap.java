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
     * @param log the lines printed for this result since the one before, its own result line last (at most
     *     {@link #LOG_LINES}); in {@link #tests} the diagnostics of its parents come first
     * @param preamble the diagnostics printed at this result's level before its first nested result
     *     ({@code # Subtest:}, a suite's setup messages); empty for a leaf
     */
    record Result(String name, Status status, String directive, List<Result> children, String log, String preamble) {
        Result {
            children = List.copyOf(children);
        }
    }

    static final int LOG_LINES = 60;

    private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s?");
    private static final Pattern HEADER = Pattern.compile("^(.*?)K?TAP version \\d+\\s*$");
    private static final Pattern RESULT = Pattern.compile("^(not )?ok\\s+\\d+\\s*(?:-\\s*)?(.*)$");
    /** Where a comment or directive starts: a {@code #} at the start or after white space. */
    private static final Pattern COMMENT = Pattern.compile("(?:^|\\s)#");
    private static final Pattern SUBTEST = Pattern.compile("^#\\s*Subtest:\\s*(.*)$");
    private static final Pattern NESTED = Pattern.compile("^(?:(?:not )?ok\\s|K?TAP version|1\\.\\.|#|\\s{4}|\\t).*");
    private static final Pattern PLAN = Pattern.compile("^1\\.\\.\\d+.*$");
    /** Lines of a level's start that are structure, not diagnostics. */
    private static final Pattern STRUCTURE = Pattern.compile("^\\s*(?:#\\s*)?(?:K?TAP version \\d+|1\\.\\.\\d+.*)$");

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
        var preambles = new HashMap<Integer, String>();
        // Where in the recent lines a level opened (its KTAP header or subtest line), for levels without a plan.
        var opened = new HashMap<Integer, Integer>();
        var recent = new ArrayList<String>();
        for (int i = first + 1; i < lines.length; i++) {
            var raw = TIMESTAMP.matcher(lines[i]).replaceFirst("");
            if (raw.startsWith(prefix)) {
                raw = raw.substring(prefix.length());
            }
            var line = raw;
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
            recent.add(raw.stripTrailing());
            if (recent.size() > LOG_LINES) {
                recent.remove(0);
                opened.replaceAll((d, at) -> Math.max(0, at - 1));
            }
            var subtest = SUBTEST.matcher(content);
            if (subtest.matches()) {
                // KUnit writes a subtest's name at the indentation of its results.
                subtests.put(depth, subtest.group(1).strip());
                opened.put(depth, recent.size());
                continue;
            }
            if (depth > 0 && HEADER.matcher(content).matches()) {
                opened.put(depth, recent.size());
                continue;
            }
            if (PLAN.matcher(content).matches()) {
                // What a level printed up to its plan is its own: its first result did not print it.
                if (depth > 0) {
                    preambles.put(depth, preamble(recent));
                }
                opened.remove(depth);
                recent.clear();
                continue;
            }
            var result = RESULT.matcher(content);
            if (!result.matches()) {
                continue;
            }
            var start = opened.remove(depth);
            if (start != null && !preambles.containsKey(depth)) {
                // A level without a plan (KUnit's parameterised cases): what came up to its opening is its own.
                preambles.put(depth, preamble(recent.subList(0, Math.min(start, recent.size()))));
                recent.subList(0, Math.min(start, recent.size())).clear();
            }
            var children = new ArrayList<Result>();
            for (var deeper : new ArrayList<>(pending.tailMap(depth + 1).keySet())) {
                children.addAll(pending.remove(deeper));
            }
            var preamble = children.isEmpty() ? "" : preambles.getOrDefault(depth + 1, "");
            var level = depth;
            preambles.keySet().removeIf(d -> d > level);
            pending.computeIfAbsent(depth, d -> new ArrayList<>())
                    .add(result(result.group(1) == null, result.group(2), children, text(recent), preamble));
            recent.clear();
            subtests.remove(depth + 1);
        }
        // Levels left open had no result line: their test did not finish.
        while (pending.size() > 1 || !pending.isEmpty() && pending.firstKey() > 0) {
            int deepest = pending.lastKey();
            var orphans = pending.remove(deepest);
            var name = subtests.getOrDefault(deepest, "unfinished");
            pending.computeIfAbsent(deepest - 1, d -> new ArrayList<>()).add(new Result(name, Status.ERROR,
                    "no result line: the test did not finish", orphans, text(recent),
                    preambles.getOrDefault(deepest, "")));
            recent.clear();
        }
        return pending.isEmpty() ? List.of() : pending.get(0);
    }

    private static String preamble(List<String> lines) {
        return text(lines.stream().filter(l -> !STRUCTURE.matcher(l).matches()).toList());
    }

    /** Lines as one text, without the indentation they all share. */
    private static String text(List<String> lines) {
        return String.join("\n", lines).stripIndent().strip();
    }

    /** A result line's description is its name, then an optional {@code # DIRECTIVE reason} or comment. */
    private static Result result(boolean ok, String description, List<Result> children, String log,
                                 String preamble) {
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
        return new Result(name, status, tail.isEmpty() ? null : tail, children, log, preamble);
    }

    /**
     * The results as named tests with dotted paths: {@code kunit.<suite>.<case>} for KUnit, and
     * {@code kselftest.<collection>.<test>} for the kselftest runner's {@code selftests: a: b}
     * results. Only leaves are tests, plus any result that failed or broke while nothing under it did,
     * so that every failure appears once. Each test's log is the diagnostics of its parents, then its own.
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
            collect(path, result, tests, List.of());
        }
        return tests;
    }

    private static boolean collect(String path, Result result, Map<String, Result> tests, List<String> context) {
        boolean brokenBelow = false;
        var inner = new ArrayList<>(context);
        if (!result.preamble().isEmpty()) {
            inner.add(result.preamble());
        }
        for (var child : result.children()) {
            brokenBelow |= collect(path + "." + component(child.name()), child, tests, inner);
        }
        var broken = result.status() == Status.FAIL || result.status() == Status.ERROR;
        if (result.children().isEmpty() || broken && !brokenBelow) {
            var unique = path;
            for (int n = 2; tests.containsKey(unique); n++) {
                unique = path + "_" + n;
            }
            var log = new ArrayList<>(context);
            log.add(result.log());
            tests.put(unique, new Result(result.name(), result.status(), result.directive(), result.children(),
                    String.join("\n", log), result.preamble()));
        }
        return brokenBelow || broken;
    }

    private static String component(String name) {
        var cleaned = name.strip().replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        return cleaned.isEmpty() ? "_" : cleaned;
    }
}
