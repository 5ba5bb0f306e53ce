package dev.labgate.core.forge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

class ForgeExceptionTest {

    @Test
    void a_refused_connection_without_a_message_is_named_by_its_kind() {
        assertThat(ForgeException.network(new ConnectException())).isEqualTo("network error (ConnectException)");
    }

    @Test
    void a_failure_with_a_message_says_it() {
        assertThat(ForgeException.network(new UnknownHostException("api.github.com"))).isEqualTo("api.github.com");
    }

    @Test
    void a_wrapper_without_a_message_speaks_for_its_cause() {
        var wrapped = new UncheckedIOException(null, new IOException("connection reset"));
        assertThat(ForgeException.network(wrapped)).isEqualTo("connection reset");
    }
}
