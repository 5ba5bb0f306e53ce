package dev.labgate.core.review;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What labgate has to say about the lines of one head of a change: the findings of its labs, and
 * how the policy wants them posted.
 *
 * @param headSha the head the findings were found at; the review is written against its diff
 * @param findings what the labs found at that head; only what the base did not have when {@code compared}
 * @param compared whether the findings were compared with the base's, so that all of them are new in
 *                 the change; without that, findings in files the change does not touch are only counted
 * @param maxComments how many new comments one review may place on lines; the rest are listed in its body
 * @param requestChangesAt the severity from which a new finding requests changes (GitHub); empty: never
 * @param detailsUrl where the whole report is (the run page), or null when no public URL is configured
 */
public record Review(String headSha, List<Finding> findings, boolean compared, int maxComments,
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
