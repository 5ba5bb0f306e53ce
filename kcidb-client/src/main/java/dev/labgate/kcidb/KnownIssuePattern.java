package dev.labgate.kcidb;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An operator's known issue: a failure whose log excerpt and test path match is listed as known
 * and does not fail the verdict. Each regular expression is searched for anywhere in its text
 * (anchor it with {@code ^...$} to match the whole); when both are given, both must match.
 *
 * @param id a short name, shown next to each failure it matches
 * @param description what the issue is, for the summary; may be empty
 * @param logExcerpt searched in the KCIDB {@code log_excerpt} of the failure; null to ignore the log
 * @param testPath searched in the test path ({@code build} for a build); null to ignore the path
 * @param url where the issue is tracked; may be null
 */
public record KnownIssuePattern(String id, String description, Pattern logExcerpt, Pattern testPath, String url) {

    public KnownIssuePattern {
        Objects.requireNonNull(id, "id");
        description = description == null ? "" : description;
        if (logExcerpt == null && testPath == null) {
            throw new IllegalArgumentException("known issue '" + id + "' needs a log_excerpt or a test_path pattern");
        }
    }

    /**
     * A pattern from the operator's text.
     *
     * @throws IllegalArgumentException naming the issue and the bad expression, when one does not compile
     */
    public static KnownIssuePattern of(String id, String description, String logExcerpt, String testPath, String url) {
        return new KnownIssuePattern(id, description, compile(id, "log_excerpt", logExcerpt),
                compile(id, "test_path", testPath), url);
    }

    /** Whether a failure with this path and log excerpt (null when it has none) is this issue. */
    public boolean matches(String path, String excerpt) {
        if (testPath != null && !testPath.matcher(path).find()) {
            return false;
        }
        return logExcerpt == null || excerpt != null && logExcerpt.matcher(excerpt).find();
    }

    private static Pattern compile(String id, String field, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("known issue '" + id + "': " + field + " is not a regular expression: "
                    + e.getDescription() + " near index " + e.getIndex(), e);
        }
    }
}
