package dev.labgate.forge.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A raw commit object split the way git splits it to verify a signature: the payload is the
 * commit without its {@code gpgsig} headers (what was signed), the signature is the value of
 * the {@code gpgsig} header with its continuation lines joined.
 *
 * @param payload the bytes that were signed
 * @param signature the armored signature, if the commit carries one
 */
public record SignedCommit(byte[] payload, Optional<byte[]> signature) {

    /** The kinds of signature git writes into a commit, recognized by their armor. */
    public enum Format { OPENPGP, SSH, X509, UNKNOWN }

    /** Splits a raw commit object ({@code git cat-file commit}); only its header section is looked at. */
    public static SignedCommit parse(byte[] raw) {
        var payload = new ByteArrayOutputStream(raw.length);
        ByteArrayOutputStream signature = null;
        boolean inHeaders = true;
        boolean inSignature = false;
        boolean inOtherSignature = false;
        int pos = 0;
        while (pos < raw.length) {
            int end = pos;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, raw.length);
            if (inHeaders) {
                if (end == pos) {
                    inHeaders = false;
                    payload.write(raw, pos, next - pos);
                } else if ((inSignature || inOtherSignature) && raw[pos] == ' ') {
                    if (inSignature) {
                        signature.write(raw, pos + 1, next - pos - 1);
                    }
                } else {
                    inSignature = startsWith(raw, pos, "gpgsig ");
                    // A SHA-256 signature (gpgsig-sha256) is not part of what a SHA-1 signature covers either.
                    inOtherSignature = !inSignature && startsWith(raw, pos, "gpgsig-");
                    if (inSignature && signature == null) {
                        signature = new ByteArrayOutputStream();
                        signature.write(raw, pos + 7, next - pos - 7);
                    } else if (!inSignature && !inOtherSignature) {
                        payload.write(raw, pos, next - pos);
                    }
                }
            } else {
                payload.write(raw, pos, raw.length - pos);
                break;
            }
            pos = next;
        }
        return new SignedCommit(payload.toByteArray(), Optional.ofNullable(signature).map(ByteArrayOutputStream::toByteArray));
    }

    public Format format() {
        if (signature.isEmpty()) {
            return Format.UNKNOWN;
        }
        var text = new String(signature.get(), 0, Math.min(64, signature.get().length), StandardCharsets.US_ASCII);
        if (text.startsWith("-----BEGIN PGP SIGNATURE-----")) {
            return Format.OPENPGP;
        }
        if (text.startsWith("-----BEGIN SSH SIGNATURE-----")) {
            return Format.SSH;
        }
        if (text.startsWith("-----BEGIN SIGNED MESSAGE-----")) {
            return Format.X509;
        }
        return Format.UNKNOWN;
    }

    private static boolean startsWith(byte[] raw, int pos, String prefix) {
        if (pos + prefix.length() > raw.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (raw[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
