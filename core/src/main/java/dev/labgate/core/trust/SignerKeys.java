package dev.labgate.core.trust;

import dev.labgate.core.forge.SigningKey;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys whose signatures labgate trusts for one decision.
 *
 * @param openPgpKeyring an ASCII-armored OpenPGP keyring file kept by the operator
 * @param sshAllowedSigners an OpenSSH allowed-signers file kept by the operator
 * @param forgeKeys keys the forge lists for trusted users, each with the account it belongs to
 */
public record SignerKeys(Optional<Path> openPgpKeyring, Optional<Path> sshAllowedSigners, List<ForgeKey> forgeKeys) {

    /** No key at all: every signature is by an untrusted key. */
    public static final SignerKeys NONE = new SignerKeys(Optional.empty(), Optional.empty(), List.of());

    /** A key the forge lists for an account. */
    public record ForgeKey(String owner, SigningKey key) {
        public ForgeKey {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(key, "key");
        }
    }

    public SignerKeys {
        Objects.requireNonNull(openPgpKeyring, "openPgpKeyring");
        Objects.requireNonNull(sshAllowedSigners, "sshAllowedSigners");
        forgeKeys = List.copyOf(forgeKeys);
    }
}
