package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kcidb-ng's REST daemon on loopback, with the answers of kcidb-restd-rs: {@code POST /submit}
 * takes any JSON body with {@code Authorization: Bearer <token>} and answers
 * {@code {"id","status":"ok","message"}}; {@code GET /status?id=} answers {@code inprogress},
 * {@code ready}, then {@code processed} (or {@code failed} for a body the test marked), and
 * {@code notfound} with 404 for an unknown id. Each test starts its own.
 */
public final class FakeKcidbNg implements AutoCloseable {

    /** A submission as the fake stored it. */
    public record Stored(String id, JsonNode body) {
    }

    /** A request the fake received: method, path with query, and the Authorization header. */
    public record Request(String method, String path, String authorization) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String token;
    private final List<Stored> stored = Collections.synchronizedList(new ArrayList<>());
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile String failBodiesContaining;
    private volatile int pollsUntilDone = 2;

    public FakeKcidbNg(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The next {@code count} requests fail with {@code status} (an outage). */
    public FakeKcidbNg failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
        return this;
    }

    /** Submissions whose body contains {@code text} end {@code failed}, as the ingester does with invalid data. */
    public FakeKcidbNg failSubmissionsContaining(String text) {
        failBodiesContaining = text;
        return this;
    }

    /** How many status checks answer {@code inprogress}/{@code ready} before the final state (default 2). */
    public FakeKcidbNg pollsUntilDone(int count) {
        pollsUntilDone = count;
        return this;
    }

    public List<Stored> submissions() {
        return List.copyOf(stored);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var auth = exchange.getRequestHeaders().getFirst("Authorization");
            var path = exchange.getRequestURI().getRawPath();
            var query = exchange.getRequestURI().getRawQuery();
            requests.add(new Request(exchange.getRequestMethod(), path + (query == null ? "" : "?" + query), auth));
            var body = exchange.getRequestBody().readAllBytes();
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(exchange, failureStatus, answer("0", "error", "Internal server error"));
                return;
            }
            if (auth == null || !auth.equals("Bearer " + token)) {
                respond(exchange, 401, answer("0", "error", auth == null ? "JWT is required" : "InvalidSignature"));
                return;
            }
            if ("POST".equals(exchange.getRequestMethod()) && "/submit".equals(path)) {
                submit(exchange, body);
            } else if ("GET".equals(exchange.getRequestMethod()) && "/status".equals(path)) {
                status(exchange, query == null ? "" : query.replaceFirst("^id=", ""));
            } else {
                respond(exchange, 404, "Not Found");
            }
        }
    }

    private void submit(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            respond(exchange, 400, answer("0", "error", e.getMessage()));
            return;
        }
        var id = "sub" + next.incrementAndGet() + "x".repeat(10);
        stored.add(new Stored(id, json));
        polls.put(id, new AtomicInteger());
        respond(exchange, 200, answer(id, "ok", "Received submission " + id + " with size " + body.length + " bytes"));
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        if (id.isEmpty()) {
            respond(exchange, 400, answer("0", "error", "Empty id"));
            return;
        }
        var found = stored.stream().filter(s -> s.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            respond(exchange, 404, answer(id, "notfound", "File not found"));
            return;
        }
        var seen = polls.get(id).getAndIncrement();
        if (seen < pollsUntilDone) {
            respond(exchange, 200, seen == 0 ? answer(id, "inprogress", "File still in progress")
                    : answer(id, "ready", "File waiting for processing"));
        } else if (failBodiesContaining != null && found.get().body().toString().contains(failBodiesContaining)) {
            respond(exchange, 200, answer(id, "failed", "File failed to pass validation"));
        } else {
            respond(exchange, 200, answer(id, "processed", "File archived"));
        }
    }

    private static String answer(String id, String status, String message) throws IOException {
        return JSON.writeValueAsString(Map.of("id", id, "status", status, "message", message));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
