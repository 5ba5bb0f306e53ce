package dev.labgate.forge.gitlab;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.WebhookCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitLabWebhooksTest {

    private static final byte[] BODY = "{\"object_kind\":\"push\"}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, String> headers(String token, String key) {
        var h = new HashMap<String, String>();
        h.put("x-gitlab-event", "Push Hook");
        if (token != null) {
            h.put("x-gitlab-token", token);
        }
        if (key != null) {
            h.put("idempotency-key", key);
        }
        return h;
    }

    @Test
    void a_configured_token_is_accepted_and_the_idempotency_key_names_the_delivery() {
        var check = new GitLabWebhooks("gitlab", List.of("old-token", "new-token"))
                .verify(headers("new-token", "0f8fad5b-d9cb-469f-a165-70867728950e"), BODY);
        assertThat(check).isEqualTo(new WebhookCheck.Accepted(
                new DeliveryKey("gitlab", "0f8fad5b-d9cb-469f-a165-70867728950e"), "Push Hook"));
    }

    @Test
    void without_an_idempotency_key_a_retry_of_the_same_body_gets_the_same_key() {
        var hooks = new GitLabWebhooks("gitlab", List.of("t"));
        var first = (WebhookCheck.Accepted) hooks.verify(headers("t", null), BODY);
        var retry = (WebhookCheck.Accepted) hooks.verify(headers("t", null), BODY.clone());
        var other = (WebhookCheck.Accepted) hooks.verify(headers("t", null), "{\"object_kind\":\"tag_push\"}".getBytes());
        assertThat(first.key()).isEqualTo(retry.key());
        assertThat(first.key()).isNotEqualTo(other.key());
        assertThat(first.key().id()).startsWith("body-").hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void a_wrong_or_missing_token_is_refused() {
        var hooks = new GitLabWebhooks("gitlab", List.of("t"));
        assertThat(hooks.verify(headers("guess", "k"), BODY)).isEqualTo(new WebhookCheck.Rejected(
                WebhookCheck.Why.UNAUTHENTICATED, "X-Gitlab-Token matches no configured token"));
        assertThat(hooks.verify(headers(null, "k"), BODY)).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.why()).isEqualTo(WebhookCheck.Why.UNAUTHENTICATED));
    }

    @Test
    void with_no_token_configured_every_delivery_is_refused() {
        var check = new GitLabWebhooks("gitlab", List.of()).verify(headers("", "k"), BODY);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.message()).contains("no GitLab webhook token is configured"));
    }

    @Test
    void a_missing_event_or_a_malformed_key_is_a_bad_request() {
        var hooks = new GitLabWebhooks("gitlab", List.of("t"));
        var noEvent = headers("t", "k");
        noEvent.remove("x-gitlab-event");
        assertThat(hooks.verify(noEvent, BODY)).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.why()).isEqualTo(WebhookCheck.Why.MALFORMED));
        assertThat(hooks.verify(headers("t", "not a key; drop table"), BODY))
                .isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                        r -> assertThat(r.why()).isEqualTo(WebhookCheck.Why.MALFORMED));
    }
}
