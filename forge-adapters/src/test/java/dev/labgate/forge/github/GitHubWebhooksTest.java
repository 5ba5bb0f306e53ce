package dev.labgate.forge.github;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.WebhookCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubWebhooksTest {

    /** GitHub's documented example (docs: "Testing the webhook payload validation"). */
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static Map<String, String> headers(String signature) {
        return Map.of("x-hub-signature-256", signature, "x-github-event", "ping", "x-github-delivery", "d-1");
    }

    @Test
    void githubs_documented_signature_is_accepted_under_any_rotated_secret() {
        var check = new GitHubWebhooks("github", List.of("old", SECRET)).verify(headers(SIGNATURE), BODY);
        assertThat(check).isEqualTo(new WebhookCheck.Accepted(new DeliveryKey("github", "d-1"), "ping"));
    }

    @Test
    void a_signature_under_another_secret_is_refused() {
        var check = new GitHubWebhooks("github", List.of("not it")).verify(headers(SIGNATURE), BODY);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.why()).isEqualTo(WebhookCheck.Why.UNAUTHENTICATED));
    }

    @Test
    void with_no_secret_configured_every_delivery_is_refused() {
        var check = new GitHubWebhooks("github", List.of()).verify(headers(SIGNATURE), BODY);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.message()).contains("no GitHub webhook secret"));
    }
}
