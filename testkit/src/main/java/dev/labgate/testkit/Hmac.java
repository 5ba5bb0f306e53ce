package dev.labgate.testkit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** GitHub's webhook signature, computed the way GitHub computes it, for tests that sign deliveries. */
public final class Hmac {

    private Hmac() {
    }

    /** The hex HMAC-SHA256 of {@code body} under {@code secret}. */
    public static String sha256Hex(String secret, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
