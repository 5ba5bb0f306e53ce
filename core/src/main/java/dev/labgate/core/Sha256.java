package dev.labgate.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as lowercase hex, for stable ids and fingerprints derived from content. */
public final class Sha256 {

    private Sha256() {
    }

    /** The first {@code bytes} bytes of the digest of {@code text} (UTF-8), as 2 × {@code bytes} hex digits. */
    public static String hex(String text, int bytes) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, Math.min(bytes, digest.length));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The whole digest of {@code text} (UTF-8) as 64 hex digits. */
    public static String hex(String text) {
        return hex(text, 32);
    }
}
