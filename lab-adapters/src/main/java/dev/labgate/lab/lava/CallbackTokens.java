package dev.labgate.lab.lava;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Per-run callback secrets: the token a LAVA job presents when it calls labgate back is an
 * HMAC-SHA256 of the run id under labgate's callback key. Any replica holding the key can check a
 * token without storing anything, and a token that leaks (it is written into the job definition)
 * opens no other run. Thread-safe.
 */
public final class CallbackTokens {

    private static final String PURPOSE = "labgate lava callback\n";
    private static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;

    /** @param key at least 32 bytes of secret, the same on every replica */
    public CallbackTokens(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the callback key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The token of a run: 64 hex digits. */
    public String token(String runId) {
        return HexFormat.of().formatHex(mac(runId));
    }

    /** Whether {@code presented} is the token of {@code runId}; compares in constant time. */
    public boolean verify(String runId, String presented) {
        if (presented == null) {
            return false;
        }
        var expected = token(runId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mac(String runId) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal((PURPOSE + runId).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
