package dev.labgate.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A test plan entry: run {@code tests} on {@code lab}, for every change or only for changes that
 * touch {@code paths}.
 *
 * @param name how the summary names the rule that selected a run
 * @param paths globs over repository paths ({@code drivers/net/**}); empty means every change
 * @param after the lab whose run must pass first (a later stage: a boot after its build); empty for none
 */
public record PlanRule(String name, String lab, List<String> tests, List<String> paths, Optional<String> after) {
    public PlanRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lab, "lab");
        tests = List.copyOf(tests);
        paths = List.copyOf(paths);
        Objects.requireNonNull(after, "after");
    }
}
