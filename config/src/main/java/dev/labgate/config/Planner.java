package dev.labgate.config;

import dev.labgate.core.plan.TestPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Chooses the labs and tests for a head commit from the policy's plans. Pure. Plans that name the
 * same lab are merged: one run per lab and head, with every selected test.
 */
public final class Planner {

    public TestPlan plan(Policy policy) {
        var tests = new LinkedHashMap<String, List<String>>();
        var whys = new LinkedHashMap<String, List<String>>();
        for (var rule : policy.plans()) {
            tests.computeIfAbsent(rule.lab(), lab -> new ArrayList<>()).addAll(rule.tests());
            whys.computeIfAbsent(rule.lab(), lab -> new ArrayList<>()).add("plan '" + rule.name() + "'");
        }
        var entries = new ArrayList<TestPlan.Entry>();
        tests.forEach((lab, selected) -> entries.add(
                new TestPlan.Entry(lab, selected.stream().distinct().toList(), String.join(", ", whys.get(lab)))));
        return new TestPlan(entries);
    }
}
