package dev.labgate.kcidb.dashboard;

import dev.labgate.core.kcidb.Status;

import java.util.Map;

/**
 * The dashboard's counts for one commit, per status; results without a status are not counted.
 *
 * @param builds builds per status
 * @param boots boot tests per status
 * @param tests other tests per status
 * @param testsByOrigin other tests per origin, then per status
 */
public record TreeSummary(Map<Status, Long> builds, Map<Status, Long> boots, Map<Status, Long> tests,
                          Map<String, Map<Status, Long>> testsByOrigin) {
    public TreeSummary {
        builds = Map.copyOf(builds);
        boots = Map.copyOf(boots);
        tests = Map.copyOf(tests);
        testsByOrigin = Map.copyOf(testsByOrigin);
    }

    public static TreeSummary empty() {
        return new TreeSummary(Map.of(), Map.of(), Map.of(), Map.of());
    }
}
