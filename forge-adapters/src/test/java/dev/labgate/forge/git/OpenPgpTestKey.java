package dev.labgate.forge.git;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * An OpenPGP key made in the test, the way gpg makes one: an Ed25519 primary key certified for a
 * user id, optionally with an expiry, a revocation, or a separate signing subkey.
 */
final class OpenPgpTestKey {

    private static final Provider BC = new BouncyCastleProvider();

    final String userId;
    final PGPKeyPair primary;
    /** The key that signs commits: the primary key or its signing subkey. */
    final PGPKeyPair signing;
    private PGPPublicKeyRing ring;

    private OpenPgpTestKey(String userId, PGPKeyPair primary, PGPKeyPair signing, PGPPublicKeyRing ring) {
        this.userId = userId;
        this.primary = primary;
        this.signing = signing;
        this.ring = ring;
    }

    static OpenPgpTestKey create(String userId, Instant created, Duration validFor) {
        return create(userId, created, validFor, false);
    }

    /** A key created at {@code created}; it expires after {@code validFor} unless that is null. */
    static OpenPgpTestKey create(String userId, Instant created, Duration validFor, boolean signingSubkey) {
        try {
            return create(userId, created, validFor, signingSubkey, keyPair(created));
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RSA key of {@code bits} bits, as many kernel maintainers still use. */
    static OpenPgpTestKey rsa(String userId, Instant created, int bits) {
        try {
            var generator = KeyPairGenerator.getInstance("RSA", BC);
            generator.initialize(bits);
            return create(userId, created, null, false, new JcaPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL,
                    generator.generateKeyPair(), Date.from(created)));
        } catch (PGPException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OpenPgpTestKey create(String userId, Instant created, Duration validFor, boolean signingSubkey,
                                         PGPKeyPair primary) {
        try {
            var hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(created));
            hashed.setKeyFlags(false, signingSubkey ? KeyFlags.CERTIFY_OTHER : KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            hashed.setPreferredHashAlgorithms(false, new int[]{HashAlgorithmTags.SHA256});
            if (validFor != null) {
                hashed.setKeyExpirationTime(false, validFor.toSeconds());
            }
            var sha1 = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build().get(HashAlgorithmTags.SHA1);
            var generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId, sha1,
                    hashed.generate(), null, signer(primary), null);
            var signing = primary;
            if (signingSubkey) {
                signing = keyPair(created);
                var back = new PGPSignatureGenerator(signer(signing), signing.getPublicKey());
                back.init(PGPSignature.PRIMARYKEY_BINDING, signing.getPrivateKey());
                var backHashed = new PGPSignatureSubpacketGenerator();
                backHashed.setSignatureCreationTime(false, Date.from(created));
                back.setHashedSubpackets(backHashed.generate());
                var backSignature = back.generateCertification(primary.getPublicKey(), signing.getPublicKey());
                var binding = new PGPSignatureSubpacketGenerator();
                binding.setSignatureCreationTime(false, Date.from(created));
                binding.setKeyFlags(false, KeyFlags.SIGN_DATA);
                binding.setEmbeddedSignature(false, backSignature);
                generator.addSubKey(signing, binding.generate(), null);
            }
            return new OpenPgpTestKey(userId, primary, signing, generator.generatePublicKeyRing());
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a revocation of the primary key, made by the key itself. */
    OpenPgpTestKey revoke(Instant at) {
        try {
            var generator = new PGPSignatureGenerator(signer(primary), primary.getPublicKey());
            generator.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
            var hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(at));
            hashed.setIssuerFingerprint(false, primary.getPublicKey());
            generator.setHashedSubpackets(hashed.generate());
            var revocation = generator.generateCertification(ring.getPublicKey());
            ring = PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(ring.getPublicKey(), revocation));
            return this;
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    String armoredPublicKey() {
        try {
            var out = new ByteArrayOutputStream();
            try (var armor = new ArmoredOutputStream(out)) {
                ring.encode(armor);
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A detached, armored signature of {@code payload} made at {@code at}, as {@code gpg -bsa} makes one. */
    byte[] sign(byte[] payload, Instant at) {
        try {
            var generator = new PGPSignatureGenerator(signer(signing), signing.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, signing.getPrivateKey());
            var hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(at));
            hashed.setIssuerFingerprint(false, signing.getPublicKey());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(payload);
            var out = new ByteArrayOutputStream();
            try (var armor = new ArmoredOutputStream(out)) {
                generator.generate().encode(armor);
            }
            return out.toByteArray();
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PGPKeyPair keyPair(Instant created) throws PGPException {
        try {
            var generator = KeyPairGenerator.getInstance("Ed25519", BC);
            return new JcaPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, generator.generateKeyPair(),
                    Date.from(created));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JcaPGPContentSignerBuilder signer(PGPKeyPair key) {
        return new JcaPGPContentSignerBuilder(key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                .setProvider(BC);
    }
}
