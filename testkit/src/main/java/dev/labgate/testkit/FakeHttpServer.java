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
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What every fake of an outside server shares (forges, labs, KCIDB): a JDK HTTP server on loopback
 * that records every request, can play an outage, a slow or rate-limiting server and late writes,
 * and answers JSON, text or bytes.
 */
public abstract class FakeHttpServer implements AutoCloseable {

    /**
     * A request the fake received; {@code path} is the raw (still encoded) path, {@code headers}
     * each header's values joined with commas.
     */
    public record Request(String method, String path, String query, Map<String, String> headers, String body,
                          long receivedNanos) {
    }

    /**
     * One request as a fake that answers by side effect sees it (the lab fakes): read it, then call
     * one of the {@code answer} methods; what was answered goes out as any {@link Answer} does.
     */
    protected static final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> query;
        private final Map<String, String> headers;
        private final String body;
        private Answer answered = Answer.empty(500);

        Call(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.body = body;
        }

        String method() {
            return method;
        }

        String path() {
            return path;
        }

        Map<String, String> query() {
            return query;
        }

        String body() {
            return body;
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }

        void answer(int status, JsonNode json) {
            answered = Answer.json(status, json);
        }

        void answer(int status, String contentType, byte[] bytes) {
            answered = Answer.bytes(status, bytes, Map.of("Content-Type", contentType));
        }
    }

    /** Answers a request through a {@link Call}. */
    protected Answer answerBy(String method, String path, Map<String, String> query, String body,
                              HttpExchange exchange, CallHandler handler) throws IOException {
        var call = new Call(method, path, query, headersOf(exchange), body);
        handler.handle(call);
        return call.answered;
    }

    /** What a fake that answers through a {@link Call} does with one. */
    @FunctionalInterface
    protected interface CallHandler {
        void handle(Call call) throws IOException;
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

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String RAW_BODY = "labgate.fake.raw-body";

    /** The request's body as it came, for a fake whose bodies are bytes, not text (stored objects). */
    protected static byte[] rawBody(HttpExchange exchange) {
        return (byte[]) exchange.getAttribute(RAW_BODY);
    }

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong nextId = new AtomicLong(1000);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 502;
    private volatile double chaosFail;
    private volatile double chaosLimit;
    private volatile double lateRate;
    private volatile Duration lateBy = Duration.ZERO;
    private volatile Duration latency = Duration.ZERO;
    private final Random random = new Random(17);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "fake-late-writes");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger holdsLeft = new AtomicInteger();
    private volatile Predicate<String> holdPath = p -> true;
    private final List<Runnable> held = Collections.synchronizedList(new ArrayList<>());
    private final List<Hook> hooks = Collections.synchronizedList(new ArrayList<>());

    private record Hook(String method, java.util.regex.Pattern path, Runnable action) {
    }

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

    /**
     * The next {@code count} writes (any method but GET) to a path that {@code path} accepts get no answer: the connection is closed
     * as a proxy or load balancer does when it gives up on a slow server, and the write is kept to
     * be applied later by {@link #applyHeld()}. This is how a forge applies a write long after its
     * client gave up on it (GitHub applied a pending status 28 s after the success written next).
     */
    public void holdNextWrites(int count, Predicate<String> path) {
        holdPath = path;
        holdsLeft.set(count);
    }

    /** Applies the writes held by {@link #holdNextWrites}, in the order they came; returns how many. */
    public int applyHeld() {
        List<Runnable> writes;
        synchronized (held) {
            writes = List.copyOf(held);
            held.clear();
        }
        writes.forEach(Runnable::run);
        return writes.size();
    }

    /**
     * Until called again with zeros, each request fails at random: with probability {@code fail}
     * a 502, with probability {@code limited} the server's rate-limit answer ({@link #rateLimited()}).
     */
    public void chaos(double fail, double limited) {
        chaosFail = fail;
        chaosLimit = limited;
    }

    /** Whether {@link #chaos} is on. */
    public boolean chaosOn() {
        return chaosFail + chaosLimit > 0;
    }

    /**
     * Until called again with 0, each write (any method but GET) is, with probability {@code rate},
     * left without an answer (the connection is closed) and applied {@code by} later: a forge that
     * applies a write after its client gave up on it.
     */
    public void lateWrites(double rate, Duration by) {
        lateBy = by;
        lateRate = rate;
    }

    /** Every answer is delayed by {@code delay} (the fake answers one request at a time): a slow server. */
    public void latency(Duration delay) {
        latency = delay;
    }

    /** What the server answers when it rate-limits a request; GitHub's and GitLab's fakes say it their way. */
    protected Answer rateLimited() {
        return new Answer(429, JSON.createObjectNode().put("message", "Too many requests"), Map.of("Retry-After", "1"));
    }

    /**
     * Runs {@code action} just before the next request with this method and a decoded path matching
     * {@code pathRegex} is answered: the world changing under the caller (a push racing a review).
     */
    public void beforeNext(String method, String pathRegex, Runnable action) {
        hooks.add(new Hook(method, java.util.regex.Pattern.compile(pathRegex), action));
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
            var bytes = exchange.getRequestBody().readAllBytes();
            exchange.setAttribute(RAW_BODY, bytes);
            var body = new String(bytes, StandardCharsets.UTF_8);
            requests.add(new Request(method, rawPath, rawQuery, headersOf(exchange), body, received));
            if (!method.equals("GET") && holdPath.test(rawPath) && holdsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                held.add(() -> {
                    try {
                        answer(method, decodePath(rawPath), parseQuery(rawQuery), body, exchange);
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalStateException("a held write failed when applied: " + e, e);
                    }
                });
                // closed without an answer: the client sees the connection drop
                return;
            }
            if (!method.equals("GET") && lateRate > 0 && draw() < lateRate) {
                later.schedule(() -> {
                    try {
                        answer(method, decodePath(rawPath), parseQuery(rawQuery), body, exchange);
                    } catch (IOException | RuntimeException e) {
                        // a late write that fails is simply not applied
                    }
                }, lateBy.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (!latency.isZero()) {
                try {
                    Thread.sleep(latency.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var roll = chaosFail + chaosLimit > 0 ? draw() : 1.0;
            Answer answer;
            if (roll < chaosFail) {
                answer = Answer.json(502, JSON.createObjectNode().put("message", "Server Error"));
            } else if (roll < chaosFail + chaosLimit) {
                answer = rateLimited();
            } else if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer = Answer.json(failureStatus, JSON.createObjectNode().put("message", "the fake is having an outage"));
            } else {
                try {
                    runHooks(method, decodePath(rawPath));
                    answer = answer(method, decodePath(rawPath), parseQuery(rawQuery), body, exchange);
                } catch (RuntimeException e) {
                    answer = Answer.json(500, JSON.createObjectNode().put("message", e.toString()));
                }
            }
            send(exchange, answer);
        }
    }

    private static Map<String, String> headersOf(HttpExchange exchange) {
        var headers = new LinkedHashMap<String, String>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        return Map.copyOf(headers);
    }

    private void runHooks(String method, String path) {
        Hook due = null;
        synchronized (hooks) {
            for (var hook : hooks) {
                if (hook.method().equals(method) && hook.path().matcher(path).matches()) {
                    due = hook;
                    break;
                }
            }
            hooks.remove(due);
        }
        if (due != null) {
            due.action().run();
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

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
        server.stop(0);
    }
}
