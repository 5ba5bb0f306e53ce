package dev.labgate.core.review;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What labgate has to say about the lines of one head of a change: the findings of its labs, and
 * how the policy wants them posted.
 *
 * @param headSha the head the findings were found at; the review is written against its diff
 * @param findings what the labs found at that head and not at the base (when the base was tested)
 * @param maxComments how many new comments one review may place on lines; the rest are listed in its body
 * @param requestChangesAt the severity from which a new finding requests changes (GitHub); empty: never
 * @param detailsUrl where the whole report is (the run page), or null when no public URL is configured
 */
public record Review(String headSha, List<Finding> findings, int maxComments,
                     Optional<Finding.Severity> requestChangesAt, String detailsUrl) {

    public Review {
        Objects.requireNonNull(headSha, "headSha");
        findings = List.copyOf(findings);
        Objects.requireNonNull(requestChangesAt, "requestChangesAt");
        if (maxComments < 0) {
            throw new IllegalArgumentException("maxComments must not be negative");
        }
    }

    /** Whether a finding of this severity, new at this head, requests changes. */
    public boolean blocks(Finding finding) {
        return requestChangesAt.map(finding.severity()::atLeast).orElse(false);
    }
}
