package dev.labgate.core.forge;

import dev.labgate.core.review.Finding;

import java.util.List;
import java.util.Objects;

/**
 * A commit status as a contributor sees it next to a commit.
 *
 * @param context the status name, {@code labgate/<lab>}
 * @param description one line a human reads (forges cut it at 140 characters)
 * @param targetUrl where "Details" leads; may be null when no public URL is configured
 * @param details a longer Markdown account (what failed, with links), empty when there is nothing
 *                more to say; shown where the forge has room for it (GitHub check runs), else dropped
 * @param annotations findings of the run to show on the lines they name, where the forge has a place
 *                    for them (GitHub check run annotations), else dropped
 */
public record CommitStatus(String context, State state, String description, String targetUrl, String details,
                           List<Finding> annotations) {

    public static final int MAX_DESCRIPTION = 140;

    public enum State {
        PENDING, SUCCESS, FAILURE, ERROR;

        public boolean isFinal() {
            return this != PENDING;
        }
    }

    public CommitStatus {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(description, "description");
        if (description.length() > MAX_DESCRIPTION) {
            description = description.substring(0, MAX_DESCRIPTION - 1) + "…";
        }
        details = details == null ? "" : details;
        annotations = annotations == null ? List.of() : List.copyOf(annotations);
    }

    public CommitStatus(String context, State state, String description, String targetUrl, String details) {
        this(context, state, description, targetUrl, details, List.of());
    }

    public CommitStatus(String context, State state, String description, String targetUrl) {
        this(context, state, description, targetUrl, "", List.of());
    }

    public CommitStatus withDetails(String markdown) {
        return new CommitStatus(context, state, description, targetUrl, markdown, annotations);
    }

    public CommitStatus withAnnotations(List<Finding> findings) {
        return new CommitStatus(context, state, description, targetUrl, details, findings);
    }
}
