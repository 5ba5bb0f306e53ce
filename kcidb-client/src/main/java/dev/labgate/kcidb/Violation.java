package dev.labgate.kcidb;

import java.util.Objects;

/**
 * One way a KCIDB document breaks the v5.3 schema.
 *
 * @param path where, as a JSON path from the document root: {@code $.tests[3].build_id}
 * @param message what is wrong, for a human
 */
public record Violation(String path, String message) {

    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
