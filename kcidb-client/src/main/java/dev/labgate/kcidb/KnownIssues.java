package dev.labgate.kcidb;

import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;

import java.util.List;

/**
 * What is already known to fail, besides the issues and incidents in the results themselves:
 * the operator's patterns (from the policy) and KCIDB issues and incidents from elsewhere (e.g.
 * the dashboard's issue endpoints).
 */
public record KnownIssues(List<KnownIssuePattern> patterns, List<Issue> issues, List<Incident> incidents) {

    public KnownIssues {
        patterns = List.copyOf(patterns);
        issues = List.copyOf(issues);
        incidents = List.copyOf(incidents);
    }

    public static KnownIssues none() {
        return new KnownIssues(List.of(), List.of(), List.of());
    }

    public static KnownIssues of(List<KnownIssuePattern> patterns) {
        return new KnownIssues(patterns, List.of(), List.of());
    }
}
