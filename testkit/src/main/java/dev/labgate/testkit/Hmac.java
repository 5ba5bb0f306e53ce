package dev.labgate.testkit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** HMAC-SHA256 for the fakes and tests: GitHub's webhook signature, S3's request signatures, kcidb-ng's tokens. */
public final class Hmac {

    private Hmac() {
    }

    /** The hex HMAC-SHA256 of {@code body} under {@code secret}. */
    public static String sha256Hex(String secret, byte[] body) {
        return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** The HMAC-SHA256 of {@code data} under {@code key}. */
    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
