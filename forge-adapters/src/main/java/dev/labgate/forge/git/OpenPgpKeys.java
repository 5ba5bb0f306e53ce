package dev.labgate.forge.git;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OpenPGP public keys labgate trusts: an operator's keyring file and keys a forge lists for
 * trusted people. Never the host's GnuPG home. Immutable and thread-safe.
 */
public final class OpenPgpKeys {

    private static final Pattern ARMOR_BLOCK = Pattern.compile(
            "-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", Pattern.DOTALL);

    /** A certificate and where it came from ("keyring", or the forge account it belongs to). */
    record Certificate(PGPPublicKeyRing ring, String source) {
    }

    private final Map<Long, Certificate> byKeyId;

    private OpenPgpKeys(Map<Long, Certificate> byKeyId) {
        this.byKeyId = Map.copyOf(byKeyId);
    }

    public static OpenPgpKeys none() {
        return new OpenPgpKeys(Map.of());
    }

    /**
     * Reads a keyring file: one or more armored public key blocks (as {@code gpg --export --armor}
     * writes them), or binary public keyrings.
     *
     * @throws IOException when the file cannot be read or holds no valid key
     */
    public static OpenPgpKeys load(Path file) throws IOException {
        return none().with(Files.readAllBytes(file), "keyring " + file.getFileName());
    }

    /** These keys and those of {@code material} (armored or binary), labelled with {@code source}. */
    public OpenPgpKeys with(byte[] material, String source) throws IOException {
        var all = new HashMap<>(byKeyId);
        var text = new String(material, StandardCharsets.ISO_8859_1);
        var blocks = new ArrayList<byte[]>();
        var matcher = ARMOR_BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(matcher.group().getBytes(StandardCharsets.ISO_8859_1));
        }
        if (blocks.isEmpty()) {
            blocks.add(material);
        }
        int found = 0;
        for (var block : blocks) {
            for (var ring : rings(new ByteArrayInputStream(block))) {
                var certificate = new Certificate(ring, source);
                for (var key : ring) {
                    all.put(key.getKeyID(), certificate);
                }
                found++;
            }
        }
        if (found == 0) {
            throw new IOException("no OpenPGP public key in " + source);
        }
        return new OpenPgpKeys(all);
    }

    Optional<Certificate> find(long keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    /** How many keys (primary keys and subkeys) are known. */
    public int size() {
        return byKeyId.size();
    }

    private static List<PGPPublicKeyRing> rings(InputStream in) throws IOException {
        var rings = new ArrayList<PGPPublicKeyRing>();
        try (var decoded = PGPUtil.getDecoderStream(in)) {
            var factory = new JcaPGPObjectFactory(decoded);
            Object next;
            while ((next = nextObject(factory)) != null) {
                if (next instanceof PGPPublicKeyRing ring) {
                    rings.add(ring);
                }
            }
        }
        return rings;
    }

    private static Object nextObject(JcaPGPObjectFactory factory) throws IOException {
        try {
            return factory.nextObject();
        } catch (IOException | RuntimeException e) {
            // Secret keys, trust packets and garbage after the keys end the list; what was read stays.
            return null;
        }
    }

    static String userId(PGPPublicKey primary) {
        var ids = primary.getUserIDs();
        return ids.hasNext() ? ids.next() : "";
    }
}
