package dev.labgate.config;

/**
 * One problem in a policy file, where it is and what to do about it.
 *
 * @param line 1-based line, 0 when the problem is not at one place
 * @param column 1-based column
 * @param path where in the document, e.g. {@code labs.local.timeout}
 * @param suggestion how to fix it; may be empty
 */
public record PolicyError(int line, int column, String path, String message, String suggestion) {

    @Override
    public String toString() {
        var where = line > 0 ? line + ":" + column + ": " : "";
        var at = path.isEmpty() ? "" : path + ": ";
        var hint = suggestion.isEmpty() ? "" : " (" + suggestion + ")";
        return where + at + message + hint;
    }
}
