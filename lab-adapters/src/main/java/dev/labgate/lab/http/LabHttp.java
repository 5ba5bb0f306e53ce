package dev.labgate.lab.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.labgate.core.lab.LabException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * JSON over HTTP for the lab adapters: the one place where a lab that cannot be reached becomes a
 * retryable {@link LabException}. What an answer's status means is the adapter's business.
 * Thread-safe; secrets in headers never appear in messages.
 */
public final class LabHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;
    /** The most bytes of one log read (before and after gunzip). */
    public static final int MAX_LOG = 32 << 20;

    /** An answer from the lab: its status, its body as JSON (missing when it is not JSON) and as text. */
    public record Answer(int status, JsonNode json, String text) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** What the lab said, for a human: its {@code message} or {@code detail} field, else the text. */
        public String message() {
            for (var field : new String[] {"message", "detail", "error"}) {
                var value = json.path(field);
                if (value.isTextual() && !value.asText().isBlank()) {
                    return cut(value.asText());
                }
                if (value.isContainerNode()) {
                    return cut(value.toString());
                }
            }
            return text.isBlank() ? "HTTP " + status : cut(text.strip());
        }

        private static String cut(String text) {
            return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
        }
    }

    private final String lab;
    private final HttpClient client;
    private final Duration timeout;

    public LabHttp(String lab, Duration timeout) {
        this.lab = lab;
        this.timeout = timeout;
        // HTTP/1.1: the labs' servers speak it, and a cleartext HTTP/2 upgrade only adds a header they ignore.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public Answer get(URI uri, Map<String, String> headers) {
        return send(request(uri, headers).GET().build());
    }

    /**
     * A job's log as text, at most {@link #MAX_LOG} bytes of it (gunzipped when the lab stores it
     * gzipped, KernelCI's {@code log.txt.gz}): logs run to hundreds of megabytes, and the kernel's
     * reports that matter come first. Empty when the lab has no such log (404).
     *
     * @param headers the lab's credentials where its API serves the log (LAVA); none for a file in
     *                a lab's storage (KernelCI), whose URL carries its own access signature
     * @throws LabException when it cannot be fetched (retryable: storage comes and goes)
     */
    public Optional<String> log(URI uri, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        headers.forEach(builder::header);
        try {
            var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (var body = response.body()) {
                if (response.statusCode() == 404) {
                    return Optional.empty();
                }
                if (response.statusCode() != 200) {
                    throw new LabException(lab + " did not give the log at " + uri.getHost() + uri.getPath()
                            + " (HTTP " + response.statusCode() + ")", true);
                }
                return Optional.of(text(body.readNBytes(MAX_LOG)));
            }
        } catch (IOException e) {
            throw new LabException(lab + " log at " + uri.getHost() + " cannot be read: "
                    + e.getClass().getSimpleName(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while reading a log from " + lab, true, e);
        }
    }

    private static String text(byte[] bytes) throws IOException {
        if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        var out = new ByteArrayOutputStream();
        try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            var buffer = new byte[8192];
            int n;
            while (out.size() < MAX_LOG && (n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (EOFException e) {
            // A gzipped log cut at MAX_LOG bytes ends mid-stream: what came before it still reads.
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public Answer post(URI uri, Map<String, String> headers, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        return send(request(uri, headers).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    private HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        headers.forEach(builder::header);
        return builder;
    }

    private Answer send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new LabException(lab + " at " + request.uri().getHost() + " cannot be reached: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for " + lab, true, e);
        }
        var text = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
        } catch (IOException e) {
            json = MissingNode.getInstance();
        }
        return new Answer(response.statusCode(), json == null ? MissingNode.getInstance() : json, text);
    }
}
