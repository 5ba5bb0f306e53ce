package dev.labgate.lab.lava;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LAVA server as a lab: labgate fills the operator's job template for the head commit, submits
 * it ({@code POST /api/v0.2/jobs/}), and learns the end from the job's callback or, because LAVA
 * sends a callback once and never retries it, from polling {@code /api/v0.2/jobs/<id>/}.
 *
 * <p>Values the template can use: {@code run_id}, {@code commit}, {@code commit_short},
 * {@code base_commit}, {@code forge}, {@code repository}, {@code subject}, {@code change},
 * {@code branch}, {@code clone_url}, {@code fetch_ref}, {@code tests}, {@code artifacts_url}
 * ({@code <artifactsUrl>/<commit>}, when configured), and the operator's own variables.
 *
 * <p>labgate adds to every job {@code metadata.labgate_run} (the run id) and, when it has a
 * public URL, a {@code notify.callbacks} entry to {@code <callbackBaseUrl>/callbacks/lava/<run id>}
 * whose token is the run's {@link CallbackTokens HMAC token}. Idempotency: before submitting,
 * labgate asks LAVA for a job with that metadata that has not finished, and follows it instead.
 *
 * <p>The token is written in the job definition, which everyone who may view the job can read. A
 * callback for a job that is not {@code personal} or restricted to a group is therefore only a
 * signal to look: the results are then read from the REST API with labgate's own token, never from
 * the callback's body.
 */
public final class LavaLab implements Lab {

    private static final Logger LOG = LoggerFactory.getLogger(LavaLab.class);
    private static final Set<String> BUILT_IN = Set.of("run_id", "commit", "commit_short", "base_commit", "forge",
            "repository", "subject", "change", "branch", "clone_url", "fetch_ref", "tests", "artifacts_url");
    private static final int PAGE = 500;

    private final String name;
    private final LavaSettings settings;
    private final CallbackTokens tokens;
    private final JobTemplate template;
    private final boolean publicJobs;
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
        var sample = new HashMap<String, Object>();
        if (problems.isEmpty()) {
            try {
                sample.putAll(load(parsed.fill(sampleValues(parsed, settings.variables()))));
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
        var visibility = sample.get("visibility");
        this.publicJobs = !("personal".equals(visibility)
                || visibility instanceof Map<?, ?> group && group.containsKey("group"));
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
        var job = load(template.fill(values(request)));
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
            ours.put("dataset", "results");
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
        values.put("branch", request.subject() instanceof Subject.Branch branch ? branch.ref() : "");
        values.put("clone_url", request.cloneUrl());
        values.put("fetch_ref", request.fetchRef());
        values.put("tests", String.join(" ", request.tests()));
        if (settings.artifactsUrl() != null) {
            values.put("artifacts_url", settings.artifactsUrl().replaceAll("/+$", "") + "/" + request.commit());
        }
        return values;
    }

    /** A job of this run that LAVA has not finished, by the metadata labgate wrote into it. */
    private Optional<String> inFlight(String runId) {
        var answer = http.get(api("jobs/?metadata__labgate_run=" + URLEncoder.encode(runId, StandardCharsets.UTF_8)
                + "&limit=50"), authorization());
        if (!answer.ok()) {
            throw refusal("list jobs", answer);
        }
        // Servers older than the metadata filter ignore it and list recent jobs: check each one.
        for (var job : answer.json().path("results")) {
            if (runId.equals(job.path("metadata").path("labgate_run").asText(null))
                    && !"Finished".equals(job.path("state").asText())) {
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
            case "Finished" -> new LabProgress.Finished(LavaResults.toKcidb(handle.runId(), server,
                    new LavaResults.Job(handle.jobId(), job.path("health").asText(),
                            job.path("failure_comment").asText(null), job.path("actual_device").asText(null)),
                    restCases(handle.jobId())));
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

    @Override
    public Optional<LabProgress> callback(LabRun run, Map<String, String> headers, byte[] body) {
        var handle = LavaHandle.parse(run.externalId());
        var presented = headers.entrySet().stream().filter(e -> "Authorization".equalsIgnoreCase(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (!tokens.verify(handle.runId(), presented)) {
            LOG.warn("run {}: LAVA callback with a wrong token ignored", handle.runId());
            return Optional.empty();
        }
        JsonNode payload;
        try {
            payload = LabHttp.json().readTree(body);
        } catch (IOException e) {
            throw new LabException("the LAVA callback for run " + handle.runId() + " is not JSON", false, e);
        }
        if (payload == null || !handle.jobId().equals(payload.path("id").asText())) {
            LOG.warn("run {}: LAVA callback about job {} ignored; the run's job is {}", handle.runId(),
                    payload == null ? null : payload.path("id").asText(), handle.jobId());
            return Optional.empty();
        }
        if (!"Finished".equals(payload.path("state_string").asText())) {
            return Optional.of(new LabProgress.Running("LAVA job " + handle.jobId() + " "
                    + payload.path("state_string").asText("running").toLowerCase(Locale.ROOT)));
        }
        if (publicJobs || !payload.path("results").isObject()) {
            // Whoever may view a public job can read its token: read the results ourselves.
            return Optional.of(poll(run));
        }
        var cases = new ArrayList<LavaResults.Case>();
        payload.path("results").fields().forEachRemaining(suite -> {
            for (var item : yamlList(suite.getValue().asText())) {
                @SuppressWarnings("unchecked")
                var metadata = item.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.<String, Object>of();
                cases.add(new LavaResults.Case(string(item.get("id")), suite.getKey(), string(item.get("name")),
                        string(item.get("result")), string(item.get("measurement")), string(item.get("unit")),
                        metadata));
            }
        });
        return Optional.of(new LabProgress.Finished(LavaResults.toKcidb(handle.runId(), server,
                new LavaResults.Job(handle.jobId(), payload.path("health_string").asText(),
                        payload.path("failure_comment").asText(null), payload.path("actual_device_id").asText(null)),
                cases)));
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
        if (settings.artifactsUrl() == null) {
            known.remove("artifacts_url");
        }
        var problems = new ArrayList<String>();
        for (var name : template.names()) {
            if (!known.contains(name)) {
                problems.add("job template uses {{ " + name + " }}, which labgate does not know"
                        + ("artifacts_url".equals(name) ? " (no artifacts URL is configured)" : "")
                        + "; known: " + String.join(", ", known));
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

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yamlList(String text) {
        try {
            var loaded = yaml().load(text);
            if (!(loaded instanceof List<?> list)) {
                return List.of();
            }
            return list.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList();
        } catch (YAMLException e) {
            throw new LabException("the LAVA callback's results are not YAML: " + e.getMessage(), false, e);
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

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
