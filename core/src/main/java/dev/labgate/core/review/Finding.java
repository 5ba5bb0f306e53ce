package dev.labgate.core.review;

import java.util.Locale;
import java.util.Objects;

/**
 * One problem a tool reported at a place in the source: a checkpatch warning, a compiler or
 * static-analysis diagnostic, a failed KUnit expectation.
 *
 * @param path the file as the tool named it, relative to the tree when the tool printed it so
 *             (absolute build paths are matched against the change's files later)
 * @param line the first line, 1-based
 * @param column the column, 1-based; 0 when the tool did not say
 * @param endLine the last line; equal to {@code line} for a one-line finding
 * @param message what the tool said, as it said it (several lines for some tools)
 * @param tool who said it: {@code checkpatch}, {@code gcc}, {@code clang}, {@code sparse},
 *             {@code smatch}, {@code kunit}, {@code kselftest}
 */
public record Finding(String path, int line, int column, int endLine, Severity severity, String message,
                      String tool) {

    /** How much a finding should worry a reviewer, in the words of a check run annotation. */
    public enum Severity {
        NOTICE, WARNING, ERROR;

        public boolean atLeast(Severity other) {
            return compareTo(other) >= 0;
        }

        /** {@code error}, {@code warning}, {@code notice}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Tools print whole logs; a finding keeps what a reviewer reads, not a screenful. */
    public static final int MAX_MESSAGE = 1_000;

    public Finding {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(tool, "tool");
        path = path.startsWith("./") ? path.substring(2) : path;
        if (path.isBlank()) {
            throw new IllegalArgumentException("a finding needs a path");
        }
        if (line < 1) {
            throw new IllegalArgumentException("a finding's line starts at 1, not " + line);
        }
        column = Math.max(0, column);
        endLine = Math.max(line, endLine);
        message = message.strip();
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
    }

    /** A finding on one line. */
    public static Finding at(String path, int line, int column, Severity severity, String message, String tool) {
        return new Finding(path, line, column, line, severity, message, tool);
    }

    /** {@code path:line} or {@code path:line:column}, as compilers print it. */
    public String location() {
        return path + ":" + line + (column > 0 ? ":" + column : "");
    }

    /** The same finding at another path (the change's name for the file the tool named). */
    public Finding withPath(String newPath) {
        return new Finding(newPath, line, column, endLine, severity, message, tool);
    }
}
