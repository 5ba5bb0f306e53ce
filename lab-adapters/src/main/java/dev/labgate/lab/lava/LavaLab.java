package dev.labgate.lab.lava;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.kcidb.LogExcerpt;
import dev.labgate.lab.http.LabHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A LAVA server as a lab: labgate fills the operator's job template for the head commit, submits
 * it ({@code POST /api/v0.2/jobs/}), and learns the end from the job's callback or, because LAVA
 * sends a callback once and never retries it, from polling {@code /api/v0.2/jobs/<id>/}.
 *
 * <p>Values the template can use: {@code run_id}, {@code commit}, {@code commit_short},
 * {@code base_commit}, {@code forge}, {@code repository}, {@code subject}, {@code change},
 * {@code branch}, {@code clone_url}, {@code fetch_ref}, {@code tests}; from the artifacts of the
 * build the run comes after, {@code kernel_url}, {@code kernel_sha256}, {@code kernel_image},
 * {@code modules_url}, {@code modules_sha256}, {@code dtb_url}, {@code dtb_sha256} (the configured
 * device tree), {@code config_url} and {@code build_log_url}; {@code artifacts_url} (the directory of
 * those artifacts, else {@code <artifactsUrl>/<commit>} when configured); and the operator's own
 * variables. A template that uses an artifact the run has no input for is refused at submission,
 * saying which.
 *
 * <p>labgate adds to every job its run id at the end of the job name ({@code [labgate run <id>]},
 * the name cut so that the whole stays within LAVA's 200 characters), {@code metadata.labgate_run}
 * and, when it has a public URL, a {@code notify.callbacks} entry to
 * {@code <callbackBaseUrl>/callbacks/lava/<run id>} whose token is the run's
 * {@link CallbackTokens HMAC token}.
 *
 * <p>Idempotency: before every submit labgate asks LAVA for an unfinished job whose name carries the
 * run's mark ({@code GET jobs/?description__contains=...&state__in=...}) and follows it instead. The
 * job name is the job's {@code description}, which every released REST API filters on (2024.01 to
 * 2026.07, lava_rest_app/filters.py {@code TestJobFilter}); the {@code metadata__<key>} filter and
 * the {@code metadata} field of a job exist only on LAVA's main branch (August 2026), and a
 * released server ignores the filter and lists every job.
 *
 * <p>A callback is only a signal to look: the token is written in the job definition, which
 * everyone who may view the job can read, so labgate never takes results from a callback's body.
 * It checks the token, and the durable task then reads the job through the REST API with labgate's
 * own token. The callback asks for LAVA's {@code minimal} dataset: nothing else is read.
 */
public final class LavaLab implements Lab {

    private static final Logger LOG = LoggerFactory.getLogger(LavaLab.class);
    /** The values that come from the artifacts of the build the run comes after. */
    private static final Set<String> FROM_INPUTS = Set.of("kernel_url", "kernel_sha256", "kernel_image", "modules_url",
            "modules_sha256", "dtb_url", "dtb_sha256", "config_url", "build_log_url", "artifacts_url");
    private static final Set<String> BUILT_IN = Stream.concat(Stream.of("run_id", "commit", "commit_short",
            "base_commit", "forge", "repository", "subject", "change", "branch", "clone_url", "fetch_ref", "tests"),
            FROM_INPUTS.stream()).collect(Collectors.toUnmodifiableSet());
    private static final int PAGE = 500;
    /** LAVA's job schema takes a job name of at most 200 characters (lava_common/schemas/__init__.py). */
    private static final int MAX_JOB_NAME = 200;
    /** The job states before {@code Finished} (lava_scheduler_app/models.py {@code TestJob.STATE_CHOICES}). */
    private static final String UNFINISHED = "Submitted,Scheduling,Scheduled,Running,Canceling";

    private final String name;
    private final LavaSettings settings;
    private final CallbackTokens tokens;
    private final JobTemplate template;
    private final LabHttp http;
    private final String server;

    /**
     * @param callbackKey labgate's secret for callback tokens (at least 32 bytes, the same on every replica)
     * @throws IllegalArgumentException when the settings or the template cannot work, with every problem found
     */
    public LavaLab(String name, LavaSettings settings, byte[] callbackKey) {
        var problems = new ArrayList<>(settings.problems());
        JobTemplate parsed = null;
        if (settings.template() != null && !settings.template().isBlank()) {
            try {
                parsed = JobTemplate.parse(settings.template());
                problems.addAll(unknownNames(parsed, settings));
            } catch (IllegalArgumentException e) {
                problems.add("job template " + e.getMessage());
            }
        }
        settings.variables().keySet().stream().filter(BUILT_IN::contains).sorted()
                .forEach(v -> problems.add("template variable '" + v + "' would hide labgate's own value"));
        if (problems.isEmpty()) {
            try {
                load(parsed.fill(sampleValues(parsed, settings.variables())));
            } catch (IllegalArgumentException e) {
                problems.add("job template " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("lab " + name + ": " + String.join("; ", problems));
        }
        this.name = name;
        this.settings = settings;
        this.tokens = new CallbackTokens(callbackKey);
        this.template = parsed;
        this.http = new LabHttp("LAVA", Duration.ofSeconds(30));
        this.server = settings.url().replaceAll("/+$", "");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration pollInterval() {
        return settings.pollInterval();
    }

    /** The URL a run's job calls back; null when labgate has no public URL. */
    public String callbackUrl(String runId) {
        return settings.callbackBaseUrl() == null ? null
                : settings.callbackBaseUrl().replaceAll("/+$", "") + "/callbacks/lava/" + runId;
    }

    @Override
    public LabRun submit(TreeRequest request) {
        var existing = inFlight(request.runId());
        if (existing.isPresent()) {
            LOG.info("run {}: LAVA job {} is already on it; following it", request.runId(), existing.get());
            return handle(request.runId(), existing.get());
        }
        String definition;
        try {
            definition = definition(request);
        } catch (IllegalArgumentException e) {
            throw new LabException("cannot write the LAVA job for this change: " + e.getMessage(), false, e);
        }
        var body = LabHttp.json().createObjectNode().put("definition", definition);
        var answer = http.post(api("jobs/"), authorization(), body);
        if (!answer.ok()) {
            throw refusal("take the job", answer);
        }
        var ids = answer.json().path("job_ids");
        if (!ids.isArray() || ids.isEmpty()) {
            throw new LabException("LAVA accepted the job but named no job id: " + answer.message(), false);
        }
        var jobId = ids.get(0).asText();
        LOG.info("run {}: LAVA job {} submitted", request.runId(), jobId);
        return handle(request.runId(), jobId);
    }

    /** The job definition LAVA gets for this request: the filled template plus labgate's metadata and callback. */
    String definition(TreeRequest request) {
        var values = values(request);
        for (var placeholder : template.names()) {
            if (FROM_INPUTS.contains(placeholder) && !values.containsKey(placeholder)) {
                throw new IllegalArgumentException("{{ " + placeholder + " }} has no value: "
                        + missing(placeholder, request));
            }
        }
        var job = load(template.fill(values));
        var mark = mark(request.runId());
        var name = String.valueOf(job.get("job_name"));
        var keep = Math.min(name.length(), MAX_JOB_NAME - mark.length() - 1);
        if (keep > 0 && keep < name.length() && Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--;
        }
        job.put("job_name", name.substring(0, keep) + " " + mark);
        var metadata = mapping(job, "metadata");
        metadata.put("labgate_run", request.runId());
        metadata.put("labgate_commit", request.commit());
        metadata.put("labgate_subject", request.subject().key());
        var url = callbackUrl(request.runId());
        if (url != null) {
            var notify = mapping(job, "notify");
            notify.putIfAbsent("criteria", new LinkedHashMap<>(Map.of("status", "finished")));
            var callbacks = new ArrayList<Object>();
            if (notify.get("callback") != null) {
                callbacks.add(notify.remove("callback"));
            }
            if (notify.get("callbacks") instanceof List<?> theirs) {
                callbacks.addAll(theirs);
            }
            var ours = new LinkedHashMap<String, Object>();
            ours.put("url", url);
            ours.put("method", "POST");
            ours.put("dataset", "minimal");
            ours.put("content-type", "json");
            ours.put("token", tokens.token(request.runId()));
            callbacks.add(ours);
            notify.put("callbacks", callbacks);
        }
        return dump(job);
    }

    private Map<String, String> values(TreeRequest request) {
        var values = new HashMap<>(settings.variables());
        values.put("run_id", request.runId());
        values.put("commit", request.commit());
        values.put("commit_short", request.commit().substring(0, Math.min(12, request.commit().length())));
        values.put("base_commit", request.baseCommit() == null ? "" : request.baseCommit());
        values.put("forge", request.subject().repo().forge());
        values.put("repository", request.subject().repo().fullName());
        values.put("subject", request.subject().key());
        values.put("change", request.subject() instanceof Subject.Change change
                ? Long.toString(change.change().number()) : "");
        values.put("branch", request.subject() instanceof Subject.Branch branch ? branch.ref()
                : request.subject() instanceof Subject.Base base ? base.ref() : "");
        values.put("clone_url", request.cloneUrl());
        values.put("fetch_ref", request.fetchRef());
        values.put("tests", String.join(" ", request.tests()));
        if (settings.artifactsUrl() != null) {
            values.put("artifacts_url", settings.artifactsUrl().replaceAll("/+$", "") + "/" + request.commit());
        }
        for (var input : request.inputs()) {
            var directory = input.url().substring(0, input.url().length() - input.name().length() - 1);
            values.put("artifacts_url", directory);
            switch (input.kind()) {
                case KERNEL -> {
                    values.put("kernel_url", input.url());
                    values.put("kernel_sha256", input.sha256());
                    values.put("kernel_image", input.name());
                }
                case MODULES -> {
                    values.put("modules_url", input.url());
                    values.put("modules_sha256", input.sha256());
                }
                case DEVICE_TREE -> {
                    if (("dtbs/" + settings.deviceTree()).equals(input.name())) {
                        values.put("dtb_url", input.url());
                        values.put("dtb_sha256", input.sha256());
                    }
                }
                case CONFIG -> values.put("config_url", input.url());
                case LOG -> values.put("build_log_url", input.url());
            }
        }
        return values;
    }

    /** Why a value that comes from the build before this run is missing, in words for the run's note. */
    private String missing(String name, TreeRequest request) {
        if (request.inputs().isEmpty()) {
            return "this run comes after no build that published artifacts labgate can serve (plan this lab "
                    + "with after: <build lab>, and give labgate a public URL or an artifacts directory)";
        }
        if (name.startsWith("dtb_")) {
            return settings.deviceTree() == null ? "the lab names no device-tree"
                    : "the build before this run published no dtbs/" + settings.deviceTree();
        }
        return "the build before this run published no " + switch (name) {
            case "kernel_url", "kernel_sha256", "kernel_image" -> "kernel image";
            case "modules_url", "modules_sha256" -> "modules: its configuration has none (CONFIG_MODULES), or the "
                    + "archive was over the artifact size limit (the build's page says which)";
            case "config_url" -> "configuration";
            default -> "build log";
        };
    }

    /** What labgate writes at the end of a run's job name, and looks for before each submit. */
    static String mark(String runId) {
        return "[labgate run " + runId + "]";
    }

    /** A job of this run that LAVA has not finished, by the mark in its name. */
    private Optional<String> inFlight(String runId) {
        var mark = mark(runId);
        var answer = http.get(api("jobs/?description__contains=" + URLEncoder.encode(mark, StandardCharsets.UTF_8)
                + "&state__in=" + UNFINISHED + "&limit=50"), authorization());
        if (!answer.ok()) {
            throw refusal("list jobs", answer);
        }
        // The server filtered already; a name that only looks alike, or a server that did not filter, is checked here.
        for (var job : answer.json().path("results")) {
            if (job.path("description").asText("").endsWith(mark) && !"Finished".equals(job.path("state").asText())) {
                return Optional.of(job.path("id").asText());
            }
        }
        return Optional.empty();
    }

    @Override
    public LabProgress poll(LabRun run) {
        var handle = LavaHandle.parse(run.externalId());
        var answer = http.get(api("jobs/" + handle.jobId() + "/"), authorization());
        if (answer.status() == 404) {
            return new LabProgress.Lost("LAVA has no job " + handle.jobId());
        }
        if (!answer.ok()) {
            throw refusal("show job " + handle.jobId(), answer);
        }
        var job = answer.json();
        return switch (job.path("state").asText()) {
            case "Submitted", "Scheduling", "Scheduled" -> new LabProgress.Queued(-1);
            case "Running" -> new LabProgress.Running("LAVA job " + handle.jobId() + " running"
                    + (job.path("actual_device").isTextual() ? " on " + job.path("actual_device").asText() : ""));
            case "Canceling" -> new LabProgress.Running("LAVA job " + handle.jobId() + " is being cancelled");
            case "Finished" -> new LabProgress.Finished(inKernelWords(handle.jobId(), LavaResults.toKcidb(
                    handle.runId(), server, new LavaResults.Job(handle.jobId(), job.path("health").asText(),
                            job.path("failure_comment").asText(null), job.path("actual_device").asText(null)),
                    restCases(handle.jobId()))));
            default -> throw new LabException("LAVA job " + handle.jobId() + " is in a state labgate does not know: '"
                    + job.path("state").asText() + "'", true);
        };
    }

    /** Every test case of a job, page by page, with the names of their suites. */
    private List<LavaResults.Case> restCases(String jobId) {
        var suites = new HashMap<String, String>();
        for (var suite : pages("jobs/" + jobId + "/suites/")) {
            suites.put(suite.path("id").asText(), suite.path("name").asText());
        }
        var cases = new ArrayList<LavaResults.Case>();
        var yaml = yaml();
        for (var test : pages("jobs/" + jobId + "/tests/")) {
            var suite = suites.getOrDefault(test.path("suite").asText(), test.path("suite").asText());
            cases.add(new LavaResults.Case(test.path("id").asText(null), suite, test.path("name").asText(),
                    test.path("result").asText(null), test.path("measurement").asText(null),
                    test.path("unit").asText(null), yamlMap(yaml, test.path("metadata").asText(null))));
        }
        return cases;
    }

    private List<JsonNode> pages(String path) {
        var all = new ArrayList<JsonNode>();
        for (int offset = 0; ; offset += PAGE) {
            var answer = http.get(api(path + "?limit=" + PAGE + "&offset=" + offset), authorization());
            if (!answer.ok()) {
                throw refusal("list " + path, answer);
            }
            var results = answer.json().path("results");
            results.forEach(all::add);
            if (results.size() < PAGE || all.size() >= answer.json().path("count").asInt(0)) {
                return all;
            }
        }
    }

    @Override
    public void cancel(LabRun run) {
        var handle = LavaHandle.parse(run.externalId());
        var answer = http.get(api("jobs/" + handle.jobId() + "/cancel/"), authorization());
        if (!answer.ok() && answer.status() != 404) {
            throw refusal("cancel job " + handle.jobId(), answer);
        }
    }

    /**
     * Whether a callback is the run's own: its token (checked in constant time before anything
     * else) and the job it names. No I/O: LAVA waits at most 5 seconds for the answer
     * ({@code CALLBACK_TIMEOUT}, lava_server/settings/common.py) and never sends it again.
     */
    @Override
    public boolean callback(LabRun run, Map<String, String> headers, byte[] body) {
        var handle = LavaHandle.parse(run.externalId());
        var presented = headers.entrySet().stream().filter(e -> "Authorization".equalsIgnoreCase(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (!tokens.verify(handle.runId(), presented)) {
            LOG.warn("run {}: LAVA callback with a wrong token ignored", handle.runId());
            return false;
        }
        JsonNode payload;
        try {
            payload = LabHttp.json().readTree(body);
        } catch (IOException e) {
            LOG.warn("run {}: LAVA callback ignored: its body is not JSON", handle.runId());
            return false;
        }
        if (payload == null || !handle.jobId().equals(payload.path("id").asText())) {
            LOG.warn("run {}: LAVA callback about job {} ignored; the run's job is {}", handle.runId(),
                    payload == null ? null : payload.path("id").asText(), handle.jobId());
            return false;
        }
        return true;
    }

    /**
     * A finished job with failures, said in the kernel's words: the reports in the job's console
     * join each failure's excerpt. A log LAVA does not have (or cannot give) leaves the results as
     * they are: it explains, it never decides.
     */
    private KcidbData inKernelWords(String jobId, KcidbData results) {
        if (results.tests().stream().noneMatch(t -> t.status() == Status.FAIL)) {
            return results;
        }
        try {
            var log = http.log(api("jobs/" + jobId + "/logs/"), authorization());
            if (log.isEmpty()) {
                LOG.info("LAVA job {}: no log to read the kernel's words from", jobId);
                return results;
            }
            return LogExcerpt.withKernelReports(results, test -> true, LavaLog.console(log.get()));
        } catch (LabException e) {
            LOG.warn("LAVA job {}: log not read: {}", jobId, e.getMessage());
            return results;
        }
    }

    private LabRun handle(String runId, String jobId) {
        return new LabRun(name, new LavaHandle(runId, jobId).externalId(), server + "/scheduler/job/" + jobId);
    }

    private LabException refusal(String what, LabHttp.Answer answer) {
        var said = answer.message();
        return switch (answer.status()) {
            case 401, 403 -> new LabException("LAVA refused labgate's token when asked to " + what + " (HTTP "
                    + answer.status() + " " + said + ")", false);
            case 400 -> new LabException("LAVA rejected the job definition (HTTP 400 " + said + ")", false);
            case 404 -> new LabException("LAVA at " + server + " has no REST API v0.2 resource to " + what
                    + " (HTTP 404)", false);
            default -> new LabException("LAVA failed to " + what + " (HTTP " + answer.status() + " " + said + ")",
                    answer.status() >= 500 || answer.status() == 429);
        };
    }

    private URI api(String path) {
        return URI.create(server + "/api/v0.2/" + path);
    }

    private Map<String, String> authorization() {
        return Map.of("Authorization", "Token " + settings.token());
    }

    private static List<String> unknownNames(JobTemplate template, LavaSettings settings) {
        var known = new TreeSet<>(BUILT_IN);
        known.addAll(settings.variables().keySet());
        var problems = new ArrayList<String>();
        for (var name : template.names()) {
            if (!known.contains(name)) {
                problems.add("job template uses {{ " + name + " }}, which labgate does not know; known: "
                        + String.join(", ", known));
            }
        }
        return problems;
    }

    /** The operator's values and a stand-in for each of labgate's, to check the template once up front. */
    private static Map<String, String> sampleValues(JobTemplate template, Map<String, String> variables) {
        var values = new HashMap<String, String>();
        template.names().forEach(n -> values.put(n, variables.getOrDefault(n, "sample")));
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Map<String, Object> job, String key) {
        var value = job.get(key);
        if (value == null) {
            var created = new LinkedHashMap<String, Object>();
            job.put(key, created);
            return created;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("'" + key + "' in the job template is not a mapping");
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(String definition) {
        Object loaded;
        try {
            loaded = yaml().load(definition);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("is not valid YAML once filled: " + e.getMessage().lines().findFirst()
                    .orElse(""), e);
        }
        if (!(loaded instanceof Map<?, ?> map) || !map.containsKey("actions") || !map.containsKey("job_name")) {
            throw new IllegalArgumentException("is not a LAVA job definition (a mapping with job_name and actions)");
        }
        return new LinkedHashMap<>((Map<String, Object>) loaded);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yamlMap(Yaml yaml, String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            return yaml.load(text) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (YAMLException e) {
            return Map.of();
        }
    }

    private static String dump(Map<String, Object> job) {
        var options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(4096);
        options.setAllowUnicode(true);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(job);
    }

    /** SnakeYAML instances are not thread-safe: one per call, reused within it. */
    private static Yaml yaml() {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }
}
