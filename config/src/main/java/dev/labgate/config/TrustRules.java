package dev.labgate.config;

import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.trust.TrustDecision;

/** Decides whether a person's change may reach lab hardware. Pure: every fact is passed in. */
public final class TrustRules {

    /** Rule: the author has at least the configured permission on the repository, as the forge says. */
    public static final String FORGE_PERMISSION = "forge-permission";

    public TrustDecision decide(Policy policy, RepoRef repo, Person author, Permission permission) {
        var needed = policy.trust().minPermission();
        if (permission.level().atLeast(needed)) {
            return TrustDecision.trusted(FORGE_PERMISSION, author + " has " + level(permission.level())
                    + " access to " + repo.fullName() + " (" + permission.reason() + ")");
        }
        return TrustDecision.needsApproval(FORGE_PERMISSION, author + " does not have " + level(needed)
                + " access to " + repo.fullName() + " (" + permission.reason()
                + "); a maintainer can approve this commit with /labgate ok-to-test");
    }

    private static String level(Permission.Level level) {
        return level.name().toLowerCase();
    }
}
