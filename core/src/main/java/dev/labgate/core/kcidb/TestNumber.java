package dev.labgate.core.kcidb;

/** A numeric output of a test; {@code prefix} is {@code metric} or {@code binary}. */
public record TestNumber(Number value, String prefix, String unit) {
}
