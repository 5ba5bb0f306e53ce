package dev.labgate.kcidb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * KCIDB I/O JSON to and from the model in {@code dev.labgate.core.kcidb}. Absent properties are
 * omitted, never written as {@code null}, and so are empty top-level lists, so that a document
 * read and written again is the same JSON; {@code _timestamp} maps to {@code timestamp}.
 * Unknown properties are ignored when reading: {@link KcidbValidator} is the one that judges them.
 */
public final class KcidbJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(new KcidbNaming())
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addMixIn(KcidbData.class, OmitEmptyLists.class)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectReader VERSION = MAPPER.readerFor(Version.class);
    private static final ObjectReader CHECKOUT = MAPPER.readerFor(Checkout.class);
    private static final ObjectReader BUILD = MAPPER.readerFor(Build.class);
    private static final ObjectReader TEST = MAPPER.readerFor(Test.class);
    private static final ObjectReader ISSUE = MAPPER.readerFor(Issue.class);
    private static final ObjectReader INCIDENT = MAPPER.readerFor(Incident.class);

    private KcidbJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static KcidbData read(byte[] json) {
        try {
            return MAPPER.readValue(json, KcidbData.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not KCIDB JSON: " + e.getMessage(), e);
        }
    }

    public static KcidbData read(InputStream json) throws IOException {
        return MAPPER.readValue(json, KcidbData.class);
    }

    public static byte[] write(KcidbData data) {
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a KCIDB document object by object and hands each to {@code sink}, holding only the
     * object being read: a day of results (hundreds of thousands of tests) never sits in memory
     * as a whole. Unknown top-level properties are skipped.
     *
     * @throws IOException when the input is not JSON or an object does not fit the model (a
     *                     string where a list belongs); the message names the line and column
     */
    public static void stream(InputStream json, KcidbSink sink) throws IOException {
        stream(json, sink, parser -> sink.test(TEST.readValue(parser)));
    }

    /**
     * {@link #stream(InputStream, KcidbSink)} with another way to read each test object: for a
     * reader that needs a few fields of every test and can skip the rest without binding it.
     */
    static void stream(InputStream json, KcidbSink sink, ElementReader tests) throws IOException {
        try (var parser = MAPPER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a KCIDB document is a JSON object" + at(parser));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                var name = parser.currentName();
                var token = parser.nextToken();
                switch (name) {
                    case "version" -> sink.version(VERSION.readValue(parser));
                    case "checkouts" -> each(parser, token, name, p -> sink.checkout(CHECKOUT.readValue(p)));
                    case "builds" -> each(parser, token, name, p -> sink.build(BUILD.readValue(p)));
                    case "tests" -> each(parser, token, name, tests);
                    case "issues" -> each(parser, token, name, p -> sink.issue(ISSUE.readValue(p)));
                    case "incidents" -> each(parser, token, name, p -> sink.incident(INCIDENT.readValue(p)));
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("unexpected " + parser.currentToken() + at(parser));
            }
        }
    }

    /** Reads one list element; the parser is on its START_OBJECT and must be left on its END_OBJECT. */
    interface ElementReader {
        void read(JsonParser parser) throws IOException;
    }

    private static void each(JsonParser parser, JsonToken token, String name, ElementReader element)
            throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw new IOException("\"" + name + "\" must be a list" + at(parser));
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new IOException("\"" + name + "\" must hold objects" + at(parser));
            }
            element.read(parser);
        }
    }

    static String at(JsonParser parser) {
        var location = parser.currentTokenLocation();
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Snake case, except that the record component {@code timestamp} is KCIDB's {@code _timestamp}. */
    private static final class KcidbNaming extends PropertyNamingStrategies.SnakeCaseStrategy {
        @Override
        public String translate(String input) {
            return "timestamp".equals(input) ? "_timestamp" : super.translate(input);
        }
    }

    /** KCIDB says an empty top-level list means the same as an absent one; absent keeps round trips exact. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private abstract static class OmitEmptyLists {
    }
}
