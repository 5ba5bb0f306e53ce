package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What the forge fakes share: a JDK HTTP server on loopback that records every request, can play
 * an outage, and answers JSON.
 */
public abstract class FakeHttpServer implements AutoCloseable {

    /** A request the fake received; {@code path} is the raw (still encoded) path. */
    public record Request(String method, String path, String query, String body, long receivedNanos) {
    }

    /**
     * What the fake answers: a status, a JSON body (a text node is sent as plain text, none as no
     * body) or raw bytes (a file download), and extra headers.
     */
    protected record Answer(int status, JsonNode body, Map<String, String> headers, byte[] raw) {
        protected Answer(int status, JsonNode body, Map<String, String> headers) {
            this(status, body, headers, null);
        }

        static Answer bytes(int status, byte[] raw, Map<String, String> headers) {
            return new Answer(status, null, headers, raw);
        }

        static Answer json(int status, JsonNode body) {
            return new Answer(status, body, Map.of());
        }

        static Answer empty(int status) {
            return new Answer(status, null, Map.of());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong nextId = new AtomicLong(1000);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 502;

    protected FakeHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    protected URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code count} requests fail with {@code status} (an outage of the API). */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    protected long nextId() {
        return nextId.incrementAndGet();
    }

    /** Answers one request; {@code path} is decoded, {@code query} holds decoded parameters. */
    protected abstract Answer answer(String method, String path, Map<String, String> query, String body,
                                     HttpExchange exchange) throws IOException;

    /** Headers added to every answer (a rate-limit budget, say). */
    protected void extraHeaders(HttpExchange exchange) {
    }

    /** The decoded path of a request, given its raw path; GitLab-style fakes keep {@code %2F} inside segments. */
    protected String decodePath(String rawPath) {
        return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var received = System.nanoTime();
            var method = exchange.getRequestMethod();
            var rawPath = exchange.getRequestURI().getRawPath();
            var rawQuery = exchange.getRequestURI().getRawQuery();
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(method, rawPath, rawQuery, body, received));
            Answer answer;
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer = Answer.json(failureStatus, JSON.createObjectNode().put("message", "the fake is having an outage"));
            } else {
                try {
                    answer = answer(method, decodePath(rawPath), parseQuery(rawQuery), body, exchange);
                } catch (RuntimeException e) {
                    answer = Answer.json(500, JSON.createObjectNode().put("message", e.toString()));
                }
            }
            send(exchange, answer);
        }
    }

    private void send(HttpExchange exchange, Answer answer) throws IOException {
        extraHeaders(exchange);
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        if (answer.raw() != null) {
            exchange.sendResponseHeaders(answer.status(), answer.raw().length == 0 ? -1 : answer.raw().length);
            exchange.getResponseBody().write(answer.raw());
            return;
        }
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        var text = answer.body().isTextual();
        var bytes = text ? answer.body().asText().getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().add("Content-Type", text ? "text/plain; charset=utf-8"
                : "application/json; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static Map<String, String> parseQuery(String raw) {
        var out = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (var pair : raw.split("&")) {
            var eq = pair.indexOf('=');
            var name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    static String queryString(Map<String, String> query) {
        return query.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
