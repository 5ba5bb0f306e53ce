package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The common part of the lab fakes: a JDK HTTP server on loopback that records every request,
 * can play an outage, and hands each exchange to the fake as a {@link Call}.
 */
public abstract class LoopbackServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A request the fake received; {@code receivedNanos} is {@link System#nanoTime()} when it arrived. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body,
                          long receivedNanos) {
    }

    /** One exchange: the request as read, and a way to answer it. */
    record Call(String method, String path, Map<String, String> query, Map<String, String> headers, String body,
                HttpExchange exchange) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }

        void answer(int status, JsonNode body) throws IOException {
            answer(status, "application/json", JSON.writeValueAsBytes(body));
        }

        void answer(int status, String contentType, byte[] bytes) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 502;

    LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::receive);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The next {@code count} requests fail with {@code status} (an outage of the lab). */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    abstract void handle(Call call) throws IOException;

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            var received = System.nanoTime();
            var uri = exchange.getRequestURI();
            var headers = new LinkedHashMap<String, String>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), Map.copyOf(headers),
                    body, received));
            var call = new Call(exchange.getRequestMethod(), uri.getPath(), query(uri.getRawQuery()), headers, body,
                    exchange);
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                call.answer(failureStatus, JSON.createObjectNode().put("message", "the fake is having an outage"));
                return;
            }
            try {
                handle(call);
            } catch (RuntimeException e) {
                call.answer(500, JSON.createObjectNode().put("message", e.toString()));
            }
        }
    }

    private static Map<String, String> query(String raw) {
        var query = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (var pair : raw.split("&")) {
            var eq = pair.indexOf('=');
            var key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
