package dev.labgate.core.trust;

import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;

import java.time.Instant;
import java.util.Objects;

/**
 * One trust decision as the audit keeps it: who asked for which commit to reach which lab, which
 * rule decided, and whether it was allowed.
 *
 * @param id derived from what makes the decision unique, so that a repeated step records it once
 * @param subjectKey the change or branch, e.g. {@code github:acme/linux#7}
 * @param who the author, pusher or approver the decision is about
 * @param lab the lab asked for; empty for a decision about the commit as a whole
 * @param runId the run the decision admitted; empty when none
 * @param policyVersion the version of the policy in force
 * @param deliveryId the delivery that led to the decision, for log correlation; may be empty
 */
public record AuditEntry(String id, Instant at, RepoRef repo, String subjectKey, String headSha, Person who,
                         String lab, String runId, String rule, TrustDecision.Outcome outcome, String reason,
                         String policyVersion, String deliveryId) {
    public AuditEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(lab, "lab");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(deliveryId, "deliveryId");
    }

    public boolean allowed() {
        return outcome == TrustDecision.Outcome.TRUSTED;
    }
}
