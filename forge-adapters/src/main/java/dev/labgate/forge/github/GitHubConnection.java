package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.forge.RateBudget;
import dev.labgate.forge.RateBudget.Use;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.authorization.AppInstallationAuthorizationProvider;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.kohsuke.github.authorization.ImmutableAuthorizationProvider;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The connection to one GitHub: who labgate is there (a token, or a GitHub App whose installation
 * tokens github-api mints and refreshes), one {@link RateBudget} per credential, and the one place
 * where GitHub's answers become {@link ForgeException}s.
 *
 * <p>REST calls are made here directly ({@link #request}) rather than through github-api's object
 * model: every call then reads the rate-limit headers of its answer, maps errors one way
 * (Retry-After, X-RateLimit-Reset, secondary limits), costs exactly one request (github-api
 * fetches the repository before acting on it) and reaches endpoints github-api lacks (signing
 * keys, role names, team memberships, App webhook deliveries). Thread-safe.
 */
final class GitHubConnection {

    /** One credential: its authorization and its budget. */
    record Client(AuthorizationProvider auth, RateBudget budget) {
    }

    /** A raw answer: status, headers (names in lower case) and the JSON body (missing when empty). */
    record Response(int status, Map<String, String> headers, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final Duration SECONDARY_LIMIT_WAIT = Duration.ofSeconds(61);

    private final GitHubSettings settings;
    private final Clock clock;
    private final Client tokenClient;
    private final JWTTokenProvider jwt;
    private final RateBudget appBudget;
    private final Map<String, Client> installations = new ConcurrentHashMap<>();

    GitHubConnection(GitHubSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        if (settings.app().isPresent()) {
            var app = settings.app().get();
            this.jwt = new JWTTokenProvider(app.id(), privateKey(app.privateKeyPem()));
            this.appBudget = new RateBudget("GitHub", settings.rateReserve(), clock);
            this.tokenClient = null;
        } else {
            this.jwt = null;
            this.appBudget = null;
            this.tokenClient = new Client(settings.token() == null ? AuthorizationProvider.ANONYMOUS
                    : ImmutableAuthorizationProvider.fromOauthToken(settings.token()),
                    new RateBudget("GitHub", settings.rateReserve(), clock));
        }
    }

    /** The budget of every credential in use. */
    List<RateBudget> budgets() {
        var all = new ArrayList<RateBudget>();
        if (tokenClient != null) {
            all.add(tokenClient.budget());
        } else {
            all.add(appBudget);
            installations.values().forEach(c -> all.add(c.budget()));
        }
        return all;
    }

    boolean appMode() {
        return jwt != null;
    }

    /**
     * The client for calls about an account's repositories, teams and members ({@code owner} is
     * the first part of {@code owner/name}): in App mode, the App's installation on that account.
     */
    Client client(String owner) {
        if (tokenClient != null) {
            return tokenClient;
        }
        return installations.computeIfAbsent(owner.toLowerCase(Locale.ROOT), o -> installation(app -> {
            try {
                return app.getInstallationByOrganization(o);
            } catch (GHFileNotFoundException e) {
                return app.getInstallationByUser(o);
            }
        }));
    }

    /**
     * A client for calls about people rather than repositories (their public keys): any
     * installation will do in App mode.
     */
    Client anyClient() {
        if (tokenClient != null) {
            return tokenClient;
        }
        var known = installations.values().stream().findFirst();
        if (known.isPresent()) {
            return known.get();
        }
        var what = "list the App's installations";
        var list = expectAsApp(requestAsApp(Use.FACT, what, "GET", "/app/installations?per_page=1", null), what);
        if (!list.isArray() || list.isEmpty()) {
            throw new ForgeException("the GitHub App is installed nowhere: install it on the repositories labgate "
                    + "serves", false, null, null);
        }
        var installation = list.get(0);
        var owner = installation.path("account").path("login").asText("").toLowerCase(Locale.ROOT);
        var id = installation.path("id").asLong();
        return installations.computeIfAbsent(owner, o -> installation(app -> app.getInstallationById(id)));
    }

    /**
     * A client authorized as one installation of the App. github-api mints its tokens from the
     * App's JWT and mints a new one shortly before the old one expires; those calls go through the
     * same observing connector.
     */
    private Client installation(AppInstallationAuthorizationProvider.AppInstallationProvider which) {
        var budget = new RateBudget("GitHub", settings.rateReserve(), clock);
        var auth = new AppInstallationAuthorizationProvider(which, jwt);
        try {
            new GitHubBuilder().withEndpoint(settings.apiUrl().toString())
                    .withConnector(new Connector(budget))
                    // A durable task backs off and retries; a blocked worker thread would not.
                    .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                    .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
                    .withAuthorizationProvider(auth)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the GitHub client for " + settings.apiUrl(), e);
        }
        return new Client(auth, budget);
    }

    /**
     * Sends one request on {@code client}'s budget and returns GitHub's answer whatever its status;
     * a request that does not get an answer, or is held back by the budget, throws
     * {@link ForgeException}.
     */
    Response request(Use use, Client client, String what, String method, String path, JsonNode body) {
        return request(use, client.budget(), client.auth(), what, method, path, body);
    }

    /** Sends one request as the App itself (its JWT), for the App's own endpoints. */
    Response requestAsApp(Use use, String what, String method, String path, JsonNode body) {
        return request(use, appBudget, jwt, what, method, path, body);
    }

    /** The body of a successful answer; any other answer becomes the matching {@link ForgeException}. */
    JsonNode expect(Response response, Client client, String what) {
        if (!response.ok()) {
            throw failure(client.budget(), what, response);
        }
        return response.body() == null ? JSON.nullNode() : response.body();
    }

    /** The body of a successful answer to a request made as the App itself. */
    JsonNode expectAsApp(Response response, String what) {
        if (!response.ok()) {
            throw failure(appBudget, what, response);
        }
        return response.body() == null ? JSON.nullNode() : response.body();
    }

    /** Like {@link #expect}, but a 404 means "there is none". */
    Optional<JsonNode> found(Response response, Client client, String what) {
        return response.status() == 404 ? Optional.empty() : Optional.of(expect(response, client, what));
    }

    /** The items of a list endpoint, following {@code Link: rel="next"} for at most {@code maxPages} pages. */
    List<JsonNode> pages(Use use, Client client, String what, String path, int maxPages) {
        var items = new ArrayList<JsonNode>();
        var next = path;
        for (int page = 0; next != null && page < maxPages; page++) {
            var response = request(use, client, what, "GET", next, null);
            expect(response, client, what).forEach(items::add);
            next = nextPage(response.headers().get("link"));
        }
        return items;
    }

    private Response request(Use use, RateBudget budget, AuthorizationProvider auth, String what, String method,
                             String path, JsonNode body) {
        budget.admit(use, what);
        try {
            return sendAs(auth, budget, method, path, body);
        } catch (HttpException e) {
            // github-api minting an installation token for this request failed; without an answer
            // (code -1) github-api has no headers to give
            throw failure(budget, what, e.getResponseCode(), e.getResponseCode() <= 0 ? Map.of()
                    : headers(e.getResponseHeaderFields()), e.getMessage(), e);
        } catch (GHFileNotFoundException e) {
            throw failure(budget, what, 404, headers(e.getResponseHeaderFields()),
                    "the GitHub App is not installed on this account", e);
        } catch (IOException e) {
            // A write that timed out or lost its connection may still be applied by GitHub, even later.
            budget.failed();
            var unknown = !"GET".equals(method) && ForgeException.maySend(e);
            throw new ForgeException("GitHub could not " + what + ": " + ForgeException.network(e)
                    + (unknown ? " (GitHub may still apply it)" : ""), true, null, unknown, e);
        }
    }

    private ForgeException failure(RateBudget budget, String what, Response response) {
        return failure(budget, what, response.status(), response.headers(),
                response.body() == null ? "" : response.body().path("message").asText(""), null);
    }

    private ForgeException failure(RateBudget budget, String what, int status, Map<String, String> headers,
                                   String message, Throwable cause) {
        budget.failed();
        var text = message == null ? "" : message;
        var lower = text.toLowerCase(Locale.ROOT);
        var rateLimited = status == 429 || status == 403 && ("0".equals(headers.get("x-ratelimit-remaining"))
                || headers.containsKey("retry-after") || lower.contains("rate limit") || lower.contains("abuse"));
        if (rateLimited) {
            var wait = waitFor(headers);
            budget.pauseUntil(clock.instant().plus(wait));
            return new ForgeException("GitHub rate-limited the call to " + what + " (HTTP " + status + "); retrying in "
                    + wait.toSeconds() + "s", true, wait, cause);
        }
        var summary = "GitHub could not " + what + ": HTTP " + status + (text.isBlank() ? "" : " (" + brief(text) + ")");
        if (status >= 500 || status <= 0) {
            return new ForgeException(summary, true, null, cause);
        }
        if (status == 401) {
            return new ForgeException(summary + "; check labgate's GitHub token or App key", false, null, cause);
        }
        return new ForgeException(summary, false, null, cause);
    }

    /** How long GitHub asked to wait: Retry-After, else until X-RateLimit-Reset, else a minute. */
    private Duration waitFor(Map<String, String> headers) {
        var now = clock.instant();
        var retryAfter = headers.get("retry-after");
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.strip())));
            } catch (NumberFormatException e) {
                try {
                    var at = ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return at.isAfter(now) ? Duration.between(now, at) : Duration.ofSeconds(1);
                } catch (RuntimeException ignored) {
                    // an unreadable hint is no hint
                }
            }
        }
        var reset = headers.get("x-ratelimit-reset");
        if (reset != null && "0".equals(headers.get("x-ratelimit-remaining"))) {
            try {
                var at = Instant.ofEpochSecond(Long.parseLong(reset.strip()));
                return at.isAfter(now) ? Duration.between(now, at).plusSeconds(1) : Duration.ofSeconds(1);
            } catch (NumberFormatException ignored) {
                // fall through to GitHub's advice for secondary limits: wait at least a minute
            }
        }
        return SECONDARY_LIMIT_WAIT;
    }

    private String nextPage(String link) {
        if (link == null) {
            return null;
        }
        var m = NEXT.matcher(link);
        if (!m.find()) {
            return null;
        }
        var url = URI.create(m.group(1));
        var base = settings.apiUrl().getPath().replaceAll("/$", "");
        var path = url.getRawPath().startsWith(base) ? url.getRawPath().substring(base.length()) : url.getRawPath();
        return path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    private Response sendAs(AuthorizationProvider auth, RateBudget budget, String method, String path, JsonNode body)
            throws IOException {
        var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Accept", List.of("application/vnd.github+json"));
        headers.put("X-GitHub-Api-Version", List.of("2022-11-28"));
        var authorization = auth.getEncodedAuthorization();
        if (authorization != null) {
            headers.put("Authorization", List.of(authorization));
        }
        var bytes = body == null ? null : JSON.writeValueAsBytes(body);
        if (bytes != null) {
            headers.put("Content-Type", List.of("application/json"));
        }
        var request = new Request(method, url(path), headers, bytes);
        try (var response = new Connector(budget).send(request);
             var in = response.bodyStream()) {
            var raw = in == null ? new byte[0] : in.readAllBytes();
            var json = raw.length == 0 ? null : parse(raw);
            return new Response(response.statusCode(), headers(response.allHeaders()), json);
        }
    }

    private static JsonNode parse(byte[] raw) {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", new String(raw, 0, Math.min(raw.length, 200),
                    StandardCharsets.UTF_8));
        }
    }

    private URL url(String path) {
        var base = settings.apiUrl().toString();
        try {
            return new URL((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + base + path, e);
        }
    }

    private static Map<String, String> headers(Map<String, List<String>> all) {
        var out = new TreeMap<String, String>();
        if (all != null) {
            all.forEach((name, values) -> {
                if (name != null && values != null && !values.isEmpty()) {
                    out.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
            });
        }
        return out;
    }

    private static String brief(String text) {
        var line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    /** Reads a PKCS#1 or PKCS#8 PEM private key; GitHub hands out PKCS#1, which github-api cannot read. */
    static PrivateKey privateKey(String pem) {
        try (var parser = new PEMParser(new StringReader(pem.strip()))) {
            var object = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("the GitHub App private key is not a PEM private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("the GitHub App private key cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The HTTP connector of every request, github-api's (token minting) and labgate's own alike:
     * bounded in time, so a forge that stops answering fails a task instead of holding a worker,
     * and reading the budget headers of every answer.
     */
    private record Connector(RateBudget budget) implements GitHubConnector {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        private static final Duration TIMEOUT = Duration.ofSeconds(30);
        private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
                "upgrade");

        @Override
        public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
            HttpRequest.Builder builder;
            try {
                builder = HttpRequest.newBuilder(request.url().toURI()).timeout(TIMEOUT);
            } catch (URISyntaxException e) {
                throw new IOException("not a URL: " + request.url(), e);
            }
            request.allHeaders().forEach((name, values) -> {
                if (values != null && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    builder.header(name, String.join(", ", values));
                }
            });
            try (var body = request.hasBody() ? request.body() : null) {
                builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body.readAllBytes()));
            }
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while calling GitHub");
            }
            var headers = response.headers().map();
            observe(headers);
            return new GitHubConnectorResponse.ByteArrayResponse(request, response.statusCode(), headers) {
                @Override
                protected InputStream rawBodyStream() {
                    return new ByteArrayInputStream(response.body());
                }

                @Override
                public void close() {
                    // the body is already in memory
                }
            };
        }

        private void observe(Map<String, List<String>> headers) {
            var all = GitHubConnection.headers(headers);
            var remaining = all.get("x-ratelimit-remaining");
            var reset = all.get("x-ratelimit-reset");
            var resource = all.get("x-ratelimit-resource");
            if (remaining != null && reset != null && (resource == null || resource.equals("core"))) {
                try {
                    budget.observe(Long.parseLong(remaining.strip()), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
                } catch (NumberFormatException ignored) {
                    // a proxy that mangles the headers leaves the budget unknown, which is safe
                }
            }
        }
    }

    private record Request(String method, URL url, Map<String, List<String>> allHeaders, byte[] bytes)
            implements GitHubConnectorRequest {
        @Override
        public String header(String name) {
            var values = allHeaders.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public InputStream body() {
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        }

        @Override
        public boolean hasBody() {
            return bytes != null;
        }
    }
}
