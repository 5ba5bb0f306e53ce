package dev.labgate.lab.kernelci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.Sha256;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.kcidb.LogExcerpt;
import dev.labgate.lab.git.LabRepository;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.http.LabHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * KernelCI as a lab: labgate pushes the head commit to the lab-facing repository, asks the
 * pipeline for a checkout of it ({@code POST <pipeline>/api/checkout}) and follows the tree's
 * nodes in Maestro until the checkout node is done.
 *
 * <p>KernelCI builds only what its allowlisted tree URL can reach, so the head is first pushed
 * there with JGit, to {@code refs/heads/labgate/<forge>-<repository>-<number>} (one branch per
 * change, moved by each new head; {@code ...-branch-<name>} for a staging branch). The checkout
 * itself names the configured build branch, which is what the pipeline has a build configuration
 * for; the commit only needs to be reachable from some branch of the tree.
 *
 * <p>Idempotency: the pipeline takes no key of ours and makes a random tree id, so before asking
 * for a checkout labgate looks for a checkout of the same tree, commit and filters that is not done
 * yet, and follows that one instead. A checkout that is done is never taken over: a second submit
 * after it is a retry.
 *
 * <p>KernelCI cannot cancel a checkout; {@link #cancel} deletes the lab branch if it still points at
 * the run's commit, and {@link #release} deletes it when the change closes.
 *
 * <p>A checkout node that is {@code done} is not always a finished tree, and labgate says why it
 * waits (kernelci-pipeline's services, src/):
 * <ul>
 *   <li>The timeout service closes a checkout 300 minutes after it was asked for
 *       (lava_callback.py, timeout.py), with its jobs still running: labgate waits for them.</li>
 *   <li>The job-retry service retries a job that ended {@code incomplete} (or a {@code baseline}
 *       job that failed) up to 3 times (job_retry.py); the closing service may close the checkout
 *       before the retry exists. labgate waits {@link #RETRY_WAIT} for the retry of such an
 *       attempt, and follows it.</li>
 *   <li>The pipeline answers 200 to a checkout of any branch of an allowlisted tree, but its
 *       tarball service prepares only a branch with a build configuration (tarball.py): a
 *       checkout still {@code running} after {@link #PREPARE_WAIT} ends the run, saying so.</li>
 * </ul>
 */
public final class KernelCiLab implements Lab {

    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private static final Logger LOG = LoggerFactory.getLogger(KernelCiLab.class);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
    private static final int MAX_BRANCH = 100;
    /** How long after a retryable attempt ended labgate waits for the pipeline's retry of it. */
    static final Duration RETRY_WAIT = Duration.ofMinutes(5);
    /** How long a checkout may stay unprepared: the tarball service takes minutes, not half an hour. */
    static final Duration PREPARE_WAIT = Duration.ofMinutes(30);
    /** job_retry.py: no retry once {@code retry_counter} reached 3. */
    private static final int LAST_RETRY = 3;
    /** The most logs read per run for the kernel's words (each bounded by {@link LabHttp#log}). */
    static final int MAX_LOGS = 10;

    private final String name;
    private final KernelCiSettings settings;
    private final TreeFetcher fetcher;
    private final LabRepository repository;
    private final LabHttp http;
    private final MaestroNodes nodes;
    private final Clock clock;

    /**
     * @param scratch a directory of this lab's own, for a small local repository used to delete branches
     * @param clock for how long the pipeline has been silent; Maestro's timestamps are compared with it
     * @throws IllegalArgumentException when the settings cannot work, with every problem found
     */
    public KernelCiLab(String name, KernelCiSettings settings, TreeFetcher fetcher, Path scratch, Clock clock) {
        var problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("lab " + name + ": " + String.join("; ", problems));
        }
        this.name = name;
        this.settings = settings;
        this.fetcher = fetcher;
        this.repository = new LabRepository(settings.pushUrl(), settings.pushUsername(), settings.pushToken(),
                scratch);
        this.http = new LabHttp("KernelCI", Duration.ofSeconds(30));
        this.nodes = new MaestroNodes(settings.apiUrl());
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration pollInterval() {
        return settings.pollInterval();
    }

    /** The branch of the lab-facing repository that holds a subject's head while it is tested. */
    public static String labBranch(Subject subject) {
        String tail;
        if (subject instanceof Subject.Change change) {
            tail = Long.toString(change.change().number());
        } else if (subject instanceof Subject.Base base) {
            tail = "base-" + base.ref().replaceFirst("^refs/heads/", "");
        } else {
            tail = "branch-" + ((Subject.Branch) subject).ref().replaceFirst("^refs/heads/", "");
        }
        var readable = clean(subject.repo().forge()) + "-" + clean(subject.repo().fullName()) + "-" + clean(tail);
        if (readable.length() > MAX_BRANCH) {
            // Long names are cut, and a digest of the whole keeps them apart.
            readable = readable.substring(0, MAX_BRANCH - 13) + "-" + Sha256.hex(subject.key(), 6);
        }
        return "labgate/" + readable;
    }

    private static String clean(String part) {
        var cleaned = UNSAFE.matcher(part).replaceAll("-").replaceAll("\\.{2,}", ".")
                .replaceAll("^[-.]+|[-.]+$", "");
        return cleaned.endsWith(".lock") ? cleaned + "-" : cleaned;
    }

    @Override
    public LabRun submit(TreeRequest request) {
        var commit = request.commit();
        if (!COMMIT.matcher(commit).matches()) {
            throw new LabException("'" + commit + "' is not a full commit id (40 lowercase hex digits): KernelCI "
                    + "checks out exactly the commit it is given", false);
        }
        var branch = labBranch(request.subject());
        var existing = inFlight(commit);
        if (existing.isPresent()) {
            LOG.info("run {}: KernelCI is already testing {} as tree {}; following it", request.runId(), commit,
                    existing.get().path("treeid").asText());
            return handle(existing.get(), commit, branch);
        }
        Path mirror;
        try {
            mirror = fetcher.mirror(request.cloneUrl(), request.fetchRef(), commit);
        } catch (TreeFetcher.FetchFailed e) {
            throw new LabException("git: cannot fetch the head to push it to KernelCI: " + e.getMessage(), true, e);
        }
        repository.push(mirror, commit, branch);
        var answer = http.post(URI.create(base(settings.pipelineUrl()) + "/api/checkout"), authorization(),
                checkoutRequest(commit));
        if (!answer.ok()) {
            throw refusal(answer, commit);
        }
        var node = answer.json().path("node");
        if (!node.path("treeid").isTextual() || !node.path("id").isTextual()) {
            throw new LabException("KernelCI accepted the checkout but its answer has no node with a tree id: "
                    + answer.message(), false);
        }
        LOG.info("run {}: KernelCI checkout {} of {} (tree {}) via {}", request.runId(), node.path("id").asText(),
                commit, node.path("treeid").asText(), branch);
        return handle(node, commit, branch);
    }

    private JsonNode checkoutRequest(String commit) {
        var body = LabHttp.json().createObjectNode();
        body.put("url", settings.treeUrl());
        body.put("branch", settings.branch());
        body.put("commit", commit);
        if (!settings.jobFilter().isEmpty()) {
            settings.jobFilter().forEach(body.putArray("jobfilter")::add);
        }
        if (!settings.platformFilter().isEmpty()) {
            settings.platformFilter().forEach(body.putArray("platformfilter")::add);
        }
        return body;
    }

    /** The pipeline's refusals, explained; only its own trouble (5xx, 429) is worth another try. */
    private LabException refusal(LabHttp.Answer answer, String commit) {
        var said = answer.message();
        return switch (answer.status()) {
            case 401, 403 -> new LabException("KernelCI refused labgate's token (HTTP " + answer.status() + " "
                    + said + "): the JWT must be signed with the pipeline's secret, unexpired, and carry the "
                    + "'checkout' permission and an 'email' claim (kernelci-pipeline tools/jwt_generator.py --email)",
                    false);
            case 400 -> new LabException("KernelCI rejected the checkout of " + commit + " (HTTP 400 " + said
                    + ")" + (said.toLowerCase(Locale.ROOT).contains("commit")
                    ? ": it must be a full commit id reachable from a branch of " + settings.treeUrl() : ""), false);
            case 404 -> new LabException("KernelCI does not know " + (said.toLowerCase(Locale.ROOT).startsWith("tree")
                    ? "the tree " + settings.treeUrl() + " (HTTP 404 " + said + "): the tree URL must be spelled "
                    + "exactly as in the pipeline's trees configuration and have a build configuration"
                    : "what was asked for (HTTP 404 " + said + "): check the job and platform filters"), false);
            case 422 -> new LabException("KernelCI could not read the checkout request (HTTP 422 " + said + ")",
                    false);
            case 429 -> new LabException("KernelCI is busy (HTTP 429 " + said + ")", true);
            default -> answer.status() >= 500
                    ? new LabException("KernelCI failed to take the checkout (HTTP " + answer.status() + " " + said
                    + ")", true)
                    : new LabException("KernelCI refused the checkout (HTTP " + answer.status() + " " + said + ")",
                    false);
        };
    }

    /** A checkout of the same tree, commit and filters that KernelCI is still working on. */
    private Optional<JsonNode> inFlight(String commit) {
        var query = new LinkedHashMap<String, String>();
        query.put("kind", "checkout");
        query.put("state__ne", "done");
        query.put("data.kernel_revision.commit", commit);
        query.put("data.kernel_revision.url", settings.treeUrl());
        return nodes(query).stream()
                .filter(n -> "checkout".equals(n.path("kind").asText()))
                .filter(n -> !"done".equals(n.path("state").asText()))
                .filter(n -> commit.equals(n.path("data").path("kernel_revision").path("commit").asText()))
                .filter(n -> settings.treeUrl().equals(n.path("data").path("kernel_revision").path("url").asText()))
                .filter(n -> strings(n.path("jobfilter")).equals(settings.jobFilter()))
                .filter(n -> strings(n.path("platform_filter")).equals(settings.platformFilter()))
                .filter(n -> n.path("treeid").isTextual())
                .findFirst();
    }

    @Override
    public LabProgress poll(LabRun run) {
        var handle = KernelCiHandle.parse(run.externalId());
        var tree = nodes(Map.of("treeid", handle.treeId()));
        var checkout = MaestroNodes.checkout(tree);
        if (checkout == null) {
            return new LabProgress.Lost("KernelCI has no checkout node for tree " + handle.treeId());
        }
        var now = clock.instant();
        var jobs = MaestroNodes.latestAttempts(tree).stream()
                .filter(n -> !"checkout".equals(n.path("kind").asText())).toList();
        switch (checkout.path("state").asText()) {
            case "done" -> {
                return closed(checkout, jobs, tree, now);
            }
            case "running" -> {
                var waited = since(checkout.path("created"), now);
                if (waited.compareTo(PREPARE_WAIT) > 0) {
                    throw unprepared(checkout, "has not prepared the tree " + waited.toMinutes()
                            + " minutes after the checkout");
                }
                return new LabProgress.Running("KernelCI is preparing the tree");
            }
            default -> {
                var done = jobs.stream().filter(n -> "done".equals(n.path("state").asText())).count();
                return new LabProgress.Running("KernelCI: " + done + " of " + jobs.size() + " nodes done");
            }
        }
    }

    /** A checkout the pipeline closed: finished, unless what it closed on is still coming. */
    private LabProgress closed(JsonNode checkout, List<JsonNode> jobs, List<JsonNode> tree, Instant now) {
        var closedAt = MaestroNodes.instant(checkout.path("updated"));
        var pending = jobs.stream().filter(n -> !"done".equals(n.path("state").asText())).toList();
        if (!pending.isEmpty()) {
            var late = pending.stream().filter(n -> closedAt.isPresent() && MaestroNodes.instant(n.path("created"))
                    .filter(c -> c.isAfter(closedAt.get())).isPresent()).count();
            if (late == pending.size()) {
                return new LabProgress.Running("KernelCI retried " + names(pending) + " after it closed the checkout: "
                        + "waiting for " + (late == 1 ? "that attempt" : "those attempts"));
            }
            return new LabProgress.Running("KernelCI closed the checkout at its timeout (300 minutes) while "
                    + pending.size() + " of " + jobs.size() + " nodes were still running: waiting for them");
        }
        var retrying = jobs.stream().filter(n -> retryable(n) && since(n.path("updated"), now).compareTo(RETRY_WAIT) < 0)
                .toList();
        if (!retrying.isEmpty()) {
            var first = retrying.get(0);
            return new LabProgress.Running("waiting up to " + RETRY_WAIT.toMinutes() + " minutes for KernelCI to retry "
                    + names(retrying) + " (attempt " + (first.path("retry_counter").asInt(0) + 1) + " of "
                    + (LAST_RETRY + 1) + " ended " + first.path("result").asText() + ")");
        }
        if (jobs.isEmpty() && !checkout.path("artifacts").path("tarball").isTextual()
                && "node_timeout".equals(checkout.path("data").path("error_code").asText())) {
            throw unprepared(checkout, "closed the checkout at its timeout without ever preparing the tree");
        }
        return new LabProgress.Finished(inKernelWords(nodes.toKcidb(tree)));
    }

    /** job_retry.py: a done kbuild or job that ended incomplete, or a baseline job that failed, below 3 retries. */
    private static boolean retryable(JsonNode node) {
        var result = node.path("result").asText();
        var kind = node.path("kind").asText();
        return ("kbuild".equals(kind) || "job".equals(kind)) && node.path("retry_counter").asInt(0) < LAST_RETRY
                && ("incomplete".equals(result) || "fail".equals(result) && node.path("name").asText().startsWith("baseline"));
    }

    private LabException unprepared(JsonNode checkout, String what) {
        return new LabException("KernelCI " + what + " (node " + checkout.path("id").asText() + "): the pipeline "
                + "answers 200 to a checkout of any branch of an allowlisted tree, but prepares only a branch with a "
                + "build configuration; check that branch '" + settings.branch() + "' of " + settings.treeUrl()
                + " has one in the pipeline's build_configs, and that its tarball service runs", false);
    }

    private static String names(List<JsonNode> nodes) {
        var named = nodes.stream().map(n -> n.path("name").asText() + (n.path("data").path("platform").isTextual()
                ? " on " + n.path("data").path("platform").asText() : "")).distinct().limit(3).toList();
        return String.join(", ", named) + (nodes.size() > named.size() ? " and " + (nodes.size() - named.size())
                + " more" : "");
    }

    /** How long ago a Maestro timestamp was; zero when it cannot be read. */
    private static Duration since(JsonNode timestamp, Instant now) {
        return MaestroNodes.instant(timestamp).map(t -> Duration.between(t, now)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }

    /**
     * The failures said in the kernel's words: each failing test's log (its node's {@code lava_log}
     * or {@code test_log} artifact, read as {@link LabHttp#log} bounds it, at most {@link #MAX_LOGS}
     * logs) is read for the kernel's reports (oops, BUG, KASAN, WARNING), which join the test's
     * excerpt. A log that cannot be read leaves the results as they are: it explains, it never decides.
     */
    private KcidbData inKernelWords(KcidbData results) {
        var urls = results.tests().stream().filter(t -> t.status() == Status.FAIL).map(Test::logUrl)
                .filter(u -> u != null && (u.startsWith("https://") || u.startsWith("http://"))).distinct()
                .limit(MAX_LOGS).toList();
        for (var url : urls) {
            try {
                // No credentials: the file is in the pipeline's storage, its URL signed for reading.
                var log = http.log(URI.create(url), Map.of());
                if (log.isPresent()) {
                    results = LogExcerpt.withKernelReports(results, t -> url.equals(t.logUrl()), log.get());
                }
            } catch (LabException | IllegalArgumentException e) {
                LOG.info("KernelCI log {} not read for the kernel's words: {}", url.replaceAll("\\?.*", ""),
                        e.getMessage());
            }
        }
        return results;
    }

    @Override
    public void cancel(LabRun run) {
        var handle = KernelCiHandle.parse(run.externalId());
        if (repository.delete(handle.branch(), handle.commit())) {
            LOG.info("deleted lab branch {} at {} (KernelCI itself cannot cancel a checkout)", handle.branch(),
                    handle.commit());
        }
    }

    @Override
    public void release(Subject subject) {
        var branch = labBranch(subject);
        if (repository.delete(branch, null)) {
            LOG.info("deleted lab branch {}: {} is closed", branch, subject.key());
        }
    }

    private List<JsonNode> nodes(Map<String, String> query) {
        var uri = URI.create(base(settings.apiUrl()) + "/latest/nodes/fast?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        var answer = http.get(uri, authorization());
        if (!answer.ok()) {
            var retryable = answer.status() >= 500 || answer.status() == 429;
            throw new LabException("Maestro refused to list nodes (HTTP " + answer.status() + " "
                    + answer.message() + ")", retryable);
        }
        if (!answer.json().isArray()) {
            throw new LabException("Maestro answered a node query with something other than a list", true);
        }
        var list = new ArrayList<JsonNode>();
        answer.json().forEach(list::add);
        return list;
    }

    private LabRun handle(JsonNode checkout, String commit, String branch) {
        var treeId = checkout.path("treeid").asText();
        var url = settings.dashboardUrl() != null
                ? base(settings.dashboardUrl()) + "/tree/" + commit + "?o=" + MaestroNodes.ORIGIN
                : base(settings.apiUrl()) + "/viewer?node_id=" + checkout.path("id").asText();
        return new LabRun(name, new KernelCiHandle(treeId, commit, branch).externalId(), url);
    }

    private Map<String, String> authorization() {
        return Map.of("Authorization", settings.token());
    }

    private static List<String> strings(JsonNode array) {
        var list = new ArrayList<String>();
        if (array.isArray()) {
            array.forEach(v -> list.add(v.asText()));
        }
        return list;
    }

    private static String base(String url) {
        return Objects.requireNonNull(url).replaceAll("/+$", "");
    }
}
