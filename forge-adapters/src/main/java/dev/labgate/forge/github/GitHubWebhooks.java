package dev.labgate.forge.github;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.WebhookCheck;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks GitHub webhook requests: {@code X-Hub-Signature-256} is {@code sha256=} and the hex
 * HMAC-SHA256 of the raw body under one of the configured secrets, compared in constant time.
 * With no secret configured every request is rejected: an unauthenticated delivery could put
 * anyone's code on lab hardware.
 */
public final class GitHubWebhooks {

    private static final String PREFIX = "sha256=";
    private static final Pattern EVENT = Pattern.compile("[a-z_]{1,64}");
    private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final String forge;
    private final List<SecretKeySpec> keys;
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(GitHubWebhooks::newMac);

    public GitHubWebhooks(String forge, List<String> secrets) {
        this.forge = forge;
        this.keys = secrets.stream()
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .toList();
    }

    public WebhookCheck verify(Map<String, String> headers, byte[] body) {
        if (keys.isEmpty()) {
            return unauthenticated("no GitHub webhook secret is configured, so no delivery can be trusted");
        }
        var header = headers.get("x-hub-signature-256");
        if (header == null) {
            return unauthenticated("missing X-Hub-Signature-256 header; set a secret on the webhook");
        }
        if (!header.startsWith(PREFIX) || header.length() != PREFIX.length() + 64) {
            return unauthenticated("X-Hub-Signature-256 is not of the form sha256=<64 hex digits>");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header, PREFIX.length(), header.length());
        } catch (IllegalArgumentException e) {
            return unauthenticated("X-Hub-Signature-256 is not of the form sha256=<64 hex digits>");
        }
        if (!matchesAnySecret(given, body)) {
            return unauthenticated("signature does not match the body under any configured secret");
        }
        var event = headers.get("x-github-event");
        if (event == null || !EVENT.matcher(event).matches()) {
            return malformed("missing or malformed X-GitHub-Event header");
        }
        var delivery = headers.get("x-github-delivery");
        if (delivery == null || !DELIVERY.matcher(delivery).matches()) {
            return malformed("missing or malformed X-GitHub-Delivery header");
        }
        return new WebhookCheck.Accepted(new DeliveryKey(forge, delivery), event);
    }

    /** The {@code X-Hub-Signature-256} value GitHub sends for {@code body} under {@code secret}. */
    public static String signature(String secret, byte[] body) {
        var m = newMac();
        try {
            m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 rejected a key", e);
        }
        return PREFIX + HexFormat.of().formatHex(m.doFinal(body));
    }

    private boolean matchesAnySecret(byte[] given, byte[] body) {
        var m = mac.get();
        boolean match = false;
        // Every secret is tried, so the time taken does not tell which one matched.
        for (var key : keys) {
            try {
                m.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 rejected a key", e);
            }
            match |= MessageDigest.isEqual(m.doFinal(body), given);
        }
        return match;
    }

    private static WebhookCheck unauthenticated(String message) {
        return new WebhookCheck.Rejected(WebhookCheck.Why.UNAUTHENTICATED, message);
    }

    private static WebhookCheck malformed(String message) {
        return new WebhookCheck.Rejected(WebhookCheck.Why.MALFORMED, message);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
