package dev.labgate.lab.kernelci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.Environment;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Resource;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The nodes of one KernelCI tree (Maestro's {@code GET /latest/nodes/fast?treeid=}) as KCIDB
 * objects, mapped the way KernelCI's own bridge ({@code kernelci-pipeline/src/send_kcidb.py})
 * maps them: origin {@code maestro}, ids {@code maestro:<node id>}, the checkout node as the
 * checkout, {@code kbuild} nodes as builds, {@code job}/{@code test}/{@code process} nodes as
 * tests of their nearest build (a dummy build when they hang from the checkout).
 *
 * <p>Where labgate differs, it is because it reads one tree without the pipeline's configuration:
 * <ul>
 *   <li>Retries: the pipeline retries an incomplete or failed job by adding a node with the same
 *       name under the same parent and a higher {@code retry_counter}. Only the highest counter of
 *       each (parent, name, platform) is kept, with everything below the attempts it replaces.</li>
 *   <li>An {@code incomplete} result without an error code is ERROR (the bridge leaves the status
 *       out): infrastructure, never the code. A node without a result is MISS.</li>
 *   <li>Test paths keep the job name (the bridge maps it to the configured KCIDB suite name,
 *       which only the pipeline's configuration knows); build names are dropped from the path the
 *       same way.</li>
 *   <li>Log excerpts are not downloaded: the log URL is kept.</li>
 * </ul>
 * Pure and thread-safe.
 */
public final class MaestroNodes {

    public static final String ORIGIN = "maestro";

    /** LAVA and pipeline error codes for which the test did not run at all (KCIDB MISS). */
    private static final Set<String> MISSED = Set.of("Bug", "Configuration", "invalid_job_params", "Job",
            "job_generation_error", "ObjectNotPersisted", "RequestBodyTooLarge", "submit_error",
            "Unexisting permission codename.", "kbuild_internal_error", "node_timeout");
    private static final Set<String> TEST_KINDS = Set.of("job", "test", "process");
    private static final Set<String> RETRIED_KINDS = Set.of("kbuild", "job");
    private static final Pattern PATH_CHARS = Pattern.compile("[^a-zA-Z0-9_-]");

    private final String apiUrl;

    /** @param apiUrl the Maestro API base, for links to its node viewer */
    public MaestroNodes(String apiUrl) {
        this.apiUrl = apiUrl.replaceAll("/+$", "");
    }

    /** The checkout node of a tree, if the list has one. */
    public static JsonNode checkout(List<JsonNode> nodes) {
        return nodes.stream().filter(n -> "checkout".equals(n.path("kind").asText())).findFirst().orElse(null);
    }

    /** The nodes without the attempts a retry replaced (and without what hangs below those). */
    public static List<JsonNode> latestAttempts(List<JsonNode> nodes) {
        Map<String, JsonNode> best = new HashMap<>();
        for (var node : nodes) {
            if (!RETRIED_KINDS.contains(node.path("kind").asText())) {
                continue;
            }
            best.merge(attemptKey(node), node, (a, b) -> LATER_ATTEMPT.compare(a, b) >= 0 ? a : b);
        }
        var replaced = new HashSet<String>();
        for (var node : nodes) {
            if (RETRIED_KINDS.contains(node.path("kind").asText()) && best.get(attemptKey(node)) != node) {
                replaced.add(id(node));
            }
        }
        var parents = new HashMap<String, String>();
        nodes.forEach(n -> parents.put(id(n), text(n, "parent")));
        var kept = new ArrayList<JsonNode>();
        for (var node : nodes) {
            if (!underReplaced(id(node), parents, replaced)) {
                kept.add(node);
            }
        }
        return kept;
    }

    private static final Comparator<JsonNode> LATER_ATTEMPT = Comparator
            .<JsonNode>comparingInt(n -> n.path("retry_counter").asInt(0))
            .thenComparing(n -> n.path("created").asText(""))
            .thenComparing(MaestroNodes::id);

    private static String attemptKey(JsonNode node) {
        return text(node, "parent") + "\n" + node.path("name").asText() + "\n"
                + node.path("data").path("platform").asText("");
    }

    private static boolean underReplaced(String id, Map<String, String> parents, Set<String> replaced) {
        var seen = new HashSet<String>();
        for (var current = id; current != null && seen.add(current); current = parents.get(current)) {
            if (replaced.contains(current)) {
                return true;
            }
        }
        return false;
    }

    /** All nodes of a finished tree as one KCIDB document. */
    public KcidbData toKcidb(List<JsonNode> all) {
        var nodes = latestAttempts(all);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put(id(n), n));
        var buildNames = nodes.stream().filter(n -> "kbuild".equals(n.path("kind").asText()))
                .map(n -> n.path("name").asText()).collect(Collectors.toSet());

        var checkouts = new ArrayList<Checkout>();
        var builds = new ArrayList<Build>();
        var dummies = new LinkedHashMap<String, Build>();
        var tests = new ArrayList<Test>();
        for (var node : nodes) {
            switch (node.path("kind").asText()) {
                case "checkout" -> checkouts.add(checkout(node));
                case "kbuild" -> builds.add(build(node));
                default -> {
                    if (TEST_KINDS.contains(node.path("kind").asText())) {
                        test(node, byId, buildNames, dummies).ifPresent(tests::add);
                    }
                }
            }
        }
        builds.addAll(dummies.values());
        return KcidbData.of(checkouts, builds, tests);
    }

    private Checkout checkout(JsonNode node) {
        var revision = node.path("data").path("kernel_revision");
        var misc = new LinkedHashMap<String, Object>();
        misc.put("submitted_by", "labgate");
        put(misc, "error_code", text(node.path("data"), "error_code"));
        put(misc, "error_msg", text(node.path("data"), "error_msg"));
        misc.put("maestro_viewer", viewer(node));
        var url = text(revision, "url");
        if (url != null && !url.startsWith("https://")) {
            // KCIDB takes https repository URLs only; a test setup's file:// or git:// URL is kept aside.
            misc.put("git_repository_url", url);
            url = null;
        }
        var result = text(node, "result");
        List<String> tags = null;
        if (revision.path("commit_tags").isArray()) {
            tags = new ArrayList<>();
            for (var tag : revision.path("commit_tags")) {
                tags.add(tag.asText());
            }
        }
        return new Checkout(ORIGIN + ":" + id(node), ORIGIN, text(revision, "tree"), url,
                text(revision, "commit"), text(revision, "describe"), tags, text(revision, "commit_message"),
                text(revision, "branch"), revision.path("tip_of_branch").isBoolean()
                        ? revision.path("tip_of_branch").asBoolean() : null,
                null, "", null, null, timestamp(node.path("created")), null, null,
                result == null ? null : "pass".equals(result), null, null, misc, null);
    }

    private Build build(JsonNode node) {
        var data = node.path("data");
        var errorCode = text(data, "error_code");
        var result = text(node, "result");
        Status status;
        if ("incomplete".equals(result) && "node_timeout".equals(errorCode)) {
            status = Status.MISS;
        } else if (errorCode != null) {
            status = Status.ERROR;
        } else if (result == null) {
            status = Status.MISS;
        } else {
            status = switch (result) {
                case "pass" -> Status.PASS;
                case "fail" -> Status.FAIL;
                case "skip" -> Status.SKIP;
                default -> Status.ERROR;
            };
        }
        var misc = new LinkedHashMap<String, Object>();
        put(misc, "platform", text(data, "platform"));
        put(misc, "runtime", text(data, "runtime"));
        put(misc, "job_id", text(data, "job_id"));
        put(misc, "job_context", text(data, "job_context"));
        put(misc, "kernel_type", text(data, "kernel_type"));
        put(misc, "error_code", errorCode);
        put(misc, "error_msg", text(data, "error_msg"));
        put(misc, "retry_counter", node.path("retry_counter").asInt(0));
        misc.put("maestro_viewer", viewer(node));
        var artifacts = node.path("artifacts");
        return new Build(ORIGIN + ":" + id(node), ORIGIN + ":" + text(node, "parent"), ORIGIN,
                text(data.path("kernel_revision"), "describe"), timestamp(node.path("created")), null,
                text(data, "arch"), null, text(data, "compiler"), null,
                outputFiles(artifacts, Set.of("build_log", "_config")), text(data, "config_full"),
                text(artifacts, "_config"), text(artifacts, "build_log"), null, status, misc, null);
    }

    private Optional<Test> test(JsonNode node, Map<String, JsonNode> byId, Set<String> buildNames,
                                          Map<String, Build> dummies) {
        var build = nearestBuild(node, byId);
        if (build == null) {
            return Optional.empty();
        }
        var data = node.path("data");
        String buildId;
        boolean fromCheckout = "checkout".equals(build.path("kind").asText());
        if (fromCheckout) {
            var arch = text(data, "arch");
            buildId = ORIGIN + ":dummy_" + id(build) + (arch == null ? "" : "_" + arch);
            dummies.computeIfAbsent(buildId, k -> new Build(k, ORIGIN + ":" + id(build), ORIGIN,
                    "Dummy build for tests hanging from checkout", timestamp(build.path("created")), null, arch,
                    null, null, null, null, null, null, null, null, null, null, null));
        } else {
            buildId = ORIGIN + ":" + id(build);
        }
        var path = path(node, fromCheckout, buildNames);
        if (path == null || List.of(path.split("\\.")).contains("setup") && !path.contains("os-release")) {
            // As the bridge: setup steps are reported through their job's own result.
            return Optional.empty();
        }
        var platform = text(data, "platform");
        var runtime = text(data, "runtime");
        var environmentMisc = new LinkedHashMap<String, Object>();
        put(environmentMisc, "platform", platform);
        var job = jobData(node, byId);
        put(environmentMisc, "job_id", text(job, "job_id"));
        put(environmentMisc, "job_context", text(job, "job_context"));
        var misc = new LinkedHashMap<String, Object>();
        put(misc, "test_source", text(data, "test_source"));
        put(misc, "test_revision", text(data, "test_revision"));
        put(misc, "compiler", text(data, "compiler"));
        put(misc, "kernel_type", text(data, "kernel_type"));
        put(misc, "arch", text(data, "arch"));
        put(misc, "runtime", runtime);
        put(misc, "retry_counter", node.has("retry_counter") ? node.path("retry_counter").asInt() : null);
        misc.put("maestro_viewer", viewer(node));
        var result = text(node, "result");
        JsonNode errorSource = null;
        if (result != null && !"pass".equals(result) && !"skip".equals(result)) {
            errorSource = errorData(node, byId);
            put(misc, "error_code", text(errorSource, "error_code"));
            put(misc, "error_msg", text(errorSource, "error_msg"));
        }
        var status = status(node, errorSource);
        var artifacts = artifacts(node, byId);
        String logUrl = null;
        List<Resource> outputs = null;
        if (artifacts != null && status != Status.SKIP) {
            logUrl = text(artifacts, "lava_log") != null ? text(artifacts, "lava_log") : text(artifacts, "test_log");
            outputs = outputFiles(artifacts, Set.of("lava_log", "test_log"));
        }
        var comment = node.path("name").asText() + " on " + platform + " in " + runtime;
        return Optional.of(new Test(ORIGIN + ":" + id(node), buildId, ORIGIN,
                new Environment("Runtime: " + runtime, null, environmentMisc), path, comment, logUrl, null, status,
                null, timestamp(node.path("created")), null, outputs, null, misc, null));
    }

    /** KCIDB status of a test node: infrastructure trouble is ERROR or MISS, never FAIL. */
    static Status status(JsonNode node, JsonNode errorSource) {
        var result = text(node, "result");
        var own = text(node.path("data"), "error_code");
        var inherited = errorSource == null ? null : text(errorSource, "error_code");
        if ("Infrastructure".equals(own) || "Infrastructure".equals(inherited)) {
            return Status.ERROR;
        }
        if (result == null) {
            return Status.MISS;
        }
        return switch (result) {
            case "pass" -> Status.PASS;
            case "fail" -> Status.FAIL;
            case "skip" -> Status.SKIP;
            default -> own != null && MISSED.contains(own) ? Status.MISS : Status.ERROR;
        };
    }

    private static JsonNode nearestBuild(JsonNode node, Map<String, JsonNode> byId) {
        for (var parent = byId.get(text(node, "parent")); parent != null; parent = byId.get(text(parent, "parent"))) {
            var kind = parent.path("kind").asText();
            if ("kbuild".equals(kind) || "checkout".equals(kind)) {
                return parent;
            }
        }
        return null;
    }

    /** The first node, from this one up, whose data says which lab job ran it. */
    private static JsonNode jobData(JsonNode node, Map<String, JsonNode> byId) {
        for (var current = node; current != null; current = byId.get(text(current, "parent"))) {
            if (text(current.path("data"), "job_id") != null) {
                return current.path("data");
            }
        }
        return node.path("data");
    }

    /** The first node, from this one up, whose data carries an error code. */
    private static JsonNode errorData(JsonNode node, Map<String, JsonNode> byId) {
        for (var current = node; current != null; current = byId.get(text(current, "parent"))) {
            if (text(current.path("data"), "error_code") != null) {
                return current.path("data");
            }
        }
        return node.path("data");
    }

    private static JsonNode artifacts(JsonNode node, Map<String, JsonNode> byId) {
        // A test's files are its own or its job's: the build's and the checkout's (its tarball) are not.
        for (var current = node; current != null && TEST_KINDS.contains(current.path("kind").asText());
             current = byId.get(text(current, "parent"))) {
            var artifacts = current.path("artifacts");
            if (artifacts.isObject() && artifacts.size() > 0) {
                return artifacts;
            }
        }
        return null;
    }

    /** The node's path without the checkout and build levels, in KCIDB's dotted form. */
    private static String path(JsonNode node, boolean fromCheckout, Set<String> buildNames) {
        var parts = new ArrayList<String>();
        node.path("path").forEach(p -> parts.add(p.asText()));
        if (parts.isEmpty()) {
            return null;
        }
        var rest = new ArrayList<>(parts.subList(Math.min(parts.size(), fromCheckout ? 1 : 2), parts.size()));
        rest.removeIf(p -> p.isEmpty() || buildNames.contains(p));
        if (rest.size() >= 2 && rest.get(0).equals(rest.get(1))) {
            rest.remove(0);
        }
        var path = rest.stream().map(p -> PATH_CHARS.matcher(p).replaceAll("_")).collect(Collectors.joining("."));
        return path.isEmpty() ? null : path;
    }

    private static List<Resource> outputFiles(JsonNode artifacts, Set<String> excluded) {
        if (!artifacts.isObject()) {
            return null;
        }
        var files = new ArrayList<Resource>();
        artifacts.fields().forEachRemaining(e -> {
            if (!excluded.contains(e.getKey()) && e.getValue().isTextual()) {
                files.add(new Resource(e.getKey().replace('/', '_'), e.getValue().asText()));
            }
        });
        return files.isEmpty() ? null : files;
    }

    private String viewer(JsonNode node) {
        return apiUrl + "/viewer?node_id=" + id(node);
    }

    /** A Maestro timestamp (naive UTC, microseconds) as an instant; empty when it is missing or unreadable. */
    static Optional<Instant> instant(JsonNode value) {
        if (!value.isTextual()) {
            return Optional.empty();
        }
        try {
            var text = value.asText();
            return Optional.of(text.matches(".*(Z|[+-]\\d\\d:\\d\\d)$") ? OffsetDateTime.parse(text).toInstant()
                    : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Maestro writes naive UTC timestamps; KCIDB wants an offset. */
    static String timestamp(JsonNode value) {
        if (!value.isTextual() || value.asText().isBlank()) {
            return null;
        }
        var text = value.asText();
        return text.matches(".*(Z|[+-]\\d\\d:\\d\\d)$") ? text : text + "+00:00";
    }

    private static String id(JsonNode node) {
        return node.path("id").asText();
    }

    private static String text(JsonNode node, String field) {
        var value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    private static void put(Map<String, Object> misc, String key, Object value) {
        if (value != null) {
            misc.put(key, value);
        }
    }
}
