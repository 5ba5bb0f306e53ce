package dev.labgate.config;

import dev.labgate.core.trust.TrustDecision;

import java.util.List;
import java.util.Objects;

/**
 * A decision and every rule consulted on the way to it, in order, for {@code labgate explain}
 * and the logs.
 *
 * @param trail one line per rule consulted: the rule's name, then what it found
 */
public record Judgement(TrustDecision decision, List<String> trail) {
    public Judgement {
        Objects.requireNonNull(decision, "decision");
        trail = List.copyOf(trail);
    }

    public boolean trusted() {
        return decision.trusted();
    }
}
