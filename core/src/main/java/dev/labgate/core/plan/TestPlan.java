package dev.labgate.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The labs and test selections for one head commit, each entry with why it was chosen, in the
 * order of their stages: an entry comes after the entry of the lab it runs after.
 */
public record TestPlan(List<Entry> entries) {

    /**
     * One lab to use.
     *
     * @param lab the lab's name in the policy
     * @param tests the lab-specific test selection (may be empty: the lab's default)
     * @param why the policy rule (and changed paths) that selected it, for the summary
     * @param after the lab whose run must pass before this one starts, and whose artifacts it uses
     */
    public record Entry(String lab, List<String> tests, String why, Optional<String> after) {
        public Entry {
            Objects.requireNonNull(lab, "lab");
            tests = List.copyOf(tests);
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(after, "after");
        }
    }

    public TestPlan {
        entries = List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
