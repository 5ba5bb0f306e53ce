package dev.labgate.bot;

import dev.labgate.config.PolicySource;

import java.time.Clock;

/**
 * Deletes the artifacts of runs published longer ago than the policy's {@code artifacts.retention};
 * a recurring durable task runs it (one replica at a time).
 */
public final class ArtifactRetention {

    private final PolicySource policies;
    private final PolicyLabs labs;
    private final Clock clock;

    public ArtifactRetention(PolicySource policies, PolicyLabs labs, Clock clock) {
        this.policies = policies;
        this.labs = labs;
        this.clock = clock;
    }

    /** Deletes what has expired; returns how many runs' artifacts it deleted. */
    public int sweep() {
        return labs.artifacts().deleteOlderThan(clock.instant().minus(policies.current().artifacts().retention()));
    }
}
