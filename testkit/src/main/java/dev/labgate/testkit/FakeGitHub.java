package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small GitHub REST API on loopback, speaking the shapes the github-api library reads and
 * keeping state: statuses and issue comments posted to it can be read back, in order. Each test
 * starts its own.
 */
public final class FakeGitHub implements AutoCloseable {

    /** A request the fake received. */
    public record Request(String method, String path, String body) {
    }

    /** A commit status as GitHub stores it. */
    public record Status(String sha, String context, String state, String description, String targetUrl) {
    }

    /** An issue comment as GitHub stores it. */
    public record Comment(long id, long issue, String body, String author) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO = Pattern.compile("^/repos/([^/]+)/([^/]+)(/.*)?$");

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<Status>> statuses = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Comment>> comments = new ConcurrentHashMap<>();
    private final Map<String, String> permissions = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1000);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 502;
    private final String botLogin;

    public FakeGitHub() throws IOException {
        this("labgate-bot");
    }

    public FakeGitHub(String botLogin) throws IOException {
        this.botLogin = botLogin;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The permission {@code user} has on {@code owner/repo}: admin, write, read or none (the default). */
    public FakeGitHub permission(String fullName, String user, String level) {
        permissions.put(fullName.toLowerCase() + "#" + user.toLowerCase(), level);
        return this;
    }

    /** The next {@code count} requests fail with {@code status} (an outage of the API). */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Statuses posted for a commit, oldest first. */
    public List<Status> statuses(String fullName, String sha) {
        return List.copyOf(statuses.getOrDefault(fullName.toLowerCase() + "@" + sha, List.of()));
    }

    /** Comments of an issue or pull request, oldest first, as they are now. */
    public List<Comment> comments(String fullName, long issue) {
        var map = comments.get(fullName.toLowerCase() + "#" + issue);
        return map == null ? List.of() : List.copyOf(map.values());
    }

    /** Adds a comment as if a person wrote it. */
    public Comment addComment(String fullName, long issue, String author, String body) {
        var comment = new Comment(nextId.incrementAndGet(), issue, body, author);
        comments.computeIfAbsent(fullName.toLowerCase() + "#" + issue, k -> Collections.synchronizedMap(
                new LinkedHashMap<>())).put(comment.id(), comment);
        return comment;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var method = exchange.getRequestMethod();
            var path = exchange.getRequestURI().getPath();
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(method, path, body));
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(exchange, failureStatus, error("the fake is having an outage"));
                return;
            }
            var m = REPO.matcher(path);
            if (!m.matches()) {
                send(exchange, 404, error("Not Found"));
                return;
            }
            route(exchange, method, m, body);
        } catch (RuntimeException e) {
            send(exchange, 500, error(e.toString()));
        }
    }

    private void route(HttpExchange exchange, String method, Matcher m, String body) throws IOException {
        var owner = m.group(1);
        var name = m.group(2);
        var fullName = owner + "/" + name;
        var rest = m.group(3) == null ? "" : m.group(3);
        Matcher sub;
        if (rest.isEmpty() && method.equals("GET")) {
            send(exchange, 200, repository(owner, name));
        } else if ((sub = match("^/collaborators/([^/]+)/permission$", rest)) != null && method.equals("GET")) {
            var user = sub.group(1);
            var level = permissions.getOrDefault(fullName.toLowerCase() + "#" + user.toLowerCase(), "none");
            var node = JSON.createObjectNode().put("permission", level).put("role_name", level);
            node.set("user", user(user));
            send(exchange, 200, node);
        } else if ((sub = match("^/statuses/([0-9a-f]{40})$", rest)) != null && method.equals("POST")) {
            var in = JSON.readTree(body);
            var status = new Status(sub.group(1), in.path("context").asText("default"), in.path("state").asText(),
                    in.path("description").asText(null), in.path("target_url").asText(null));
            statuses.computeIfAbsent(fullName.toLowerCase() + "@" + sub.group(1),
                    k -> Collections.synchronizedList(new ArrayList<>())).add(status);
            var out = JSON.createObjectNode().put("id", nextId.incrementAndGet()).put("state", status.state())
                    .put("context", status.context()).put("description", status.description())
                    .put("target_url", status.targetUrl()).put("url", url() + "/repos/" + fullName + "/statuses/"
                            + sub.group(1)).put("created_at", "2026-01-01T00:00:00Z")
                    .put("updated_at", "2026-01-01T00:00:00Z");
            send(exchange, 201, out);
        } else if ((sub = match("^/issues/(\\d+)$", rest)) != null && method.equals("GET")) {
            send(exchange, 200, issue(owner, name, Long.parseLong(sub.group(1))));
        } else if ((sub = match("^/issues/(\\d+)/comments$", rest)) != null && method.equals("GET")) {
            var array = JSON.createArrayNode();
            comments(fullName, Long.parseLong(sub.group(1))).forEach(c -> array.add(comment(owner, name, c)));
            send(exchange, 200, array);
        } else if ((sub = match("^/issues/(\\d+)/comments$", rest)) != null && method.equals("POST")) {
            var comment = addComment(fullName, Long.parseLong(sub.group(1)), botLogin,
                    JSON.readTree(body).path("body").asText());
            send(exchange, 201, comment(owner, name, comment));
        } else if ((sub = match("^/issues/comments/(\\d+)$", rest)) != null && method.equals("PATCH")) {
            var id = Long.parseLong(sub.group(1));
            for (var entry : comments.entrySet()) {
                var existing = entry.getValue().get(id);
                if (existing != null) {
                    var updated = new Comment(id, existing.issue(), JSON.readTree(body).path("body").asText(),
                            existing.author());
                    entry.getValue().put(id, updated);
                    send(exchange, 200, comment(owner, name, updated));
                    return;
                }
            }
            send(exchange, 404, error("Not Found"));
        } else {
            send(exchange, 404, error("Not Found"));
        }
    }

    private static Matcher match(String regex, String text) {
        var m = Pattern.compile(regex).matcher(text);
        return m.matches() ? m : null;
    }

    private ObjectNode repository(String owner, String name) {
        var node = JSON.createObjectNode().put("id", Math.abs((owner + "/" + name).hashCode())).put("name", name)
                .put("full_name", owner + "/" + name).put("private", false)
                .put("url", url() + "/repos/" + owner + "/" + name)
                .put("html_url", "https://github.example/" + owner + "/" + name)
                .put("default_branch", "master");
        node.set("owner", user(owner));
        return node;
    }

    private ObjectNode issue(String owner, String name, long number) {
        var node = JSON.createObjectNode().put("id", number * 7).put("number", number).put("title", "change " + number)
                .put("state", "open").put("url", url() + "/repos/" + owner + "/" + name + "/issues/" + number)
                .put("html_url", "https://github.example/" + owner + "/" + name + "/pull/" + number)
                .put("comments_url", url() + "/repos/" + owner + "/" + name + "/issues/" + number + "/comments");
        node.set("user", user("someone"));
        return node;
    }

    private ObjectNode comment(String owner, String name, Comment c) {
        var node = JSON.createObjectNode().put("id", c.id()).put("body", c.body())
                .put("url", url() + "/repos/" + owner + "/" + name + "/issues/comments/" + c.id())
                .put("html_url", "https://github.example/" + owner + "/" + name + "/pull/" + c.issue() + "#issuecomment-"
                        + c.id())
                .put("issue_url", url() + "/repos/" + owner + "/" + name + "/issues/" + c.issue())
                .put("created_at", "2026-01-01T00:00:00Z").put("updated_at", "2026-01-01T00:00:00Z");
        node.set("user", user(c.author()));
        return node;
    }

    private ObjectNode user(String login) {
        return JSON.createObjectNode().put("login", login).put("id", Math.abs(login.hashCode())).put("type", "User")
                .put("url", url() + "/users/" + login);
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message)
                .put("documentation_url", "https://docs.github.com/rest");
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        var bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
