package dev.labgate.kcidb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks KCIDB I/O documents against every rule of the v5.3 schema and reports each violation
 * with its JSON path: ids and origins, commit and patchset hashes, test paths, statuses, types,
 * formats (URI, date-time, e-mail), lengths, required and unknown properties.
 *
 * <p>The rules are written out here rather than read from the schema file so that the messages
 * speak KCIDB ("a test path is dot-separated words"), not JSON Schema; a conformance test keeps
 * them in agreement with the official schema. Thread-safe.
 */
public final class KcidbValidator {

    private static final String NO_NUL = "[^\\x00]*";
    private static final Check TEXT = pattern(NO_NUL, "must not contain NUL characters");
    private static final Check ID = pattern("[a-z0-9_]+:" + NO_NUL,
            "must be '<origin>:<local id>', the origin in lowercase letters, digits and '_'");
    private static final Check ORIGIN = pattern("[a-z0-9_]+", "must be lowercase letters, digits and '_'");
    private static final Check PATH = pattern("([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?",
            "must be dot-separated words of letters, digits, '_' and '-' (or empty for the root)");
    private static final Check URI_TEXT = uri();
    private static final Check DATE_TIME = dateTime();
    private static final Check LOG_EXCERPT = all(TEXT, maxLength(16384));
    private static final Check MISC = object();
    private static final Check STATUS = oneOf(List.of("FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"));
    private static final Check RESOURCES = list(object(fields(
            Map.of("name", pattern("[^/\\x00]+", "must be a file name: not empty, no '/'"), "url", URI_TEXT),
            List.of("name", "url"))));

    private static final Fields VERSION = fields(Map.of(
            "major", all(integer(), constant(5)),
            "minor", all(integer(), range(0, 3))), List.of("major"));

    private static final Fields CHECKOUT = fields(ordered(
            "id", ID, "origin", ORIGIN, "tree_name", TEXT,
            "git_repository_url", all(URI_TEXT, pattern("https://" + NO_NUL, "must be an https:// URL")),
            "git_commit_hash", pattern("[0-9a-f]{40}", "must be 40 lowercase hex digits"),
            "git_commit_name", TEXT, "git_commit_tags", list(TEXT), "git_commit_message", TEXT,
            "git_repository_branch", TEXT, "git_repository_branch_tip", bool(),
            "patchset_files", RESOURCES,
            "patchset_hash", pattern("|[0-9a-f]{64}", "must be empty or 64 lowercase hex digits"),
            "message_id", email(), "comment", TEXT, "start_time", DATE_TIME, "log_url", URI_TEXT,
            "log_excerpt", LOG_EXCERPT, "valid", bool(), "origin_builds_finish_time", DATE_TIME,
            "origin_tests_finish_time", DATE_TIME, "misc", MISC, "_timestamp", DATE_TIME),
            List.of("id", "origin"));

    private static final Fields BUILD = fields(ordered(
            "id", ID, "checkout_id", ID, "origin", ORIGIN, "comment", TEXT, "start_time", DATE_TIME,
            "duration", number(),
            "architecture", pattern("[a-z0-9_]*", "must be lowercase letters, digits and '_'"),
            "command", TEXT, "compiler", TEXT, "input_files", RESOURCES, "output_files", RESOURCES,
            "config_name", TEXT, "config_url", URI_TEXT, "log_url", URI_TEXT, "log_excerpt", LOG_EXCERPT,
            "status", STATUS, "misc", MISC, "_timestamp", DATE_TIME),
            List.of("id", "checkout_id", "origin"));

    private static final Fields ENVIRONMENT = fields(Map.of(
            "comment", TEXT,
            "compatible", list(pattern("[^ \\x00]+(,[^ \\x00]+)*",
                    "must be a device-tree compatible string: no spaces")),
            "misc", MISC), List.of());

    private static final Fields NUMBER = fields(Map.of(
            "value", number(), "prefix", oneOf(List.of("metric", "binary")), "unit", TEXT), List.of("value"));

    private static final Fields TEST = fields(ordered(
            "id", ID, "build_id", ID, "origin", ORIGIN, "environment", object(ENVIRONMENT), "path", PATH,
            "comment", TEXT, "log_url", URI_TEXT, "log_excerpt", LOG_EXCERPT, "status", STATUS,
            "number", object(NUMBER), "start_time", DATE_TIME, "duration", number(),
            "output_files", RESOURCES, "input_files", RESOURCES, "misc", MISC, "_timestamp", DATE_TIME),
            List.of("id", "build_id", "origin"));

    private static final Fields CULPRIT = fields(Map.of("code", bool(), "tool", bool(), "harness", bool()),
            List.of());

    private static final Fields ISSUE = fields(ordered(
            "id", ID, "version", all(integer(), range(0, Long.MAX_VALUE)), "origin", ORIGIN,
            "report_url", URI_TEXT, "report_subject", TEXT, "culprit", object(CULPRIT), "comment", TEXT,
            "misc", MISC, "categories", list(PATH), "_timestamp", DATE_TIME),
            List.of("id", "version", "origin"));

    private static final Fields INCIDENT = fields(ordered(
            "id", ID, "issue_id", ID, "issue_version", all(integer(), range(0, Long.MAX_VALUE)), "origin", ORIGIN,
            "build_id", ID, "test_id", ID, "present", bool(), "comment", TEXT, "misc", MISC,
            "_timestamp", DATE_TIME),
            List.of("id", "origin", "issue_id", "issue_version"));

    private static final Map<String, Fields> LISTS = Map.of("checkouts", CHECKOUT, "builds", BUILD,
            "tests", TEST, "issues", ISSUE, "incidents", INCIDENT);

    /** Every violation in the document, in document order; empty when it is valid. */
    public List<Violation> validate(JsonNode document) {
        var found = new ArrayList<Violation>();
        validateDocument(document, found::add);
        return found;
    }

    /**
     * Every violation in a document read from a stream, object by object, so that a large file
     * is checked without holding it; a document that is not JSON at all is one violation at
     * {@code $} naming the line and column.
     */
    public List<Violation> validate(InputStream json) {
        var found = new ArrayList<Violation>();
        try (var parser = KcidbJson.mapper().createParser(json)) {
            validateStream(parser, found::add);
        } catch (JsonProcessingException e) {
            found.add(new Violation("$", "not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            found.add(new Violation("$", "could not be read: " + e.getMessage()));
        }
        return found;
    }

    private static void validateDocument(JsonNode document, Consumer<Violation> out) {
        if (!document.isObject()) {
            out.accept(new Violation("$", "a KCIDB document must be a JSON object"));
            return;
        }
        if (!document.has("version")) {
            out.accept(new Violation("$.version", "required property is missing"));
        }
        document.fields().forEachRemaining(field -> topLevel(field.getKey(), field.getValue(), out));
    }

    private static void topLevel(String name, JsonNode value, Consumer<Violation> out) {
        var path = "$" + Paths.property(name);
        if ("version".equals(name)) {
            object(VERSION).check(value, path, out);
        } else if (LISTS.containsKey(name)) {
            list(object(LISTS.get(name))).check(value, path, out);
        } else {
            out.accept(new Violation(path, "unknown property"));
        }
    }

    private static void validateStream(JsonParser parser, Consumer<Violation> out) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            out.accept(new Violation("$", "a KCIDB document must be a JSON object"));
            return;
        }
        var sawVersion = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var name = parser.currentName();
            var token = parser.nextToken();
            sawVersion |= "version".equals(name);
            if (LISTS.containsKey(name) && token == JsonToken.START_ARRAY) {
                var element = object(LISTS.get(name));
                var index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    JsonNode item = parser.readValueAsTree();
                    element.check(item, "$" + Paths.property(name) + "[" + index++ + "]", out);
                }
            } else {
                topLevel(name, parser.readValueAsTree(), out);
            }
        }
        if (!sawVersion) {
            out.accept(new Violation("$.version", "required property is missing"));
        }
        if (parser.nextToken() != null) {
            out.accept(new Violation("$", "unexpected content after the document"));
        }
    }

    /** A rule for one JSON value at a path. */
    private interface Check {
        void check(JsonNode value, String path, Consumer<Violation> out);
    }

    /** The properties an object may have, and which it must have. */
    private record Fields(Map<String, Check> allowed, List<String> required) {
    }

    private static Fields fields(Map<String, Check> allowed, List<String> required) {
        return new Fields(allowed, required);
    }

    private static Map<String, Check> ordered(Object... nameThenCheck) {
        var map = new LinkedHashMap<String, Check>();
        for (int i = 0; i < nameThenCheck.length; i += 2) {
            map.put((String) nameThenCheck[i], (Check) nameThenCheck[i + 1]);
        }
        return map;
    }

    private static Check object(Fields fields) {
        return (value, path, out) -> {
            if (!value.isObject()) {
                out.accept(new Violation(path, "must be an object, not " + describe(value)));
                return;
            }
            for (var name : fields.required()) {
                if (!value.has(name)) {
                    out.accept(new Violation(path + Paths.property(name), "required property is missing"));
                }
            }
            value.fields().forEachRemaining(field -> {
                var check = fields.allowed().get(field.getKey());
                var at = path + Paths.property(field.getKey());
                if (check == null) {
                    out.accept(new Violation(at, "unknown property"));
                } else {
                    check.check(field.getValue(), at, out);
                }
            });
        };
    }

    /** Free-form {@code misc} data: any object. */
    private static Check object() {
        return (value, path, out) -> {
            if (!value.isObject()) {
                out.accept(new Violation(path, "must be an object, not " + describe(value)));
            }
        };
    }

    private static Check list(Check item) {
        return (value, path, out) -> {
            if (!value.isArray()) {
                out.accept(new Violation(path, "must be a list, not " + describe(value)));
                return;
            }
            for (int i = 0; i < value.size(); i++) {
                item.check(value.get(i), path + "[" + i + "]", out);
            }
        };
    }

    private static Check all(Check... checks) {
        return (value, path, out) -> {
            // A value of the wrong type gets one message, not one per rule.
            var first = new ArrayList<Violation>();
            checks[0].check(value, path, first::add);
            first.forEach(out);
            if (first.isEmpty()) {
                for (int i = 1; i < checks.length; i++) {
                    checks[i].check(value, path, out);
                }
            }
        };
    }

    private static Check string(Predicate<String> ok, String message) {
        return (value, path, out) -> {
            if (!value.isTextual()) {
                out.accept(new Violation(path, "must be a string, not " + describe(value)));
            } else if (!ok.test(value.textValue())) {
                out.accept(new Violation(path, message + ", not " + quote(value.textValue())));
            }
        };
    }

    private static Check pattern(String regex, String message) {
        var compiled = Pattern.compile(regex);
        return string(text -> compiled.matcher(text).matches(), message);
    }

    private static Check oneOf(List<String> values) {
        return string(values::contains, "must be one of " + String.join(", ", values));
    }

    private static Check maxLength(int max) {
        return string(text -> text.codePointCount(0, text.length()) <= max, "must be at most " + max + " characters");
    }

    private static Check uri() {
        return string(text -> {
            try {
                return new URI(text).isAbsolute();
            } catch (URISyntaxException e) {
                return false;
            }
        }, "must be an absolute URI");
    }

    private static final Pattern RFC3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

    private static Check dateTime() {
        return string(text -> {
            if (!RFC3339.matcher(text).matches()) {
                return false;
            }
            try {
                OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }, "must be an RFC 3339 date-time such as 2024-05-01T12:00:00.000000+00:00");
    }

    private static Check email() {
        return pattern("[^@\\s\\x00]+@[^@\\s\\x00]+", "must be an e-mail address (a Message-ID without angle brackets)");
    }

    private static Check bool() {
        return (value, path, out) -> {
            if (!value.isBoolean()) {
                out.accept(new Violation(path, "must be true or false, not " + describe(value)));
            }
        };
    }

    private static Check number() {
        return (value, path, out) -> {
            if (!value.isNumber()) {
                out.accept(new Violation(path, "must be a number, not " + describe(value)));
            }
        };
    }

    private static Check integer() {
        return (value, path, out) -> {
            if (!isInteger(value)) {
                out.accept(new Violation(path, "must be a whole number, not " + describe(value)));
            }
        };
    }

    private static boolean isInteger(JsonNode value) {
        return value.isIntegralNumber() || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    private static Check constant(long expected) {
        return (value, path, out) -> {
            if (value.asLong() != expected) {
                out.accept(new Violation(path, "must be " + expected + ", not " + value));
            }
        };
    }

    private static Check range(long min, long max) {
        return (value, path, out) -> {
            var number = value.decimalValue();
            if (number.compareTo(BigDecimal.valueOf(min)) < 0
                    || number.compareTo(BigDecimal.valueOf(max)) > 0) {
                out.accept(new Violation(path, max == Long.MAX_VALUE
                        ? "must be at least " + min + ", not " + value
                        : "must be between " + min + " and " + max + ", not " + value));
            }
        };
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null (leave the property out instead)";
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            default -> value.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String quote(String text) {
        var shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "\"" + shown.replace("\u0000", "\\u0000").replace("\n", "\\n") + "\"";
    }
}
