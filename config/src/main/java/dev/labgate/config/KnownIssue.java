package dev.labgate.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A failure everybody knows about: a test whose path matches {@code testPath} (and whose log
 * matches {@code log}, when given) is reported under this issue instead of failing the verdict.
 */
public record KnownIssue(String id, Pattern testPath, Optional<Pattern> log, String description) {
    public KnownIssue {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(testPath, "testPath");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(description, "description");
    }
}
