package dev.labgate.flow;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicySource;
import dev.labgate.kcidb.KnownIssuePattern;
import dev.labgate.kcidb.KnownIssues;

import java.util.function.Supplier;

/**
 * The known issues of the policy in force, as the verdict reads them: a failure they match is
 * listed apart and does not fail the verdict. Read on every use, so a reloaded policy counts at once.
 */
public final class PolicyKnownIssues implements Supplier<KnownIssues> {

    private final PolicySource policies;

    public PolicyKnownIssues(PolicySource policies) {
        this.policies = policies;
    }

    @Override
    public KnownIssues get() {
        return of(policies.current());
    }

    public static KnownIssues of(Policy policy) {
        return KnownIssues.of(policy.knownIssues().stream()
                .map(issue -> new KnownIssuePattern(issue.id(), issue.description(), issue.log().orElse(null),
                        issue.testPath(), null))
                .toList());
    }
}
