package dev.labgate.forge.git;

import dev.labgate.core.trust.SignatureVerdict;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Provider;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * Verifies an OpenPGP commit signature against {@link OpenPgpKeys}, reaching the verdicts gpg
 * reports to {@code git verify-commit}: a signature that does not verify is bad whatever the key;
 * a good signature by a revoked key or by a key that has expired by now is not trusted; a key
 * that is not in the keyring is unknown. Subkeys count only when bound to their primary key
 * (and cross-certified, for signing subkeys), as gpg requires.
 */
final class OpenPgpVerifier {

    /** Bouncy Castle is passed as an object to the builders; it is never registered globally. */
    private static final Provider BC = new BouncyCastleProvider();

    private final JcaPGPContentVerifierBuilderProvider verifiers = new JcaPGPContentVerifierBuilderProvider()
            .setProvider(BC);

    Verification verify(SignedCommit commit, OpenPgpKeys keys, Instant now) {
        PGPSignature signature;
        try {
            signature = parse(commit.signature().orElseThrow());
        } catch (IOException | PGPException | RuntimeException e) {
            return Verification.of(SignatureVerdict.BAD_SIGNATURE, "", "not an OpenPGP signature: " + e.getMessage());
        }
        var keyId = issuer(signature);
        var certificate = keys.find(keyId);
        if (certificate.isEmpty()) {
            return Verification.of(SignatureVerdict.UNTRUSTED_KEY, "", "signed with key " + hex(keyId)
                    + ", which is not among the trusted keys");
        }
        var ring = certificate.get().ring();
        var primary = ring.getPublicKey();
        var key = ring.getPublicKey(keyId);
        var signer = OpenPgpKeys.userId(primary);
        var keyName = "key " + HexFormat.of().withUpperCase().formatHex(key.getFingerprint())
                + " (" + certificate.get().source() + ")";
        try {
            signature.init(verifiers, key);
            signature.update(commit.payload());
            if (!signature.verify()) {
                return Verification.of(SignatureVerdict.BAD_SIGNATURE, signer, "the signature by " + keyName
                        + " does not match the commit's content");
            }
        } catch (PGPException | RuntimeException e) {
            return Verification.of(SignatureVerdict.BAD_SIGNATURE, signer, "the signature by " + keyName
                    + " cannot be checked: " + e.getMessage());
        }
        if (key != primary && !bound(primary, key)) {
            return Verification.of(SignatureVerdict.UNTRUSTED_KEY, signer, keyName + " is a subkey without a valid "
                    + "binding to its primary key");
        }
        if (revoked(primary, primary) || key != primary && revoked(primary, key)) {
            return Verification.of(SignatureVerdict.REVOKED_KEY, signer, keyName + " was revoked");
        }
        var expiry = expiry(primary);
        var keyExpiry = key == primary ? expiry : earliest(expiry, expiry(key));
        if (keyExpiry.isPresent() && !now.isBefore(keyExpiry.get())) {
            return Verification.of(SignatureVerdict.EXPIRED_KEY, signer, keyName + " expired on " + keyExpiry.get());
        }
        if (signature.getHashedSubPackets() != null && signature.getHashedSubPackets().getSignatureExpirationTime() > 0
                && !now.isBefore(signature.getCreationTime().toInstant()
                .plusSeconds(signature.getHashedSubPackets().getSignatureExpirationTime()))) {
            return Verification.of(SignatureVerdict.EXPIRED_KEY, signer, "the signature by " + keyName + " expired");
        }
        return Verification.of(SignatureVerdict.TRUSTED, signer, "good signature by " + keyName);
    }

    private static PGPSignature parse(byte[] armored) throws IOException, PGPException {
        try (var in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            var object = new JcaPGPObjectFactory(in).nextObject();
            if (object instanceof PGPSignatureList list && !list.isEmpty()) {
                return list.get(0);
            }
            throw new PGPException("no signature packet");
        }
    }

    /** The signing key's id: from the issuer fingerprint subpacket when present, else the issuer key id. */
    private static long issuer(PGPSignature signature) {
        var hashed = signature.getHashedSubPackets();
        if (hashed != null && hashed.getIssuerFingerprint() != null) {
            return hashed.getIssuerFingerprint().getKeyID();
        }
        return signature.getKeyID();
    }

    private boolean bound(PGPPublicKey primary, PGPPublicKey subkey) {
        for (var binding : signatures(subkey, PGPSignature.SUBKEY_BINDING)) {
            try {
                binding.init(verifiers, primary);
                if (!binding.verifyCertification(primary, subkey)) {
                    continue;
                }
                var flags = binding.getHashedSubPackets() == null ? 0 : binding.getHashedSubPackets().getKeyFlags();
                if ((flags & KeyFlags.SIGN_DATA) == 0 || crossCertified(binding, primary, subkey)) {
                    return true;
                }
            } catch (PGPException | RuntimeException e) {
                // A binding that cannot be checked binds nothing; another may.
            }
        }
        return false;
    }

    /** A signing subkey must sign its primary key back (an embedded primary-key binding signature). */
    private boolean crossCertified(PGPSignature binding, PGPPublicKey primary, PGPPublicKey subkey) {
        for (var vector : new PGPSignatureSubpacketVector[]{binding.getHashedSubPackets(),
                binding.getUnhashedSubPackets()}) {
            if (vector == null || vector.getSubpacket(SignatureSubpacketTags.EMBEDDED_SIGNATURE) == null) {
                continue;
            }
            try {
                for (var back : vector.getEmbeddedSignatures()) {
                    if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING) {
                        back.init(verifiers, subkey);
                        if (back.verifyCertification(primary, subkey)) {
                            return true;
                        }
                    }
                }
            } catch (PGPException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code key} carries a revocation made by {@code primary} that verifies. */
    private boolean revoked(PGPPublicKey primary, PGPPublicKey key) {
        var type = key == primary ? PGPSignature.KEY_REVOCATION : PGPSignature.SUBKEY_REVOCATION;
        for (var revocation : signatures(key, type)) {
            try {
                revocation.init(verifiers, primary);
                var valid = key == primary ? revocation.verifyCertification(primary)
                        : revocation.verifyCertification(primary, key);
                if (valid) {
                    return true;
                }
            } catch (PGPException | RuntimeException e) {
                // A revocation that cannot be checked revokes nothing.
            }
        }
        return false;
    }

    /** When the key expires, from its newest self-signature; empty when it never does. */
    private static Optional<Instant> expiry(PGPPublicKey key) {
        var seconds = key.getValidSeconds();
        return seconds > 0 ? Optional.of(key.getCreationTime().toInstant().plusSeconds(seconds)) : Optional.empty();
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }

    private static Iterable<PGPSignature> signatures(PGPPublicKey key, int type) {
        return () -> {
            Iterator<PGPSignature> it = key.getSignaturesOfType(type);
            return it;
        };
    }

    private static String hex(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }
}
