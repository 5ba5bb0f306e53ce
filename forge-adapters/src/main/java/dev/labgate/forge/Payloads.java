package dev.labgate.forge;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reading webhook payloads field by field: a field labgate needs and cannot find is a
 * {@link MissingField}, which the event mappers turn into an {@code Ignored} event with the reason.
 */
public final class Payloads {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private Payloads() {
    }

    /** A field labgate needs is absent or of the wrong type; a control-flow signal, no stack trace. */
    public static final class MissingField extends RuntimeException {
        public MissingField(String field) {
            super("missing " + field, null, false, false);
        }
    }

    public static JsonNode field(JsonNode node, String name) {
        var value = node.get(name);
        if (value == null || value.isNull()) {
            throw new MissingField(name);
        }
        return value;
    }

    public static String text(JsonNode node, String name) {
        var value = field(node, name);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MissingField(name + " (not text)");
        }
        return value.asText();
    }

    public static long number(JsonNode node, String name) {
        var value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MissingField(name + " (not a number)");
        }
        return value.asLong();
    }

    /** A 40-hex commit id, lower-cased. */
    public static String sha(JsonNode node, String name) {
        var value = text(node, name).toLowerCase(Locale.ROOT);
        if (!isSha(value)) {
            throw new MissingField(name + " (not a commit id)");
        }
        return value;
    }

    public static boolean isSha(String text) {
        return text != null && SHA.matcher(text).matches();
    }

    /** Optional text: empty when absent or not text. */
    public static String optionalText(JsonNode node, String name) {
        var value = node.get(name);
        return value != null && value.isTextual() ? value.asText() : "";
    }
}
