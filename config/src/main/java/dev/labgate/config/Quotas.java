package dev.labgate.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Limits that hold even for trusted authors (rule 7).
 *
 * @param runsPerAuthorPerDay the most runs admitted for one author's changes per UTC day
 * @param concurrentRunsPerLab the most active runs on a lab that sets no {@code max-concurrent} of its own
 */
public record Quotas(Optional<Integer> runsPerAuthorPerDay, Optional<Integer> concurrentRunsPerLab) {

    public static final Quotas NONE = new Quotas(Optional.empty(), Optional.empty());

    public Quotas {
        Objects.requireNonNull(runsPerAuthorPerDay, "runsPerAuthorPerDay");
        Objects.requireNonNull(concurrentRunsPerLab, "concurrentRunsPerLab");
    }
}
