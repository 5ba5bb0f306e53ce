package dev.labgate.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may use a lab and how much.
 *
 * @param tier who may have changes tested there
 * @param maxConcurrent the most runs the lab takes at once; empty for the policy's default quota
 * @param retries how many times a run is handed to the lab again after an infrastructure failure
 */
public record LabAccess(Tier tier, Optional<Integer> maxConcurrent, int retries) {

    /** Open to any trusted author, no own limit, two retries. */
    public static final LabAccess DEFAULT = new LabAccess(Tier.TRUSTED, Optional.empty(), 2);

    public enum Tier {
        /** Any change that is trusted (by permission, by name, by team, or by a maintainer's approval). */
        TRUSTED("trusted"),
        /** Only changes whose author is a maintainer: expensive or fragile hardware. */
        MAINTAINERS("maintainers");

        private final String word;

        Tier(String word) {
            this.word = word;
        }

        /** How the policy file spells it. */
        public String word() {
            return word;
        }
    }

    public LabAccess {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(maxConcurrent, "maxConcurrent");
    }
}
