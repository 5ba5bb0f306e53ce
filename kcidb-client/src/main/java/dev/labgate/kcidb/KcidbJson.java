package dev.labgate.kcidb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.labgate.core.kcidb.KcidbData;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * KCIDB I/O JSON to and from the model in {@code dev.labgate.core.kcidb}. Absent properties are
 * omitted, never written as {@code null}; {@code _timestamp} maps to {@code timestamp}.
 */
public final class KcidbJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(new KcidbNaming())
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

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

    /** Snake case, except that the record component {@code timestamp} is KCIDB's {@code _timestamp}. */
    private static final class KcidbNaming extends PropertyNamingStrategies.SnakeCaseStrategy {
        @Override
        public String translate(String input) {
            return "timestamp".equals(input) ? "_timestamp" : super.translate(input);
        }
    }
}
