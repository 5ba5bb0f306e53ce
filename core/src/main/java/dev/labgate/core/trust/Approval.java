package dev.labgate.core.trust;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A maintainer's permission to put one head commit of a change on lab hardware.
 *
 * @param headSha the approved head; a later push needs a new approval unless its patches are the same
 * @param baseSha the base the change had when it was approved; may be empty when it was not known
 * @param approver the maintainer who wrote {@code /labgate ok-to-test}
 * @param policyVersion the version of the policy under which the approver counted as a maintainer
 * @param patchIds the patch ids of the approved commits, oldest first, to recognize a pure rebase
 * @param carriedFrom the head whose approval this one carries over after a pure rebase; empty for a direct approval
 */
public record Approval(ChangeRef change, String headSha, String baseSha, Person approver, String policyVersion,
                       Instant at, List<String> patchIds, String carriedFrom) {
    public Approval {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(baseSha, "baseSha");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(at, "at");
        patchIds = List.copyOf(patchIds);
        Objects.requireNonNull(carriedFrom, "carriedFrom");
    }
}
