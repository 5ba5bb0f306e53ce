package dev.labgate.config;

import java.util.List;
import java.util.Objects;

/**
 * A test plan entry: run {@code tests} on {@code lab}.
 *
 * @param name how the summary names the rule that selected a run
 */
public record PlanRule(String name, String lab, List<String> tests) {
    public PlanRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lab, "lab");
        tests = List.copyOf(tests);
    }
}
