package dev.labgate.config;

import java.util.List;
import java.util.Objects;

/**
 * A test plan entry: run {@code tests} on {@code lab}, for every change or only for changes that
 * touch {@code paths}.
 *
 * @param name how the summary names the rule that selected a run
 * @param paths globs over repository paths ({@code drivers/net/**}); empty means every change
 */
public record PlanRule(String name, String lab, List<String> tests, List<String> paths) {
    public PlanRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lab, "lab");
        tests = List.copyOf(tests);
        paths = List.copyOf(paths);
    }
}
