package dev.labgate.flow;

import dev.labgate.core.lab.Lab;

import java.util.Optional;

/** The labs of the policy in force, by name. */
@FunctionalInterface
public interface Labs {

    Optional<Lab> find(String name);
}
