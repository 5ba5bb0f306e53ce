package dev.labgate.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository labgate serves.
 *
 * @param forge the forge's configured name ({@code github}, {@code gitlab})
 * @param name the repository path on that forge
 * @param stagingBranches branch names whose pushes are tested
 * @param extension the path of a policy extension read from the repository's default branch, if the
 *                  operator allows one
 */
public record RepositoryRule(String forge, String name, List<String> stagingBranches, Optional<String> extension) {
    public RepositoryRule {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(name, "name");
        stagingBranches = List.copyOf(stagingBranches);
        Objects.requireNonNull(extension, "extension");
    }

    /** Whether {@code ref} (a full ref or a branch name) is one of the staging branches. */
    public boolean isStaging(String ref) {
        var branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        return stagingBranches.contains(branch);
    }
}
