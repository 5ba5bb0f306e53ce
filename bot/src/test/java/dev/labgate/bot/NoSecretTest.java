package dev.labgate.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;

class NoSecretTest {

    @TempDir
    Path tmp;

    @Test
    void without_a_configured_secret_every_delivery_is_refused_even_a_correctly_signed_one() {
        try (var scenario = new Scenario(tmp, "true")) {
            var properties = new HashMap<>(scenario.properties());
            properties.remove("labgate.github.webhook-secrets");
            try (var labgate = new RunningLabgate(properties)) {
                var body = "{}".getBytes(StandardCharsets.UTF_8);
                var answer = labgate.postGitHub("ping", "n-1", body, Scenario.SECRET);
                assertThat(answer.statusCode()).isEqualTo(401);
                assertThat(answer.body()).contains("no GitHub webhook secret is configured");
            }
        }
    }
}
