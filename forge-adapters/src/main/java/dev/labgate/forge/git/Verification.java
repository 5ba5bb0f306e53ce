package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;

import java.util.Objects;

/**
 * What one commit's signature proves.
 *
 * @param signer who signed, as the key names them; empty when not known
 * @param detail why, in words (the key, what is wrong with it); may be empty
 */
public record Verification(SignatureVerdict verdict, String signer, String detail) {
    public Verification {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(detail, "detail");
    }

    static Verification of(SignatureVerdict verdict, String signer, String detail) {
        return new Verification(verdict, signer, detail);
    }
}
