package dev.labgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitLab REST API ({@code /api/v4}) on loopback, speaking the shapes gitlab4j-api reads (project
 * paths URL-encoded in the path, form-encoded writes, {@code X-Total-Pages} pagination) and keeping
 * state: merge requests, commit statuses and notes can be read back. It checks the
 * {@code PRIVATE-TOKEN}, can answer 429 and fail. Each test starts its own.
 *
 * <p>It refuses what a released GitLab refuses, each rule with the file it follows: a status
 * without a ref for a commit on no branch of the project (a fork's), a status in the state it is
 * in, a state GitLab has no word for, a description, target URL or note longer than GitLab takes.
 * It knows the commits of a project: its branches' heads and the commits of its merge requests
 * (GitLab keeps every merge request's head in the target project, forks' included).
 */
public final class FakeGitLab extends FakeHttpServer implements FakeForge {

    /** A commit status as GitLab stores it (one entry per write), with the ref of the pipeline it went to. */
    public record Status(String sha, String name, String state, String description, String targetUrl, String ref) {
    }

    /** A note on a merge request; {@code created} and {@code updated} on the fake's own clock. */
    public record Note(long id, long iid, String body, String author, boolean system, Instant created,
                       Instant updated) {
    }

    /**
     * A diff version: GitLab records one each time a merge request's head changes, with the diff
     * between its base (and start) and that head.
     */
    public record Version(long id, String head, String base, String start, Instant created, ChangeDiff diff) {
    }

    /**
     * A merge request as GitLab stores it; {@code sourceBranch} is a branch of the project itself,
     * or of the author's fork when {@code fork}.
     */
    public record MergeRequest(String project, long iid, String title, String author, String head, String base,
                               String targetBranch, String sourceBranch, boolean fork, String state, boolean draft,
                               List<String> files, List<String> commits) {
        public MergeRequest {
            files = List.copyOf(files);
            commits = List.copyOf(commits);
        }
    }

    /** Where a diff note sits: GitLab's position of a text note. */
    public record Position(String baseSha, String startSha, String headSha, String oldPath, String newPath,
                           Integer oldLine, Integer newLine) {
    }

    /**
     * A note of a discussion; {@code position} is null for a discussion that is not on a line,
     * {@code resolvedBy} (who resolved it) null while it is not resolved.
     */
    public record DiscussionNote(long id, String author, String body, Position position, String resolvedBy,
                                 Instant created) {
        public boolean resolved() {
            return resolvedBy != null;
        }
    }

    /** A merge request discussion (a thread) as GitLab stores it. */
    public record Discussion(String id, long iid, List<DiscussionNote> notes) {
        public Discussion {
            notes = List.copyOf(notes);
        }

        public boolean resolved() {
            return notes.stream().allMatch(DiscussionNote::resolved);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROJECT = Pattern.compile("^/api/v4/projects/([^/]+)(/.*)?$");
    private static final Set<String> FINISHED = Set.of("success", "failed", "canceled", "skipped");
    /** The states the statuses API takes (lib/api/commit_statuses.rb: {@code values:}). */
    private static final Set<String> STATES = Set.of("pending", "running", "success", "failed", "canceled", "skipped");
    /** The longest text GitLab stores in a note ({@code Gitlab::Database::MAX_TEXT_SIZE_LIMIT}). */
    private static final int MAX_NOTE = 1_000_000;
    /** The longest status description and target URL (lib/api/commit_statuses.rb, generic_commit_status.rb). */
    private static final int MAX_STATUS_FIELD = 255;

    private final String token;
    private final String botUsername;
    private final Map<String, Long> userIds = new ConcurrentHashMap<>();
    private final Map<Long, String> usernames = new ConcurrentHashMap<>();
    private final Map<String, Integer> access = new ConcurrentHashMap<>();
    private final Map<String, Integer> groupAccess = new ConcurrentHashMap<>();
    private final Map<String, List<String>> gpgKeys = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> sshKeys = new ConcurrentHashMap<>();
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, String> branches = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> branchCommits = new ConcurrentHashMap<>();
    private final Map<String, List<String[]>> pipelines = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> events = new ConcurrentHashMap<>();
    private final Map<String, MergeRequest> mergeRequests = new ConcurrentHashMap<>();
    private final Map<String, String> oldrevs = new ConcurrentHashMap<>();
    private final Map<String, List<Status>> statuses = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Note>> notes = new ConcurrentHashMap<>();
    private final Map<String, List<Version>> versions = new ConcurrentHashMap<>();
    /** Orders the times the fake records (versions, notes): one second per event, so order never ties. */
    private final AtomicLong clock = new AtomicLong();
    private final Map<String, Map<String, Discussion>> discussions = new ConcurrentHashMap<>();
    private volatile int limitedLeft;
    private volatile String gitUrl;

    public FakeGitLab(String token) throws IOException {
        this(token, "labgate-bot");
    }

    public FakeGitLab(String token, String botUsername) throws IOException {
        this.token = token;
        this.botUsername = botUsername;
        user(botUsername);
    }

    public URI url() {
        return baseUrl();
    }

    // ---- what the test sets up

    /** A GitLab account; returns its id. */
    public long user(String username) {
        return userIds.computeIfAbsent(username.toLowerCase(Locale.ROOT), u -> {
            var id = nextId();
            usernames.put(id, username);
            return id;
        });
    }

    /** {@code username}'s access level on a project (10 Guest … 50 Owner), directly or inherited. */
    public FakeGitLab access(String project, String username, int level) {
        user(username);
        access.put(project.toLowerCase(Locale.ROOT) + "#" + username.toLowerCase(Locale.ROOT), level);
        return this;
    }

    public FakeGitLab groupMember(String group, String username, int level) {
        user(username);
        groupAccess.put(group.toLowerCase(Locale.ROOT) + "#" + username.toLowerCase(Locale.ROOT), level);
        return this;
    }

    public FakeGitLab gpgKey(String username, String armored) {
        user(username);
        gpgKeys.computeIfAbsent(username.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(armored);
        return this;
    }

    /**
     * An SSH key of {@code username}'s, with GitLab's {@code usage_type}: {@code auth},
     * {@code signing} or {@code auth_and_signing} (app/models/key.rb).
     */
    public FakeGitLab sshKey(String username, String publicKey, String usageType) {
        var id = user(username);
        var node = JSON.createObjectNode().put("id", nextId()).put("title", "key of " + username)
                .put("created_at", "2026-01-01T00:00:00.000Z").putNull("expires_at").put("key", publicKey)
                .put("usage_type", usageType).put("user_id", id);
        sshKeys.computeIfAbsent(username.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(node);
        return this;
    }

    /** A file on the project's default branch ({@code master}). */
    public FakeGitLab file(String project, String path, String content) {
        files.put(project.toLowerCase(Locale.ROOT) + ":" + path, content);
        return this;
    }

    /** Moves a branch to {@code sha} without a trace in the event log (the log lags behind). */
    public FakeGitLab branch(String project, String branch, String sha) {
        var key = project.toLowerCase(Locale.ROOT) + ":" + branch;
        branches.put(key, sha);
        branchCommits.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(sha);
        return this;
    }

    /** Moves a branch and logs the push as {@code pusher}'s in the project's events. */
    public FakeGitLab push(String project, String branch, String before, String sha, String pusher) {
        user(pusher);
        branch(project, branch, sha);
        var event = JSON.createObjectNode().put("id", nextId()).put("action_name", "pushed to")
                .put("author_id", user(pusher)).put("author_username", pusher).put("created_at", "2026-01-01T00:00:00.000Z");
        event.putObject("push_data").put("commit_count", 1).put("action", "pushed").put("ref_type", "branch")
                .put("commit_from", before).put("commit_to", sha).put("ref", branch).put("commit_title", "a push");
        events.computeIfAbsent(project.toLowerCase(Locale.ROOT), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(0, event);
        return this;
    }

    /**
     * Stores (or replaces) a merge request. Like GitLab, which records a diff version each time the
     * head changes, a new head gets a version; its diff changes the first line of each of the
     * merge request's files until {@link #changeDiff} gives the real one.
     */
    public FakeGitLab mergeRequest(MergeRequest mr) {
        user(mr.author());
        var key = mr.project().toLowerCase(Locale.ROOT) + "!" + mr.iid();
        mergeRequests.put(key, mr);
        var list = versions.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()));
        synchronized (list) {
            if (list.isEmpty() || !list.get(list.size() - 1).head().equals(mr.head())) {
                var diff = new StringBuilder();
                for (var file : mr.files()) {
                    var arrow = file.indexOf(" -> ");
                    var oldPath = arrow > 0 ? file.substring(0, arrow) : file;
                    var newPath = arrow > 0 ? file.substring(arrow + 4) : file;
                    diff.append("diff --git a/").append(oldPath).append(" b/").append(newPath).append("\n--- a/")
                            .append(oldPath).append("\n+++ b/").append(newPath).append("\n@@ -1 +1 @@\n-old\n+new\n");
                }
                list.add(new Version(nextId(), mr.head(), mr.base(), mr.base(), tick(),
                        ChangeDiff.parse(diff.toString())));
            }
        }
        if (!mr.fork()) {
            // A merge request from the project itself: its commits are on its source branch.
            var branch = mr.project().toLowerCase(Locale.ROOT) + ":" + mr.sourceBranch();
            branches.put(branch, mr.head());
            var on = branchCommits.computeIfAbsent(branch, k -> ConcurrentHashMap.newKeySet());
            on.addAll(mr.commits());
            on.add(mr.head());
        }
        return this;
    }

    private Instant tick() {
        return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(clock.incrementAndGet());
    }

    public Optional<MergeRequest> mergeRequest(String project, long iid) {
        return Optional.ofNullable(mergeRequests.get(project.toLowerCase(Locale.ROOT) + "!" + iid));
    }

    @Override
    public void holdNextStatusWrites(int count) {
        holdNextWrites(count, path -> path.contains("/statuses/"));
    }

    /** The next {@code count} requests get 429 with Retry-After. */
    @Override
    public void rateLimitNext(int count) {
        limitedLeft = count;
    }

    /** The pipelines of a commit in a project, oldest first, as their refs. */
    public List<String> pipelineRefs(String project, String sha) {
        return pipelines.getOrDefault(project.toLowerCase(Locale.ROOT), List.of()).stream()
                .filter(p -> p[0].equals(sha)).map(p -> p[1]).toList();
    }

    /** Statuses written for a commit, oldest first. */
    public List<Status> statuses(String project, String sha) {
        return List.copyOf(statuses.getOrDefault(project.toLowerCase(Locale.ROOT) + "@" + sha, List.of()));
    }

    /** Notes of a merge request, oldest first, as they are now. */
    public List<Note> notes(String project, long iid) {
        var map = notes.get(project.toLowerCase(Locale.ROOT) + "!" + iid);
        if (map == null) {
            return List.of();
        }
        synchronized (map) {
            return List.copyOf(map.values());
        }
    }

    /** Adds a note as if a person wrote it. */
    public Note addNote(String project, long iid, String author, String body) {
        user(author);
        var at = tick();
        var note = new Note(nextId(), iid, body, author, false, at, at);
        notes.computeIfAbsent(project.toLowerCase(Locale.ROOT) + "!" + iid, k -> Collections.synchronizedMap(
                new LinkedHashMap<>())).put(note.id(), note);
        return note;
    }

    /** The diff versions of a merge request, oldest first. */
    public List<Version> versions(String project, long iid) {
        var list = versions.get(project.toLowerCase(Locale.ROOT) + "!" + iid);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** A person resolves a thread (in the web page): the whole discussion, by {@code username}. */
    public void resolveDiscussion(String project, long iid, String discussionId, String username) {
        var mr = mergeRequest(project, iid).orElseThrow();
        if (resolve(mr, discussionId, null, true, username).status() != 200) {
            throw new IllegalArgumentException("no discussion " + discussionId + " on " + project + "!" + iid);
        }
    }

    /** Discussions of a merge request, oldest first, as they are now. */
    public List<Discussion> discussions(String project, long iid) {
        var map = discussions.get(project.toLowerCase(Locale.ROOT) + "!" + iid);
        if (map == null) {
            return List.of();
        }
        synchronized (map) {
            return List.copyOf(map.values());
        }
    }

    // ---- the API

    @Override
    protected String decodePath(String rawPath) {
        // Project paths arrive as one encoded segment (acme%2Flinux): decode segment by segment when routing.
        return rawPath;
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String body, HttpExchange exchange)
            throws IOException {
        if (limitedLeft > 0) {
            limitedLeft--;
            return new Answer(429, error("Retry later"), Map.of("Retry-After", "20", "RateLimit-Remaining", "0",
                    "RateLimit-Reset", String.valueOf(Instant.now().plusSeconds(20).getEpochSecond())));
        }
        if (!token.equals(exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
            return Answer.json(401, error("401 Unauthorized"));
        }
        var params = new LinkedHashMap<>(query);
        var type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
            params.putAll(parseQuery(body));
        } else if (!body.isBlank() && type != null && type.startsWith("application/json")) {
            JSON.readTree(body).fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
        }
        Matcher m;
        if (path.equals("/api/v4/user") && method.equals("GET")) {
            return Answer.json(200, userJson(botUsername));
        }
        if (path.equals("/api/v4/users") && method.equals("GET")) {
            var array = JSON.createArrayNode();
            var id = userIds.get(params.getOrDefault("username", "").toLowerCase(Locale.ROOT));
            if (id != null) {
                array.add(userJson(usernames.get(id)));
            }
            return Answer.json(200, array);
        }
        if ((m = match("^/api/v4/users/(\\d+)$", path)) != null) {
            var name = usernames.get(Long.parseLong(m.group(1)));
            return name == null ? Answer.json(404, error("404 User Not Found")) : Answer.json(200, userJson(name));
        }
        if ((m = match("^/api/v4/users/(\\d+)/gpg_keys$", path)) != null) {
            var name = usernames.get(Long.parseLong(m.group(1)));
            var array = new ArrayList<JsonNode>();
            if (name != null) {
                for (var key : gpgKeys.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
                    array.add(JSON.createObjectNode().put("id", Math.abs(key.hashCode())).put("key", key)
                            .put("created_at", "2026-01-01T00:00:00.000Z"));
                }
            }
            return page(params, array);
        }
        if ((m = match("^/api/v4/users/(\\d+)/keys$", path)) != null) {
            // lib/api/users.rb "Get the SSH keys of a user": public, entity SshKey with usage_type (GitLab 15.7+).
            var name = usernames.get(Long.parseLong(m.group(1)));
            return name == null ? Answer.json(404, error("404 User Not Found"))
                    : page(params, new ArrayList<JsonNode>(sshKeys.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())));
        }
        if ((m = match("^/api/v4/groups/([^/]+)/members/all/(\\d+)$", path)) != null) {
            var name = usernames.get(Long.parseLong(m.group(2)));
            var level = name == null ? null : groupAccess.get(segment(m.group(1)).toLowerCase(Locale.ROOT) + "#"
                    + name.toLowerCase(Locale.ROOT));
            return level == null ? Answer.json(404, error("404 Not found")) : Answer.json(200, memberJson(name, level));
        }
        var project = PROJECT.matcher(path);
        if (!project.matches()) {
            return Answer.json(404, error("404 Not Found"));
        }
        return project(method, segment(project.group(1)), project.group(2) == null ? "" : project.group(2), params);
    }

    private Answer project(String method, String name, String rest, Map<String, String> params) {
        var key = name.toLowerCase(Locale.ROOT);
        Matcher m;
        if (rest.isEmpty() && method.equals("GET")) {
            return Answer.json(200, projectJson(name));
        }
        if ((m = match("^/members/all/(\\d+)$", rest)) != null && method.equals("GET")) {
            var user = usernames.get(Long.parseLong(m.group(1)));
            var level = user == null ? null : access.get(key + "#" + user.toLowerCase(Locale.ROOT));
            return level == null ? Answer.json(404, error("404 Not found")) : Answer.json(200, memberJson(user, level));
        }
        if ((m = match("^/statuses/([0-9a-f]{40})$", rest)) != null && method.equals("POST")) {
            return postStatus(key, m.group(1), params);
        }
        if ((m = match("^/repository/commits/([0-9a-f]{40})/statuses$", rest)) != null && method.equals("GET")) {
            // lib/api/commit_statuses.rb: without all=true only the latest status of each name, filtered by name.
            var all = "true".equals(params.get("all"));
            var wanted = params.get("name");
            var latest = new LinkedHashMap<String, Status>();
            var array = new ArrayList<JsonNode>();
            for (var status : statuses(name, m.group(1))) {
                if (wanted != null && !wanted.equals(status.name())) {
                    continue;
                }
                if (all) {
                    array.add(statusJson(status));
                } else {
                    latest.remove(status.name());
                    latest.put(status.name(), status);
                }
            }
            latest.values().forEach(st -> array.add(statusJson(st)));
            return page(params, array);
        }
        if (rest.equals("/merge_requests") && method.equals("GET")) {
            var wanted = params.getOrDefault("state", "all");
            var list = mergeRequests.values().stream().filter(mr -> mr.project().equalsIgnoreCase(name))
                    .filter(mr -> wanted.equals("all") || mr.state().equals(wanted))
                    .sorted((a, b) -> Long.compare(b.iid(), a.iid())).<JsonNode>map(mr -> mergeRequestJson(mr, false))
                    .toList();
            return page(params, new ArrayList<>(list));
        }
        if ((m = match("^/merge_requests/(\\d+)(/.*)?$", rest)) != null) {
            var mr = mergeRequests.get(key + "!" + m.group(1));
            if (mr == null) {
                // An iid the project never gave: 404 {"message":"404 Not found"} (lib/api/api.rb, rescue_from
                // ActiveRecord::RecordNotFound).
                return Answer.json(404, error("404 Not found"));
            }
            return mergeRequest(method, mr, m.group(2) == null ? "" : m.group(2), params);
        }
        if ((m = match("^/repository/files/([^/]+)/raw$", rest)) != null && method.equals("GET")) {
            if (!"master".equals(params.get("ref"))) {
                return Answer.json(404, error("404 File Not Found"));
            }
            var content = files.get(key + ":" + segment(m.group(1)));
            return content == null ? Answer.json(404, error("404 File Not Found"))
                    : Answer.json(200, JSON.getNodeFactory().textNode(content));
        }
        if ((m = match("^/repository/branches/([^/]+)$", rest)) != null && method.equals("GET")) {
            var branch = segment(m.group(1));
            var sha = branches.get(key + ":" + branch);
            if (sha == null) {
                return Answer.json(404, error("404 Branch Not Found"));
            }
            var node = JSON.createObjectNode().put("name", branch).put("merged", false).put("protected", false)
                    .put("default", branch.equals("master"));
            node.putObject("commit").put("id", sha).put("short_id", sha.substring(0, 8)).put("title", "head");
            return Answer.json(200, node);
        }
        if (rest.equals("/events") && method.equals("GET")) {
            var list = new ArrayList<JsonNode>(events.getOrDefault(key, List.of()));
            return page(params, list);
        }
        return Answer.json(404, error("404 Not Found"));
    }

    /**
     * {@code POST /projects/:id/statuses/:sha} as {@code Ci::CreateCommitStatusService} answers it
     * (app/services/ci/create_commit_status_service.rb, GitLab 16.x to 18.x).
     */
    private Answer postStatus(String key, String sha, Map<String, String> params) {
        var state = params.getOrDefault("state", "");
        // Grape checks the parameter's values before the service runs (lib/api/commit_statuses.rb).
        if (!STATES.contains(state)) {
            return Answer.json(400, JSON.createObjectNode().put("error", "state does not have a valid value"));
        }
        // validate: "404 Commit Not Found" when the project has no such commit.
        if (!commitExists(key, sha)) {
            return Answer.json(404, error("404 Commit Not Found"));
        }
        // ref: the given one, else the ref of the newest pipeline of the commit, else the first branch holding it.
        var given = params.get("ref");
        var ref = given != null && !given.isBlank() ? given : newestPipelineRef(key, sha).or(() -> branchContaining(key, sha))
                .orElse(null);
        if (ref == null) {
            return Answer.json(404, error("404 References for commit Not Found"));
        }
        var description = params.get("description");
        var target = params.get("target_url");
        // The API documents 255 characters for both; GenericCommitStatus validates the target URL's length.
        if (description != null && description.codePointCount(0, description.length()) > MAX_STATUS_FIELD) {
            return Answer.json(400, JSON.createObjectNode().set("message", JSON.createObjectNode()
                    .set("description", JSON.createArrayNode().add("is too long (maximum is 255 characters)"))));
        }
        if (target != null && target.codePointCount(0, target.length()) > MAX_STATUS_FIELD) {
            return Answer.json(400, JSON.createObjectNode().set("message", JSON.createObjectNode()
                    .set("target_url", JSON.createArrayNode().add("is too long (maximum is 255 characters)"))));
        }
        var status = new Status(sha, params.getOrDefault("name", params.getOrDefault("context", "default")), state,
                description, target, ref);
        var list = statuses.computeIfAbsent(key + "@" + sha, k -> Collections.synchronizedList(new ArrayList<>()));
        synchronized (list) {
            // The job of that name and ref still running or pending moves on; it cannot move to where it is.
            var current = list.stream().filter(s -> s.name().equals(status.name()) && s.ref().equals(ref))
                    .reduce((a, b) -> b);
            if (current.isPresent() && current.get().state().equals(state) && !FINISHED.contains(state)) {
                return Answer.json(400, error("Cannot transition status via :" + (state.equals("pending")
                        ? "enqueue" : "run") + " from :" + state + " (Reason(s): Status cannot transition via \""
                        + (state.equals("pending") ? "enqueue" : "run") + "\")"));
            }
            list.add(status);
        }
        if (newestPipelineRef(key, sha).filter(ref::equals).isEmpty()) {
            pipelines.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new String[] {sha, ref});
        }
        var out = JSON.createObjectNode().put("id", nextId()).put("sha", sha).put("ref", ref).put("status", state)
                .put("name", status.name()).put("description", status.description())
                .put("target_url", status.targetUrl()).put("created_at", "2026-01-01T00:00:00.000Z")
                .put("allow_failure", false);
        out.set("author", userJson(botUsername));
        return Answer.json(201, out);
    }

    /** Whether the project's repository has the commit: on a branch, or in a merge request's refs. */
    private boolean commitExists(String key, String sha) {
        return branchContaining(key, sha).isPresent() || mergeRequests.values().stream()
                .filter(mr -> mr.project().toLowerCase(Locale.ROOT).equals(key))
                .anyMatch(mr -> mr.head().equals(sha) || sha.equals(mr.base()) || mr.commits().contains(sha));
    }

    /** {@code repository.branch_names_contains(sha).first}: a branch of this project that holds the commit. */
    private Optional<String> branchContaining(String key, String sha) {
        return branchCommits.entrySet().stream().filter(e -> e.getKey().startsWith(key + ":"))
                .filter(e -> e.getValue().contains(sha)).map(e -> e.getKey().substring(key.length() + 1)).sorted()
                .findFirst();
    }

    /** {@code first_matching_pipeline&.ref}: the ref of the newest pipeline of the commit. */
    private Optional<String> newestPipelineRef(String key, String sha) {
        var list = pipelines.getOrDefault(key, List.of());
        synchronized (list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i)[0].equals(sha)) {
                    return Optional.of(list.get(i)[1]);
                }
            }
        }
        return Optional.empty();
    }

    private Answer mergeRequest(String method, MergeRequest mr, String rest, Map<String, String> params) {
        var key = mr.project().toLowerCase(Locale.ROOT) + "!" + mr.iid();
        Matcher m;
        if (rest.isEmpty() && method.equals("GET")) {
            return Answer.json(200, mergeRequestJson(mr, true));
        }
        if (rest.equals("/diffs") && method.equals("GET")) {
            var list = new ArrayList<JsonNode>();
            currentVersion(mr).orElseThrow().diff().files().forEach(f -> list.add(diffJson(f)));
            return page(params, list);
        }
        // docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions: newest first, one per head;
        // .../versions/:id has the version's diffs.
        if (rest.equals("/versions") && method.equals("GET")) {
            var list = new ArrayList<JsonNode>();
            versions(mr.project(), mr.iid()).forEach(v -> list.add(0, versionJson(mr, v)));
            return page(params, list);
        }
        if ((m = match("^/versions/(\\d+)$", rest)) != null && method.equals("GET")) {
            var id = Long.parseLong(m.group(1));
            var found = versions(mr.project(), mr.iid()).stream().filter(v -> v.id() == id).findFirst();
            if (found.isEmpty()) {
                return Answer.json(404, error("404 Not found"));
            }
            var node = versionJson(mr, found.get());
            node.putArray("commits");
            var diffs = node.putArray("diffs");
            found.get().diff().files().forEach(f -> diffs.add(diffJson(f)));
            return Answer.json(200, node);
        }
        if (rest.equals("/discussions") && method.equals("GET")) {
            var list = new ArrayList<JsonNode>();
            discussions(mr.project(), mr.iid()).forEach(d -> list.add(discussionJson(mr, d)));
            return page(params, list);
        }
        if (rest.equals("/discussions") && method.equals("POST")) {
            return createDiscussion(mr, params);
        }
        if ((m = match("^/discussions/([0-9a-f]+)$", rest)) != null && method.equals("PUT")) {
            if (!params.containsKey("resolved")) {
                return Answer.json(400, JSON.createObjectNode().put("error", "resolved is missing"));
            }
            return resolve(mr, m.group(1), null, Boolean.parseBoolean(params.get("resolved")), botUsername);
        }
        if ((m = match("^/discussions/([0-9a-f]+)/notes/(\\d+)$", rest)) != null && method.equals("PUT")) {
            if (params.containsKey("resolved") == params.containsKey("body")) {
                return Answer.json(400, JSON.createObjectNode().put("error", "body, resolved are mutually exclusive"));
            }
            if (params.containsKey("resolved")) {
                return resolve(mr, m.group(1), Long.parseLong(m.group(2)), Boolean.parseBoolean(params.get("resolved")),
                        botUsername);
            }
            return editDiscussionNote(mr, m.group(1), Long.parseLong(m.group(2)), params.get("body"));
        }
        if (rest.equals("/commits") && method.equals("GET")) {
            var list = new ArrayList<JsonNode>();
            for (var sha : mr.commits()) {
                list.add(0, JSON.createObjectNode().put("id", sha).put("short_id", sha.substring(0, 8))
                        .put("title", "commit " + sha.substring(0, 7)).put("author_name", mr.author())
                        .put("created_at", "2026-01-01T00:00:00.000Z"));
            }
            return page(params, list);
        }
        if (rest.equals("/notes") && method.equals("GET")) {
            // Every note of the merge request, those of threads too, oldest first (docs: "List all merge request notes").
            var all = new ArrayList<Note>(notes(mr.project(), mr.iid()));
            discussions(mr.project(), mr.iid()).forEach(d -> d.notes().forEach(n -> all.add(new Note(n.id(), mr.iid(),
                    n.body(), n.author(), false, n.created(), n.created()))));
            all.sort(Comparator.comparingLong(Note::id));
            var list = new ArrayList<JsonNode>();
            all.forEach(n -> list.add(noteJson(mr, n)));
            if ("desc".equals(params.get("sort"))) {
                Collections.reverse(list);
            }
            return page(params, list);
        }
        if (rest.equals("/notes") && method.equals("POST")) {
            if (tooLong(params.get("body"))) {
                return Answer.json(400, noteTooLong());
            }
            var at = tick();
            var note = new Note(nextId(), mr.iid(), params.getOrDefault("body", ""), botUsername, false, at, at);
            notes.computeIfAbsent(key, k -> Collections.synchronizedMap(new LinkedHashMap<>())).put(note.id(), note);
            return Answer.json(201, noteJson(mr, note));
        }
        if ((m = match("^/notes/(\\d+)$", rest)) != null && method.equals("PUT")) {
            var map = notes.get(key);
            var id = Long.parseLong(m.group(1));
            var old = map == null ? null : map.get(id);
            if (old == null) {
                return Answer.json(404, error("404 Not found"));
            }
            if (!old.author().equalsIgnoreCase(botUsername)) {
                return Answer.json(403, error("403 Forbidden"));
            }
            if (tooLong(params.get("body"))) {
                return Answer.json(400, noteTooLong());
            }
            var note = new Note(id, old.iid(), params.getOrDefault("body", old.body()), old.author(), false,
                    old.created(), tick());
            map.put(id, note);
            return Answer.json(200, noteJson(mr, note));
        }
        return Answer.json(404, error("404 Not Found"));
    }

    private Optional<Version> currentVersion(MergeRequest mr) {
        return versions(mr.project(), mr.iid()).stream().filter(v -> v.head().equals(mr.head())).reduce((a, b) -> b);
    }

    /**
     * POST /merge_requests/:iid/discussions as GitLab answers it (lib/api/discussions.rb): with a
     * position, a DiffNote whose line must be a line of the diff between the position's start and
     * head SHAs: an added line by {@code new_line} alone, a removed one by {@code old_line} alone, a
     * context line by both (Gitlab::Diff::File#line_for_position). Anything else leaves the note
     * without a line code, which GitLab refuses with 400 (DiffNote validates :line_code).
     */
    private Answer createDiscussion(MergeRequest mr, Map<String, String> params) {
        var body = params.get("body");
        if (body == null || body.isBlank()) {
            return Answer.json(400, JSON.createObjectNode().put("error", "body is missing"));
        }
        if (body.length() > 1_000_000) {
            return Answer.json(400, error("400 Bad request - Note {:note=>[\"is too long (maximum is 1000000 characters)\"]}"));
        }
        Position position = null;
        if (params.keySet().stream().anyMatch(k -> k.startsWith("position["))) {
            for (var required : List.of("base_sha", "start_sha", "head_sha", "position_type")) {
                if (!params.containsKey("position[" + required + "]")) {
                    return Answer.json(400, JSON.createObjectNode().put("error", "position[" + required + "] is missing"));
                }
            }
            if (!Set.of("text", "image").contains(params.get("position[position_type]"))) {
                return Answer.json(400, JSON.createObjectNode().put("error",
                        "position[position_type] does not have a valid value"));
            }
            position = new Position(params.get("position[base_sha]"), params.get("position[start_sha]"),
                    params.get("position[head_sha]"), params.get("position[old_path]"), params.get("position[new_path]"),
                    integer(params.get("position[old_line]")), integer(params.get("position[new_line]")));
            if (!onDiff(mr, position)) {
                return Answer.json(400, error("400 Bad request - Note {:line_code=>[\"can't be blank\", "
                        + "\"must be a valid line code\"]}"));
            }
        }
        var note = new DiscussionNote(nextId(), botUsername, body, position, null, tick());
        var discussion = new Discussion(String.format(Locale.ROOT, "%040x", nextId()), mr.iid(), List.of(note));
        discussions.computeIfAbsent(mr.project().toLowerCase(Locale.ROOT) + "!" + mr.iid(),
                k -> Collections.synchronizedMap(new LinkedHashMap<>())).put(discussion.id(), discussion);
        return Answer.json(201, discussionJson(mr, discussion));
    }

    private boolean onDiff(MergeRequest mr, Position position) {
        var version = versions(mr.project(), mr.iid()).stream().filter(v -> v.base().equals(position.baseSha())
                && v.start().equals(position.startSha()) && v.head().equals(position.headSha())).findFirst();
        if (version.isEmpty()) {
            return false;
        }
        var path = position.newPath() != null ? position.newPath() : position.oldPath();
        return version.get().diff().files().stream()
                .filter(f -> f.newPath().equals(path) || f.oldPath().equals(path))
                .flatMap(f -> f.hunks().stream()).flatMap(h -> h.lines().stream())
                .anyMatch(l -> Objects.equals(l.oldLine(), position.oldLine())
                        && Objects.equals(l.newLine(), position.newLine()));
    }

    /**
     * PUT .../discussions/:id (the whole thread) or .../discussions/:id/notes/:note_id with
     * {@code resolved} (lib/api/discussions.rb: resolve_discussion, resolve_note).
     */
    private Answer resolve(MergeRequest mr, String id, Long noteId, boolean resolved, String by) {
        var map = discussions.get(mr.project().toLowerCase(Locale.ROOT) + "!" + mr.iid());
        var discussion = map == null ? null : map.get(id);
        if (discussion == null) {
            return Answer.json(404, error("404 Discussion Not Found"));
        }
        var notes = discussion.notes().stream().map(n -> noteId == null || n.id() == noteId
                ? new DiscussionNote(n.id(), n.author(), n.body(), n.position(), resolved ? by : null, n.created())
                : n).toList();
        var updated = new Discussion(id, discussion.iid(), notes);
        map.put(id, updated);
        return Answer.json(200, discussionJson(mr, updated));
    }

    /** PUT .../discussions/:id/notes/:note_id with {@code body}: only the note's author may edit it (lib/api/discussions.rb). */
    private Answer editDiscussionNote(MergeRequest mr, String id, long noteId, String body) {
        var map = discussions.get(mr.project().toLowerCase(Locale.ROOT) + "!" + mr.iid());
        var discussion = map == null ? null : map.get(id);
        var note = discussion == null ? null : discussion.notes().stream().filter(n -> n.id() == noteId).findFirst()
                .orElse(null);
        if (note == null) {
            return Answer.json(404, error("404 Note Not Found"));
        }
        if (!note.author().equalsIgnoreCase(botUsername)) {
            return Answer.json(403, error("403 Forbidden"));
        }
        var edited = new DiscussionNote(noteId, note.author(), body, note.position(), note.resolvedBy(), note.created());
        map.put(id, new Discussion(id, discussion.iid(), discussion.notes().stream().map(n -> n.id() == noteId ? edited
                : n).toList()));
        return Answer.json(200, discussionNoteJson(mr, edited));
    }

    private ObjectNode versionJson(MergeRequest mr, Version v) {
        return JSON.createObjectNode().put("id", v.id()).put("head_commit_sha", v.head()).put("base_commit_sha", v.base())
                .put("start_commit_sha", v.start()).put("created_at", v.created().toString())
                .put("merge_request_id", mr.iid() * 17).put("state", "collected")
                .put("real_size", String.valueOf(v.diff().files().size()));
    }

    private static ObjectNode diffJson(ChangeDiff.File f) {
        return JSON.createObjectNode().put("old_path", f.oldPath()).put("new_path", f.newPath()).put("a_mode", "100644")
                .put("b_mode", "100644").put("new_file", f.status() == ChangeDiff.Status.ADDED)
                .put("renamed_file", f.status() == ChangeDiff.Status.RENAMED)
                .put("deleted_file", f.status() == ChangeDiff.Status.REMOVED).put("diff", f.patch());
    }

    private ObjectNode discussionJson(MergeRequest mr, Discussion d) {
        var node = JSON.createObjectNode().put("id", d.id()).put("individual_note", false);
        var notes = node.putArray("notes");
        d.notes().forEach(n -> notes.add(discussionNoteJson(mr, n)));
        return node;
    }

    private ObjectNode discussionNoteJson(MergeRequest mr, DiscussionNote n) {
        var node = JSON.createObjectNode().put("id", n.id()).put("type", n.position() == null ? "DiscussionNote"
                        : "DiffNote").put("body", n.body()).put("system", false).put("noteable_type", "MergeRequest")
                .put("noteable_id", mr.iid() * 17).put("noteable_iid", mr.iid()).put("resolvable", true)
                .put("resolved", n.resolved()).put("created_at", "2026-01-01T00:00:00.000Z")
                .put("updated_at", "2026-01-01T00:00:00.000Z");
        node.set("author", userJson(n.author()));
        // lib/api/entities/note.rb: resolved_by is the user who resolved the note, null while it is open.
        if (n.resolved()) {
            node.set("resolved_by", userJson(n.resolvedBy()));
        } else {
            node.putNull("resolved_by");
        }
        if (n.position() != null) {
            var p = n.position();
            var position = node.putObject("position").put("base_sha", p.baseSha()).put("start_sha", p.startSha())
                    .put("head_sha", p.headSha()).put("old_path", p.oldPath()).put("new_path", p.newPath())
                    .put("position_type", "text");
            if (p.oldLine() == null) {
                position.putNull("old_line");
            } else {
                position.put("old_line", p.oldLine());
            }
            if (p.newLine() == null) {
                position.putNull("new_line");
            } else {
                position.put("new_line", p.newLine());
            }
        }
        return node;
    }

    private static Integer integer(String text) {
        return text == null || text.isBlank() ? null : Integer.valueOf(text.strip());
    }

    // ---- the forge-neutral view (FakeForge)

    @Override
    public String kind() {
        return "gitlab";
    }

    @Override
    public void gitUrl(String url) {
        this.gitUrl = url.endsWith("/") ? url : url + "/";
    }

    @Override
    public void openChange(String repo, long number, String author, String head, String base, boolean fork,
                           List<String> changedFiles, List<String> commits) {
        mergeRequest(new MergeRequest(repo, number, "change " + number, author, head, base, "master",
                "change-" + number, fork, "opened", false, changedFiles, commits));
    }

    @Override
    public void changeDiff(String repo, long number, String gitDiff) {
        var mr = mergeRequest(repo, number).orElseThrow();
        var diff = ChangeDiff.parse(gitDiff);
        var list = versions.computeIfAbsent(repo.toLowerCase(Locale.ROOT) + "!" + number,
                k -> Collections.synchronizedList(new ArrayList<>()));
        synchronized (list) {
            // The head keeps its version (GitLab makes one per push), now with the real diff.
            for (int i = 0; i < list.size(); i++) {
                var v = list.get(i);
                if (v.head().equals(mr.head())) {
                    list.set(i, new Version(v.id(), v.head(), v.base(), v.start(), v.created(), diff));
                }
            }
        }
        mergeRequest(new MergeRequest(mr.project(), mr.iid(), mr.title(), mr.author(), mr.head(), mr.base(),
                mr.targetBranch(), mr.sourceBranch(), mr.fork(), mr.state(), mr.draft(), diff.names(), mr.commits()));
    }

    @Override
    public List<FakeForge.LineComment> lineCommentsSeen(String repo, long number) {
        return discussions(repo, number).stream().filter(d -> d.notes().get(0).position() != null).map(d -> {
            var first = d.notes().get(0);
            return new FakeForge.LineComment(String.valueOf(first.id()), first.author(), first.position().newPath(),
                    first.position().newLine() == null ? 0 : first.position().newLine(), first.body(), d.resolved());
        }).toList();
    }

    @Override
    public List<String> reviewBodiesSeen(String repo, long number) {
        return discussions(repo, number).stream().filter(d -> d.notes().get(0).position() == null)
                .map(d -> d.notes().get(0).body()).toList();
    }

    @Override
    public void pushToChange(String repo, long number, String newHead) {
        var mr = mergeRequest(repo, number).orElseThrow();
        var commits = new ArrayList<>(mr.commits());
        commits.add(newHead);
        oldrevs.put(repo.toLowerCase(Locale.ROOT) + "!" + number, mr.head());
        mergeRequest(new MergeRequest(mr.project(), mr.iid(), mr.title(), mr.author(), newHead, mr.base(),
                mr.targetBranch(), mr.sourceBranch(), mr.fork(), mr.state(), mr.draft(), mr.files(), commits));
    }

    @Override
    public void closeChange(String repo, long number) {
        var mr = mergeRequest(repo, number).orElseThrow();
        mergeRequest(new MergeRequest(mr.project(), mr.iid(), mr.title(), mr.author(), mr.head(), mr.base(),
                mr.targetBranch(), mr.sourceBranch(), mr.fork(), "closed", mr.draft(), mr.files(), mr.commits()));
    }

    @Override
    public void permission(String repo, String user, dev.labgate.core.forge.Permission.Level level) {
        var key = repo.toLowerCase(Locale.ROOT) + "#" + user.toLowerCase(Locale.ROOT);
        switch (level) {
            case NONE -> {
                user(user);
                access.remove(key);
            }
            case READ, TRIAGE -> access(repo, user, 20);
            case WRITE -> access(repo, user, 30);
            case MAINTAIN -> access(repo, user, 40);
            case ADMIN -> access(repo, user, 50);
        }
    }

    @Override
    public FakeForge.Comment comment(String repo, long number, String author, String body) {
        var note = addNote(repo, number, author, body);
        return new FakeForge.Comment(String.valueOf(note.id()), note.author(), note.body());
    }

    @Override
    public void approveHead(String repo, long number, String approver) {
        addNote(repo, number, approver, "/labgate ok-to-test");
    }

    /** Edits a person's note, as its author can; its {@code updated_at} moves on. */
    public void editNote(String project, long iid, long id, String body) {
        var map = notes.get(project.toLowerCase(Locale.ROOT) + "!" + iid);
        var old = map.get(id);
        map.put(id, new Note(id, iid, body, old.author(), old.system(), old.created(), tick()));
    }

    @Override
    public List<FakeForge.Status> statusesSeen(String repo, String sha) {
        return statuses(repo, sha).stream().map(s -> new FakeForge.Status(s.sha(), s.name(), switch (s.state()) {
            case "pending", "running", "created" -> FakeForge.State.PENDING;
            case "success" -> FakeForge.State.SUCCESS;
            default -> FakeForge.State.FAILURE;
        }, s.description(), s.targetUrl(), "")).toList();
    }

    @Override
    public List<FakeForge.Comment> commentsSeen(String repo, long number) {
        return notes(repo, number).stream().map(n -> new FakeForge.Comment(String.valueOf(n.id()), n.author(),
                n.body())).toList();
    }

    @Override
    public Delivery changeDelivery(String repo, long number, String action) {
        var mr = mergeRequest(repo, number).orElseThrow();
        var root = hook("merge_request", mr.author());
        var attributes = mergeRequestHookJson(root, mr);
        attributes.put("action", action.equals("pushed") ? "update" : "open");
        if (action.equals("pushed")) {
            attributes.put("oldrev", oldrevs.getOrDefault(repo.toLowerCase(Locale.ROOT) + "!" + number, mr.base()));
        }
        return new Delivery("Merge Request Hook", bytes(root));
    }

    @Override
    public Delivery commentDelivery(String repo, long number, FakeForge.Comment comment) {
        var mr = mergeRequest(repo, number).orElseThrow();
        var root = hook("note", comment.author());
        root.put("project_id", Math.abs(mr.project().hashCode()));
        root.set("project", projectJson(mr.project()));
        root.putObject("object_attributes").put("id", Long.parseLong(comment.id())).put("note", comment.body())
                .put("noteable_type", "MergeRequest").put("author_id", user(comment.author())).put("system", false)
                .put("action", "create").put("noteable_id", mr.iid() * 17)
                .put("url", url() + "/" + mr.project() + "/-/merge_requests/" + mr.iid() + "#note_" + comment.id());
        var request = root.putObject("merge_request").put("id", mr.iid() * 17).put("iid", mr.iid())
                .put("title", mr.title()).put("state", mr.state()).put("target_branch", mr.targetBranch())
                .put("author_id", user(mr.author()));
        request.putObject("last_commit").put("id", mr.head());
        return new Delivery("Note Hook", bytes(root));
    }

    @Override
    public Delivery closeDelivery(String repo, long number, String by) {
        var mr = mergeRequest(repo, number).orElseThrow();
        var root = hook("merge_request", by);
        mergeRequestHookJson(root, mr).put("action", "close");
        return new Delivery("Merge Request Hook", bytes(root));
    }

    @Override
    public Map<String, String> deliveryHeaders(Delivery delivery, String id, String secret) {
        return Map.of("x-gitlab-event", delivery.event(), "x-gitlab-token", secret, "idempotency-key", id,
                "content-type", "application/json");
    }

    @Override
    public int requestCount() {
        return requests().size();
    }

    /** The common head of GitLab hook payloads: the kind, and the user whose action fired the hook. */
    private ObjectNode hook(String kind, String username) {
        var root = JSON.createObjectNode().put("object_kind", kind).put("event_type", kind);
        root.putObject("user").put("id", user(username)).put("name", username).put("username", username)
                .put("avatar_url", (String) null);
        return root;
    }

    private ObjectNode mergeRequestHookJson(ObjectNode root, MergeRequest mr) {
        root.set("project", projectJson(mr.project()));
        var attributes = root.putObject("object_attributes").put("id", mr.iid() * 17).put("iid", mr.iid())
                .put("target_branch", mr.targetBranch()).put("source_branch", mr.sourceBranch())
                .put("source_project_id", mr.fork() ? Math.abs((mr.author() + "/fork").hashCode())
                        : Math.abs(mr.project().hashCode()))
                .put("target_project_id", Math.abs(mr.project().hashCode())).put("author_id", user(mr.author()))
                .put("title", mr.title()).put("state", mr.state()).put("draft", mr.draft())
                .put("work_in_progress", mr.draft())
                .put("url", url() + "/" + mr.project() + "/-/merge_requests/" + mr.iid());
        // "source": {"git_http_url": "http://example.com/awesome_space/awesome_project.git", ...}: the source
        // project, a fork's for a merge request from a fork (webhook docs, "Merge request events").
        var source = mr.fork() ? mr.author() + mr.project().substring(mr.project().indexOf('/')) : mr.project();
        attributes.putObject("source").put("path_with_namespace", source)
                .put("git_http_url", (gitUrl == null ? url() + "/" : gitUrl) + source + ".git");
        attributes.putObject("last_commit").put("id", mr.head()).put("message", "the head")
                .put("timestamp", "2026-01-01T00:00:00+00:00");
        root.putObject("repository").put("name", mr.project()).put("url", url() + "/" + mr.project() + ".git");
        return attributes;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A commit status as the API shows it. */
    private ObjectNode statusJson(Status status) {
        var out = JSON.createObjectNode().put("id", nextId()).put("sha", status.sha()).put("ref", status.ref())
                .put("status", status.state())
                .put("name", status.name()).put("description", status.description())
                .put("target_url", status.targetUrl()).put("created_at", "2026-01-01T00:00:00.000Z")
                .put("allow_failure", false);
        out.set("author", userJson(botUsername));
        return out;
    }

    /** A page of a list with GitLab's pagination headers. */
    private Answer page(Map<String, String> params, List<JsonNode> all) {
        var perPage = Math.max(1, Integer.parseInt(params.getOrDefault("per_page", "20")));
        var page = Math.max(1, Integer.parseInt(params.getOrDefault("page", "1")));
        var from = Math.min(all.size(), (page - 1) * perPage);
        var to = Math.min(all.size(), from + perPage);
        var array = JSON.createArrayNode();
        all.subList(from, to).forEach(array::add);
        var pages = Math.max(1, (all.size() + perPage - 1) / perPage);
        var headers = new LinkedHashMap<String, String>();
        headers.put("X-Page", String.valueOf(page));
        headers.put("X-Per-Page", String.valueOf(perPage));
        headers.put("X-Total", String.valueOf(all.size()));
        headers.put("X-Total-Pages", String.valueOf(pages));
        headers.put("X-Next-Page", page < pages ? String.valueOf(page + 1) : "");
        return new Answer(200, array, headers);
    }

    private ObjectNode mergeRequestJson(MergeRequest mr, boolean single) {
        var node = JSON.createObjectNode().put("id", mr.iid() * 17).put("iid", mr.iid())
                .put("project_id", Math.abs(mr.project().hashCode())).put("title", mr.title()).put("state", mr.state())
                .put("target_branch", mr.targetBranch()).put("source_branch", mr.sourceBranch())
                .put("target_project_id", Math.abs(mr.project().hashCode()))
                .put("source_project_id", mr.fork() ? Math.abs((mr.author() + "/fork").hashCode())
                        : Math.abs(mr.project().hashCode()))
                .put("sha", mr.head()).put("draft", mr.draft()).put("work_in_progress", mr.draft())
                .put("web_url", url() + "/" + mr.project() + "/-/merge_requests/" + mr.iid())
                .put("created_at", "2026-01-01T00:00:00.000Z").put("updated_at", "2026-01-01T00:00:00.000Z");
        node.set("author", userJson(mr.author()));
        if (single) {
            var version = currentVersion(mr);
            node.putObject("diff_refs").put("base_sha", version.map(Version::base).orElse(mr.base()))
                    .put("head_sha", mr.head()).put("start_sha", version.map(Version::start).orElse(mr.base()));
        }
        return node;
    }

    private ObjectNode noteJson(MergeRequest mr, Note note) {
        var node = JSON.createObjectNode().put("id", note.id()).put("body", note.body()).put("system", note.system())
                .put("noteable_type", "MergeRequest").put("noteable_id", mr.iid() * 17).put("noteable_iid", mr.iid())
                .put("created_at", note.created().toString()).put("updated_at", note.updated().toString());
        node.set("author", userJson(note.author()));
        return node;
    }

    private ObjectNode projectJson(String path) {
        return JSON.createObjectNode().put("id", Math.abs(path.hashCode())).put("path_with_namespace", path)
                .put("name", path.substring(path.lastIndexOf('/') + 1)).put("path", path.substring(path.lastIndexOf('/') + 1))
                .put("default_branch", "master").put("web_url", url() + "/" + path)
                .put("http_url_to_repo", url() + "/" + path + ".git");
    }

    private ObjectNode memberJson(String username, int level) {
        var node = userJson(username);
        node.put("access_level", level);
        return node;
    }

    private ObjectNode userJson(String username) {
        return JSON.createObjectNode().put("id", user(username)).put("username", username).put("name", username)
                .put("state", "active").put("web_url", url() + "/" + username);
    }

    private static String segment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Notes::ActiveRecord validates the note's length (app/models/concerns/notes/active_record.rb). */
    private static boolean tooLong(String body) {
        return body != null && body.codePointCount(0, body.length()) > MAX_NOTE;
    }

    private static ObjectNode noteTooLong() {
        var message = JSON.createObjectNode();
        message.putObject("message").putArray("note").add("is too long (maximum is 1000000 characters)");
        return message;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message);
    }

    private static Matcher match(String regex, String text) {
        var m = Pattern.compile(regex).matcher(text);
        return m.matches() ? m : null;
    }
}
