package dev.labgate.testkit;

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

/**
 * The KernelCI dashboard API on loopback, under {@code /api/}: answers each path with the JSON a
 * test gave it, and like the real dashboard answers a tree or issue path it has nothing for with
 * HTTP 200 and {@code {"error": "..."}}. Each test starts its own.
 */
public final class FakeKcidbDashboard implements AutoCloseable {

    /** A request the fake received: the path below {@code /api/} and the raw query (may be null). */
    public record Request(String path, String query) {
    }

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    public FakeKcidbDashboard() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    /** The API base, {@code http://127.0.0.1:<port>/api/}. */
    public URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/");
    }

    /** Answer {@code path} (below {@code /api/}, decoded, no query) with {@code json}. */
    public FakeKcidbDashboard answer(String path, String json) {
        return answer(path, 200, json);
    }

    public FakeKcidbDashboard answer(String path, int status, String json) {
        answers.put(path, json);
        statuses.put(path, status);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath().substring("/api/".length());
            requests.add(new Request(path, exchange.getRequestURI().getRawQuery()));
            var body = answers.get(path);
            var status = statuses.getOrDefault(path, 200);
            if (body == null) {
                body = path.startsWith("tree/") ? "{\"error\": \"No results available for this tree/branch/commit\"}"
                        : path.startsWith("test/") ? "{\"error\": \"No issues were found for this test\"}"
                        : path.startsWith("build/") ? "{\"error\": \"No issues found for this build\"}"
                        : "{\"error\": \"Issue not found\"}";
            }
            var bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
