package dev.labgate.bot;

import dev.labgate.bot.http.NetworkAllowlist;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The network allowlist over every route the running service has, read from its router: a route
 * added later is in this table without anyone writing it here. From an address outside the
 * allowlist every route answers 403, except the openings {@link NetworkAllowlist#OPEN} names; from
 * inside it, none does.
 */
class AllowlistServiceTest {

    /** Values for the routes' variables; a variable not named here gets {@code x}. */
    private static final Map<String, List<String>> SAMPLES = Map.of(
            "forge", List.of("github"),
            "selector", List.of("liveness", "readiness"),
            "name", List.of("jvm.memory.used"),
            "id", List.of("nosuchrun"),
            "runId", List.of("nosuchrun"));

    private static final String SECRET = "allowlist-test-secret";

    @TempDir
    static Path tmp;
    private static RunningLabgate outside;
    private static RunningLabgate inside;

    @BeforeAll
    static void start() throws IOException {
        var closed = RunPagesServiceTest.properties(tmp.resolve("outside"));
        // Loopback, where the test's requests come from, is not in this list.
        closed.put("labgate.pages.allowed-networks", "192.0.2.0/24, 2001:db8::/32");
        closed.put("labgate.github.webhook-secrets", SECRET);
        outside = new RunningLabgate(closed);
        var open = RunPagesServiceTest.properties(tmp.resolve("inside"));
        open.put("labgate.pages.allowed-networks", "127.0.0.0/8,::1");
        open.put("labgate.github.webhook-secrets", SECRET);
        inside = new RunningLabgate(open);
    }

    @AfterAll
    static void stop() {
        outside.close();
        inside.close();
    }

    /** Each route of the service as a request: its method and its template with the variables filled in. */
    static Stream<Arguments> requests() {
        var requests = new LinkedHashMap<String, Arguments>();
        for (var route : routes()) {
            var template = route.getUriMatchTemplate();
            var paths = new ArrayList<String>(List.of(template.toString()));
            for (var variable : template.getVariableNames()) {
                var filled = new ArrayList<String>();
                for (var path : paths) {
                    for (var value : SAMPLES.getOrDefault(variable, List.of("x"))) {
                        filled.add(path.replaceAll("\\{\\+?" + variable + "}", value));
                    }
                }
                paths = filled;
            }
            for (var path : paths) {
                var request = route.getHttpMethodName() + " " + path;
                requests.put(request, arguments(request, route.getHttpMethodName(), path, isOpen(request)));
            }
        }
        // Routes as they are read with their queries, and a path no route has.
        for (var path : List.of("/api/deliveries?state=failed", "/api/audit?repo=github:acme/linux",
                "/api/runs?state=failed", "/a-path-no-route-has")) {
            requests.put("GET " + path, arguments("GET " + path, "GET", path, false));
        }
        return requests.values().stream();
    }

    private static List<UriRouteInfo<?, ?>> routes() {
        return outside.bean(Router.class).uriRoutes().toList();
    }

    /** The requests that the openings of {@link NetworkAllowlist} let through from any address. */
    private static boolean isOpen(String request) {
        return List.of("POST /webhooks/github", "POST /callbacks/lava/nosuchrun", "GET /health/liveness",
                "HEAD /health/liveness").contains(request);
    }

    @Test
    void the_routes_read_from_the_router_are_all_of_them() {
        var names = new TreeSet<String>();
        routes().forEach(r -> names.add(r.getHttpMethodName() + " " + r.getUriMatchTemplate()));
        assertThat(names).contains("GET /runs", "GET /runs/{id}", "GET /labs", "GET /api/runs", "GET /api/runs/{id}",
                "GET /api/labs", "GET /api/audit", "GET /health", "GET /health/{selector}", "GET /metrics",
                "GET /metrics/{name}", "GET /prometheus", "POST /webhooks/{forge}", "POST /callbacks/lava/{runId}",
                "GET /", "GET /failed", "GET /api/deliveries", "POST /api/deliveries/retry",
                "GET /artifacts/{run}/{token}/{+file}", "HEAD /artifacts/{run}/{token}/{+file}");
        assertThat(names).as("management endpoints labgate does not use are off")
                .noneMatch(n -> n.matches(".* /(beans|routes|threaddump|refresh|info|loggers|env|stop)"));
        assertThat(NetworkAllowlist.OPEN).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void from_outside_the_allowlist(String request, String method, String path, boolean open) {
        var answer = outside.send(HttpRequest.newBuilder(outside.url().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        if (open) {
            assertThat(answer.statusCode()).as(request).isNotEqualTo(403);
        } else {
            assertThat(answer.statusCode()).as(request).isEqualTo(403);
            if (!method.equals("HEAD")) {
                assertThat(answer.body()).isEqualTo("labgate is open to the operator's listed networks only.\n");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void from_inside_the_allowlist(String request, String method, String path, boolean open) {
        var answer = inside.send(HttpRequest.newBuilder(inside.url().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        assertThat(answer.statusCode()).as(request).isNotEqualTo(403);
    }

    @Test
    void a_retry_signed_with_the_webhook_secret_is_still_refused_outside_the_allowlist() {
        var body = "{\"id\":\"0123456789ab\"}".getBytes(StandardCharsets.UTF_8);
        var fromOutside = outside.send(signedRetry(outside, body));
        assertThat(fromOutside.statusCode()).isEqualTo(403);
        var fromInside = inside.send(signedRetry(inside, body));
        assertThat(fromInside.statusCode()).as("the signature was accepted; there is no such failed work")
                .isEqualTo(404);
    }

    private static HttpRequest signedRetry(RunningLabgate labgate, byte[] body) {
        return HttpRequest.newBuilder(labgate.url().resolve("/api/deliveries/retry"))
                .header("X-Hub-Signature-256", "sha256=" + RunningLabgate.hmac(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    @Test
    void liveness_tells_every_address_only_that_the_process_is_alive() {
        var answer = outside.get("/health/liveness");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"status\":\"UP\"").doesNotContain("diskSpace", "jdbc", "free", "total",
                tmp.toString());
        var full = inside.get("/health");
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.body()).contains("\"jdbc\"", "diskSpace");
    }

    @Test
    void an_allowlist_entry_that_is_not_an_address_stops_the_service_with_the_reason() throws IOException {
        var bad = new HashMap<>(RunPagesServiceTest.properties(tmp.resolve("bad")));
        bad.put("labgate.pages.allowed-networks", "intranet.example");
        assertThatThrownBy(() -> new RunningLabgate(bad).close()).rootCause()
                .hasMessageContaining("'intranet.example' is not an IP address or range");
    }
}
