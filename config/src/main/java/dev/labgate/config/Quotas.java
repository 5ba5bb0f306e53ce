package dev.labgate.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Limits that hold even for trusted authors (rule 7).
 *
 * @param runsPerAuthorPerDay the most runs admitted for one author's changes per UTC day
 * @param concurrentRunsPerLab the most active runs on a lab that sets no {@code max-concurrent} of its own
 * @param retestsPerHead how many times one head commit may be tested again on request
 *     ({@code /labgate retest} or {@code test}) after its first round
 */
public record Quotas(Optional<Integer> runsPerAuthorPerDay, Optional<Integer> concurrentRunsPerLab,
                     int retestsPerHead) {

    public static final int DEFAULT_RETESTS_PER_HEAD = 3;
    public static final Quotas NONE = new Quotas(Optional.empty(), Optional.empty(), DEFAULT_RETESTS_PER_HEAD);

    public Quotas {
        Objects.requireNonNull(runsPerAuthorPerDay, "runsPerAuthorPerDay");
        Objects.requireNonNull(concurrentRunsPerLab, "concurrentRunsPerLab");
    }
}
