package dev.labgate.bot.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class NetworkTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                arguments("an address inside an IPv4 range", "10.0.0.0/8", "10.200.3.4", true),
                arguments("an address outside an IPv4 range", "10.0.0.0/8", "11.0.0.1", false),
                arguments("a prefix that is not a whole number of bytes", "192.168.4.0/22", "192.168.7.255", true),
                arguments("just past that prefix", "192.168.4.0/22", "192.168.8.0", false),
                arguments("a bare address is a range of one", "127.0.0.1", "127.0.0.1", true),
                arguments("and only of one", "127.0.0.1", "127.0.0.2", false),
                arguments("an IPv6 range", "2001:db8::/32", "2001:db8:1::7", true),
                arguments("an IPv4 client never matches an IPv6 range", "::/0", "127.0.0.1", false),
                arguments("the whole IPv4 space", "0.0.0.0/0", "203.0.113.9", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void network(String sentence, String range, String address, boolean inside) throws UnknownHostException {
        assertThat(Network.parse(range).contains(InetAddress.getByName(address))).isEqualTo(inside);
    }

    static Stream<Arguments> badNetworks() {
        return Stream.of(
                arguments("a host name, which would need DNS", "intranet.example"),
                arguments("hex digits only, which Java would look up as a host", "dead"),
                arguments("a prefix too long for IPv4", "10.0.0.0/33"),
                arguments("a prefix that is not a number", "10.0.0.0/x"),
                arguments("an empty entry", " "));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("badNetworks")
    void bad_network(String sentence, String range) {
        assertThatThrownBy(() -> Network.parse(range)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labgate.pages.allowed-networks");
    }
}
