package dev.labgate.core.trust;

import java.util.Objects;

/**
 * Whether a change at one head commit may reach lab hardware, and why.
 *
 * @param reason written for the contributor ("alice has write access to acme/linux")
 * @param rule the policy rule that decided, e.g. {@code forge-permission}
 */
public record TrustDecision(Outcome outcome, String reason, String rule) {

    public enum Outcome { TRUSTED, NEEDS_APPROVAL, REJECTED }

    public TrustDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(rule, "rule");
    }

    public static TrustDecision trusted(String rule, String reason) {
        return new TrustDecision(Outcome.TRUSTED, reason, rule);
    }

    public static TrustDecision needsApproval(String rule, String reason) {
        return new TrustDecision(Outcome.NEEDS_APPROVAL, reason, rule);
    }

    public static TrustDecision rejected(String rule, String reason) {
        return new TrustDecision(Outcome.REJECTED, reason, rule);
    }

    public boolean trusted() {
        return outcome == Outcome.TRUSTED;
    }
}
