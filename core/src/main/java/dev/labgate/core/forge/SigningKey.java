package dev.labgate.core.forge;

import java.util.Objects;

/**
 * A public key a forge lists for a person, for verifying their commit signatures.
 *
 * @param publicKey an ASCII-armored OpenPGP public key block, or an SSH public key line
 * @param id the forge's key id or fingerprint, for messages
 */
public record SigningKey(Kind kind, String publicKey, String id) {

    public enum Kind { OPENPGP, SSH }

    public SigningKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(id, "id");
    }
}
