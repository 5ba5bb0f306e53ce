package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.labgate.core.Sha256;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * KernelCI on loopback: the pipeline's {@code POST /api/checkout} and Maestro's
 * {@code GET /latest/nodes/fast}, speaking the shapes of {@code kernelci-pipeline}'s
 * {@code lava_callback.py} and {@code kernelci-api} (nodes as in kci-dev's example node), with the
 * pipeline's error answers, and the storage where the pipeline uploads job logs ({@code log.txt.gz},
 * linked from a node's {@code lava_log} artifact with the URL's own access signature). All answer on
 * {@link #url()}.
 *
 * <p>As the pipeline does, it accepts a checkout of any branch of an allowlisted tree (with 200),
 * while its tarball service ({@link #tarball()}) prepares only a branch with a build
 * configuration; a checkout times out 300 minutes after it was asked for, and the timeout services
 * ({@link #timeoutServices()}) close nodes as kernelci-pipeline's {@code timeout.py} does.
 *
 * <p>A test drives the tree as the pipeline's services would: it adds build and job nodes under a
 * checkout, finishes them, retries them, runs the tarball and timeout services, and moves the
 * fake's clock ahead ({@link #advance}); the clock otherwise runs with the real time, so that a lab
 * on the system clock sees fresh nodes.
 */
public final class FakeMaestro extends FakeHttpServer {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
    private static final DateTimeFormatter MAESTRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT);

    /** lava_callback.py {@code checkout()}: {@code timeout = 300} minutes from the request. */
    public static final Duration CHECKOUT_TIMEOUT = Duration.ofMinutes(300);
    /** kernelci-core kernelci/api/models.py: {@code Node.timeout} defaults to 6 hours after creation. */
    private static final Duration NODE_TIMEOUT = Duration.ofHours(6);
    /** tarball.py {@code _update_node}: a prepared checkout is held off for 10 minutes. */
    private static final Duration HOLDOFF = Duration.ofMinutes(10);

    private final String token;
    private final Map<String, String> trees = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Set<String>> buildBranches = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<String> jobs = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> platforms = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, ObjectNode> nodes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<JsonNode> checkoutRequests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, byte[]> storage = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(0x670f0c27493b6b81L);
    private volatile BiPredicate<String, String> reachable = (url, commit) -> true;
    private volatile Duration ahead = Duration.ZERO;
    private volatile Refusal refusal;

    private record Refusal(int status, String message) {
    }

    /**
     * @param token the only JWT the pipeline accepts (standing for its signature check); its claims
     *              are read as the pipeline reads them
     */
    public FakeMaestro(String token) throws IOException {
        this.token = token;
    }

    /**
     * An allowlisted tree with a build configuration for its branch {@code master}, as in the
     * pipeline's {@code trees} and {@code build_configs}.
     */
    public FakeMaestro tree(String name, String url) {
        trees.put(url, name);
        return buildBranch(url, "master");
    }

    /** A build configuration for another branch of an allowlisted tree. */
    public FakeMaestro buildBranch(String url, String branch) {
        buildBranches.computeIfAbsent(url, u -> Collections.synchronizedSet(new HashSet<>())).add(branch);
        return this;
    }

    /** The fake's time, for a lab that must agree with it. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    public FakeMaestro jobs(String... names) {
        jobs.addAll(List.of(names));
        return this;
    }

    public FakeMaestro platforms(String... names) {
        platforms.addAll(List.of(names));
        return this;
    }

    /**
     * Whether the tarball service can check a commit out of a tree URL; a checkout of an unreachable
     * commit ends at once with {@code git_checkout_failure}, as the tarball service ends it.
     */
    public FakeMaestro reachable(BiPredicate<String, String> check) {
        this.reachable = check;
        return this;
    }

    /** The bodies of the checkout requests the pipeline accepted or refused, in order. */
    public List<JsonNode> checkoutRequests() {
        synchronized (checkoutRequests) {
            return List.copyOf(checkoutRequests);
        }
    }

    /** The checkout node of a tree. */
    public ObjectNode checkout(String treeId) {
        synchronized (nodes) {
            return nodes.values().stream().filter(n -> treeId.equals(n.path("treeid").asText()))
                    .filter(n -> "checkout".equals(n.path("kind").asText())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tree " + treeId));
        }
    }

    public ObjectNode node(String id) {
        var node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    /** Adds a running node of {@code kind} ({@code kbuild}, {@code job}, {@code test}) under {@code parentId}. */
    public String add(String parentId, String kind, String name, String platform) {
        var parent = node(parentId);
        var node = newNode(kind, name, parent.path("treeid").asText());
        node.put("parent", parentId);
        var path = node.putArray("path");
        parent.path("path").forEach(path::add);
        path.add(name);
        node.put("group", name);
        var data = ((ObjectNode) node.get("data"));
        data.setAll((ObjectNode) parent.path("data").deepCopy());
        data.remove(List.of("error_code", "error_msg", "job_id"));
        data.put("platform", platform).put("runtime", "lava-collabora").put("arch", "x86_64")
                .put("compiler", "gcc-12").put("config_full", "x86_64_defconfig");
        nodes.put(node.path("id").asText(), node);
        return node.path("id").asText();
    }

    /** Sets a node's state and result, and its error code (null for none), as the pipeline's services do. */
    public void set(String id, String state, String result, String errorCode) {
        var node = node(id);
        node.put("state", state);
        if (result == null) {
            node.putNull("result");
        } else {
            node.put("result", result);
        }
        var data = (ObjectNode) node.get("data");
        if (errorCode == null) {
            data.putNull("error_code").putNull("error_msg");
        } else {
            data.put("error_code", errorCode).put("error_msg", errorCode + " error in the fake");
        }
        node.put("updated", time());
    }

    /** The pipeline's job-retry service: a new node with the same name and parent, one more retry. */
    public String retry(String id) {
        var old = node(id);
        var retried = add(old.path("parent").asText(), old.path("kind").asText(), old.path("name").asText(),
                old.path("data").path("platform").asText());
        node(retried).put("retry_counter", old.path("retry_counter").asInt() + 1)
                .putObject("debug").put("retry_by", id);
        return retried;
    }

    /**
     * Publishes a file in the fake's storage, as the pipeline uploads a job's {@code log.txt.gz}
     * (kernelci-pipeline's lava_callback), and returns its URL, to set as an artifact. Storage is
     * read without credentials, as KernelCI's storage URLs carry their own.
     */
    public String store(String name, byte[] content) {
        storage.put(name, content.clone());
        return url() + "/storage/" + name + "?sv=2022-11-02&sig=fake";
    }

    /** Sets an artifact (a log URL, say) on a node. */
    public void artifact(String id, String name, String url) {
        var node = node(id);
        if (!node.path("artifacts").isObject()) {
            node.putObject("artifacts");
        }
        ((ObjectNode) node.get("artifacts")).put(name, url);
    }

    /**
     * The next checkout request is answered with {@code status} and {@code message}, as the
     * pipeline answers for reasons this fake does not model (a stricter commit check, say).
     */
    public void refuseNext(int status, String message) {
        refusal = new Refusal(status, message);
    }

    /** The fake's time: the real time, plus what {@link #advance} added. */
    private Instant now() {
        return Instant.now().plus(ahead);
    }

    /** Moves the fake's clock ahead, as if that much time had passed. */
    public void advance(Duration duration) {
        ahead = ahead.plus(duration);
    }

    /**
     * The tarball service, once (tarball.py {@code _run}): each checkout still {@code running} whose
     * branch has a build configuration becomes {@code available} with its tarball, held off for 10
     * minutes; one whose branch has none is passed over and stays as it is
     * ({@code _find_build_config} returns None: {@code continue}).
     */
    public void tarball() {
        synchronized (nodes) {
            for (var node : nodes.values()) {
                var revision = node.path("data").path("kernel_revision");
                if (!"checkout".equals(node.path("kind").asText()) || !"running".equals(node.path("state").asText())
                        || !buildBranches.getOrDefault(revision.path("url").asText(), Set.of())
                        .contains(revision.path("branch").asText())) {
                    continue;
                }
                node.put("state", "available").put("result", "pass").put("holdoff", time(now().plus(HOLDOFF)))
                        .put("updated", time());
                node.putObject("artifacts").put("tarball", "https://storage.example.org/" + node.path("treeid").asText()
                        + ".tar.gz");
            }
        }
    }

    /**
     * The pipeline's three timeout services, once, at the fake's time (timeout.py): {@code timeout}
     * sets every node whose timeout lapsed to {@code done}, and one without a result to
     * {@code incomplete} with {@code node_timeout}; {@code holdoff} moves an {@code available} node
     * whose holdoff lapsed to {@code closing}, or to {@code done} when nothing below it runs;
     * {@code closing} moves a {@code closing} node to {@code done} once nothing below it runs.
     */
    public void timeoutServices() {
        synchronized (nodes) {
            for (var node : nodes.values()) {
                if (!"done".equals(node.path("state").asText()) && lapsed(node.path("timeout"))) {
                    node.put("state", "done").put("updated", time());
                    if (node.path("result").isNull()) {
                        node.put("result", "incomplete");
                        ((ObjectNode) node.get("data")).put("error_code", "node_timeout").put("error_msg",
                                "Node timed-out");
                    }
                }
            }
            for (var node : nodes.values()) {
                if ("available".equals(node.path("state").asText()) && lapsed(node.path("holdoff"))) {
                    node.put("state", runningBelow(node.path("id").asText()) ? "closing" : "done").put("updated", time());
                }
            }
            for (var node : nodes.values()) {
                if ("closing".equals(node.path("state").asText()) && !runningBelow(node.path("id").asText())) {
                    node.put("state", "done").put("updated", time());
                }
            }
        }
    }

    private boolean lapsed(JsonNode timestamp) {
        return timestamp.isTextual() && LocalDateTime.parse(timestamp.asText(), MAESTRO_TIME).toInstant(ZoneOffset.UTC)
                .isBefore(now());
    }

    /** Whether a node below this one is not done (timeout.py {@code _count_running_child_nodes}, recursive). */
    private boolean runningBelow(String id) {
        for (var node : nodes.values()) {
            if (id.equals(node.path("parent").asText(null))
                    && (!"done".equals(node.path("state").asText()) || runningBelow(node.path("id").asText()))) {
                return true;
            }
        }
        return false;
    }

    public URI url() {
        return baseUrl();
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body,
                            HttpExchange exchange) throws IOException {
        return answerBy(method, path, query, body, exchange, this::handle);
    }

    private void handle(Call call) throws IOException {
        if ("POST".equals(call.method()) && "/api/checkout".equals(call.path())) {
            checkoutRequest(call);
        } else if ("GET".equals(call.method()) && call.path().startsWith("/storage/")) {
            var file = storage.get(call.path().substring("/storage/".length()));
            if (file == null) {
                call.answer(404, "application/xml", "<Error><Code>ResourceNotFound</Code></Error>"
                        .getBytes(StandardCharsets.UTF_8));
            } else {
                call.answer(200, "application/octet-stream", file);
            }
        } else if ("GET".equals(call.method()) && "/latest/nodes/fast".equals(call.path())) {
            var list = JSON.createArrayNode();
            synchronized (nodes) {
                nodes.values().stream().filter(n -> matches(n, call.query())).forEach(n -> list.add(n.deepCopy()));
            }
            call.answer(200, list);
        } else {
            call.answer(404, JSON.createObjectNode().put("detail", "Not Found"));
        }
    }

    private void checkoutRequest(Call call) throws IOException {
        JsonNode data;
        try {
            data = JSON.readTree(call.body());
        } catch (IOException e) {
            call.answer(422, JSON.createObjectNode().put("detail", "JSON decode error"));
            return;
        }
        checkoutRequests.add(data);
        var refused = refusal;
        if (refused != null) {
            refusal = null;
            call.answer(refused.status(), message(refused.message()));
            return;
        }
        // lava_callback.py checkout(): the JWT must verify and carry the checkout permission, then an email.
        if (!token.equals(call.header("Authorization")) || !claims().path("permissions").toString().contains("\"checkout\"")
                || claims().path("email").asText("").isEmpty()) {
            call.answer(401, message("Unauthorized"));
            return;
        }
        var url = data.path("url").asText("");
        var branch = data.path("branch").asText("");
        var commit = data.path("commit").asText("");
        if (url.isEmpty() || branch.isEmpty() || commit.isEmpty()) {
            call.answer(400, message("Missing tree URL, branch or commit"));
            return;
        }
        if (!COMMIT.matcher(commit).matches()) {
            call.answer(400, message("Invalid commit format"));
            return;
        }
        // find_tree(url, branch): the tree by its URL, if it has any build configuration; the branch is not looked at.
        var tree = trees.get(url);
        if (tree == null || buildBranches.getOrDefault(url, Set.of()).isEmpty()) {
            call.answer(404, message("Tree not found"));
            return;
        }
        var jobFilter = strings(data.path("jobfilter"));
        if (jobFilter.size() > 8) {
            call.answer(400, message("Too many jobs in jobfilter"));
            return;
        }
        for (var job : jobFilter) {
            if (!jobs.contains(job.replaceAll("\\+$", ""))) {
                call.answer(404, message("Job " + job.replaceAll("\\+$", "") + " not found"));
                return;
            }
        }
        var platformFilter = strings(data.path("platformfilter"));
        if (platformFilter.size() > 8) {
            call.answer(400, message("Too many platforms in platformfilter"));
            return;
        }
        for (var platform : platformFilter) {
            if (!platforms.contains(platform)) {
                call.answer(404, message("Platform " + platform + " not found"));
                return;
            }
        }
        var treeId = Sha256.hex(url + branch + now() + nextId.get());
        var node = newNode("checkout", "checkout", treeId);
        node.put("timeout", time(now().plus(CHECKOUT_TIMEOUT)));
        node.putArray("path").add("checkout");
        var revision = ((ObjectNode) node.get("data")).putObject("kernel_revision");
        revision.put("tree", tree).put("branch", branch).put("commit", commit).put("url", url)
                .put("tip_of_branch", false);
        node.put("submitter", "user:labgate@example.org");
        if (!jobFilter.isEmpty()) {
            jobFilter.forEach(node.putArray("jobfilter")::add);
        }
        if (!platformFilter.isEmpty()) {
            platformFilter.forEach(node.putArray("platform_filter")::add);
        }
        nodes.put(node.path("id").asText(), node);
        if (!reachable.test(url, commit)) {
            set(node.path("id").asText(), "done", "fail", "git_checkout_failure");
        }
        var answer = message("OK");
        answer.set("node", node.deepCopy());
        call.answer(200, answer);
    }

    /** The claims of the accepted token, as the pipeline decodes them. */
    private JsonNode claims() {
        var parts = token.split("\\.");
        try {
            return parts.length == 3 ? JSON.readTree(Base64.getUrlDecoder().decode(parts[1])) : JSON.createObjectNode();
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }

    private ObjectNode newNode(String kind, String name, String treeId) {
        var node = JSON.createObjectNode();
        node.put("id", Long.toHexString(nextId.incrementAndGet()) + "6b8188c7");
        node.put("kind", kind).put("name", name).putNull("group").putNull("parent");
        node.put("state", "running").putNull("result").putNull("artifacts");
        node.putObject("data").putNull("error_code").putNull("error_msg");
        node.putNull("debug").putNull("jobfilter").putNull("platform_filter");
        var created = time();
        node.put("created", created).put("updated", created).put("timeout", time(now().plus(NODE_TIMEOUT)))
                .putNull("holdoff");
        node.put("owner", "labgate").put("submitter", "service:pipeline").put("treeid", treeId);
        node.putArray("user_groups");
        node.put("processed_by_kcidb_bridge", false).put("retry_counter", 0);
        return node;
    }

    /** Maestro's query language, as far as labgate uses it: {@code field=value} and {@code field__ne=value} on dotted paths. */
    private static boolean matches(JsonNode node, Map<String, String> query) {
        for (var entry : query.entrySet()) {
            var key = entry.getKey();
            if ("limit".equals(key) || "offset".equals(key)) {
                continue;
            }
            var op = "eq";
            if (key.contains("__")) {
                op = key.substring(key.lastIndexOf("__") + 2);
                key = key.substring(0, key.lastIndexOf("__"));
            }
            JsonNode value = node;
            for (var part : key.split("\\.")) {
                value = value.path(part);
            }
            var text = value.isNull() || value.isMissingNode() ? null : value.asText();
            var equal = entry.getValue().equals(text);
            if ("eq".equals(op) && !equal || "ne".equals(op) && equal) {
                return false;
            }
        }
        return true;
    }

    private String time() {
        return time(now());
    }

    private static String time(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(MAESTRO_TIME);
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static List<String> strings(JsonNode array) {
        var list = new ArrayList<String>();
        if (array instanceof ArrayNode) {
            array.forEach(v -> list.add(v.asText()));
        }
        return list;
    }
}
