package dev.labgate.config;

import dev.labgate.core.plan.TestPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the labs and tests for a head commit from the policy's plans and the paths the change
 * touches. Pure. Plans that name the same lab are merged: one run per lab and head, with every
 * selected test, and every rule that selected it in the "why".
 */
public final class Planner {

    private static final int PATHS_SHOWN = 3;

    /**
     * @param changedFiles the paths the change touches; empty when they are not known (a branch
     *                     push), in which case plans limited to paths are kept, and say so
     */
    public TestPlan plan(Policy policy, Optional<List<String>> changedFiles) {
        var tests = new LinkedHashMap<String, List<String>>();
        var whys = new LinkedHashMap<String, List<String>>();
        for (var rule : policy.plans()) {
            var why = why(rule, changedFiles);
            if (why.isEmpty()) {
                continue;
            }
            tests.computeIfAbsent(rule.lab(), lab -> new ArrayList<>()).addAll(rule.tests());
            whys.computeIfAbsent(rule.lab(), lab -> new ArrayList<>()).add(why.get());
        }
        var entries = new ArrayList<TestPlan.Entry>();
        tests.forEach((lab, selected) -> entries.add(
                new TestPlan.Entry(lab, selected.stream().distinct().toList(), String.join("; ", whys.get(lab)))));
        return new TestPlan(entries);
    }

    /** Why the rule applies, or empty when it does not. */
    private static Optional<String> why(PlanRule rule, Optional<List<String>> changedFiles) {
        var name = "plan '" + rule.name() + "'";
        if (rule.paths().isEmpty()) {
            return Optional.of(name);
        }
        if (changedFiles.isEmpty()) {
            return Optional.of(name + " (changed paths not known, so its paths " + String.join(", ", rule.paths())
                    + " are not checked)");
        }
        var matched = changedFiles.get().stream()
                .filter(file -> rule.paths().stream().anyMatch(glob -> PathGlob.of(glob).matches(file)))
                .toList();
        if (matched.isEmpty()) {
            return Optional.empty();
        }
        var shown = String.join(", ", matched.subList(0, Math.min(PATHS_SHOWN, matched.size())));
        var more = matched.size() > PATHS_SHOWN ? " and " + (matched.size() - PATHS_SHOWN) + " more" : "";
        return Optional.of(name + " (touches " + shown + more + ")");
    }
}
