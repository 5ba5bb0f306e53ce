package dev.labgate.config;

/** Where the policy in force comes from. {@link #current()} is cheap and safe from any thread. */
@FunctionalInterface
public interface PolicySource {

    Policy current();
}
