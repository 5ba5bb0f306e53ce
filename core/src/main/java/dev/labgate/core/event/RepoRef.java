package dev.labgate.core.event;

import java.util.Objects;

/**
 * A repository on a forge, named the way the forge names it ({@code owner/name} on GitHub,
 * {@code group/subgroup/project} on GitLab).
 *
 * @param forge the configured forge this repository lives on, e.g. {@code github}
 * @param fullName the repository path on that forge
 */
public record RepoRef(String forge, String fullName) {
    public RepoRef {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(fullName, "fullName");
    }

    @Override
    public String toString() {
        return forge + ":" + fullName;
    }
}
