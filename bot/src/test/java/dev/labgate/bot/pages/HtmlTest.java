package dev.labgate.bot.pages;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
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
}
