package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub REST API on loopback, speaking the shapes of api.github.com (as recorded in hub4j's
 * github-api tests and GitHub's OpenAPI examples) and keeping state: pull requests, statuses,
 * check runs and comments posted to it can be read back, in order. It can play a token-authorized
 * GitHub or a GitHub App (checking the App's JWT against its public key and minting installation
 * tokens), run out of budget, rate-limit and fail. Each test starts its own.
 */
public final class FakeGitHub extends FakeHttpServer implements FakeForge {

    /** A commit status as GitHub stores it. */
    public record Status(String sha, String context, String state, String description, String targetUrl) {
    }

    /** An issue comment as GitHub stores it. */
    public record Comment(long id, long issue, String body, String author) {
    }

    /** A check run as GitHub stores it. */
    public record CheckRun(long id, String sha, String name, String status, String conclusion, String title,
                           String summary, String detailsUrl) {
    }

    /** A pull request as GitHub stores it. */
    public record PullRequest(String repo, long number, String title, String author, String head, String base,
                              String baseRef, boolean fork, boolean open, boolean draft, List<String> files,
                              List<String> commits) {
        public PullRequest {
            files = List.copyOf(files);
            commits = List.copyOf(commits);
        }
    }

    /**
     * A pull request review as GitHub keeps it: the commit it was submitted on, its body, and its
     * state (COMMENTED, CHANGES_REQUESTED, APPROVED, DISMISSED, or PENDING before it is submitted).
     */
    public record Review(long id, long number, String user, String body, String state, String commitId,
                         Instant submittedAt) {
    }

    /**
     * A review comment on a line of a pull request's diff, as it was written.
     *
     * @param line the line (RIGHT: of the head's file) at {@code commitId}
     * @param lineText that line's text, by which GitHub follows the comment to later heads
     */
    public record ReviewComment(long id, long reviewId, long number, String user, String path, int line,
                                Integer startLine, String side, String body, String commitId, String lineText) {
    }

    /** A check run annotation as GitHub stores it. */
    public record Annotation(long checkRunId, String path, int startLine, int endLine, Integer startColumn,
                             Integer endColumn, String level, String title, String message) {
    }

    /** A webhook delivery in the App's delivery log. */
    public record HookDelivery(long id, String guid, String event, int statusCode) {
    }

    /** How the fake refuses calls while it is rate-limiting. */
    public enum Limit {
        /** 403 with X-RateLimit-Remaining: 0 and X-RateLimit-Reset: the hourly budget is spent. */
        PRIMARY,
        /** 403 with a message and Retry-After: a secondary (abuse) limit. */
        SECONDARY,
        /** 429 with Retry-After. */
        TOO_MANY
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO = Pattern.compile("^/repos/([^/]+)/([^/]+)(/.*)?$");
    private static final Set<String> STATES = Set.of("error", "failure", "pending", "success");
    private static final int MAX_COMMENT = 65_536;
    private static final int MAX_CHECK_RUN_OUTPUT = 65_535;

    private final String botLogin;
    private final Map<String, List<Status>> statuses = new ConcurrentHashMap<>();
    private final Map<String, List<FakeForge.Status>> seen = new ConcurrentHashMap<>();
    private final Map<String, List<CheckRun>> checkRuns = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Comment>> comments = new ConcurrentHashMap<>();
    private final Map<String, List<Review>> reviews = new ConcurrentHashMap<>();
    private final Map<String, String> permissions = new ConcurrentHashMap<>();
    private final Map<String, PullRequest> pulls = new ConcurrentHashMap<>();
    private final Set<String> teamMembers = ConcurrentHashMap.newKeySet();
    private final Set<String> orgMembers = ConcurrentHashMap.newKeySet();
    private final Map<String, List<ObjectNode>> gpgKeys = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> sshSigningKeys = new ConcurrentHashMap<>();
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, String> branches = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> events = new ConcurrentHashMap<>();
    private final List<HookDelivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ChangeDiff> diffs = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, ReviewComment>> reviewComments = new ConcurrentHashMap<>();
    private final Map<Long, List<Annotation>> annotations = new ConcurrentHashMap<>();
    private volatile boolean reviewsForbidden;
    private final List<String> redelivered = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> installations = new ConcurrentHashMap<>();
    private final Set<String> installationTokens = ConcurrentHashMap.newKeySet();
    private volatile String gitUrl = "https://github.example/";
    private volatile String token;
    private volatile String appId;
    private volatile String appSlug;
    private volatile PublicKey appKey;
    private volatile long budgetRemaining = -1;
    private volatile Instant budgetReset = Instant.EPOCH;
    private volatile int limitedLeft;
    private volatile Limit limit = Limit.PRIMARY;

    public FakeGitHub() throws IOException {
        this("labgate-bot");
    }

    public FakeGitHub(String botLogin) throws IOException {
        this.botLogin = botLogin;
    }

    // ---- what the test sets up

    /** Only this token is accepted (otherwise any credential is). */
    public FakeGitHub acceptToken(String token) {
        this.token = token;
        return this;
    }

    /**
     * Plays a GitHub App: App endpoints take only a JWT signed by {@code key}'s private half with
     * issuer {@code id}; repository endpoints take only installation tokens minted here.
     */
    public FakeGitHub app(String id, String slug, PublicKey key) {
        this.appId = id;
        this.appSlug = slug;
        this.appKey = key;
        return this;
    }

    /** The App is installed on this account (user or organization) with this installation id. */
    public FakeGitHub installation(String account, long id) {
        installations.put(account.toLowerCase(Locale.ROOT), id);
        return this;
    }

    /** The permission {@code user} has on {@code owner/repo}: admin, maintain, write, triage, read or none. */
    public FakeGitHub permission(String fullName, String user, String level) {
        permissions.put(fullName.toLowerCase(Locale.ROOT) + "#" + user.toLowerCase(Locale.ROOT), level);
        return this;
    }

    public FakeGitHub teamMember(String org, String team, String user) {
        teamMembers.add((org + "/" + team + "#" + user).toLowerCase(Locale.ROOT));
        return this;
    }

    public FakeGitHub orgMember(String org, String user) {
        orgMembers.add((org + "#" + user).toLowerCase(Locale.ROOT));
        return this;
    }

    public FakeGitHub gpgKey(String user, String keyId, String armored) {
        gpgKeys.computeIfAbsent(user.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(JSON.createObjectNode().put("id", nextId()).put("key_id", keyId).put("raw_key", armored)
                        .put("can_sign", true).put("created_at", "2026-01-01T00:00:00Z"));
        return this;
    }

    public FakeGitHub sshSigningKey(String user, String line) {
        sshSigningKeys.computeIfAbsent(user.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(
                new ArrayList<>())).add(JSON.createObjectNode().put("id", nextId()).put("key", line)
                .put("title", "signing key").put("created_at", "2026-01-01T00:00:00Z"));
        return this;
    }

    /** A file on the repository's default branch. */
    public FakeGitHub file(String fullName, String path, String content) {
        files.put(fullName.toLowerCase(Locale.ROOT) + ":" + path, content);
        return this;
    }

    /** Moves a branch to {@code sha} without a trace in the event log (the log lags behind). */
    public FakeGitHub branch(String fullName, String branch, String sha) {
        branches.put(fullName.toLowerCase(Locale.ROOT) + ":" + branch, sha);
        return this;
    }

    /** Moves a branch to {@code sha}, and logs the push in the repository's events as {@code pusher}'s. */
    public FakeGitHub push(String fullName, String branch, String before, String sha, String pusher) {
        branch(fullName, branch, sha);
        var event = JSON.createObjectNode().put("id", String.valueOf(nextId())).put("type", "PushEvent");
        event.putObject("actor").put("login", pusher);
        event.putObject("repo").put("name", fullName);
        event.putObject("payload").put("ref", "refs/heads/" + branch).put("before", before).put("head", sha);
        events.computeIfAbsent(fullName.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(0, event);
        return this;
    }

    /** Stores (or replaces) a pull request. */
    public FakeGitHub pullRequest(PullRequest pr) {
        pulls.put(pr.repo().toLowerCase(Locale.ROOT) + "#" + pr.number(), pr);
        return this;
    }

    public Optional<PullRequest> pullRequest(String fullName, long number) {
        return Optional.ofNullable(pulls.get(fullName.toLowerCase(Locale.ROOT) + "#" + number));
    }

    /** A delivery in the App's log, as GitHub recorded its attempt. */
    public FakeGitHub hookDelivery(String guid, String event, int statusCode) {
        deliveries.add(0, new HookDelivery(nextId(), guid, event, statusCode));
        return this;
    }

    /** The guids GitHub was asked to deliver again, in order. */
    public List<String> redelivered() {
        synchronized (redelivered) {
            return List.copyOf(redelivered);
        }
    }

    /**
     * Every answer reports a budget of {@code remaining} calls (counting down) until {@code reset},
     * in X-RateLimit-* headers.
     */
    public void budget(long remaining, Instant reset) {
        this.budgetRemaining = remaining;
        this.budgetReset = reset;
    }

    /** The next {@code count} requests are refused by a rate limit of this kind. */
    public void rateLimitNext(int count, Limit kind) {
        this.limit = kind;
        this.limitedLeft = count;
    }

    /** Statuses posted for a commit, oldest first. */
    public List<Status> statuses(String fullName, String sha) {
        return List.copyOf(statuses.getOrDefault(fullName.toLowerCase(Locale.ROOT) + "@" + sha, List.of()));
    }

    /** Check runs of a commit, oldest first, as they are now. */
    public List<CheckRun> checkRuns(String fullName, String sha) {
        return List.copyOf(checkRuns.getOrDefault(fullName.toLowerCase(Locale.ROOT) + "@" + sha, List.of()));
    }

    /** Comments of an issue or pull request, oldest first, as they are now. */
    public List<Comment> comments(String fullName, long issue) {
        var map = comments.get(fullName.toLowerCase(Locale.ROOT) + "#" + issue);
        if (map == null) {
            return List.of();
        }
        synchronized (map) {
            return List.copyOf(map.values());
        }
    }

    /**
     * A review submitted on {@code commitId} ({@code APPROVED}, {@code CHANGES_REQUESTED},
     * {@code COMMENTED} or {@code DISMISSED}, the states the reviews API lists).
     */
    public Review review(String fullName, long number, String user, String state, String commitId) {
        var review = new Review(nextId(), number, user, "", state, commitId, Instant.now());
        reviews.computeIfAbsent(fullName.toLowerCase(Locale.ROOT) + "#" + number,
                k -> Collections.synchronizedList(new ArrayList<>())).add(review);
        return review;
    }

    /** Adds a comment as if a person wrote it. */
    public Comment addComment(String fullName, long issue, String author, String body) {
        var comment = new Comment(nextId(), issue, body, author);
        comments.computeIfAbsent(fullName.toLowerCase(Locale.ROOT) + "#" + issue, k -> Collections.synchronizedMap(
                new LinkedHashMap<>())).put(comment.id(), comment);
        return comment;
    }

    /**
     * The token may not write pull request reviews: a workflow's GITHUB_TOKEN without
     * {@code pull-requests: write} (GitHub answers 403 "Resource not accessible by integration").
     */
    public FakeGitHub forbidReviews() {
        this.reviewsForbidden = true;
        return this;
    }

    /** Reviews of a pull request, oldest first, as they are now. */
    public List<Review> reviews(String fullName, long number) {
        var list = reviews.get(fullName.toLowerCase(Locale.ROOT) + "#" + number);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** Review comments of a pull request, oldest first, as they were written (bodies as they are now). */
    public List<ReviewComment> reviewComments(String fullName, long number) {
        var map = reviewComments.get(fullName.toLowerCase(Locale.ROOT) + "#" + number);
        if (map == null) {
            return List.of();
        }
        synchronized (map) {
            return List.copyOf(map.values());
        }
    }

    /** The annotations of the check runs of a commit with this name, in the order they were added. */
    public List<Annotation> annotations(String fullName, String sha, String name) {
        var all = new ArrayList<Annotation>();
        for (var run : checkRuns(fullName, sha)) {
            if (run.name().equals(name)) {
                all.addAll(annotations.getOrDefault(run.id(), List.of()));
            }
        }
        return all;
    }

    // ---- the API

    @Override
    protected void extraHeaders(HttpExchange exchange) {
        if (budgetRemaining >= 0) {
            var left = Math.max(0, budgetRemaining);
            budgetRemaining = left == 0 ? 0 : left - 1;
            exchange.getResponseHeaders().add("X-RateLimit-Limit", "5000");
            exchange.getResponseHeaders().add("X-RateLimit-Remaining", String.valueOf(left));
            exchange.getResponseHeaders().add("X-RateLimit-Reset", String.valueOf(budgetReset.getEpochSecond()));
            exchange.getResponseHeaders().add("X-RateLimit-Resource", "core");
        }
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body, HttpExchange exchange)
            throws IOException {
        if (limitedLeft > 0) {
            limitedLeft--;
            return limited();
        }
        var auth = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m;
        if ((m = match("^/(?:orgs|users)/([^/]+)/installation$", path)) != null
                || (m = match("^/repos/([^/]+)/[^/]+/installation$", path)) != null) {
            return appKey != null && validJwt(auth) ? installationLookup(m.group(1))
                    : Answer.json(401, error("A JSON web token could not be decoded"));
        }
        if (path.startsWith("/app")) {
            return app(method, path, query, auth);
        }
        var identity = identity(auth);
        if (identity == null) {
            return Answer.json(401, error("Bad credentials"));
        }
        if (path.equals("/user") && method.equals("GET")) {
            return identity.endsWith("[bot]") ? Answer.json(403, error("Resource not accessible by integration"))
                    : Answer.json(200, user(identity));
        }
        if ((m = match("^/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)$", path)) != null) {
            return teamMembers.contains((m.group(1) + "/" + m.group(2) + "#" + m.group(3)).toLowerCase(Locale.ROOT))
                    ? Answer.json(200, JSON.createObjectNode().put("state", "active").put("role", "member"))
                    : Answer.json(404, error("Not Found"));
        }
        if ((m = match("^/orgs/([^/]+)/members/([^/]+)$", path)) != null) {
            return orgMembers.contains((m.group(1) + "#" + m.group(2)).toLowerCase(Locale.ROOT))
                    ? Answer.empty(204) : Answer.json(404, error("Not Found"));
        }
        if ((m = match("^/users/([^/]+)/gpg_keys$", path)) != null) {
            return page(query, path, new ArrayList<JsonNode>(gpgKeys.getOrDefault(m.group(1).toLowerCase(Locale.ROOT),
                    List.of())));
        }
        if ((m = match("^/users/([^/]+)/ssh_signing_keys$", path)) != null) {
            return page(query, path, new ArrayList<JsonNode>(sshSigningKeys.getOrDefault(
                    m.group(1).toLowerCase(Locale.ROOT), List.of())));
        }
        var repo = REPO.matcher(path);
        if (!repo.matches()) {
            return Answer.json(404, error("Not Found"));
        }
        return repository(method, repo.group(1) + "/" + repo.group(2), repo.group(3) == null ? "" : repo.group(3),
                query, body, identity, path);
    }

    private Answer repository(String method, String fullName, String rest, Map<String, String> query, String body,
                              String identity, String path) throws IOException {
        var key = fullName.toLowerCase(Locale.ROOT);
        Matcher m;
        if ((m = match("^/collaborators/([^/]+)/permission$", rest)) != null && method.equals("GET")) {
            var level = permissions.getOrDefault(key + "#" + m.group(1).toLowerCase(Locale.ROOT), "none");
            // As api.github.com answered in 2023 (hub4j recording cannotRetrievePermissionMaintainUser):
            // {"permission":"maintain","role_name":"maintain"}.
            var node = JSON.createObjectNode().put("permission", level).put("role_name", level);
            node.set("user", user(m.group(1)));
            return Answer.json(200, node);
        }
        if ((m = match("^/statuses/([0-9a-f]{40})$", rest)) != null && method.equals("POST")) {
            var in = JSON.readTree(body);
            var status = new Status(m.group(1), in.path("context").asText("default"), in.path("state").asText(),
                    in.path("description").asText(null), in.path("target_url").asText(null));
            // REST API "Create a commit status": state is one of error, failure, pending, success.
            if (!STATES.contains(status.state())) {
                return Answer.json(422, invalid("Status", "state", "state is not included in the list"));
            }
            // GitHub refuses a description over 140 characters.
            if (characters(status.description()) > 140) {
                return Answer.json(422, invalid("Status", "description",
                        "description is too long (maximum is 140 characters)"));
            }
            statuses.computeIfAbsent(key + "@" + m.group(1), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(status);
            see(key, new FakeForge.Status(status.sha(), status.context(), switch (status.state()) {
                case "pending" -> FakeForge.State.PENDING;
                case "success" -> FakeForge.State.SUCCESS;
                default -> FakeForge.State.FAILURE;
            }, status.description(), status.targetUrl(), ""));
            var out = JSON.createObjectNode().put("id", nextId()).put("state", status.state())
                    .put("context", status.context()).put("description", status.description())
                    .put("target_url", status.targetUrl()).put("url", url() + "/repos/" + fullName + "/statuses/"
                            + m.group(1)).put("created_at", "2026-01-01T00:00:00Z")
                    .put("updated_at", "2026-01-01T00:00:00Z");
            return Answer.json(201, out);
        }
        if ((m = match("^/commits/([0-9a-f]{40})/statuses$", rest)) != null && method.equals("GET")) {
            // "List commit statuses for a reference": reverse chronological order, the first of a
            // context is its latest (docs.github.com/en/rest/commits/statuses).
            var list = new ArrayList<>(statuses(fullName, m.group(1)));
            Collections.reverse(list);
            var array = new ArrayList<JsonNode>();
            for (var status : list) {
                array.add(JSON.createObjectNode().put("state", status.state()).put("context", status.context())
                        .put("description", status.description()).put("target_url", status.targetUrl()));
            }
            return page(query, path, array);
        }
        if (rest.equals("/check-runs") && method.equals("POST")) {
            if (!identity.endsWith("[bot]")) {
                return Answer.json(403, error("You must authenticate via a GitHub App."));
            }
            var in = JSON.readTree(body);
            var tooLong = checkRunTooLong(in);
            if (tooLong != null) {
                return Answer.json(422, tooLong);
            }
            var refused = annotationsRefused(in);
            if (refused != null) {
                return Answer.json(422, error(refused));
            }
            var run = checkRun(nextId(), in, null);
            checkRuns.computeIfAbsent(key + "@" + run.sha(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(run);
            annotate(run.id(), in);
            see(key, run);
            return Answer.json(201, checkRunJson(fullName, run));
        }
        if ((m = match("^/check-runs/(\\d+)$", rest)) != null && method.equals("PATCH")) {
            var id = Long.parseLong(m.group(1));
            for (var list : checkRuns.entrySet()) {
                if (!list.getKey().startsWith(key + "@")) {
                    continue;
                }
                synchronized (list.getValue()) {
                    for (int i = 0; i < list.getValue().size(); i++) {
                        var old = list.getValue().get(i);
                        if (old.id() == id) {
                            var in = JSON.readTree(body);
                            var tooLong = checkRunTooLong(in);
                            if (tooLong != null) {
                                return Answer.json(422, tooLong);
                            }
                            var run = checkRun(id, in, old);
                            var refused = annotationsRefused(in);
                            if (refused != null) {
                                return Answer.json(422, error(refused));
                            }
                            list.getValue().set(i, run);
                            annotate(id, in);
                            see(key, run);
                            return Answer.json(200, checkRunJson(fullName, run));
                        }
                    }
                }
            }
            return Answer.json(404, error("Not Found"));
        }
        if ((m = match("^/commits/([0-9a-f]{40})/check-runs$", rest)) != null && method.equals("GET")) {
            var name = query.get("check_name");
            var runs = new ArrayList<>(checkRuns(fullName, m.group(1)));
            Collections.reverse(runs);
            var array = JSON.createArrayNode();
            runs.stream().filter(r -> name == null || r.name().equals(name))
                    .limit(Long.parseLong(query.getOrDefault("per_page", "30")))
                    .forEach(r -> array.add(checkRunJson(fullName, r)));
            var out = JSON.createObjectNode().put("total_count", array.size());
            out.set("check_runs", array);
            return Answer.json(200, out);
        }
        if ((m = match("^/pulls/(\\d+)$", rest)) != null && method.equals("GET")) {
            var pr = pulls.get(key + "#" + m.group(1));
            // A number GitHub never gave: 404 {"message":"Not Found"} (REST "Get a pull request": 404 Resource not
            // found).
            return pr == null ? Answer.json(404, error("Not Found")) : Answer.json(200, pullJson(pr));
        }
        if (rest.equals("/pulls") && method.equals("GET")) {
            var open = pulls.values().stream().filter(p -> p.repo().equalsIgnoreCase(fullName) && p.open())
                    .sorted((a, b) -> Long.compare(b.number(), a.number())).<JsonNode>map(this::pullJson).toList();
            return page(query, path, new ArrayList<>(open));
        }
        if ((m = match("^/pulls/(\\d+)/files$", rest)) != null && method.equals("GET")) {
            var pr = pulls.get(key + "#" + m.group(1));
            if (pr == null) {
                return Answer.json(404, error("Not Found"));
            }
            var diff = diffs.get(key + "#" + pr.number() + "@" + pr.head());
            var list = new ArrayList<JsonNode>();
            if (diff != null) {
                // GitHub leaves "patch" out of binary files and files whose diff is too large (docs: "List pull requests files").
                for (var file : diff.files()) {
                    var node = JSON.createObjectNode().put("sha", "0".repeat(40)).put("filename", file.newPath())
                            .put("status", file.status().name().toLowerCase(Locale.ROOT)).put("patch", file.patch());
                    if (file.status() == ChangeDiff.Status.RENAMED) {
                        node.put("previous_filename", file.oldPath());
                    }
                    list.add(node);
                }
                return page(query, path, list);
            }
            for (var file : pr.files()) {
                var node = JSON.createObjectNode().put("sha", "0".repeat(40)).put("status", "modified").put("additions", 1)
                        .put("deletions", 0).put("changes", 1);
                var arrow = file.indexOf(" -> ");
                if (arrow > 0) {
                    node.put("filename", file.substring(arrow + 4)).put("previous_filename", file.substring(0, arrow))
                            .put("status", "renamed");
                } else {
                    node.put("filename", file);
                }
                list.add(node);
            }
            return page(query, path, list);
        }
        // docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request: oldest first, each with
        // the commit it was submitted on (commit_id), its state and submitted_at; paginated.
        if ((m = match("^/pulls/(\\d+)/reviews$", rest)) != null) {
            var pr = pulls.get(key + "#" + m.group(1));
            if (pr == null) {
                return Answer.json(404, error("Not Found"));
            }
            if (method.equals("GET")) {
                var list = new ArrayList<JsonNode>();
                reviews(fullName, pr.number()).forEach(r -> list.add(reviewJson(fullName, r)));
                return page(query, path, list);
            }
            if (method.equals("POST")) {
                return createReview(fullName, pr, identity, JSON.readTree(body));
            }
        }
        if ((m = match("^/pulls/(\\d+)/reviews/(\\d+)/dismissals$", rest)) != null && method.equals("PUT")) {
            return dismissReview(fullName, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), JSON.readTree(body));
        }
        if ((m = match("^/pulls/(\\d+)/comments$", rest)) != null && method.equals("GET")) {
            var pr = pulls.get(key + "#" + m.group(1));
            if (pr == null) {
                return Answer.json(404, error("Not Found"));
            }
            var list = new ArrayList<JsonNode>();
            reviewComments(fullName, pr.number()).forEach(c -> list.add(reviewCommentJson(fullName, pr, c)));
            return page(query, path, list);
        }
        if ((m = match("^/pulls/comments/(\\d+)$", rest)) != null && method.equals("PATCH")) {
            var id = Long.parseLong(m.group(1));
            var map = reviewComments.entrySet().stream().filter(e -> e.getKey().startsWith(key + "#"))
                    .map(Map.Entry::getValue).filter(c -> c.containsKey(id)).findFirst();
            if (map.isEmpty()) {
                return Answer.json(404, error("Not Found"));
            }
            var old = map.get().get(id);
            if (!old.user().equalsIgnoreCase(identity)) {
                return Answer.json(403, error("labgate may only edit its own comments"));
            }
            var updated = new ReviewComment(id, old.reviewId(), old.number(), old.user(), old.path(), old.line(),
                    old.startLine(), old.side(), JSON.readTree(body).path("body").asText(), old.commitId(),
                    old.lineText());
            map.get().put(id, updated);
            return Answer.json(200, reviewCommentJson(fullName, pulls.get(key + "#" + old.number()), updated));
        }
        if ((m = match("^/pulls/(\\d+)/commits$", rest)) != null && method.equals("GET")) {
            var pr = pulls.get(key + "#" + m.group(1));
            if (pr == null) {
                return Answer.json(404, error("Not Found"));
            }
            var list = new ArrayList<JsonNode>();
            pr.commits().forEach(c -> {
                var node = JSON.createObjectNode().put("sha", c);
                node.putObject("commit").put("message", "commit " + c.substring(0, 7));
                list.add(node);
            });
            return page(query, path, list);
        }
        if ((m = match("^/contents/(.+)$", rest)) != null && method.equals("GET")) {
            if (query.containsKey("ref")) {
                return Answer.json(422, error("labgate must read policy from the default branch"));
            }
            var content = files.get(key + ":" + m.group(1));
            if (content == null) {
                return Answer.json(404, error("Not Found"));
            }
            var encoded = Base64.getMimeEncoder(60, "\n".getBytes(StandardCharsets.UTF_8))
                    .encodeToString(content.getBytes(StandardCharsets.UTF_8));
            return Answer.json(200, JSON.createObjectNode().put("type", "file").put("encoding", "base64")
                    .put("size", content.length()).put("name", m.group(1)).put("path", m.group(1))
                    .put("content", encoded).put("sha", "0".repeat(40)));
        }
        if ((m = match("^/branches/(.+)$", rest)) != null && method.equals("GET")) {
            var sha = branches.get(key + ":" + m.group(1));
            if (sha == null) {
                return Answer.json(404, error("Branch not found"));
            }
            var node = JSON.createObjectNode().put("name", m.group(1)).put("protected", false);
            node.putObject("commit").put("sha", sha).put("url", url() + "/repos/" + fullName + "/commits/" + sha);
            return Answer.json(200, node);
        }
        if (rest.equals("/events") && method.equals("GET")) {
            return page(query, path, new ArrayList<JsonNode>(events.getOrDefault(key, List.of())));
        }
        if ((m = match("^/issues/(\\d+)/comments$", rest)) != null && method.equals("GET")) {
            var list = new ArrayList<JsonNode>();
            comments(fullName, Long.parseLong(m.group(1))).forEach(c -> list.add(commentJson(fullName, c)));
            return page(query, path, list);
        }
        if ((m = match("^/issues/(\\d+)/comments$", rest)) != null && method.equals("POST")) {
            var text = JSON.readTree(body).path("body").asText();
            if (characters(text) > MAX_COMMENT) {
                return Answer.json(422, commentTooLong());
            }
            var comment = addComment(fullName, Long.parseLong(m.group(1)), identity, text);
            return Answer.json(201, commentJson(fullName, comment));
        }
        if ((m = match("^/issues/comments/(\\d+)$", rest)) != null && method.equals("PATCH")) {
            var id = Long.parseLong(m.group(1));
            var map = comments.entrySet().stream().filter(e -> e.getKey().startsWith(key + "#"))
                    .map(Map.Entry::getValue).filter(c -> c.containsKey(id)).findFirst();
            if (map.isEmpty()) {
                return Answer.json(404, error("Not Found"));
            }
            var existing = map.get().get(id);
            if (!existing.author().equalsIgnoreCase(identity)) {
                return Answer.json(403, error("labgate may only edit its own comments"));
            }
            if (characters(JSON.readTree(body).path("body").asText()) > MAX_COMMENT) {
                return Answer.json(422, commentTooLong());
            }
            var updated = new Comment(id, existing.issue(), JSON.readTree(body).path("body").asText(), existing.author());
            map.get().put(id, updated);
            return Answer.json(200, commentJson(fullName, updated));
        }
        return Answer.json(404, error("Not Found"));
    }

    /**
     * POST /pulls/{n}/reviews as GitHub answers it (REST docs, "Create a review for a pull
     * request"): comments are placed by {@code line} and {@code side} (RIGHT: the head's file,
     * LEFT: the base's), optionally {@code start_line}, on lines the diff of {@code commit_id}
     * shows; one comment that is not refuses the whole review with 422 (the messages are GitHub's).
     */
    private Answer createReview(String fullName, PullRequest pr, String identity, JsonNode in) {
        if (reviewsForbidden) {
            return Answer.json(403, error("Resource not accessible by integration"));
        }
        var event = in.path("event").asText("");
        var state = switch (event) {
            case "COMMENT" -> "COMMENTED";
            case "REQUEST_CHANGES" -> "CHANGES_REQUESTED";
            case "APPROVE" -> "APPROVED";
            case "" -> "PENDING";
            default -> null;
        };
        if (state == null) {
            return Answer.json(422, unprocessable("event is not one of APPROVE, REQUEST_CHANGES, COMMENT"));
        }
        var body = in.path("body").asText("");
        // docs: body is "Required when using REQUEST_CHANGES or COMMENT for the event parameter"
        if (body.isBlank() && (event.equals("COMMENT") || event.equals("REQUEST_CHANGES"))) {
            return Answer.json(422, unprocessable("Body can't be blank"));
        }
        if (characters(body) > MAX_COMMENT) {
            return Answer.json(422, unprocessable("Body is too long (maximum is 65536 characters)"));
        }
        var commit = in.path("commit_id").asText(pr.head());
        if (!commit.equals(pr.head()) && !pr.commits().contains(commit)) {
            return Answer.json(422, unprocessable("commit_id is not part of the pull request"));
        }
        var diff = diffs.get(fullName.toLowerCase(Locale.ROOT) + "#" + pr.number() + "@" + commit);
        var placed = new ArrayList<ReviewComment>();
        var reviewId = nextId();
        for (var comment : in.path("comments")) {
            if (comment.has("position")) {
                return Answer.json(422, unprocessable("the fake models line/side placement only, not position"));
            }
            var file = diff == null ? Optional.<ChangeDiff.File>empty() : diff.file(comment.path("path").asText());
            if (file.isEmpty()) {
                return Answer.json(422, unprocessable("Path could not be resolved"));
            }
            var side = ChangeDiff.Side.valueOf(comment.path("side").asText("RIGHT"));
            var line = comment.path("line").asInt(0);
            var hunk = file.get().hunk(side, line);
            if (hunk.isEmpty()) {
                return Answer.json(422, unprocessable("Pull request review thread line must be part of the diff and "
                        + "Pull request review thread diff hunk can't be blank"));
            }
            Integer start = comment.has("start_line") ? comment.path("start_line").asInt() : null;
            if (start != null) {
                var startSide = ChangeDiff.Side.valueOf(comment.path("start_side").asText(side.name()));
                if (start >= line) {
                    return Answer.json(422, unprocessable("Pull request review thread start line must precede the "
                            + "end line."));
                }
                if (hunk.get().line(startSide, start).isEmpty()) {
                    return Answer.json(422, unprocessable("Pull request review thread start line must be part of the "
                            + "same hunk as the line."));
                }
            }
            var text = comment.path("body").asText("");
            if (text.isBlank() || characters(text) > MAX_COMMENT) {
                return Answer.json(422, unprocessable(text.isBlank() ? "Body can't be blank"
                        : "Body is too long (maximum is 65536 characters)"));
            }
            placed.add(new ReviewComment(nextId(), reviewId, pr.number(), identity, file.get().newPath(), line, start,
                    side.name(), text, commit, hunk.get().line(side, line).orElseThrow().text()));
        }
        var key = fullName.toLowerCase(Locale.ROOT) + "#" + pr.number();
        var review = new Review(reviewId, pr.number(), identity, body, state, commit, Instant.now());
        reviews.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(review);
        var map = reviewComments.computeIfAbsent(key, k -> Collections.synchronizedMap(new LinkedHashMap<>()));
        placed.forEach(c -> map.put(c.id(), c));
        return Answer.json(200, reviewJson(fullName, review));
    }

    /**
     * PUT /pulls/{n}/reviews/{id}/dismissals (REST docs, "Dismiss a review for a pull request"):
     * only a review that approves or requests changes can be dismissed.
     */
    private Answer dismissReview(String fullName, long number, long id, JsonNode in) {
        if (reviewsForbidden) {
            return Answer.json(403, error("Resource not accessible by integration"));
        }
        var list = reviews.get(fullName.toLowerCase(Locale.ROOT) + "#" + number);
        if (list == null) {
            return Answer.json(404, error("Not Found"));
        }
        synchronized (list) {
            for (int i = 0; i < list.size(); i++) {
                var review = list.get(i);
                if (review.id() != id) {
                    continue;
                }
                if (in.path("message").asText("").isBlank()) {
                    return Answer.json(422, unprocessable("message can't be blank"));
                }
                if (!review.state().equals("CHANGES_REQUESTED") && !review.state().equals("APPROVED")) {
                    return Answer.json(422, unprocessable("Can not dismiss a " + review.state().toLowerCase(Locale.ROOT)
                            + " pull request review"));
                }
                var dismissed = new Review(review.id(), review.number(), review.user(), review.body(), "DISMISSED",
                        review.commitId(), review.submittedAt());
                list.set(i, dismissed);
                return Answer.json(200, reviewJson(fullName, dismissed));
            }
        }
        return Answer.json(404, error("Not Found"));
    }

    private ObjectNode reviewJson(String fullName, Review review) {
        var node = JSON.createObjectNode().put("id", review.id()).put("node_id", "PRR_" + review.id())
                .put("body", review.body()).put("state", review.state()).put("commit_id", review.commitId())
                .put("html_url", "https://github.example/" + fullName + "/pull/" + review.number()
                        + "#pullrequestreview-" + review.id())
                .put("pull_request_url", url() + "/repos/" + fullName + "/pulls/" + review.number())
                .put("submitted_at", review.submittedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .put("author_association", "NONE");
        node.set("user", user(review.user()));
        return node;
    }

    /**
     * A review comment as GitHub shows it at the pull request's head now: on the same line while
     * the head is the commit it was written on; followed to the line with the same text in a later
     * head's diff; else outdated, with {@code line} null and its original commit (REST docs, "List
     * review comments on a pull request": line, original_line, commit_id, original_commit_id).
     */
    private ObjectNode reviewCommentJson(String fullName, PullRequest pr, ReviewComment c) {
        Integer line = null;
        if (pr.head().equals(c.commitId())) {
            line = c.line();
        } else {
            var diff = diffs.get(fullName.toLowerCase(Locale.ROOT) + "#" + pr.number() + "@" + pr.head());
            var file = diff == null ? Optional.<ChangeDiff.File>empty() : diff.file(c.path());
            if (file.isPresent()) {
                line = file.get().hunks().stream().flatMap(h -> h.lines().stream())
                        .filter(l -> l.newLine() != null && l.text().equals(c.lineText())).map(ChangeDiff.Line::newLine)
                        .findFirst().orElse(null);
            }
        }
        var node = JSON.createObjectNode().put("id", c.id()).put("pull_request_review_id", c.reviewId())
                .put("path", c.path()).put("original_line", c.line()).put("side", c.side())
                .put("commit_id", line == null ? c.commitId() : pr.head()).put("original_commit_id", c.commitId())
                .put("body", c.body()).put("diff_hunk", "@@ -1 +1 @@")
                .put("html_url", "https://github.example/" + fullName + "/pull/" + c.number() + "#discussion_r" + c.id())
                .put("created_at", "2026-01-01T00:00:00Z").put("updated_at", "2026-01-01T00:00:00Z");
        if (line == null) {
            node.putNull("line");
        } else {
            node.put("line", line);
        }
        if (c.startLine() != null) {
            node.put("original_start_line", c.startLine());
        }
        node.set("user", user(c.user()));
        return node;
    }

    private static ObjectNode unprocessable(String message) {
        var node = JSON.createObjectNode().put("message", "Unprocessable Entity")
                .put("documentation_url", "https://docs.github.com/rest/pulls/reviews").put("status", "422");
        node.putArray("errors").add(message);
        return node;
    }

    /** The App's own endpoints, authorized by its JWT. */
    private Answer app(String method, String path, Map<String, String> query, String auth) {
        if (appKey == null || !validJwt(auth)) {
            return Answer.json(401, error("A JSON web token could not be decoded"));
        }
        Matcher m;
        if (path.equals("/app") && method.equals("GET")) {
            var node = JSON.createObjectNode().put("id", Long.parseLong(appId)).put("slug", appSlug)
                    .put("name", appSlug).put("node_id", "A_" + appId).put("created_at", "2026-01-01T00:00:00Z")
                    .put("updated_at", "2026-01-01T00:00:00Z").put("html_url", "https://github.example/apps/" + appSlug);
            node.set("owner", user("owner"));
            node.putObject("permissions").put("checks", "write").put("statuses", "write")
                    .put("pull_requests", "write").put("issues", "write").put("members", "read");
            node.putArray("events").add("pull_request").add("push").add("issue_comment");
            return Answer.json(200, node);
        }
        if (path.equals("/app/installations") && method.equals("GET")) {
            var array = JSON.createArrayNode();
            installations.forEach((account, id) -> array.add(installationJson(account, id)));
            return Answer.json(200, array);
        }
        if ((m = match("^/app/installations/(\\d+)/access_tokens$", path)) != null && method.equals("POST")) {
            if (!installations.containsValue(Long.parseLong(m.group(1)))) {
                return Answer.json(404, error("Not Found"));
            }
            var minted = "ghs_" + UUID.randomUUID().toString().replace("-", "");
            installationTokens.add(minted);
            var node = JSON.createObjectNode().put("token", minted)
                    .put("expires_at", Instant.now().plusSeconds(3600).toString()).put("repository_selection", "all");
            node.putObject("permissions").put("checks", "write").put("statuses", "write");
            return Answer.json(201, node);
        }
        if (path.equals("/app/hook/deliveries") && method.equals("GET")) {
            var array = JSON.createArrayNode();
            synchronized (deliveries) {
                deliveries.stream().limit(Long.parseLong(query.getOrDefault("per_page", "30"))).forEach(d -> array.add(
                        JSON.createObjectNode().put("id", d.id()).put("guid", d.guid()).put("event", d.event())
                                .put("status_code", d.statusCode()).put("status", d.statusCode() / 100 == 2 ? "OK"
                                        : "Internal Server Error").put("redelivery", false)
                                .put("delivered_at", "2026-01-01T00:00:00Z").put("duration", 0.1)));
            }
            return Answer.json(200, array);
        }
        if ((m = match("^/app/hook/deliveries/(\\d+)/attempts$", path)) != null && method.equals("POST")) {
            var id = Long.parseLong(m.group(1));
            var found = deliveries.stream().filter(d -> d.id() == id).findFirst();
            if (found.isEmpty()) {
                return Answer.json(404, error("Not Found"));
            }
            redelivered.add(found.get().guid());
            return Answer.json(202, JSON.createObjectNode());
        }
        return Answer.json(404, error("Not Found"));
    }

    private Answer installationLookup(String account) {
        var id = installations.get(account.toLowerCase(Locale.ROOT));
        return id == null ? Answer.json(404, error("Not Found")) : Answer.json(200, installationJson(account, id));
    }

    /** Who is calling: the bot's login for a token, {@code <slug>[bot]} for an installation token, null if refused. */
    private String identity(String auth) {
        if (appKey != null) {
            return auth != null && auth.startsWith("token ") && installationTokens.contains(auth.substring(6))
                    ? appSlug + "[bot]" : null;
        }
        if (token != null) {
            return auth != null && auth.equals("token " + token) ? botLogin : null;
        }
        return botLogin;
    }

    /** An RS256 JWT signed with the App's key, issued by the App, not expired. */
    private boolean validJwt(String auth) {
        if (auth == null || !auth.startsWith("Bearer ")) {
            return false;
        }
        var parts = auth.substring(7).split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            var verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(appKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            var claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return appId.equals(claims.path("iss").asText())
                    && claims.path("exp").asLong() > Instant.now().getEpochSecond();
        } catch (Exception e) {
            return false;
        }
    }

    private Answer limited() {
        var reset = Instant.now().plusSeconds(1800).getEpochSecond();
        return switch (limit) {
            case PRIMARY -> new Answer(403, error("API rate limit exceeded for installation."), Map.of(
                    "X-RateLimit-Remaining", "0", "X-RateLimit-Limit", "5000", "X-RateLimit-Reset", String.valueOf(reset),
                    "X-RateLimit-Resource", "core"));
            case SECONDARY -> new Answer(403, error("You have exceeded a secondary rate limit. Please wait a few "
                    + "minutes before you try again."), Map.of("Retry-After", "90"));
            case TOO_MANY -> new Answer(429, error("Too many requests"), Map.of("Retry-After", "30"));
        };
    }

    /** A secondary rate limit with a short Retry-After, as GitHub sends under bursts (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). */
    @Override
    protected Answer rateLimited() {
        return new Answer(403, error("You have exceeded a secondary rate limit. Please wait a few minutes before you "
                + "try again."), Map.of("Retry-After", "1"));
    }

    /** A page of a list, with a Link header to the next page as GitHub sends it. */
    private Answer page(Map<String, String> query, String path, List<JsonNode> all) {
        var perPage = Integer.parseInt(query.getOrDefault("per_page", "30"));
        var page = Integer.parseInt(query.getOrDefault("page", "1"));
        var from = Math.min(all.size(), (page - 1) * perPage);
        var to = Math.min(all.size(), from + perPage);
        var array = JSON.createArrayNode();
        all.subList(from, to).forEach(array::add);
        if (to < all.size()) {
            var next = new LinkedHashMap<>(query);
            next.put("page", String.valueOf(page + 1));
            var link = "<" + url() + path + "?" + FakeHttpServer.queryString(next) + ">; rel=\"next\"";
            return new Answer(200, array, Map.of("Link", link));
        }
        return Answer.json(200, array);
    }

    private void see(String repoKey, CheckRun run) {
        var state = !"completed".equals(run.status()) ? FakeForge.State.PENDING
                : "success".equals(run.conclusion()) ? FakeForge.State.SUCCESS : FakeForge.State.FAILURE;
        see(repoKey, new FakeForge.Status(run.sha(), run.name(), state, run.title(), run.detailsUrl(),
                run.summary() == null ? "" : run.summary()));
    }

    private void see(String repoKey, FakeForge.Status status) {
        seen.computeIfAbsent(repoKey + "@" + status.sha(), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(status);
    }

    private CheckRun checkRun(long id, JsonNode in, CheckRun old) {
        var output = in.path("output");
        var summary = output.has("summary") ? output.path("summary").asText() : old == null ? null : old.summary();
        var status = in.has("conclusion") ? "completed" : in.path("status").asText(old == null ? "queued" : old.status());
        return new CheckRun(id, old == null ? in.path("head_sha").asText() : old.sha(),
                old == null ? in.path("name").asText() : old.name(), status,
                in.has("conclusion") ? in.path("conclusion").asText() : old == null ? null : old.conclusion(),
                output.has("title") ? output.path("title").asText() : old == null ? null : old.title(), summary,
                in.has("details_url") ? in.path("details_url").asText() : old == null ? null : old.detailsUrl());
    }

    /**
     * Why GitHub would refuse a check run's annotations, or null: at most 50 in one request, each
     * with a path, lines and a level of notice, warning or failure, columns only on one line (REST
     * docs, "Create a check run", output.annotations).
     */
    private static String annotationsRefused(JsonNode in) {
        var list = in.path("output").path("annotations");
        if (list.size() > 50) {
            return "Invalid request. Only 50 annotations may be sent in one request; " + list.size() + " were supplied.";
        }
        for (var a : list) {
            if (a.path("path").asText("").isEmpty() || !a.path("start_line").canConvertToInt()
                    || !a.path("end_line").canConvertToInt() || a.path("message").asText("").isEmpty()) {
                return "Invalid request. An annotation needs path, start_line, end_line and message.";
            }
            if (!Set.of("notice", "warning", "failure").contains(a.path("annotation_level").asText())) {
                return "Invalid request. annotation_level is not one of notice, warning, failure.";
            }
            if (a.has("start_column") && a.path("start_line").asInt() != a.path("end_line").asInt()) {
                return "Invalid request. start_column and end_column are only allowed on one line.";
            }
        }
        return null;
    }

    /** Each request's annotations are added to those the check run has (docs: "annotations are appended"). */
    private void annotate(long checkRunId, JsonNode in) {
        var list = annotations.computeIfAbsent(checkRunId, k -> Collections.synchronizedList(new ArrayList<>()));
        for (var a : in.path("output").path("annotations")) {
            list.add(new Annotation(checkRunId, a.path("path").asText(), a.path("start_line").asInt(),
                    a.path("end_line").asInt(), a.has("start_column") ? a.path("start_column").asInt() : null,
                    a.has("end_column") ? a.path("end_column").asInt() : null, a.path("annotation_level").asText(),
                    a.path("title").asText(null), a.path("message").asText()));
        }
    }

    private ObjectNode checkRunJson(String fullName, CheckRun run) {
        var node = JSON.createObjectNode().put("id", run.id()).put("head_sha", run.sha()).put("name", run.name())
                .put("status", run.status()).put("conclusion", run.conclusion()).put("details_url", run.detailsUrl())
                .put("url", url() + "/repos/" + fullName + "/check-runs/" + run.id())
                .put("html_url", "https://github.example/" + fullName + "/runs/" + run.id())
                .put("started_at", "2026-01-01T00:00:00Z");
        node.putObject("output").put("title", run.title()).put("summary", run.summary());
        node.putObject("app").put("id", appId == null ? 1 : Long.parseLong(appId)).put("slug", appSlug);
        return node;
    }

    private ObjectNode pullJson(PullRequest pr) {
        var node = JSON.createObjectNode().put("id", pr.number() * 13).put("number", pr.number())
                .put("state", pr.open() ? "open" : "closed").put("title", pr.title()).put("draft", pr.draft())
                .put("merged", false).put("url", url() + "/repos/" + pr.repo() + "/pulls/" + pr.number())
                .put("html_url", "https://github.example/" + pr.repo() + "/pull/" + pr.number())
                .put("updated_at", "2026-01-01T00:00:00Z");
        node.set("user", user(pr.author()));
        var headRepo = pr.fork() ? pr.author() + pr.repo().substring(pr.repo().indexOf('/')) : pr.repo();
        var head = node.putObject("head").put("sha", pr.head()).put("ref", "topic")
                .put("label", headRepo.substring(0, headRepo.indexOf('/')) + ":topic");
        head.set("repo", repositoryJson(headRepo));
        var base = node.putObject("base").put("sha", pr.base()).put("ref", pr.baseRef());
        base.set("repo", repositoryJson(pr.repo()));
        return node;
    }

    private ObjectNode repositoryJson(String fullName) {
        var owner = fullName.substring(0, fullName.indexOf('/'));
        var node = JSON.createObjectNode().put("id", Math.abs(fullName.hashCode())).put("name",
                        fullName.substring(owner.length() + 1)).put("full_name", fullName).put("private", false)
                .put("url", url() + "/repos/" + fullName).put("html_url", "https://github.example/" + fullName)
                // "clone_url": "https://github.com/octocat/Hello-World.git" (REST "Get a repository"; also a pull
                // request's head.repo and base.repo)
                .put("clone_url", gitUrl + fullName + ".git").put("default_branch", "master");
        node.set("owner", user(owner));
        return node;
    }

    private ObjectNode commentJson(String fullName, Comment c) {
        var node = JSON.createObjectNode().put("id", c.id()).put("body", c.body())
                .put("url", url() + "/repos/" + fullName + "/issues/comments/" + c.id())
                .put("html_url", "https://github.example/" + fullName + "/pull/" + c.issue() + "#issuecomment-" + c.id())
                .put("issue_url", url() + "/repos/" + fullName + "/issues/" + c.issue())
                .put("created_at", "2026-01-01T00:00:00Z").put("updated_at", "2026-01-01T00:00:00Z");
        node.set("user", user(c.author()));
        return node;
    }

    private ObjectNode installationJson(String account, long id) {
        var node = JSON.createObjectNode().put("id", id).put("app_id", appId == null ? 0 : Long.parseLong(appId))
                .put("target_type", "Organization").put("repository_selection", "all")
                .put("access_tokens_url", url() + "/app/installations/" + id + "/access_tokens");
        node.set("account", user(account));
        node.putObject("permissions").put("checks", "write");
        return node;
    }

    private ObjectNode user(String login) {
        return JSON.createObjectNode().put("login", login).put("id", Math.abs(login.hashCode()))
                .put("type", login.endsWith("[bot]") ? "Bot" : "User").put("url", url() + "/users/" + login);
    }

    /**
     * REST API "Create a check run": {@code output.summary} and {@code output.text} take at most
     * 65,535 characters each; the answer is 422 with the count supplied.
     */
    private static ObjectNode checkRunTooLong(JsonNode in) {
        for (var field : List.of("summary", "text")) {
            var length = characters(in.path("output").path(field).asText(null));
            if (length > MAX_CHECK_RUN_OUTPUT) {
                return error("Invalid request.\n\nOnly " + MAX_CHECK_RUN_OUTPUT + " characters are allowed; " + length
                        + " were supplied.");
            }
        }
        return null;
    }

    /** GitHub refuses an issue comment over 65,536 characters (REST API "Create an issue comment": 422). */
    private static ObjectNode commentTooLong() {
        return invalid("IssueComment", "data", "Body is too long (maximum is 65536 characters)");
    }

    /** GitHub's 422 "Validation Failed" with one error. */
    private static ObjectNode invalid(String resource, String field, String message) {
        var node = error("Validation Failed");
        node.putArray("errors").addObject().put("resource", resource).put("code", "custom").put("field", field)
                .put("message", message);
        return node;
    }

    /** GitHub counts characters, not UTF-16 units. */
    private static int characters(String text) {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message)
                .put("documentation_url", "https://docs.github.com/rest");
    }

    private static Matcher match(String regex, String text) {
        var m = Pattern.compile(regex).matcher(text);
        return m.matches() ? m : null;
    }

    // ---- the forge-neutral view (FakeForge)

    @Override
    public String kind() {
        return "github";
    }

    @Override
    public void gitUrl(String url) {
        this.gitUrl = url.endsWith("/") ? url : url + "/";
    }

    @Override
    public void openChange(String repo, long number, String author, String head, String base, boolean fork,
                           List<String> changedFiles, List<String> commits) {
        pullRequest(new PullRequest(repo, number, "change " + number, author, head, base, "master", fork, true, false,
                changedFiles, commits));
    }

    @Override
    public void changeDiff(String repo, long number, String gitDiff) {
        var pr = pullRequest(repo, number).orElseThrow();
        var diff = ChangeDiff.parse(gitDiff);
        diffs.put(repo.toLowerCase(Locale.ROOT) + "#" + number + "@" + pr.head(), diff);
        pullRequest(new PullRequest(pr.repo(), pr.number(), pr.title(), pr.author(), pr.head(), pr.base(), pr.baseRef(),
                pr.fork(), pr.open(), pr.draft(), diff.names(), pr.commits()));
    }

    @Override
    public List<FakeForge.LineComment> lineCommentsSeen(String repo, long number) {
        var pr = pullRequest(repo, number).orElseThrow();
        return reviewComments(repo, number).stream().map(c -> {
            var shown = reviewCommentJson(pr.repo(), pr, c).path("line");
            return new FakeForge.LineComment(String.valueOf(c.id()), c.user(), c.path(), shown.isNull() ? 0
                    : shown.asInt(), c.body(), false);
        }).toList();
    }

    @Override
    public List<String> reviewBodiesSeen(String repo, long number) {
        return reviews(repo, number).stream().map(Review::body).toList();
    }

    @Override
    public void pushToChange(String repo, long number, String newHead) {
        var pr = pullRequest(repo, number).orElseThrow();
        var commits = new ArrayList<>(pr.commits());
        commits.add(newHead);
        pullRequest(new PullRequest(pr.repo(), pr.number(), pr.title(), pr.author(), newHead, pr.base(), pr.baseRef(),
                pr.fork(), pr.open(), pr.draft(), pr.files(), commits));
    }

    @Override
    public void closeChange(String repo, long number) {
        var pr = pullRequest(repo, number).orElseThrow();
        pullRequest(new PullRequest(pr.repo(), pr.number(), pr.title(), pr.author(), pr.head(), pr.base(), pr.baseRef(),
                pr.fork(), false, pr.draft(), pr.files(), pr.commits()));
    }

    @Override
    public void permission(String repo, String user, dev.labgate.core.forge.Permission.Level level) {
        permission(repo, user, level.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public FakeForge.Comment comment(String repo, long number, String author, String body) {
        var c = addComment(repo, number, author, body);
        return new FakeForge.Comment(String.valueOf(c.id()), c.author(), c.body());
    }

    @Override
    public void approveHead(String repo, long number, String approver) {
        review(repo, number, approver, "APPROVED", pullRequest(repo, number).orElseThrow().head());
    }

    @Override
    public List<FakeForge.Status> statusesSeen(String repo, String sha) {
        var list = seen.get(repo.toLowerCase(Locale.ROOT) + "@" + sha);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    @Override
    public List<FakeForge.Comment> commentsSeen(String repo, long number) {
        return comments(repo, number).stream().map(c -> new FakeForge.Comment(String.valueOf(c.id()), c.author(),
                c.body())).toList();
    }

    @Override
    public Delivery changeDelivery(String repo, long number, String action) {
        var pr = pullRequest(repo, number).orElseThrow();
        var root = JSON.createObjectNode().put("action", action.equals("pushed") ? "synchronize" : "opened")
                .put("number", number);
        root.set("pull_request", pullJson(pr));
        root.set("repository", repositoryJson(pr.repo()));
        root.set("sender", user(pr.author()));
        return new Delivery("pull_request", bytes(root));
    }

    @Override
    public Delivery commentDelivery(String repo, long number, FakeForge.Comment comment) {
        var root = JSON.createObjectNode().put("action", "created");
        var issue = root.putObject("issue").put("number", number).put("title", "change " + number).put("state", "open");
        issue.putObject("pull_request").put("url", url() + "/repos/" + repo + "/pulls/" + number);
        issue.set("user", user(pullRequest(repo, number).map(PullRequest::author).orElse("someone")));
        root.set("comment", commentJson(repo, new Comment(Long.parseLong(comment.id()), number, comment.body(),
                comment.author())));
        root.set("repository", repositoryJson(repo));
        root.set("sender", user(comment.author()));
        return new Delivery("issue_comment", bytes(root));
    }

    @Override
    public Delivery closeDelivery(String repo, long number, String by) {
        var pr = pullRequest(repo, number).orElseThrow();
        var root = JSON.createObjectNode().put("action", "closed").put("number", number);
        root.set("pull_request", pullJson(pr));
        root.set("repository", repositoryJson(pr.repo()));
        root.set("sender", user(by));
        return new Delivery("pull_request", bytes(root));
    }

    @Override
    public Map<String, String> deliveryHeaders(Delivery delivery, String id, String secret) {
        return Map.of("x-github-event", delivery.event(), "x-github-delivery", id, "x-hub-signature-256",
                "sha256=" + Hmac.sha256Hex(secret, delivery.body()), "content-type", "application/json");
    }

    @Override
    public void holdNextStatusWrites(int count) {
        holdNextWrites(count, path -> path.contains("/statuses/") || path.contains("/check-runs"));
    }

    @Override
    public void rateLimitNext(int count) {
        rateLimitNext(count, Limit.SECONDARY);
    }

    @Override
    public int requestCount() {
        return requests().size();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI url() {
        return baseUrl();
    }
}
