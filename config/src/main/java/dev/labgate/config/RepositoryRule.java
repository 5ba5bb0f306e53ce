package dev.labgate.config;

import java.util.List;
import java.util.Objects;

/**
 * A repository labgate serves.
 *
 * @param forge the forge's configured name ({@code github}, {@code gitlab})
 * @param name the repository path on that forge
 * @param stagingBranches branch names whose pushes are tested
 */
public record RepositoryRule(String forge, String name, List<String> stagingBranches) {
    public RepositoryRule {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(name, "name");
        stagingBranches = List.copyOf(stagingBranches);
    }
}
