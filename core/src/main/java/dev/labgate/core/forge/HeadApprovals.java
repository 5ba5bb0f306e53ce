package dev.labgate.core.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;

import java.time.Instant;
import java.util.List;

/**
 * Approvals that the forge itself keeps for one head commit of a change, for a job that keeps no
 * state of its own ({@code labgate action}). Each is bound to the head as the forge shows it: a
 * GitHub review carries the commit it was given on; a GitLab note is placed on the head that the
 * merge request had when the note was written. Whether the person counts as a maintainer is for
 * the trust rules to decide, not for the forge. Failures throw {@link ForgeException}.
 */
public interface HeadApprovals {

    /**
     * One approval as the forge shows it.
     *
     * @param how what the person did, in words ("approving review 42", "/labgate ok-to-test in note 7")
     */
    record Given(Person by, Instant at, String how) {
    }

    /** Every approval of exactly {@code headSha}, oldest first; none of an earlier head counts. */
    List<Given> approvalsOf(ChangeRef change, String headSha);
}
