package dev.labgate.bot.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonCheckTest {

    /** What Jackson, which reads the body after the intake, makes of it: true when it is one object. */
    private static boolean jacksonAccepts(byte[] body) {
        return jacksonsVerdict(body) == null;
    }

    /**
     * Why Jackson refuses the body, or null when it reads one object. A factory of its own for each
     * body: a shared one remembers the names it has read, and once took an invalid name it should
     * have refused for one of them.
     */
    private static String jacksonsVerdict(byte[] body) {
        try (var parser = new JsonFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "not an object";
            }
            parser.skipChildren();
            return parser.nextToken() == null ? null : "data after the object";
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String problem(String body) {
        return JsonCheck.problem(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsObjectsWithEveryKindOfValue() {
        assertThat(problem("{}")).isNull();
        assertThat(problem(" \t\r\n{ } \n")).isNull();
        assertThat(problem("\uFEFF{\"a\": 1}")).as("a byte order mark is skipped").isNull();
        assertThat(problem("{\"action\":\"opened\",\"number\":-0.5e+3,\"draft\":false,\"merged\":true,\"body\":null,"
                + "\"labels\":[[],{},[1,2.25,3E7,0],{\"x\":\"caf\u00e9 \u20ac \uD83D\uDE00\"}],"
                + "\"escaped\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}")).isNull();
    }

    @Test
    void refusesWhatIsNotOneObjectWithItsReason() {
        assertThat(JsonCheck.problem(new byte[0])).isEqualTo(JsonCheck.EMPTY);
        assertThat(problem("  ")).isEqualTo(JsonCheck.NOT_AN_OBJECT);
        assertThat(problem("[1, 2]")).isEqualTo(JsonCheck.NOT_AN_OBJECT);
        assertThat(problem("payload=%7B%7D")).as("a form-encoded body").isEqualTo(JsonCheck.NOT_AN_OBJECT);
        assertThat(problem("{} {}")).isEqualTo(JsonCheck.TRAILING);
        assertThat(problem("{}x")).isEqualTo(JsonCheck.TRAILING);
        for (var invalid : new String[] {"{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":[1,]}", "{a:1}",
                "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":+1}",
                "{\"a\":NaN}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
                "{\"a\":\"tab\there\"}", "{\"a\":1 2}", "{\"a\":[}]}", "{\"a\":1]", "{\"a\"::1}", "{\"a\":1/*c*/}",
                "{\"a\":\"unterminated}"}) {
            assertThat(problem(invalid)).as(invalid).isEqualTo(JsonCheck.INVALID);
        }
        assertThat(JsonCheck.problem(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
                .as("a UTF-8 lead byte without its continuation").isEqualTo(JsonCheck.INVALID);
        assertThat(JsonCheck.problem(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}))
                .as("a byte that starts no UTF-8 character").isEqualTo(JsonCheck.INVALID);
    }

    @Test
    void holdsJacksonsLimitsExactly() {
        var depth = StreamReadConstraints.DEFAULT_MAX_DEPTH;
        for (var n : new int[] {depth - 1, depth, depth + 1}) {
            var nested = "{\"a\":" + "[".repeat(n - 1) + "]".repeat(n - 1) + "}";
            assertThat(JsonCheck.problem(bytes(nested)) == null).as("depth " + n).isEqualTo(jacksonAccepts(bytes(nested)));
        }
        var longest = StreamReadConstraints.DEFAULT_MAX_NUM_LEN;
        for (var number : new String[] {"1".repeat(longest), "1".repeat(longest + 1), "-" + "1".repeat(longest),
                "1".repeat(longest - 2) + ".5", "1".repeat(longest - 1) + ".5", "1.5e" + "1".repeat(longest - 2)}) {
            var body = "{\"a\":" + number + "}";
            assertThat(JsonCheck.problem(bytes(body)) == null).as("a number of " + number.length() + " characters")
                    .isEqualTo(jacksonAccepts(bytes(body)));
        }
        var name = StreamReadConstraints.DEFAULT_MAX_NAME_LEN;
        for (var key : new String[] {"k".repeat(name), "k".repeat(name + 1), "\u00e9".repeat(name / 2),
                "\u00e9".repeat(name / 2) + "k", "\\n".repeat(name + 1), "\\u20ac".repeat(name / 3 + 1)}) {
            var body = "{\"" + key + "\":1}";
            assertThat(JsonCheck.problem(bytes(body)) == null).as("a name of " + key.length() + " characters")
                    .isEqualTo(jacksonAccepts(bytes(body)));
        }
        assertThat(jacksonAccepts(bytes("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}")))
                .as("the limits are where this test looks for them").isFalse();
    }

    /**
     * Documents of every kind of value, whitespace and escape, each also damaged at random (a byte
     * removed, added or changed, the end cut off): the check and Jackson agree on every one.
     */
    @Test
    void agreesWithJacksonOnValidAndDamagedDocuments() {
        var random = new Random(20261202);
        var accepted = 0;
        var refused = 0;
        for (int i = 0; i < 20_000; i++) {
            var text = new StringBuilder();
            object(random, text, 0);
            var body = bytes(text.toString());
            for (int edits = random.nextInt(4); edits > 0 && body.length > 0; edits--) {
                body = damage(random, body);
            }
            if (jacksonReadsAnotherEncoding(body)) {
                continue;
            }
            var verdict = jacksonsVerdict(body);
            var jackson = verdict == null;
            assertThat(JsonCheck.problem(body) == null).as("%s%nJackson: %s", HexFormat.of().formatHex(body), verdict)
                    .isEqualTo(jackson);
            if (jackson) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted).as("valid documents compared").isGreaterThan(4_000);
        assertThat(refused).as("damaged documents compared").isGreaterThan(4_000);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Jackson guesses UTF-16 or UTF-32 from a zero byte or a byte order mark at the start; the check takes only UTF-8. */
    private static boolean jacksonReadsAnotherEncoding(byte[] body) {
        return body.length >= 2 && (body[0] == 0 || body[1] == 0 || (body[0] & 0xFF) >= 0xFE);
    }

    private static final String[] SPACES = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
    private static final String[] PIECES = {"a", "opened", "caf\u00e9", "\u20ac", "\uD83D\uDE00", "\\n", "\\\"", "\\\\",
            "\\/", "\\u00e9", "\\uD83D\\uDE00", " ", "0", "{", "[", ":", ","};
    private static final String[] NUMBERS = {"0", "-0", "7", "12", "-3", "3.25", "-0.5", "1e10", "2E-3", "0.5e+7",
            "123456789012345678901234567890", "1.0E400"};
    private static final byte[] DAMAGE = {'{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', '+', ' ',
            't', 'u', 'x', '/', 0, 0x1F, 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xE2, (byte) 0xF0, (byte) 0xFF};

    private static void object(Random random, StringBuilder out, int depth) {
        out.append('{').append(space(random));
        var members = random.nextInt(depth > 3 ? 2 : 5);
        for (int i = 0; i < members; i++) {
            if (i > 0) {
                out.append(',').append(space(random));
            }
            string(random, out);
            out.append(space(random)).append(':').append(space(random));
            value(random, out, depth + 1);
            out.append(space(random));
        }
        out.append('}');
    }

    private static void value(Random random, StringBuilder out, int depth) {
        switch (random.nextInt(depth > 3 ? 4 : 6)) {
            case 0 -> string(random, out);
            case 1 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 2 -> out.append(new String[] {"true", "false", "null"}[random.nextInt(3)]);
            case 3 -> out.append('"').append('"');
            case 4 -> object(random, out, depth);
            default -> {
                out.append('[').append(space(random));
                var items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    if (i > 0) {
                        out.append(',').append(space(random));
                    }
                    value(random, out, depth + 1);
                }
                out.append(space(random)).append(']');
            }
        }
    }

    private static void string(Random random, StringBuilder out) {
        out.append('"');
        for (int n = random.nextInt(4); n > 0; n--) {
            out.append(PIECES[random.nextInt(PIECES.length)]);
        }
        out.append('"');
    }

    private static String space(Random random) {
        return SPACES[random.nextInt(SPACES.length)];
    }

    private static byte[] damage(Random random, byte[] body) {
        var list = new ArrayList<Byte>(body.length + 1);
        for (var b : body) {
            list.add(b);
        }
        var at = random.nextInt(list.size());
        switch (random.nextInt(4)) {
            case 0 -> list.remove(at);
            case 1 -> list.add(at, DAMAGE[random.nextInt(DAMAGE.length)]);
            case 2 -> list.set(at, DAMAGE[random.nextInt(DAMAGE.length)]);
            default -> list.subList(at, list.size()).clear();
        }
        var out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
