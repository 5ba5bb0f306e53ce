package dev.labgate.lab.lava;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A LAVA job definition with {@code {{ name }}} placeholders, filled safely.
 *
 * <p>Only placeholders: no Jinja statements, filters or comments, so that what an operator reads is
 * what LAVA gets. Each value is written so that it stays one YAML scalar wherever the placeholder
 * sits: escaped inside double or single quotes, re-indented inside a block scalar, double-quoted
 * when it is a whole unquoted value that YAML would otherwise read as something else, and refused
 * (with the line and the fix) when it sits inside a longer unquoted value that it would break.
 * A value can therefore never add keys, actions or documents to the job. Immutable and thread-safe.
 */
public final class JobTemplate {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Values YAML reads as they are when they make up a whole unquoted scalar. */
    private static final Pattern WHOLE_PLAIN = Pattern.compile("[A-Za-z0-9_./+=~-][A-Za-z0-9_./:@+=~%-]*");
    /** Values that can sit inside a longer unquoted scalar without ending or changing it. */
    private static final Pattern PART_PLAIN = Pattern.compile("[A-Za-z0-9 _./:@+=~%,()-]*");
    /** What may come before a placeholder that starts an unquoted scalar: indentation, dashes, a key. */
    private static final Pattern SCALAR_START = Pattern.compile("\\s*(?:-\\s+)*(?:[^'\"#\\s][^'\"#]*?:\\s+)?");
    private static final Pattern LINE_END = Pattern.compile("\\s*(?:#.*)?");
    private static final Pattern BLOCK_HEADER = Pattern.compile(".*(?:^|\\s|:)[|>][+-]?[1-9]?[+-]?\\s*(?:#.*)?$");

    private enum Context { WHOLE_PLAIN, PART_PLAIN, DOUBLE_QUOTED, SINGLE_QUOTED, COMMENT, BLOCK }

    private record Slot(int start, int end, String name, int line) {
    }

    private final String text;
    private final List<Slot> slots;

    private JobTemplate(String text, List<Slot> slots) {
        this.text = text;
        this.slots = List.copyOf(slots);
    }

    /**
     * Reads a template.
     *
     * @throws IllegalArgumentException naming the line of anything that is not a plain placeholder
     */
    public static JobTemplate parse(String text) {
        var slots = new ArrayList<Slot>();
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                continue;
            }
            if (c != '{' || i + 1 >= text.length()) {
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '%' || next == '#') {
                throw new IllegalArgumentException("line " + line + ": '{" + next + "' starts a Jinja "
                        + (next == '%' ? "statement" : "comment") + "; labgate templates have only {{ name }} "
                        + "placeholders: write the job definition out in full");
            }
            if (next != '{') {
                continue;
            }
            int close = text.indexOf("}}", i + 2);
            int newline = text.indexOf('\n', i);
            if (close < 0 || (newline >= 0 && close > newline)) {
                throw new IllegalArgumentException("line " + line + ": '{{' without '}}' on the same line");
            }
            var name = text.substring(i + 2, close).strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("line " + line + ": '{{" + text.substring(i + 2, close)
                        + "}}' is not a placeholder; only {{ name }} is supported (no filters or expressions)");
            }
            slots.add(new Slot(i, close + 2, name, line));
            i = close + 1;
        }
        return new JobTemplate(text, slots);
    }

    /** The names of all placeholders, in order of first use. */
    public Set<String> names() {
        var names = new LinkedHashSet<String>();
        slots.forEach(s -> names.add(s.name()));
        return names;
    }

    /**
     * The definition with every placeholder replaced.
     *
     * @throws IllegalArgumentException when a placeholder has no value, or a value cannot be written
     *     where its placeholder sits; the message names the line and the fix
     */
    public String fill(Map<String, String> values) {
        var out = new StringBuilder(text.length() + 256);
        int from = 0;
        for (var slot : slots) {
            var value = values.get(slot.name());
            if (value == null) {
                throw new IllegalArgumentException("line " + slot.line() + ": {{ " + slot.name() + " }} has no value; "
                        + "known values: " + String.join(", ", new TreeSet<>(values.keySet())));
            }
            out.append(text, from, slot.start()).append(render(slot, value));
            from = slot.end();
        }
        return out.append(text, from, text.length()).toString();
    }

    private String render(Slot slot, String value) {
        var context = context(slot);
        if (context != Context.DOUBLE_QUOTED && value.chars().anyMatch(c -> c < 0x20 && c != '\n')) {
            throw refuse(slot, "contains control characters; put the placeholder in double quotes");
        }
        return switch (context) {
            case DOUBLE_QUOTED -> doubleQuotedContent(value);
            case SINGLE_QUOTED -> {
                if (value.indexOf('\n') >= 0) {
                    throw refuse(slot, "spans lines; put the placeholder in double quotes");
                }
                yield value.replace("'", "''");
            }
            case COMMENT -> value.replace('\n', ' ');
            case BLOCK -> value.replace("\n", "\n" + indentation(lineStart(slot.start())));
            case WHOLE_PLAIN -> WHOLE_PLAIN.matcher(value).matches() && !value.endsWith(":")
                    ? value : "\"" + doubleQuotedContent(value) + "\"";
            case PART_PLAIN -> {
                var startsScalar = SCALAR_START.matcher(text.substring(lineStart(slot.start()), slot.start()))
                        .matches();
                if (!PART_PLAIN.matcher(value).matches() || value.contains(": ") || value.endsWith(":")
                        || (startsScalar && !value.isEmpty() && !WHOLE_PLAIN.matcher(value.substring(0, 1))
                        .matches())) {
                    throw refuse(slot, "cannot go inside an unquoted value; put that value in double quotes in "
                            + "the template");
                }
                yield value;
            }
        };
    }

    private Context context(Slot slot) {
        int lineStart = lineStart(slot.start());
        if (inBlockScalar(lineStart)) {
            return Context.BLOCK;
        }
        var state = Context.PART_PLAIN;
        for (int i = lineStart; i < slot.start(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case DOUBLE_QUOTED -> {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        state = Context.PART_PLAIN;
                    }
                }
                case SINGLE_QUOTED -> {
                    if (c == '\'' && i + 1 < slot.start() && text.charAt(i + 1) == '\'') {
                        i++;
                    } else if (c == '\'') {
                        state = Context.PART_PLAIN;
                    }
                }
                case COMMENT -> {
                    return Context.COMMENT;
                }
                default -> {
                    var before = text.substring(lineStart, i);
                    if ((c == '"' || c == '\'') && opensScalar(before)) {
                        state = c == '"' ? Context.DOUBLE_QUOTED : Context.SINGLE_QUOTED;
                    } else if (c == '#' && (i == lineStart || Character.isWhitespace(text.charAt(i - 1)))) {
                        state = Context.COMMENT;
                    }
                }
            }
        }
        if (state != Context.PART_PLAIN) {
            return state;
        }
        var before = text.substring(lineStart, slot.start());
        int lineEnd = text.indexOf('\n', slot.end());
        var after = text.substring(slot.end(), lineEnd < 0 ? text.length() : lineEnd);
        return SCALAR_START.matcher(before).matches() && LINE_END.matcher(after).matches()
                ? Context.WHOLE_PLAIN : Context.PART_PLAIN;
    }

    /** A quote opens a quoted scalar only where a scalar can start (YAML reads {@code it's} as plain). */
    private static boolean opensScalar(String before) {
        var trimmed = before.stripTrailing();
        return trimmed.isEmpty() || trimmed.endsWith(":") && before.length() > trimmed.length()
                || trimmed.endsWith("-") && before.length() > trimmed.length()
                || trimmed.endsWith("[") || trimmed.endsWith("{") || trimmed.endsWith(",");
    }

    /**
     * Whether the line starting at {@code lineStart} is content of a block scalar ({@code |} or
     * {@code >}): some less indented line above it, through less and less indented lines, ends in a
     * block indicator.
     */
    private boolean inBlockScalar(int lineStart) {
        int threshold = indentation(lineStart).length();
        int end = lineStart - 1;
        while (end > 0 && threshold > 0) {
            int start = text.lastIndexOf('\n', end - 1) + 1;
            var line = text.substring(start, end);
            if (!line.isBlank()) {
                int indent = indentation(start).length();
                if (indent < threshold) {
                    if (BLOCK_HEADER.matcher(line).matches()) {
                        return true;
                    }
                    threshold = indent;
                }
            }
            end = start - 1;
        }
        return false;
    }

    private int lineStart(int position) {
        return text.lastIndexOf('\n', position - 1) + 1;
    }

    private String indentation(int lineStart) {
        int i = lineStart;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return text.substring(lineStart, i);
    }

    private static String doubleQuotedContent(String value) {
        var out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static IllegalArgumentException refuse(Slot slot, String why) {
        return new IllegalArgumentException("line " + slot.line() + ": the value of {{ " + slot.name() + " }} " + why);
    }
}
