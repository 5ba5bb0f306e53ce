package dev.labgate.forge.gitlab;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.WebhookCheck;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks GitLab webhook requests. GitLab sends the hook's secret token itself in
 * {@code X-Gitlab-Token} (no signature): it is compared with every configured token in constant
 * time, and with no token configured every request is rejected.
 *
 * <p>The delivery key is {@code Idempotency-Key}, which GitLab keeps across its retries of one
 * hook execution (GitLab 17.4 and later). {@code X-Gitlab-Event-UUID} cannot serve: it is shared
 * by every hook fired by one action; nor {@code X-Gitlab-Webhook-UUID}: it is new on every
 * attempt. Without an {@code Idempotency-Key} the key is a digest of the event name and the body,
 * which a retry repeats byte for byte.
 */
public final class GitLabWebhooks {

    private static final Pattern EVENT = Pattern.compile("[A-Za-z][A-Za-z ]{0,63}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final String forge;
    private final List<byte[]> tokenDigests;

    public GitLabWebhooks(String forge, List<String> tokens) {
        this.forge = forge;
        this.tokenDigests = tokens.stream().map(t -> digest(t.getBytes(StandardCharsets.UTF_8))).toList();
    }

    public WebhookCheck verify(Map<String, String> headers, byte[] body) {
        if (tokenDigests.isEmpty()) {
            return unauthenticated("no GitLab webhook token is configured, so no delivery can be trusted");
        }
        var token = headers.get("x-gitlab-token");
        if (token == null || token.isEmpty()) {
            return unauthenticated("missing X-Gitlab-Token header; set a secret token on the webhook");
        }
        // Digests have one length whatever the token's, so comparing them tells nothing by its duration.
        var given = digest(token.getBytes(StandardCharsets.UTF_8));
        var match = false;
        for (var known : tokenDigests) {
            match |= MessageDigest.isEqual(known, given);
        }
        if (!match) {
            return unauthenticated("X-Gitlab-Token matches no configured token");
        }
        var event = headers.get("x-gitlab-event");
        if (event == null || !EVENT.matcher(event).matches()) {
            return malformed("missing or malformed X-Gitlab-Event header");
        }
        var key = headers.get("idempotency-key");
        if (key != null && !KEY.matcher(key).matches()) {
            return malformed("malformed Idempotency-Key header");
        }
        var id = key != null ? key : "body-" + HexFormat.of().formatHex(digest(withEvent(event, body)), 0, 20);
        return new WebhookCheck.Accepted(new DeliveryKey(forge, id), event);
    }

    private static byte[] withEvent(String event, byte[] body) {
        var name = (event + "\n").getBytes(StandardCharsets.UTF_8);
        var all = new byte[name.length + body.length];
        System.arraycopy(name, 0, all, 0, name.length);
        System.arraycopy(body, 0, all, name.length, body.length);
        return all;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static WebhookCheck unauthenticated(String message) {
        return new WebhookCheck.Rejected(WebhookCheck.Why.UNAUTHENTICATED, message);
    }

    private static WebhookCheck malformed(String message) {
        return new WebhookCheck.Rejected(WebhookCheck.Why.MALFORMED, message);
    }
}
