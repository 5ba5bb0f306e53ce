package dev.labgate.core.trust;

import java.util.Objects;

/**
 * What labgate found out about one commit of a change.
 *
 * @param commit the commit id (40 hex)
 * @param patchId the {@code git patch-id --stable} of the commit's diff against its first parent; equal
 *                patch ids mean the same change, whatever it was rebased onto
 * @param verdict what its signature proves
 * @param signer who signed, as the key names them (a user id, or an allowed-signers principal); empty when unknown
 * @param detail why, in words, e.g. "key 0x1234ABCD was revoked"; may be empty
 */
public record CommitCheck(String commit, String patchId, SignatureVerdict verdict, String signer, String detail) {
    public CommitCheck {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(patchId, "patchId");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(detail, "detail");
    }

    /** The commit's id shortened for messages. */
    public String shortCommit() {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
