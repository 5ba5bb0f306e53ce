package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one limit on a request's body, {@code labgate.max-body-size} (25 MiB, GitHub's cap on a
 * webhook payload), on both sides: a validly signed delivery of exactly the limit is stored (a
 * 12 MB one was refused at 10 MiB before), one byte more is refused with 413 and a reason, whether the sender announces its length or streams
 * the body in chunks, and nothing of it is stored.
 */
class RequestBodyLimitTest {

    private static final int LIMIT = 25 * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void the_default_limit_takes_a_delivery_of_25_mebibytes_and_refuses_one_byte_more() {
        try (var scenario = new Scenario(tmp, "true"); var labgate = new RunningLabgate(scenario.properties())) {
            var exactly = labgate.postGitHub("ping", "at-limit", ping(LIMIT), Scenario.SECRET);
            assertThat(exactly.statusCode()).as(exactly.body()).isEqualTo(202);

            var over = labgate.postGitHub("ping", "over-limit", ping(LIMIT + 1), Scenario.SECRET);
            assertThat(over.statusCode()).isEqualTo(413);
            assertThat(over.body()).isEqualTo("{\"error\":\"the body is larger than 26214400 bytes, the most labgate "
                    + "takes (labgate.max-body-size)\"}");
            var streamed = labgate.send(signed(labgate, "streamed-over", ping(LIMIT + 1))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(ping(LIMIT + 1))))
                    .build());
            assertThat(streamed.statusCode()).isEqualTo(413);
            assertThat(streamed.body()).contains("larger than 26214400 bytes");
            assertThat(stored(labgate)).containsExactly("at-limit");
        }
    }

    @Test
    void the_one_setting_moves_the_limit_for_every_body() {
        try (var scenario = new Scenario(tmp, "true")) {
            var properties = new HashMap<String, Object>(scenario.properties());
            properties.put("labgate.max-body-size", 4096);
            try (var labgate = new RunningLabgate(properties)) {
                assertThat(labgate.postGitHub("ping", "small", ping(4096), Scenario.SECRET).statusCode())
                        .isEqualTo(202);
                var over = labgate.postGitHub("ping", "too-big", ping(4097), Scenario.SECRET);
                assertThat(over.statusCode()).isEqualTo(413);
                assertThat(over.body()).contains("larger than 4096 bytes");
                assertThat(stored(labgate)).containsExactly("small");
            }
        }
    }

    /** A ping delivery of exactly {@code size} bytes. */
    private static byte[] ping(int size) {
        var head = "{\"hook_id\":1,\"zen\":\"";
        var tail = "\"}";
        var body = new byte[size];
        var bytes = head.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, body, 0, bytes.length);
        Arrays.fill(body, bytes.length, size - tail.length(), (byte) 'z');
        System.arraycopy(tail.getBytes(StandardCharsets.UTF_8), 0, body, size - tail.length(), tail.length());
        return body;
    }

    private static HttpRequest.Builder signed(RunningLabgate labgate, String delivery, byte[] body) {
        var builder = HttpRequest.newBuilder(labgate.url().resolve("/webhooks/github"));
        Map.of("Content-Type", "application/json", "X-GitHub-Event", "ping", "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", "sha256=" + RunningLabgate.hmac(Scenario.SECRET, body)).forEach(builder::header);
        return builder;
    }

    private static List<String> stored(RunningLabgate labgate) {
        return labgate.bean(Database.class).query("select delivery_id from deliveries", rs -> rs.getString(1));
    }
}
