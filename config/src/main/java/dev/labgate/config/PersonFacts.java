package dev.labgate.config;

import dev.labgate.core.event.Person;
import dev.labgate.core.forge.Permission;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the forge says about a person, gathered before a decision.
 *
 * @param permission their permission on the repository
 * @param teams for each team the policy names, whether they are a member
 */
public record PersonFacts(Person person, Permission permission, Map<String, Boolean> teams) {
    public PersonFacts {
        Objects.requireNonNull(person, "person");
        Objects.requireNonNull(permission, "permission");
        teams = Map.copyOf(teams);
    }

    /** The first of {@code names} the person is a member of, if any. */
    Optional<String> memberOfAny(List<String> names) {
        return names.stream().filter(t -> teams.getOrDefault(t, false)).findFirst();
    }
}
