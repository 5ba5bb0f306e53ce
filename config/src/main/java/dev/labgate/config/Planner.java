package dev.labgate.config;

import dev.labgate.core.plan.TestPlan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the labs and tests for a head commit from the policy's plans and the paths the change
 * touches. Pure. Plans that name the same lab are merged: one run per lab and head, with every
 * selected test, and every rule that selected it in the "why". A lab that runs after another
 * brings that lab into the plan too (a boot needs its build), and the entries come in the order
 * of their stages.
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
        for (var lab : List.copyOf(tests.keySet())) {
            needed(policy, lab, tests, whys);
        }
        var entries = new ArrayList<TestPlan.Entry>();
        var placed = new HashSet<String>();
        tests.keySet().forEach(lab -> place(policy, lab, tests, whys, entries, placed));
        return new TestPlan(entries);
    }

    /** Brings in the lab {@code lab} runs after, and the one that lab runs after, with why. */
    private static void needed(Policy policy, String lab, Map<String, List<String>> tests,
                               Map<String, List<String>> whys) {
        var after = policy.after(lab);
        if (after.isEmpty() || tests.containsKey(after.get())) {
            return;
        }
        var dependency = after.get();
        tests.put(dependency, policy.plans().stream().filter(p -> p.lab().equals(dependency))
                .flatMap(p -> p.tests().stream()).toList());
        whys.put(dependency, new ArrayList<>(List.of("needed before " + lab)));
        needed(policy, dependency, tests, whys);
    }

    /** Adds the entry of {@code lab} after the entry of the lab it runs after. The policy has no cycles. */
    private static void place(Policy policy, String lab, Map<String, List<String>> tests,
                              Map<String, List<String>> whys, List<TestPlan.Entry> entries, Set<String> placed) {
        if (placed.contains(lab)) {
            return;
        }
        var after = policy.after(lab);
        after.ifPresent(dependency -> place(policy, dependency, tests, whys, entries, placed));
        placed.add(lab);
        entries.add(new TestPlan.Entry(lab, tests.get(lab).stream().distinct().toList(),
                String.join("; ", whys.get(lab)), after));
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
