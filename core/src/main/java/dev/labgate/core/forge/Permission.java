package dev.labgate.core.forge;

import java.util.Objects;

/**
 * A person's permission on a repository, in GitHub's terms (GitLab access levels map onto them:
 * Guest and Reporter to READ, Developer to WRITE, Maintainer to MAINTAIN, Owner to ADMIN).
 *
 * @param reason how the forge granted it, in words ("collaborator with write access")
 */
public record Permission(Level level, String reason) {

    public enum Level {
        NONE, READ, TRIAGE, WRITE, MAINTAIN, ADMIN;

        public boolean atLeast(Level other) {
            return compareTo(other) >= 0;
        }
    }

    public Permission {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(reason, "reason");
    }
}
