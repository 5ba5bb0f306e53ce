package dev.labgate.lab.artifact;

import dev.labgate.core.Sha256;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * AWS Signature Version 4 of an S3 request, in its {@code Authorization} header, for a payload
 * sent in one piece (S3 API Reference, "Signature Calculations for the Authorization Header:
 * Transferring Payload in a Single Chunk"): the canonical request (method, URI-encoded path, sorted
 * query, the signed headers, the payload's SHA-256), the string to sign over its hash and the
 * credential scope, and an HMAC-SHA256 under a key derived from the secret, the date, the region and
 * the service. Written here rather than taken from the AWS SDK, which is large and slows labgate's
 * start; checked against AWS's published example in {@code SignatureV4Test}.
 */
final class SignatureV4 {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** The SHA-256 of no bytes: the payload hash of a request without a body. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String SERVICE = "s3";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final String accessKeyId;
    private final byte[] secret;
    private final String region;

    SignatureV4(String accessKeyId, String secretAccessKey, String region) {
        this.accessKeyId = accessKeyId;
        this.secret = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
        this.region = region;
    }

    /** The {@code x-amz-date} of a request made at {@code at}. */
    static String amzDate(Instant at) {
        return AMZ_DATE.format(at);
    }

    /**
     * The {@code Authorization} header of a request.
     *
     * @param path the path, not yet encoded (each segment is encoded here, {@code /} kept)
     * @param query the query parameters, not yet encoded
     * @param headers every header to sign, {@code host} and {@code x-amz-date} included
     * @param payloadSha256 the {@code x-amz-content-sha256} of the request
     */
    String authorization(String method, String path, Map<String, String> query, Map<String, String> headers,
                         String payloadSha256) {
        var canonical = canonicalHeaders(headers);
        var amzDate = canonical.get("x-amz-date");
        if (amzDate == null || amzDate.length() != 16) {
            throw new IllegalArgumentException("a signed request needs its x-amz-date");
        }
        var scope = amzDate.substring(0, 8) + "/" + region + "/" + SERVICE + "/aws4_request";
        var request = canonicalRequest(method, path, query, canonical, payloadSha256);
        var toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + Sha256.hex(request);
        var signature = hex(hmac(signingKey(amzDate.substring(0, 8)), toSign));
        return ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ",SignedHeaders="
                + String.join(";", canonical.keySet()) + ",Signature=" + signature;
    }

    /** The canonical request, as AWS builds it from what it received. */
    static String canonicalRequest(String method, String path, Map<String, String> query,
                                   SortedMap<String, String> headers, String payloadSha256) {
        var sortedQuery = new TreeMap<String, String>();
        query.forEach((name, value) -> sortedQuery.put(encode(name, true), encode(value, true)));
        return method + "\n"
                + encode(path, false) + "\n"
                + sortedQuery.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")) + "\n"
                + headers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n")
                .collect(Collectors.joining()) + "\n"
                + String.join(";", headers.keySet()) + "\n"
                + payloadSha256;
    }

    /** Header names in lower case, sorted; values trimmed, inner runs of spaces made one. */
    static SortedMap<String, String> canonicalHeaders(Map<String, String> headers) {
        var canonical = new TreeMap<String, String>();
        headers.forEach((name, value) -> canonical.put(name.toLowerCase(Locale.ROOT),
                value.strip().replaceAll(" +", " ")));
        return canonical;
    }

    private byte[] signingKey(String date) {
        var key = hmac(secret, date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        return hmac(key, "aws4_request");
    }

    /**
     * URI-encodes as SigV4 wants it: every byte but {@code A-Z a-z 0-9 - . _ ~} as {@code %XY} in
     * upper case; {@code /} too, except in a path (an S3 key is encoded once, slashes kept).
     */
    static String encode(String text, boolean slash) {
        var out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/' && !slash) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
