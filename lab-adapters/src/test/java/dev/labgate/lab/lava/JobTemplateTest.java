package dev.labgate.lab.lava;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The placeholder engine: whatever a value holds, the filled template reads back (as YAML) with the
 * same keys and the value intact, or the fill is refused with the line and the fix.
 */
class JobTemplateTest {

    static Stream<Arguments> written() {
        var hostile = "x\"\\ y'\nactions: []\n# z: {a}";
        return Stream.of(
                Arguments.of("a simple value is written as it is", "k: {{ v }}\n", "v1.2-rc3", "v1.2-rc3",
                        "k: v1.2-rc3\n"),
                Arguments.of("a number stays a number, as the operator wrote it", "priority: {{ v }}\n", "50", 50,
                        "priority: 50\n"),
                Arguments.of("a value with spaces and colons becomes a quoted string", "k: {{ v }}\n",
                        "github:org/linux#12 head", "github:org/linux#12 head", "k: \"github:org/linux#12 head\"\n"),
                Arguments.of("a value that would start a new key stays one string", "k: {{ v }}\n", hostile, hostile,
                        null),
                Arguments.of("inside double quotes quotes and backslashes are escaped", "k: \"a {{ v }} b\"\n", hostile,
                        "a " + hostile + " b", null),
                Arguments.of("inside single quotes a quote is doubled", "k: 'a {{ v }} b'\n", "it's", "a it's b",
                        "k: 'a it''s b'\n"),
                Arguments.of("a list item is written like a value", "k:\n- {{ v }}\n", "a: b", List.of("a: b"),
                        null),
                Arguments.of("a URL may continue after the placeholder", "url: {{ v }}/bzImage\n",
                        "https://a.example.org:8080/k/0123", "https://a.example.org:8080/k/0123/bzImage", null),
                Arguments.of("an unquoted value may hold plain words around the placeholder", "k: run {{ v }} now\n",
                        "number 12", "run number 12 now", null),
                Arguments.of("in a block scalar each new line is indented with the block",
                        "script: |\n  echo start\n    {{ v }}\n  echo end\n", "one\ntwo: 2",
                        "echo start\n  one\n  two: 2\necho end\n", null),
                Arguments.of("in a comment a value is only text", "k: 1 # for {{ v }}\n", "a\nb: c", 1, null),
                Arguments.of("a control character is escaped inside double quotes", "k: \"{{ v }}\"\n", "a\u0007b",
                        "a\u0007b", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("written")
    void values_read_back_as_themselves(String sentence, String template, String value, Object expected,
                                        String text) {
        var filled = JobTemplate.parse(template).fill(Map.of("v", value));

        Map<String, Object> read = new Yaml(new SafeConstructor(new LoaderOptions())).load(filled);
        assertThat(read).hasSize(1);
        assertThat(read.values().iterator().next()).isEqualTo(expected);
        if (text != null) {
            assertThat(filled).isEqualTo(text);
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a value with ': ' inside a longer unquoted value", "k: a {{ v }}\n", "b: c",
                        "line 1: the value of {{ v }} cannot go inside an unquoted value; put that value in double "
                                + "quotes in the template"),
                Arguments.of("a value with a new line inside a longer unquoted value", "k: a {{ v }}\n", "b\nc: d",
                        "line 1: the value of {{ v }} cannot go inside an unquoted value"),
                Arguments.of("a value starting with a YAML indicator at the start of an unquoted value",
                        "k: {{ v }}/x\n", "*alias", "cannot go inside an unquoted value"),
                Arguments.of("a value spanning lines inside single quotes", "k: '{{ v }}'\n", "a\nb",
                        "line 1: the value of {{ v }} spans lines; put the placeholder in double quotes"),
                Arguments.of("a control character outside double quotes", "k: {{ v }}\n", "a\u0000b",
                        "contains control characters"),
                Arguments.of("a placeholder without a value", "k: {{ w }}\n", "x",
                        "line 1: {{ w }} has no value; known values: v"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("refused")
    void values_that_would_change_the_document_are_refused(String sentence, String template, String value,
                                                            String message) {
        assertThatThrownBy(() -> JobTemplate.parse(template).fill(Map.of("v", value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    static Stream<Arguments> notPlaceholders() {
        return Stream.of(
                Arguments.of("a Jinja statement", "a: 1\n{% if x %}\n", "line 2: '{%' starts a Jinja statement"),
                Arguments.of("a Jinja comment", "{# mode: yaml #}\n", "line 1: '{#' starts a Jinja comment"),
                Arguments.of("a filter", "k: {{ x|default('1') }}\n", "line 1: '{{ x|default('1') }}' is not a "
                        + "placeholder; only {{ name }} is supported"),
                Arguments.of("an expression", "k: {{ node.id }}\n", "'{{ node.id }}' is not a placeholder"),
                Arguments.of("an unclosed placeholder", "k: {{ x\n }}\n", "line 1: '{{' without '}}' on the same line"));
    }

    @ParameterizedTest(name = "{0} is refused when the template is read")
    @MethodSource("notPlaceholders")
    void only_plain_placeholders_are_read(String sentence, String template, String message) {
        assertThatThrownBy(() -> JobTemplate.parse(template)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void names_are_listed_once_in_order_of_first_use() {
        assertThat(JobTemplate.parse("a: {{ b }}\nc: \"{{a}} {{ b }}\"\n").names()).containsExactly("b", "a");
    }
}
