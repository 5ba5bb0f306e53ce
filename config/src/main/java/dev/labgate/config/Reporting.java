package dev.labgate.config;

import dev.labgate.core.review.Finding;

import java.util.Objects;
import java.util.Optional;

/**
 * What labgate writes back to the forge.
 *
 * @param statuses whether each lab's run is shown as a commit status ({@code labgate/<lab>})
 * @param summaryComment whether the change gets one summary comment, edited in place
 * @param review how the findings of a change's head are put on its lines
 */
public record Reporting(boolean statuses, boolean summaryComment, Review review) {

    public static final Reporting DEFAULT = new Reporting(true, true, Review.DEFAULT);

    /**
     * Reviews of a change's findings.
     *
     * @param enabled whether findings are posted as review comments (GitHub) or discussions (GitLab) at all
     * @param maxComments how many new comments on lines one review may have; the rest are listed in its body
     * @param requestChangesAt from which severity a new finding makes the GitHub review request changes;
     *                         empty: reviews only comment
     */
    public record Review(boolean enabled, int maxComments, Optional<Finding.Severity> requestChangesAt) {

        public static final Review DEFAULT = new Review(true, 10, Optional.empty());

        public Review {
            Objects.requireNonNull(requestChangesAt, "requestChangesAt");
        }
    }

    public Reporting {
        Objects.requireNonNull(review, "review");
    }
}
