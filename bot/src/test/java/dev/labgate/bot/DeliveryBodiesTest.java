package dev.labgate.bot;

import dev.labgate.bot.store.DeliveryBodies;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryBodiesTest {

    @Test
    void json_is_stored_deflated_and_read_back_byte_for_byte() {
        var json = ("{\"action\":\"opened\",\"pull_request\":{\"url\":\"https://api.github.com/repos/acme/linux/pulls/1\"},"
                .repeat(100) + "\"x\":1}").getBytes(StandardCharsets.UTF_8);
        var encoded = DeliveryBodies.encode(json);
        assertThat(encoded.encoding()).isEqualTo(DeliveryBodies.DEFLATE);
        assertThat(encoded.bytes().length).isLessThan(json.length / 10);
        assertThat(DeliveryBodies.decode(encoded.encoding(), encoded.bytes())).isEqualTo(json);
    }

    @Test
    void a_body_that_does_not_shrink_is_stored_as_it_is() {
        var noise = new byte[4096];
        new Random(7).nextBytes(noise);
        var encoded = DeliveryBodies.encode(noise);
        assertThat(encoded.encoding()).isEqualTo(DeliveryBodies.IDENTITY);
        assertThat(DeliveryBodies.decode(encoded.encoding(), encoded.bytes())).isEqualTo(noise);
    }

    @Test
    void a_truncated_body_is_reported_as_such_rather_than_read_short() {
        var encoded = DeliveryBodies.encode("{\"zen\":\"Approachable is better than simple.\"}".repeat(50)
                .getBytes(StandardCharsets.UTF_8));
        var cut = java.util.Arrays.copyOf(encoded.bytes(), encoded.bytes().length / 2);
        assertThatThrownBy(() -> DeliveryBodies.decode(DeliveryBodies.DEFLATE, cut))
                .hasMessageContaining("truncated");
    }
}
