package dev.labgate.core.trust;

import java.util.Locale;

/**
 * What a commit's signature proves, in the terms {@code git verify-commit} reaches: only
 * {@link #TRUSTED} lets the commit count as signed.
 */
public enum SignatureVerdict {
    /** A valid signature by a key labgate trusts, neither expired nor revoked. */
    TRUSTED,
    /** The commit carries no signature. */
    UNSIGNED,
    /** The signature is by a key labgate does not know or does not trust. */
    UNTRUSTED_KEY,
    /** The signature does not match the commit: altered content, or not a signature at all. */
    BAD_SIGNATURE,
    /** The signature is by a trusted key that has expired (or was not valid yet). */
    EXPIRED_KEY,
    /** The signature is by a trusted key that its owner revoked. */
    REVOKED_KEY;

    /** The verdict as users read and write it: {@code untrusted-key}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
