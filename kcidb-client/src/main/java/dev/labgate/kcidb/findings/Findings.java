package dev.labgate.kcidb.findings;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.review.Finding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

/**
 * The findings in a run's results: read from the log excerpts KCIDB keeps for builds and tests
 * (checkpatch, gcc, clang, sparse and smatch output, KTAP diagnostics), so they are kept wherever
 * the results are and need no store of their own. Pure and thread-safe.
 */
public final class Findings {

    /** In the order a reviewer reads them: by file, then line. */
    public static final Comparator<Finding> READING_ORDER = Comparator.comparing(Finding::path)
            .thenComparingInt(Finding::line).thenComparingInt(Finding::column).thenComparing(Finding::tool)
            .thenComparing(Finding::message);

    private Findings() {
    }

    /**
     * Every finding in the log excerpts of {@code results}, once: the same warning in the logs of
     * several builds (one per architecture) is one finding. In reading order.
     */
    public static List<Finding> of(KcidbData results) {
        var compilers = new HashMap<String, String>();
        var all = new LinkedHashSet<Finding>();
        for (Build build : results.builds()) {
            compilers.put(build.id(), build.compiler());
            if (build.logExcerpt() != null) {
                all.addAll(parse(build.logExcerpt(), build.compiler()));
            }
        }
        for (var test : results.tests()) {
            if (test.logExcerpt() != null) {
                all.addAll(parse(test.logExcerpt(), compilers.get(test.buildId())));
            }
        }
        var sorted = new ArrayList<>(all);
        sorted.sort(READING_ORDER);
        return sorted;
    }

    /**
     * The findings in one log, in the order the log gives them.
     *
     * @param compiler the build's compiler as KCIDB names it, to tell gcc from clang; may be null
     */
    public static List<Finding> parse(String log, String compiler) {
        var found = new LinkedHashSet<Finding>();
        spots(LogLines.of(log), compiler).forEach(s -> found.add(s.finding()));
        return List.copyOf(found);
    }

    /**
     * The lines of a log that findings are read from, in the log's order, up to {@code maxChars}
     * characters: what a lab keeps as a log excerpt so that its findings outlive the rest of the log.
     * Empty when the log has none.
     */
    public static String excerpt(String log, int maxChars) {
        var lines = LogLines.of(log);
        var keep = new TreeSet<Integer>();
        for (var spot : spots(lines, null)) {
            if (spot.context() >= 0) {
                keep.add(spot.context());
            }
            for (int i = spot.from(); i <= spot.to(); i++) {
                keep.add(i);
            }
        }
        var excerpt = new StringBuilder();
        for (var i : keep) {
            if (excerpt.length() + lines.get(i).length() + 1 > maxChars) {
                break;
            }
            excerpt.append(lines.get(i)).append('\n');
        }
        return excerpt.toString();
    }

    private static List<Spot> spots(List<String> lines, String compiler) {
        var spots = new ArrayList<Spot>();
        spots.addAll(CheckpatchOutput.parse(lines));
        spots.addAll(CompilerOutput.parse(lines, compiler));
        spots.addAll(SmatchOutput.parse(lines));
        spots.addAll(KtapDiagnostics.parse(lines));
        return spots;
    }

    /**
     * The findings of a head that its base did not have. Lines move between the two, so a finding
     * is matched by tool, file and message, as many times as the base has it.
     */
    public static List<Finding> newSince(List<Finding> head, List<Finding> base) {
        var left = new HashMap<String, Integer>();
        base.forEach(f -> left.merge(key(f), 1, Integer::sum));
        var fresh = new ArrayList<Finding>();
        for (var finding : head) {
            var key = key(finding);
            var count = left.getOrDefault(key, 0);
            if (count > 0) {
                left.put(key, count - 1);
            } else {
                fresh.add(finding);
            }
        }
        return fresh;
    }

    private static String key(Finding finding) {
        return finding.tool() + "\n" + finding.path() + "\n" + finding.message();
    }
}
