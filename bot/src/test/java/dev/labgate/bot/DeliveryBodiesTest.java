package dev.labgate.bot;

import dev.labgate.bot.store.DeliveryBodies;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryBodiesTest {

    private static final byte[] JSON = ("{\"action\":\"opened\",\"pull_request\":{\"url\":\"https://api.github.com/repos/acme/linux/pulls/1\"},"
            .repeat(100) + "\"x\":1}").getBytes(StandardCharsets.UTF_8);

    @Test
    void json_is_stored_compressed_and_read_back_byte_for_byte() {
        var encoded = DeliveryBodies.encode(JSON);
        assertThat(encoded.encoding()).isEqualTo(DeliveryBodies.LZ4);
        assertThat(encoded.bytes().length).isLessThan(JSON.length / 10);
        assertThat(DeliveryBodies.decode(encoded.encoding(), encoded.bytes())).isEqualTo(JSON);
    }

    @Test
    void a_body_stored_deflated_before_is_still_read() {
        var deflater = new Deflater(1, true);
        deflater.setInput(JSON);
        deflater.finish();
        var deflated = new byte[JSON.length];
        var size = deflater.deflate(deflated);
        assertThat(deflater.finished()).isTrue();
        assertThat(DeliveryBodies.decode(DeliveryBodies.DEFLATE, Arrays.copyOf(deflated, size))).isEqualTo(JSON);
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
    void a_truncated_or_corrupt_body_is_reported_as_such_rather_than_read_short() {
        var encoded = DeliveryBodies.encode("{\"zen\":\"Approachable is better than simple.\"}".repeat(50)
                .getBytes(StandardCharsets.UTF_8));
        var cut = Arrays.copyOf(encoded.bytes(), encoded.bytes().length / 2);
        assertThatThrownBy(() -> DeliveryBodies.decode(DeliveryBodies.LZ4, cut)).hasMessageContaining("truncated");
        var lying = encoded.bytes().clone();
        lying[0] = 0x7f;
        assertThatThrownBy(() -> DeliveryBodies.decode(DeliveryBodies.LZ4, lying)).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> DeliveryBodies.decode(DeliveryBodies.LZ4, new byte[2])).hasMessageContaining("corrupt");
    }
}
