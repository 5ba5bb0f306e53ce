package dev.labgate.kcidb.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.Sha256;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Culprit;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.Incident;
import dev.labgate.core.kcidb.Issue;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.kcidb.Version;
import dev.labgate.kcidb.KcidbJson;
import dev.labgate.kcidb.KnownIssues;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads aggregated KCIDB results from the KernelCI dashboard API ({@code https://dashboard.kernelci.org/api/})
 * and maps them back into the KCIDB model, so that results other CI systems reported for a commit
 * join the verdict.
 *
 * <p>Endpoints: {@code tree/<commit>/summary|builds|boots|tests?origin=&git_url=&git_branch=},
 * {@code test/<id>/issues}, {@code build/<id>/issues}, {@code issue/<id>}. "Nothing found" is an
 * HTTP 200 whose body is {@code {"error": "..."}}: it maps to empty results, not to a failure.
 *
 * <p>The dashboard's test rows carry their build's architecture, config and compiler but not the
 * build's id; each test is attached to the build of the same configuration from the builds
 * answer, or to a build made up for that configuration ({@code <origin>:dashboard:<config>},
 * without a status). Checkouts are made up likewise from the query. Thread-safe.
 */
public final class DashboardClient {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final HttpClient http;
    private final URI api;

    /** @param api the API base, e.g. {@code https://dashboard.kernelci.org/api/} */
    public DashboardClient(HttpClient http, URI api) {
        this.http = http;
        this.api = api.toString().endsWith("/") ? api : URI.create(api + "/");
    }

    /** Builds, boots and tests of a commit as KCIDB data; empty when the dashboard has none. */
    public KcidbData tree(TreeQuery query) throws DashboardException, InterruptedException {
        var builds = get(treePath(query, "builds"));
        var boots = get(treePath(query, "boots"));
        var tests = get(treePath(query, "tests"));
        var checkouts = new LinkedHashMap<String, Checkout>();
        var mappedBuilds = new LinkedHashMap<String, Build>();
        var byConfiguration = new HashMap<String, String>();
        for (var row : builds.flatMap(b -> list(b, "builds")).orElse(List.of())) {
            var build = build(row, query, checkouts);
            mappedBuilds.put(build.id(), build);
            byConfiguration.putIfAbsent(configuration(row.path("architecture"), row.path("config_name"),
                    row.path("compiler")), build.id());
        }
        var mappedTests = new ArrayList<Test>();
        for (var answer : List.of(boots.flatMap(b -> list(b, "boots")), tests.flatMap(t -> list(t, "tests")))) {
            for (var row : answer.orElse(List.of())) {
                mappedTests.add(test(row, query, checkouts, mappedBuilds, byConfiguration));
            }
        }
        return new KcidbData(Version.V5_3, List.copyOf(checkouts.values()), List.copyOf(mappedBuilds.values()),
                mappedTests, List.of(), List.of());
    }

    /** The dashboard's status counts for a commit; all empty when it has nothing. */
    public TreeSummary summary(TreeQuery query) throws DashboardException, InterruptedException {
        var answer = get(treePath(query, "summary"));
        if (answer.isEmpty()) {
            return TreeSummary.empty();
        }
        var summary = answer.get().path("summary");
        var byOrigin = new HashMap<String, Map<Status, Long>>();
        summary.path("tests").path("origins").fields()
                .forEachRemaining(e -> byOrigin.put(e.getKey(), counts(e.getValue())));
        return new TreeSummary(counts(summary.path("builds").path("status")),
                counts(summary.path("boots").path("status")), counts(summary.path("tests").path("status")), byOrigin);
    }

    /**
     * The known issues the dashboard links to the failing builds and tests (FAIL, ERROR, MISS) of
     * {@code data}: one request per failing object. Issue details (culprits, subject) are fetched
     * once per issue.
     */
    public KnownIssues knownIssues(KcidbData data) throws DashboardException, InterruptedException {
        var issues = new LinkedHashMap<String, Issue>();
        var incidents = new ArrayList<Incident>();
        for (var build : data.builds()) {
            if (unhappy(build.status())) {
                linkIssues("build/" + encode(build.id()) + "/issues", build.id(), null, issues, incidents);
            }
        }
        for (var test : data.tests()) {
            if (unhappy(test.status())) {
                linkIssues("test/" + encode(test.id()) + "/issues", null, test.id(), issues, incidents);
            }
        }
        return new KnownIssues(List.of(), List.copyOf(issues.values()), incidents);
    }

    /** One issue with its culprits and report, in its latest version or the one asked for. */
    public Optional<Issue> issue(String id, Optional<Integer> version) throws DashboardException, InterruptedException {
        var path = "issue/" + encode(id) + version.map(v -> "?version=" + v).orElse("");
        var answer = get(path);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        var node = answer.get();
        return Optional.of(new Issue(node.path("id").asText(id), node.path("version").asInt(), text(node, "origin"),
                text(node, "report_url"), text(node, "report_subject"),
                new Culprit(bool(node, "culprit_code"), bool(node, "culprit_tool"), bool(node, "culprit_harness")),
                text(node, "comment"), null, strings(node.path("categories")), null));
    }

    private void linkIssues(String path, String buildId, String testId, Map<String, Issue> issues,
                            List<Incident> incidents) throws DashboardException, InterruptedException {
        var answer = get(path);
        if (answer.isEmpty() || !answer.get().isArray()) {
            return;
        }
        for (var row : answer.get()) {
            var issueId = row.path("id").asText();
            var version = row.path("version").asInt();
            if (!issues.containsKey(issueId)) {
                issues.put(issueId, issue(issueId, Optional.of(version)).orElse(new Issue(issueId, version,
                        origin(issueId), text(row, "report_url"), null, null, text(row, "comment"), null, null, null)));
            }
            var object = testId != null ? testId : buildId;
            incidents.add(new Incident(origin(issueId) + ":dashboard-" + Sha256.hex(issueId + "\n" + object, 16),
                    issueId, version, origin(issueId), buildId, testId, true, null, null, null));
        }
    }

    private static Build build(JsonNode row, TreeQuery query, Map<String, Checkout> checkouts) {
        var origin = row.path("origin").asText(query.origin());
        var checkoutId = checkout(origin, query, checkouts);
        return new Build(row.path("id").asText(), checkoutId, origin, null, text(row, "start_time"),
                number(row.path("duration")), text(row, "architecture"), null, text(row, "compiler"), null, null,
                text(row, "config_name"), text(row, "config_url"), text(row, "log_url"), null,
                status(row.path("status")), misc(row.path("misc")), null);
    }

    private static Test test(JsonNode row, TreeQuery query, Map<String, Checkout> checkouts,
                             Map<String, Build> builds, Map<String, String> byConfiguration) {
        var origin = row.path("origin").asText(query.origin());
        var configuration = configuration(row.path("architecture"), row.path("config"), row.path("compiler"));
        var buildId = byConfiguration.get(configuration);
        if (buildId == null) {
            buildId = origin + ":dashboard:" + configuration;
            var made = new Build(buildId, checkout(origin, query, checkouts), origin, null, null, null,
                    text(row, "architecture"), null, text(row, "compiler"), null, null, text(row, "config"),
                    null, null, null, null, null, null);
            builds.put(buildId, made);
            byConfiguration.put(configuration, buildId);
        }
        var misc = row.path("environment_misc");
        var environmentMisc = misc.isObject() ? misc(misc) : null;
        var compatible = row.path("environment_compatible");
        var environment = environmentMisc == null && !compatible.isArray() ? null
                : new Environment(null, compatible.isArray() ? strings(compatible) : null, environmentMisc);
        return new Test(row.path("id").asText(), buildId, origin, environment, text(row, "path"), null,
                text(row, "log_url"), null, status(row.path("status")), null, text(row, "start_time"),
                number(row.path("duration")), null, null, null, null);
    }

    private static String checkout(String origin, TreeQuery query, Map<String, Checkout> checkouts) {
        var id = origin + ":dashboard:" + query.commit();
        checkouts.computeIfAbsent(id, i -> Checkout.of(i, origin).withGit(
                query.gitUrl().startsWith("https://") ? query.gitUrl() : null, query.gitBranch(),
                COMMIT.matcher(query.commit()).matches() ? query.commit() : null));
        return id;
    }

    private static String configuration(JsonNode architecture, JsonNode config, JsonNode compiler) {
        return architecture.asText("") + "/" + config.asText("") + "/" + compiler.asText("");
    }

    private String treePath(TreeQuery query, String what) {
        return "tree/" + encode(query.commit()) + "/" + what + "?origin=" + encode(query.origin()) + "&git_url="
                + encode(query.gitUrl()) + "&git_branch=" + encode(query.gitBranch());
    }

    /** The answer, or empty when the dashboard says it found nothing (HTTP 200 with an {@code error} key). */
    private Optional<JsonNode> get(String path) throws DashboardException, InterruptedException {
        var request = HttpRequest.newBuilder(api.resolve(path)).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new DashboardException("dashboard " + api.getAuthority() + " could not be reached for " + pathOnly(path)
                    + ": " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = KcidbJson.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new DashboardException("dashboard answered " + pathOnly(path) + " with HTTP " + response.statusCode()
                    + " and no JSON", e);
        }
        if (response.statusCode() != 200) {
            throw new DashboardException("dashboard answered " + pathOnly(path) + " with HTTP " + response.statusCode()
                    + (body.has("error") ? ": " + body.get("error").asText() : ""));
        }
        return body.isObject() && body.has("error") ? Optional.empty() : Optional.of(body);
    }

    private static Optional<List<JsonNode>> list(JsonNode answer, String field) {
        var rows = new ArrayList<JsonNode>();
        answer.path(field).forEach(rows::add);
        return Optional.of(rows);
    }

    private static Map<Status, Long> counts(JsonNode statusCount) {
        var counts = new EnumMap<Status, Long>(Status.class);
        for (var status : Status.values()) {
            var count = statusCount.path(status.name()).asLong(0);
            if (count > 0) {
                counts.put(status, count);
            }
        }
        return counts;
    }

    /** A status of KCIDB's, or null for the dashboard's "NULL" and anything else it may say. */
    private static Status status(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        for (var status : Status.values()) {
            if (status.name().equals(node.textValue())) {
                return status;
            }
        }
        return null;
    }

    private static boolean unhappy(Status status) {
        return status == Status.FAIL || status == Status.ERROR || status == Status.MISS;
    }

    private static String origin(String id) {
        var colon = id.indexOf(':');
        return colon > 0 ? id.substring(0, colon) : id;
    }

    private static String text(JsonNode node, String field) {
        var value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    private static Boolean bool(JsonNode node, String field) {
        var value = node.path(field);
        return value.isBoolean() ? value.booleanValue() : null;
    }

    private static Number number(JsonNode node) {
        return node.isNumber() ? node.numberValue() : null;
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        var strings = new ArrayList<String>();
        array.forEach(item -> strings.add(item.asText()));
        return strings;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> misc(JsonNode node) {
        return node.isObject() ? KcidbJson.mapper().convertValue(node, Map.class) : null;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String pathOnly(String path) {
        var query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
