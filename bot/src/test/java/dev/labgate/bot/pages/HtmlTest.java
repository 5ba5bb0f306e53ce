package dev.labgate.bot.pages;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HtmlTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                arguments("plain text is left as it is", "kunit.example.test_one", "kunit.example.test_one"),
                arguments("a tag becomes text", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
                arguments("quotes cannot end an attribute", "\" onmouseover='x'", "&quot; onmouseover=&#39;x&#39;"),
                arguments("an entity is shown, not decoded", "&lt;&amp;", "&amp;lt;&amp;amp;"),
                arguments("newlines and tabs stay for <pre>", "a\n\tb", "a\n\tb"),
                arguments("control characters from a log become U+FFFD", "bell\u0007 esc\u001b[31m nul\u0000",
                        "bell\uFFFD esc\uFFFD[31m nul\uFFFD"),
                arguments("non-ASCII text is kept", "Jürgen ✓ 测试", "Jürgen ✓ 测试"),
                arguments("nothing is empty", null, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void escape(String sentence, String text, String escaped) {
        assertThat(Html.escape(text)).isEqualTo(escaped);
    }

    static Stream<Arguments> urls() {
        return Stream.of(
                arguments("an https log is a link", "https://storage.kernelci.org/log.txt", true),
                arguments("an http log is a link", "http://lava.example/scheduler/job/12", true),
                arguments("javascript: never is", "javascript:alert(1)", false),
                arguments("javascript: in capitals never is", "JaVaScRiPt:alert(1)", false),
                arguments("data: never is", "data:text/html,<script>alert(1)</script>", false),
                arguments("a URL with credentials is not shown", "https://user:token@lab.example/x", false),
                arguments("a relative URL from a lab is not a link", "/etc/passwd", false),
                arguments("a scheme-relative URL is not a link", "//evil.example/x", false),
                arguments("something that is not a URL is not a link", "https://exa mple/<x>", false),
                arguments("nothing is not a link", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void linkable(String sentence, String url, boolean linkable) {
        assertThat(Html.linkable(url)).isEqualTo(linkable);
    }

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
