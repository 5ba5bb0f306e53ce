package dev.labgate.core.kcidb;

/** Which layers an issue blames. */
public record Culprit(Boolean code, Boolean tool, Boolean harness) {
}
