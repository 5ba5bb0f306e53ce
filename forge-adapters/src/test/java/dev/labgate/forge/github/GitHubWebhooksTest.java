package dev.labgate.forge.github;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.WebhookCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitHubWebhooksTest {

    /** GitHub's documented example: secret, payload and the signature it must produce. */
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static Map<String, String> headers(String signature) {
        var headers = new HashMap<String, String>();
        headers.put("x-github-event", "ping");
        headers.put("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        if (signature != null) {
            headers.put("x-hub-signature-256", signature);
        }
        return headers;
    }

    @Test
    void githubs_documented_test_vector_is_accepted() {
        var check = new GitHubWebhooks("github", List.of(SECRET)).verify(headers(SIGNATURE), PAYLOAD);
        assertThat(check).isEqualTo(new WebhookCheck.Accepted(
                new DeliveryKey("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), "ping"));
    }

    @Test
    void the_same_payload_under_a_wrong_secret_is_unauthenticated() {
        var check = new GitHubWebhooks("github", List.of("It's a Secret to Somebody")).verify(headers(SIGNATURE), PAYLOAD);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class, r -> {
            assertThat(r.why()).isEqualTo(WebhookCheck.Why.UNAUTHENTICATED);
            assertThat(r.message()).contains("does not match");
        });
    }

    @Test
    void a_body_changed_by_one_byte_is_unauthenticated() {
        var altered = "Hello, World?".getBytes(StandardCharsets.UTF_8);
        var check = new GitHubWebhooks("github", List.of(SECRET)).verify(headers(SIGNATURE), altered);
        assertThat(check).isInstanceOf(WebhookCheck.Rejected.class);
    }

    @Test
    void during_a_rotation_either_secret_is_accepted() {
        var webhooks = new GitHubWebhooks("github", List.of("the-new-secret", SECRET));
        assertThat(webhooks.verify(headers(SIGNATURE), PAYLOAD)).isInstanceOf(WebhookCheck.Accepted.class);
    }

    @Test
    void a_missing_signature_is_unauthenticated() {
        var check = new GitHubWebhooks("github", List.of(SECRET)).verify(headers(null), PAYLOAD);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.message()).contains("missing X-Hub-Signature-256"));
    }

    @Test
    void the_old_sha1_header_alone_is_not_enough() {
        var headers = headers(null);
        headers.put("x-hub-signature", "sha1=0000000000000000000000000000000000000000");
        assertThat(new GitHubWebhooks("github", List.of(SECRET)).verify(headers, PAYLOAD))
                .isInstanceOf(WebhookCheck.Rejected.class);
    }

    @Test
    void a_malformed_signature_is_unauthenticated_not_an_error() {
        var webhooks = new GitHubWebhooks("github", List.of(SECRET));
        assertThat(webhooks.verify(headers("sha256=zz"), PAYLOAD)).isInstanceOf(WebhookCheck.Rejected.class);
        assertThat(webhooks.verify(headers("sha256=" + "g".repeat(64)), PAYLOAD)).isInstanceOf(WebhookCheck.Rejected.class);
        assertThat(webhooks.verify(headers("md5=" + "0".repeat(64)), PAYLOAD)).isInstanceOf(WebhookCheck.Rejected.class);
    }

    @Test
    void with_no_secret_configured_even_a_correct_signature_is_refused() {
        var check = new GitHubWebhooks("github", List.of()).verify(headers(SIGNATURE), PAYLOAD);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.message()).contains("no GitHub webhook secret is configured"));
    }

    @Test
    void an_authentic_request_without_a_delivery_id_is_malformed() {
        var headers = headers(SIGNATURE);
        headers.remove("x-github-delivery");
        var check = new GitHubWebhooks("github", List.of(SECRET)).verify(headers, PAYLOAD);
        assertThat(check).isInstanceOfSatisfying(WebhookCheck.Rejected.class,
                r -> assertThat(r.why()).isEqualTo(WebhookCheck.Why.MALFORMED));
    }

    @Test
    void the_vector_in_the_shared_corpus_verifies() throws IOException {
        var corpus = Path.of(System.getProperty("labgate.shared", "../../shared"), "corpus", "github-webhooks");
        Assumptions.assumeTrue(Files.isDirectory(corpus), "the shared corpus is not beside the project: " + corpus);
        var secret = Files.readString(corpus.resolve("hmac-test-vector.secret.txt")).strip();
        var payload = Files.readAllBytes(corpus.resolve("hmac-test-vector.payload.bin"));
        var expected = Files.readString(corpus.resolve("hmac-test-vector.expected-header.txt")).strip();
        var check = new GitHubWebhooks("github", List.of(secret)).verify(headers(expected), payload);
        assertThat(check).isInstanceOf(WebhookCheck.Accepted.class);
    }
}
