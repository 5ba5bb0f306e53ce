package dev.labgate.bot.intake;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * Whether a webhook body is one JSON object (RFC 8259, in UTF-8), checked before it is stored, in
 * one pass that builds nothing. It accepts and refuses what Jackson's parser, which reads the body
 * later, accepts and refuses with its default features and limits (nesting depth, number length,
 * name length, UTF-8 byte sequences): a body that passes here can be read there. Unlike Jackson it
 * takes only UTF-8 (as RFC 8259 requires between systems; GitHub and GitLab send nothing else),
 * not UTF-16 or UTF-32. Tokenizing with Jackson took a fifth of the event loop's time under load,
 * mostly in looking up the payload's several hundred field names, which a check does not need.
 */
final class JsonCheck {

    private static final int MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;
    private static final int MAX_NUMBER = StreamReadConstraints.DEFAULT_MAX_NUM_LEN;
    private static final int MAX_NAME = StreamReadConstraints.DEFAULT_MAX_NAME_LEN;

    static final String EMPTY = "the body is empty; a webhook delivery is a JSON document";
    static final String NOT_AN_OBJECT = "the body is not a JSON object; set the webhook's content type to application/json";
    static final String INVALID = "the body is not valid JSON; set the webhook's content type to application/json";
    static final String TRAILING = "the body has data after its JSON object";

    /** Thrown at the first byte that cannot continue the document; without a stack, it is cheap. */
    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    /** Bytes that stand for themselves in a string: printable ASCII but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private final byte[] in;
    private int at;

    private JsonCheck(byte[] in) {
        this.in = in;
    }

    /** Why the body is not a JSON object, or null when it is one. */
    static String problem(byte[] body) {
        if (body == null || body.length == 0) {
            return EMPTY;
        }
        var check = new JsonCheck(body);
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            check.at = 3; // a byte order mark, which RFC 8259 lets a parser ignore
        }
        check.whitespace();
        if (check.at == body.length || body[check.at] != '{') {
            return NOT_AN_OBJECT;
        }
        try {
            check.object();
        } catch (Malformed e) {
            return INVALID;
        }
        check.whitespace();
        return check.at == body.length ? null : TRAILING;
    }

    /** The object at {@code at}, and everything in it, without recursion. */
    private void object() throws Malformed {
        // Open containers, innermost last: true for an object, false for an array.
        var objects = new boolean[MAX_DEPTH + 1];
        var depth = 0;
        while (true) {
            // A value starts here.
            whitespace();
            var c = next();
            if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw MALFORMED;
                }
                objects[depth] = c == '{';
                whitespace();
                if (peek() == (c == '{' ? '}' : ']')) {
                    at++;
                    depth--;
                } else {
                    if (c == '{') {
                        member();
                    }
                    continue;
                }
            } else if (c == '"') {
                string(false);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                number(c);
            } else if (c == 't') {
                literal("rue");
            } else if (c == 'f') {
                literal("alse");
            } else if (c == 'n') {
                literal("ull");
            } else {
                throw MALFORMED;
            }
            // A value ended: a comma, or the end of the containers it closes.
            while (true) {
                if (depth == 0) {
                    return;
                }
                whitespace();
                var after = next();
                if (after == ',') {
                    if (objects[depth]) {
                        whitespace();
                        member();
                    }
                    break;
                }
                if (after != (objects[depth] ? '}' : ']')) {
                    throw MALFORMED;
                }
                depth--;
            }
        }
    }

    /** A member's name and its colon; its value follows. */
    private void member() throws Malformed {
        if (next() != '"') {
            throw MALFORMED;
        }
        string(true);
        whitespace();
        if (next() != ':') {
            throw MALFORMED;
        }
    }

    /**
     * The rest of a string after its opening quote. A name is held to Jackson's rules for names: at
     * most {@code MAX_NAME} bytes once its escapes are decoded (in UTF-8), and an escaped surrogate
     * only as a high one escaped right before a low one.
     */
    private void string(boolean name) throws Malformed {
        var bytes = 0;
        while (true) {
            // Most of a payload is plain ASCII inside strings: skipped in a loop of its own.
            var end = at;
            while (end < in.length && PLAIN[in[end] & 0xFF]) {
                end++;
            }
            bytes += end - at;
            at = end;
            var c = next();
            if (c == '"') {
                if (name && bytes > MAX_NAME) {
                    throw MALFORMED;
                }
                return;
            }
            if (c == '\\') {
                var unit = escape();
                if (name && unit >= 0xD800 && unit <= 0xDFFF) {
                    if (unit > 0xDBFF || next() != '\\') {
                        throw MALFORMED;
                    }
                    var low = escape();
                    if (low < 0xDC00 || low > 0xDFFF) {
                        throw MALFORMED;
                    }
                    bytes += 4;
                } else {
                    bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
                }
            } else if (c < 0x20) {
                throw MALFORMED;
            } else if ((c & 0xE0) == 0xC0) {
                bytes += continuation(1);
            } else if ((c & 0xF0) == 0xE0) {
                bytes += continuation(2);
            } else if ((c & 0xF8) == 0xF0) {
                bytes += continuation(3);
            } else {
                throw MALFORMED;
            }
        }
    }

    /** An escape after its backslash: the UTF-16 unit it stands for. */
    private int escape() throws Malformed {
        var c = next();
        switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return c;
            }
            case 'u' -> {
                var unit = 0;
                for (int i = 0; i < 4; i++) {
                    unit = unit << 4 | hex(next());
                }
                return unit;
            }
            default -> throw MALFORMED;
        }
    }

    private static int hex(int c) throws Malformed {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            return (c | 0x20) - 'a' + 10;
        }
        throw MALFORMED;
    }

    /** The continuation bytes of a character in UTF-8; the character's length. */
    private int continuation(int bytes) throws Malformed {
        for (int i = 0; i < bytes; i++) {
            if ((next() & 0xC0) != 0x80) {
                throw MALFORMED;
            }
        }
        return bytes + 1;
    }

    /** The rest of a number after its first character: no leading zeros, digits after '.' and 'e'. */
    private void number(int first) throws Malformed {
        var integer = 0;
        if (first == '-') {
            first = next();
            if (first < '0' || first > '9') {
                throw MALFORMED;
            }
        }
        integer++;
        if (first == '0') {
            if (isDigit(peek())) {
                throw MALFORMED;
            }
        } else {
            integer += digits();
        }
        var fraction = 0;
        var exponent = 0;
        if (peek() == '.') {
            at++;
            fraction = digits();
            if (fraction == 0) {
                throw MALFORMED;
            }
        }
        var e = peek();
        if (e == 'e' || e == 'E') {
            at++;
            var sign = peek();
            if (sign == '+' || sign == '-') {
                at++;
            }
            exponent = digits();
            if (exponent == 0) {
                throw MALFORMED;
            }
        }
        if (integer + fraction + exponent > MAX_NUMBER) {
            throw MALFORMED;
        }
    }

    private int digits() {
        var start = at;
        while (isDigit(peek())) {
            at++;
        }
        return at - start;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** true, false or null, after its first letter (what may follow is the caller's to check). */
    private void literal(String rest) throws Malformed {
        for (int i = 0; i < rest.length(); i++) {
            if (next() != rest.charAt(i)) {
                throw MALFORMED;
            }
        }
    }

    private void whitespace() {
        while (at < in.length) {
            var c = in[at];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
    }

    /** The next byte (0 to 255), consumed; past the end, malformed. */
    private int next() throws Malformed {
        if (at == in.length) {
            throw MALFORMED;
        }
        return in[at++] & 0xFF;
    }

    /** The next byte (0 to 255) without consuming it, or -1 at the end. */
    private int peek() {
        return at < in.length ? in[at] & 0xFF : -1;
    }
}
