package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kcidb-ng's REST daemon (kcidb-restd-rs) on loopback, as released in kernelci/kcidb-ng
 * (kcidb-restd-rs/src/main.rs, README "Checking Status"). Each test starts its own.
 *
 * <ul>
 *   <li>Every request needs {@code Authorization: Bearer <jwt>}, an HS256 JWT signed with the
 *       server's secret whose claims hold {@code origin} and an unexpired {@code exp} ({@code
 *       verify_auth}, {@code verify_jwt} with jsonwebtoken's default {@code Validation}); else 401
 *       with {@code {"id":"0","status":"error","message":...}}. {@link #token} mints one.</li>
 *   <li>{@code POST /submit} takes any JSON body (no schema check: that is the ingester's) and
 *       answers {@code {"id":<32 alphanumerics>,"status":"ok","message":"Received submission ..."}};
 *       a body that is not JSON is 400 ({@code receive_submission}).</li>
 *   <li>{@code GET /status?id=} answers {@code inprogress} (upload not complete), {@code ready}
 *       (spooled, waiting for the ingester), then {@code processed} (archived) or {@code failed}
 *       (the ingester's validation moved it to failed/); an empty id is 400 "Empty id", an id that
 *       is not alphanumeric 400 "Invalid id", an unknown one 404 {@code notfound}
 *       ({@code submission_status}).</li>
 * </ul>
 */
public final class FakeKcidbNg extends FakeHttpServer {

    /** A submission as the fake stored it. */
    public record Stored(String id, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final byte[] secret;
    private final List<Stored> stored = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile String failBodiesContaining;
    private volatile int pollsUntilDone = 2;

    /** A server whose tokens are signed with {@code secret} (the daemon's {@code JWT_SECRET}). */
    public FakeKcidbNg(String secret) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public URI url() {
        return URI.create(baseUrl() + "/");
    }

    /** A token this server accepts for {@code origin}, valid for an hour (what the KernelCI team issues). */
    public String token(String origin) {
        return token(origin, Instant.now().plusSeconds(3600));
    }

    /** A token this server accepts for {@code origin} until {@code expires}. */
    public String token(String origin, Instant expires) {
        var header = URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        var claims = URL.encodeToString(("{\"origin\":\"" + origin + "\",\"exp\":"
                + expires.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + "." + URL.encodeToString(sign(header + "." + claims));
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

    /** The {@code Authorization} header of every request, in order (null where there was none). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body,
                            HttpExchange exchange) throws IOException {
        var authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization);
        var refused = refusal(authorization);
        if (refused != null) {
            return Answer.json(401, answer("0", "error", refused));
        }
        if ("POST".equals(method) && "/submit".equals(path)) {
            return submit(body);
        }
        if ("GET".equals(method) && "/status".equals(path)) {
            return status(query.getOrDefault("id", ""));
        }
        return Answer.json(404, JSON.getNodeFactory().textNode("Not Found"));
    }

    /** Why the daemon refuses this Authorization header, in its words; null when it accepts it. */
    private String refusal(String authorization) {
        if (authorization == null) {
            return "JWT is required";
        }
        var parts = authorization.split(" ");
        if (parts.length < 2) {
            return "Missing or invalid JWT (Bearer)";
        }
        var token = parts[1].split("\\.");
        if (token.length != 3) {
            return "InvalidToken";
        }
        var expected = sign(token[0] + "." + token[1]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token[2]);
        } catch (IllegalArgumentException e) {
            return "InvalidSignature";
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return "InvalidSignature";
        }
        try {
            var claims = JSON.readTree(Base64.getUrlDecoder().decode(token[1]));
            if (!claims.path("exp").isNumber()) {
                return "Missing required claim: exp";
            }
            if (claims.path("exp").asLong() < Instant.now().getEpochSecond()) {
                return "ExpiredSignature";
            }
            return claims.path("origin").isTextual() ? null : "missing field `origin`";
        } catch (IOException | IllegalArgumentException e) {
            return "InvalidToken";
        }
    }

    private Answer submit(String body) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return Answer.json(400, answer("0", "error", e.getMessage()));
        }
        var id = "sub" + next.incrementAndGet() + "x".repeat(20);
        stored.add(new Stored(id, json));
        polls.put(id, new AtomicInteger());
        return Answer.json(200, answer(id, "ok", "Received submission " + id + " with size " + body.length() + " bytes"));
    }

    private Answer status(String id) {
        if (id.isEmpty()) {
            return Answer.json(400, answer("0", "error", "Empty id"));
        }
        if (!id.chars().allMatch(Character::isLetterOrDigit)) {
            return Answer.json(400, answer("0", "error", "Invalid id"));
        }
        var found = stored.stream().filter(s -> s.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            return Answer.json(404, answer(id, "notfound", "File not found"));
        }
        var seen = polls.get(id).getAndIncrement();
        if (seen < pollsUntilDone) {
            return Answer.json(200, seen == 0 ? answer(id, "inprogress", "File still in progress")
                    : answer(id, "ready", "File waiting for processing"));
        }
        if (failBodiesContaining != null && found.get().body().toString().contains(failBodiesContaining)) {
            return Answer.json(200, answer(id, "failed", "File failed to pass validation"));
        }
        return Answer.json(200, answer(id, "processed", "File archived"));
    }

    private static JsonNode answer(String id, String status, String message) {
        return JSON.createObjectNode().put("id", id).put("status", status).put("message", message);
    }

    private byte[] sign(String signed) {
        return Hmac.sha256(secret, signed.getBytes(StandardCharsets.UTF_8));
    }
}
