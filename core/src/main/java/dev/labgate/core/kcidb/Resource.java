package dev.labgate.core.kcidb;

/** A named file at a URL (input, output or patch file). */
public record Resource(String name, String url) {
}
