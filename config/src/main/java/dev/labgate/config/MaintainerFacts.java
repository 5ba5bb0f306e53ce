package dev.labgate.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What decides whether a person maintains what a change touches (rule 5).
 *
 * @param maintainersFile the MAINTAINERS file of the default branch, when the policy names one and it exists
 * @param changedFiles the paths the change touches
 */
public record MaintainerFacts(PersonFacts person, Optional<Maintainers> maintainersFile, List<String> changedFiles) {
    public MaintainerFacts {
        Objects.requireNonNull(person, "person");
        Objects.requireNonNull(maintainersFile, "maintainersFile");
        changedFiles = List.copyOf(changedFiles);
    }
}
