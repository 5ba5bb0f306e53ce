package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LAVA server on loopback, as released in 2026.07 unless {@link #likeMain()}: the REST API v0.2
 * as {@code lava_rest_app} serves it (token authentication, limit/offset pages newest job first,
 * job states and healths as words, the job list's filters, test cases with their suite id and YAML
 * metadata), the job's log as {@code logs} serves it (lava_rest_app/v02/views.py: YAML, one
 * {@code - {"dt", "lvl", "msg"}} flow mapping per line as lava_common/log.py {@code dump} writes it;
 * 404 when the job has no log), the job schema's checks on a submitted definition, and the job's
 * {@code notify} callback as {@code NotificationCallback.invoke_callback} sends it (JSON, results per suite as
 * YAML text), giving up after LAVA's 5 seconds.
 *
 * <p>A released server (2024.01 to 2026.07) has no {@code metadata__<key>} filter (it ignores it,
 * as django-filter ignores every unknown parameter, and lists every job) and no {@code metadata}
 * field in a job; LAVA's main branch has both since August 2026 (commit 8ba352bd, "REST: filter
 * test jobs by job metadata").
 *
 * <p>A test plays the scheduler and the dispatcher: it starts a job, finishes it with a health and
 * test cases, and sends (or loses) the callback. Starting a job is what a worker does first: it
 * downloads every URL of the job's deploy actions, as {@code lava_dispatcher}'s download actions do,
 * and ends the job {@code Incomplete} when one cannot be had or does not match its checksum.
 */
public final class FakeLava extends FakeHttpServer {

    /** One test case as LAVA records it; {@code metadata} is the action metadata. */
    public record Case(String suite, String name, String result, Map<String, Object> metadata, String measurement,
                       String unit) {

        public static Case of(String suite, String name, String result) {
            return new Case(suite, name, result, Map.of(), null, null);
        }

        /** The {@code job} case of the {@code lava} suite, with LAVA's error type and message when it failed. */
        public static Case job(String result, String errorType, String errorMessage) {
            var metadata = new LinkedHashMap<String, Object>();
            metadata.put("definition", "lava");
            metadata.put("case", "job");
            metadata.put("result", result);
            if (errorType != null) {
                metadata.put("error_type", errorType);
                metadata.put("error_msg", errorMessage);
            }
            return new Case("lava", "job", result, metadata, null, null);
        }
    }

    /**
     * A file a worker downloaded for a job: its URL, the SHA-256 of what came, and its size.
     */
    public record Download(String url, String sha256, long size) {
    }

    /** A job as the fake holds it. */
    public static final class Job {
        private final int id;
        private final String definition;
        private final Map<String, Object> parsed;
        private volatile String state = "Submitted";
        private volatile String health = "Unknown";
        private volatile String failureComment;
        private final List<Case> cases = Collections.synchronizedList(new ArrayList<>());
        private final List<Download> downloads = Collections.synchronizedList(new ArrayList<>());
        private final List<String> console = Collections.synchronizedList(new ArrayList<>());

        private Job(int id, String definition, Map<String, Object> parsed) {
            this.id = id;
            this.definition = definition;
            this.parsed = parsed;
        }

        public int id() {
            return id;
        }

        public String definition() {
            return definition;
        }

        /** The submitted definition, read as YAML. */
        public Map<String, Object> parsed() {
            return parsed;
        }

        public String state() {
            return state;
        }

        public String health() {
            return health;
        }

        /** What the worker downloaded when the job started, in order. */
        public List<Download> downloads() {
            synchronized (downloads) {
                return List.copyOf(downloads);
            }
        }
    }

    /**
     * A small job template in labgate's template language: a QEMU boot of the kernel under
     * {@code artifacts_url} and one smoke test, for tests and benchmarks that need a LAVA lab.
     */
    public static final String SMOKE_TEMPLATE = """
            device_type: qemu
            job_name: "labgate {{ subject }} {{ commit_short }}"
            visibility: personal
            timeouts:
              job:
                minutes: 30
            actions:
            - deploy:
                to: tmpfs
                images:
                  kernel:
                    url: {{ artifacts_url }}/bzImage
            - boot:
                method: qemu
                media: tmpfs
            - test:
                definitions:
                - from: git
                  repository: https://git.example.org/tests.git
                  path: smoke.yaml
                  name: smoke
            """;

    /** The request LAVA sends to a job's callback URL. */
    public record Callback(URI url, Map<String, String> headers, byte[] body) {
    }

    private static final Pattern JOB = Pattern.compile("^/api/v0\\.2/jobs/(\\d+)/(|suites/|tests/|logs/|cancel/)$");
    private static final int MAX_JOB_NAME = 200;
    /** The words of {@code TestJob.STATE_CHOICES} (lava_scheduler_app/models.py). */
    private static final List<String> STATES = List.of("Submitted", "Scheduling", "Scheduled", "Running", "Canceling",
            "Finished");

    private final String token;
    private final Map<Integer, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger nextJob = new AtomicInteger(4100);
    private final AtomicInteger nextCase = new AtomicInteger(900000);
    /** LAVA's wait for a callback's answer ({@code CALLBACK_TIMEOUT}, lava_server/settings/common.py). */
    public static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    private volatile boolean main;
    private volatile Duration slowness = Duration.ZERO;

    /** A server as released in 2026.07; @param token the only API token the server accepts */
    public FakeLava(String token) throws IOException {
        this.token = token;
    }

    /** Plays LAVA's main branch: jobs carry their {@code metadata} and {@code /jobs/} filters on it. */
    public FakeLava likeMain() {
        main = true;
        return this;
    }

    /** Every REST answer takes this long, as on a busy server or for a job with many results. */
    public FakeLava slow(Duration perAnswer) {
        slowness = perAnswer;
        return this;
    }

    public List<Job> jobs() {
        synchronized (jobs) {
            return List.copyOf(jobs.values());
        }
    }

    public Job job(int id) {
        var job = jobs.get(id);
        if (job == null) {
            throw new IllegalArgumentException("no job " + id);
        }
        return job;
    }

    /**
     * The scheduler gave the job a device, and the worker validated it and ran its deploy actions:
     * every URL in them is downloaded. As {@code lava_dispatcher/actions/deploy/download.py} does,
     * validation asks each URL (HEAD, then GET when HEAD is not 200) and a URL that does not answer
     * 200 is "Resource unavailable at '<url>' (<status>)"; then each file is downloaded, its size
     * checked against the Content-Length and its checksum against the image's {@code md5sum},
     * {@code sha256sum} or {@code sha512sum} ("<algorithm> for '<url>' does not match."). Either
     * failure is a {@code JobError} ({@code lava_common/exceptions.py}), and the job ends
     * {@code Incomplete} with LAVA's {@code validate} and {@code job} cases failed, as
     * {@code lava_dispatcher/job.py} records them.
     *
     * @return whether the job is running (false: it ended Incomplete on its deploy actions)
     */
    public boolean start(int id) {
        var job = job(id);
        var urls = new ArrayList<Map<String, Object>>();
        deployImages(job.parsed(), urls);
        var unavailable = new ArrayList<String>();
        for (var image : urls) {
            var status = status(String.valueOf(image.get("url")));
            if (status != 200) {
                unavailable.add("1.1.1 http-download: Resource unavailable at '" + image.get("url") + "' (" + status
                        + ")");
            }
        }
        if (!unavailable.isEmpty()) {
            var quoted = unavailable.stream().map(e -> "\"" + e + "\"").toList();
            end(job, "Invalid job data: [" + String.join(", ", quoted) + "]\n", true);
            return false;
        }
        for (var image : urls) {
            var url = String.valueOf(image.get("url"));
            var problem = download(job, url, image);
            if (problem != null) {
                end(job, problem, false);
                return false;
            }
        }
        job.state = "Running";
        return true;
    }

    /** Every mapping with a {@code url} in the job's deploy actions (images, kernel, dtb, modules, overlays...). */
    @SuppressWarnings("unchecked")
    private static void deployImages(Map<String, Object> definition, List<Map<String, Object>> found) {
        if (!(definition.get("actions") instanceof List<?> actions)) {
            return;
        }
        for (var action : actions) {
            if (action instanceof Map<?, ?> map && map.get("deploy") instanceof Map<?, ?> deploy) {
                collectUrls((Map<String, Object>) deploy, found);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectUrls(Map<String, Object> node, List<Map<String, Object>> found) {
        if (node.get("url") instanceof String) {
            found.add(node);
        }
        for (var value : node.values()) {
            if (value instanceof Map<?, ?> child) {
                collectUrls((Map<String, Object>) child, found);
            }
        }
    }

    /** The status a worker's validation gets for a URL: HEAD, then GET if HEAD is not 200; 0 when unreachable. */
    private static int status(String url) {
        try {
            var client = downloader();
            var head = client.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers
                    .noBody()).header("Accept-Encoding", "").build(), HttpResponse.BodyHandlers.discarding());
            if (head.statusCode() == 200) {
                return 200;
            }
            return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | IllegalArgumentException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Downloads one image and checks it; the error a worker would end the job with, or null. */
    private static String download(Job job, String url, Map<String, Object> image) {
        try {
            var response = downloader().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return "Unable to download '" + url + "'";
            }
            var body = response.body();
            var expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (expected > 0 && expected != body.length) {
                return "Download finished (" + body.length + " bytes) but was not expected size (" + expected
                        + " bytes), check your networking.";
            }
            for (var algorithm : List.of("md5", "sha256", "sha512")) {
                var wanted = image.get(algorithm + "sum");
                if (wanted != null && !hex(algorithm, body).equals(String.valueOf(wanted))) {
                    return algorithm + " for '" + url + "' does not match.";
                }
            }
            job.downloads.add(new Download(url, hex("sha256", body), body.length));
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "Unable to download '" + url + "': " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Unable to download '" + url + "': interrupted";
        }
    }

    /** The job ends Incomplete on a JobError, as a worker ends it. */
    private static void end(Job job, String message, boolean validation) {
        if (validation) {
            job.cases.add(Case.of("lava", "validate", "fail"));
        }
        job.cases.add(Case.job("fail", "Job", message));
        job.health = "Incomplete";
        job.failureComment = message;
        job.state = "Finished";
    }

    private static HttpClient downloader() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String hex(String algorithm, byte[] body) {
        try {
            var name = switch (algorithm) {
                case "md5" -> "MD5";
                case "sha256" -> "SHA-256";
                default -> "SHA-512";
            };
            return HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The dispatcher finished the job: health {@code Complete}, {@code Incomplete} or {@code Canceled}. */
    public void finish(int id, String health, String failureComment, List<Case> cases) {
        finish(id, health, failureComment, cases, List.of());
    }

    /** As {@link #finish(int, String, String, List)}, with what the device printed on its console, line by line. */
    public void finish(int id, String health, String failureComment, List<Case> cases, List<String> console) {
        var job = job(id);
        job.cases.addAll(cases);
        job.console.addAll(console);
        job.health = health;
        job.failureComment = failureComment;
        job.state = "Finished";
    }

    /** The callback LAVA would send for the job now: its first {@code notify.callbacks} entry. */
    @SuppressWarnings("unchecked")
    public Callback callback(int id) {
        var job = job(id);
        var notify = (Map<String, Object>) job.parsed().get("notify");
        var callbacks = notify == null ? null : (List<Map<String, Object>>) notify.get("callbacks");
        if (callbacks == null || callbacks.isEmpty()) {
            throw new IllegalStateException("job " + id + " asks for no callback");
        }
        var callback = callbacks.get(0);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        if (callback.get("token") != null) {
            headers.put((String) callback.getOrDefault("header", "Authorization"), (String) callback.get("token"));
        }
        var dataset = (String) callback.getOrDefault("dataset", "minimal");
        var withResults = "results".equals(dataset) || "all".equals(dataset);
        try {
            return new Callback(URI.create((String) callback.get("url")), headers,
                    JSON.writeValueAsBytes(jobData(job, withResults)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job's log as LAVA writes it: the dispatcher's own lines around the device's console lines. */
    private static String log(Job job) throws IOException {
        var lines = new StringBuilder();
        lines.append(logLine("info", "start: 0 validate")).append('\n');
        for (var message : List.copyOf(job.console)) {
            lines.append(logLine("target", message)).append('\n');
        }
        lines.append(logLine("info", "Job finished")).append('\n');
        return lines.toString();
    }

    private static String logLine(String level, String message) throws IOException {
        var entry = new LinkedHashMap<String, String>();
        entry.put("dt", "2026-11-24T10:00:00.000000+00:00");
        entry.put("lvl", level);
        entry.put("msg", message);
        // JSON is YAML's flow style with double quotes, as LAVA dumps each line.
        return "- " + JSON.writeValueAsString(entry);
    }

    /**
     * Sends the callback over HTTP, once, as LAVA does; returns the receiver's status, or -1 when
     * no answer came within {@link #CALLBACK_TIMEOUT} (LAVA logs "Problem sending request" and
     * never sends it again).
     */
    public int sendCallback(int id) throws IOException, InterruptedException {
        var callback = callback(id);
        var request = HttpRequest.newBuilder(callback.url()).timeout(CALLBACK_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(callback.body()));
        callback.headers().forEach(request::header);
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
            return -1;
        }
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
        if (!slowness.isZero()) {
            try {
                Thread.sleep(slowness.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var auth = call.header("Authorization");
        if (auth == null || !auth.equals("Token " + token)) {
            call.answer(401, JSON.createObjectNode().put("detail", "Invalid token."));
            return;
        }
        if ("/api/v0.2/jobs/".equals(call.path())) {
            if ("POST".equals(call.method())) {
                submit(call);
            } else {
                list(call);
            }
            return;
        }
        Matcher m = JOB.matcher(call.path());
        if (!m.matches() || !jobs.containsKey(Integer.parseInt(m.group(1)))) {
            call.answer(404, JSON.createObjectNode().put("detail", "Not found."));
            return;
        }
        var job = job(Integer.parseInt(m.group(1)));
        switch (m.group(2)) {
            case "" -> call.answer(200, jobJson(job));
            case "suites/" -> call.answer(200, page(call, suites(job)));
            case "tests/" -> call.answer(200, page(call, tests(job)));
            case "logs/" -> {
                if (job.console.isEmpty()) {
                    call.answer(404, JSON.createObjectNode().put("detail", "Not found."));
                } else {
                    call.answer(200, "application/yaml", log(job).getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> {
                if (!"Finished".equals(job.state)) {
                    job.state = "Canceling";
                }
                call.answer(200, JSON.createObjectNode().put("message", "Job cancel signal sent."));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void submit(Call call) throws IOException {
        var definition = JSON.readTree(call.body()).path("definition").asText("");
        Object parsed;
        try {
            var options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            parsed = new Yaml(new SafeConstructor(options)).load(definition);
        } catch (YAMLException e) {
            call.answer(400, JSON.createObjectNode().put("message", "job submission failed: " + e.getMessage()));
            return;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            call.answer(400, JSON.createObjectNode().put("message", "job submission failed: not a mapping."));
            return;
        }
        // The job schema (lava_common/schemas/__init__.py, job()): required keys, job_name of 1 to 200 characters.
        for (var required : List.of("job_name", "timeouts", "visibility", "actions")) {
            if (!map.containsKey(required)) {
                call.answer(400, JSON.createObjectNode().put("message",
                        "Problem with submitted job data: required key not provided @ data['" + required + "']"));
                return;
            }
        }
        var name = String.valueOf(map.get("job_name"));
        if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_JOB_NAME) {
            call.answer(400, JSON.createObjectNode().put("message", "Problem with submitted job data: length of value "
                    + "must be at most " + MAX_JOB_NAME + " for dictionary value @ data['job_name']"));
            return;
        }
        var job = new Job(nextJob.incrementAndGet(), definition, (Map<String, Object>) map);
        jobs.put(job.id, job);
        var answer = JSON.createObjectNode().put("message", "job(s) successfully submitted");
        answer.putArray("job_ids").add(job.id);
        call.answer(201, answer);
    }

    /**
     * {@code GET /api/v0.2/jobs/}, newest first ({@code TestJobViewSet.ordering}), with the filters
     * of lava_rest_app/filters.py {@code TestJobFilter} that labgate may send: {@code description}
     * (exact, contains, icontains, startswith, endswith), {@code state} and {@code state__in} (the
     * state's word; any other word is a 400), and on main {@code metadata__<key>}. Parameters the
     * server does not know are ignored, as django-filter ignores them.
     */
    @SuppressWarnings("unchecked")
    private void list(Call call) throws IOException {
        var query = call.query();
        for (var key : List.of("state", "state__in")) {
            var value = query.get(key);
            if (value != null && !STATES.containsAll(List.of(value.split(",")))) {
                call.answer(400, JSON.createObjectNode().set(key, JSON.createArrayNode().add("Select a valid choice. "
                        + value + " is not one of the available choices: " + STATES)));
                return;
            }
        }
        var selected = new ArrayList<JsonNode>();
        synchronized (jobs) {
            var newestFirst = new ArrayList<>(jobs.values());
            Collections.reverse(newestFirst);
            for (var job : newestFirst) {
                var description = String.valueOf(job.parsed.get("job_name"));
                var keep = text(query.get("description"), description::equals)
                        && text(query.get("description__contains"), description::contains)
                        && text(query.get("description__icontains"), v -> description.toLowerCase(Locale.ROOT)
                                .contains(v.toLowerCase(Locale.ROOT)))
                        && text(query.get("description__startswith"), description::startsWith)
                        && text(query.get("description__endswith"), description::endsWith)
                        && text(query.get("state"), job.state::equals)
                        && text(query.get("state__in"), v -> List.of(v.split(",")).contains(job.state));
                if (main) {
                    var metadata = (Map<String, Object>) job.parsed.getOrDefault("metadata", Map.of());
                    for (var entry : query.entrySet()) {
                        if (entry.getKey().startsWith("metadata__")) {
                            var value = metadata.get(entry.getKey().substring("metadata__".length()));
                            keep &= value != null && entry.getValue().equals(value.toString());
                        }
                    }
                }
                if (keep) {
                    selected.add(jobJson(job));
                }
            }
        }
        call.answer(200, page(call, selected));
    }

    /** An absent filter keeps every job. */
    private static boolean text(String filter, java.util.function.Predicate<String> test) {
        return filter == null || test.test(filter);
    }

    private ObjectNode jobJson(Job job) {
        var node = JSON.createObjectNode();
        node.put("id", job.id).put("submitter", "labgate").putArray("viewing_groups");
        node.put("description", String.valueOf(job.parsed.get("job_name"))).put("health_check", false);
        node.put("requested_device_type", String.valueOf(job.parsed.get("device_type"))).putArray("tags");
        if ("Submitted".equals(job.state)) {
            node.putNull("actual_device");
        } else {
            node.put("actual_device", "qemu-01");
        }
        node.put("submit_time", "2026-01-01T10:00:00.000000Z").putNull("start_time").putNull("end_time");
        node.put("state", job.state).put("health", job.health).put("priority", 50);
        node.put("definition", job.definition).put("original_definition", job.definition);
        if (main) {
            // lava_rest_app/v02/serializers.py TestJobSerializer: "metadata" only on main.
            node.set("metadata", JSON.valueToTree(job.parsed.getOrDefault("metadata", Map.of())));
        }
        node.put("multinode_definition", "").putArray("failure_tags");
        if (job.failureComment == null) {
            node.putNull("failure_comment");
        } else {
            node.put("failure_comment", job.failureComment);
        }
        return node;
    }

    private List<String> suiteNames(Job job) {
        var names = new ArrayList<String>();
        synchronized (job.cases) {
            job.cases.forEach(c -> {
                if (!names.contains(c.suite())) {
                    names.add(c.suite());
                }
            });
        }
        return names;
    }

    private List<JsonNode> suites(Job job) {
        var suites = new ArrayList<JsonNode>();
        var names = suiteNames(job);
        for (int i = 0; i < names.size(); i++) {
            suites.add(JSON.createObjectNode().put("id", suiteId(job, i)).put("name", names.get(i)).put("job", job.id)
                    .put("resource_uri", url() + "/api/v0.2/jobs/" + job.id + "/suites/" + suiteId(job, i) + "/"));
        }
        return suites;
    }

    private List<JsonNode> tests(Job job) {
        var tests = new ArrayList<JsonNode>();
        var names = suiteNames(job);
        synchronized (job.cases) {
            int index = 0;
            for (var c : job.cases) {
                var node = JSON.createObjectNode();
                node.put("id", caseId(job, index++)).put("result", c.result());
                node.put("resource_uri", url() + "/api/v0.2/jobs/" + job.id + "/tests/" + node.path("id").asText() + "/");
                node.put("unit", c.unit() == null ? "" : c.unit()).put("name", c.name());
                if (c.measurement() == null) {
                    node.putNull("measurement");
                } else {
                    node.put("measurement", c.measurement());
                }
                node.put("metadata", c.metadata().isEmpty() ? null : yaml(c.metadata()));
                node.putNull("start_log_line").putNull("end_log_line").put("logged", "2026-01-01T10:05:00Z");
                node.put("suite", suiteId(job, names.indexOf(c.suite()))).putNull("test_set");
                tests.add(node);
            }
        }
        return tests;
    }

    /** What {@code TestJob.create_job_data} writes, with the results of each suite as YAML text. */
    private ObjectNode jobData(Job job, boolean withResults) {
        var data = JSON.createObjectNode();
        var legacy = switch (job.health) {
            case "Complete" -> 2;
            case "Incomplete" -> 3;
            case "Canceled" -> 4;
            default -> 1;
        };
        data.put("id", job.id).put("status", legacy).put("status_string", job.health.toLowerCase(Locale.ROOT));
        data.put("state", "Finished".equals(job.state) ? 5 : 3).put("state_string", job.state);
        data.put("health", List.of("Unknown", "Complete", "Incomplete", "Canceled").indexOf(job.health))
                .put("health_string", job.health);
        data.put("submit_time", "2026-01-01 10:00:00+00:00").put("start_time", "2026-01-01 10:01:00+00:00")
                .put("end_time", "2026-01-01 10:09:00+00:00").put("submitter_username", "labgate")
                .put("submitter_email", "labgate@example.org").put("failure_comment", job.failureComment)
                .put("priority", 50).put("description", String.valueOf(job.parsed.get("job_name")))
                .put("actual_device_id", "qemu-01").put("definition", job.definition);
        data.set("metadata", JSON.valueToTree(job.parsed.getOrDefault("metadata", Map.of())));
        data.put("health_check", false);
        if (withResults) {
            var results = data.putObject("results");
            var names = suiteNames(job);
            synchronized (job.cases) {
                int index = 0;
                var bySuite = new LinkedHashMap<String, List<Map<String, Object>>>();
                for (var c : job.cases) {
                    var exported = new LinkedHashMap<String, Object>();
                    var id = caseId(job, index++);
                    exported.put("name", c.name());
                    exported.put("job", String.valueOf(job.id));
                    exported.put("suite", c.suite());
                    exported.put("result", c.result());
                    exported.put("measurement", c.measurement() == null ? "None" : c.measurement());
                    exported.put("unit", c.unit() == null ? "" : c.unit());
                    exported.put("level", "");
                    exported.put("url", "/results/testcase/" + id);
                    exported.put("id", String.valueOf(id));
                    exported.put("logged", "2026-01-01 10:05:00+00:00");
                    exported.put("log_start_line", "");
                    exported.put("log_end_line", "");
                    exported.put("metadata", c.metadata());
                    bySuite.computeIfAbsent(c.suite(), s -> new ArrayList<>()).add(exported);
                }
                for (var name : names) {
                    results.put(name, yaml(bySuite.get(name)));
                }
            }
        }
        return data;
    }

    private int suiteId(Job job, int index) {
        return job.id * 100 + index;
    }

    private int caseId(Job job, int index) {
        return job.id * 1000 + index;
    }

    /** A Django REST framework limit/offset page. */
    private ObjectNode page(Call call, List<JsonNode> all) {
        int limit = Integer.parseInt(call.query().getOrDefault("limit", "50"));
        int offset = Integer.parseInt(call.query().getOrDefault("offset", "0"));
        var page = JSON.createObjectNode().put("count", all.size());
        var base = url() + call.path() + "?limit=" + limit + "&offset=";
        if (offset + limit < all.size()) {
            page.put("next", base + (offset + limit));
        } else {
            page.putNull("next");
        }
        if (offset > 0) {
            page.put("previous", base + Math.max(0, offset - limit));
        } else {
            page.putNull("previous");
        }
        var results = page.putArray("results");
        all.stream().skip(offset).limit(limit).forEach(results::add);
        return page;
    }

    private static String yaml(Object value) {
        var options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(value);
    }

    /** The submitted job definitions, oldest first. */
    public List<String> definitions() {
        return jobs().stream().map(Job::definition).toList();
    }
}
