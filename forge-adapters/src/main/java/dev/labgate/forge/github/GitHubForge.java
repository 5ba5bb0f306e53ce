package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.HeadApprovals;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.forge.WebhookCheck;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Review;
import dev.labgate.forge.BodyLimit;
import dev.labgate.forge.Comments;
import dev.labgate.forge.FileDiff;
import dev.labgate.forge.FindingComments;
import dev.labgate.forge.ForgeUsage;
import dev.labgate.forge.Payloads;
import dev.labgate.forge.RateBudget;
import dev.labgate.forge.RateBudget.Use;
import dev.labgate.forge.ReviewDraft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * GitHub as a {@link Forge}: webhooks checked by {@link GitHubWebhooks} and read by
 * {@link GitHubEvents}; facts and reports through the REST API of {@link GitHubConnection}.
 * With a GitHub App, statuses are check runs whose summary carries the run's details.
 */
public final class GitHubForge implements Forge, ForgeUsage, HeadApprovals {

    private static final Logger LOG = LoggerFactory.getLogger(GitHubForge.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GitHub returns at most 3,000 files and 250 commits for a pull request. */
    private static final int MAX_FILE_PAGES = 30;
    private static final int MAX_COMMIT_PAGES = 3;
    private static final int MAX_COMMENT_PAGES = 30;
    private static final int MAX_REVIEW_PAGES = 10;
    /** GitHub takes at most 50 annotations in one request; more are added by further updates, up to this many. */
    static final int ANNOTATIONS_PER_REQUEST = 50;
    static final int MAX_ANNOTATIONS = 250;

    private final GitHubSettings settings;
    private final GitHubWebhooks webhooks;
    private final GitHubEvents events;
    private final GitHubConnection connection;
    private final Map<String, Long> checkRuns = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 4096;
        }
    });
    private volatile String login;

    public GitHubForge(GitHubSettings settings, Clock clock) {
        this.settings = settings;
        this.webhooks = new GitHubWebhooks(settings.name(), settings.webhookSecrets());
        this.events = new GitHubEvents(settings);
        this.connection = new GitHubConnection(settings, clock);
        this.login = settings.botLogin();
    }

    @Override
    public List<RateBudget> budgets() {
        return connection.budgets();
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public WebhookCheck verify(Map<String, String> headers, byte[] body) {
        return webhooks.verify(headers, body);
    }

    @Override
    public ForgeEvent parse(Delivery delivery) {
        return events.parse(delivery);
    }

    // ---- facts

    @Override
    public Permission permission(RepoRef repo, Person person) {
        var what = "read the permission of " + person + " on " + repo.fullName();
        var client = client(repo);
        var answer = connection.found(connection.request(Use.FACT, client, what, "GET",
                repoPath(repo) + "/collaborators/" + segment(person.login()) + "/permission", null), client, what);
        if (answer.isEmpty()) {
            return new Permission(Permission.Level.NONE, "GitHub knows no user " + person);
        }
        var role = answer.get().path("role_name").asText("");
        var level = switch (role) {
            case "admin" -> Permission.Level.ADMIN;
            case "maintain" -> Permission.Level.MAINTAIN;
            case "write" -> Permission.Level.WRITE;
            case "triage" -> Permission.Level.TRIAGE;
            case "read" -> Permission.Level.READ;
            // a custom role: GitHub also says which base permission it grants
            default -> switch (answer.get().path("permission").asText("none")) {
                case "admin" -> Permission.Level.ADMIN;
                case "maintain" -> Permission.Level.MAINTAIN;
                case "write" -> Permission.Level.WRITE;
                case "triage" -> Permission.Level.TRIAGE;
                case "read" -> Permission.Level.READ;
                default -> Permission.Level.NONE;
            };
        };
        if (level == Permission.Level.NONE) {
            return new Permission(level, "GitHub gives " + person + " no access to " + repo.fullName()
                    + " (not a collaborator, nor in a team or organization with access)");
        }
        return new Permission(level, "GitHub gives " + person + " the " + (role.isEmpty() ? level.name().toLowerCase(Locale.ROOT)
                : role) + " role on " + repo.fullName() + " (as a collaborator, through a team or through the "
                + "organization)");
    }

    @Override
    public boolean memberOf(String team, Person person) {
        var slash = team.indexOf('/');
        var org = slash < 0 ? team : team.substring(0, slash);
        var client = connection.client(org);
        if (slash >= 0) {
            var what = "read " + person + "'s membership of team " + team;
            var answer = connection.found(connection.request(Use.FACT, client, what, "GET", "/orgs/" + segment(org)
                    + "/teams/" + segment(team.substring(slash + 1)) + "/memberships/" + segment(person.login()), null),
                    client, what);
            return answer.map(a -> "active".equals(a.path("state").asText())).orElse(false);
        }
        var what = "read " + person + "'s membership of " + org;
        var answer = connection.request(Use.FACT, client, what, "GET", "/orgs/" + segment(org) + "/members/"
                + segment(person.login()), null);
        if (answer.status() == 302) {
            // labgate cannot see private members of this organization: public membership is all it can tell
            answer = connection.request(Use.FACT, client, what, "GET", "/orgs/" + segment(org) + "/public_members/"
                    + segment(person.login()), null);
        }
        if (answer.status() == 204) {
            return true;
        }
        return connection.found(answer, client, what).isPresent();
    }

    @Override
    public List<SigningKey> signingKeys(Person person) {
        var client = connection.anyClient();
        var keys = new ArrayList<SigningKey>();
        var user = "/users/" + segment(person.login());
        for (var key : connection.pages(Use.FACT, client, "list " + person + "'s GPG keys",
                user + "/gpg_keys?per_page=100", 1)) {
            var armored = key.path("raw_key").asText("");
            if (!armored.isEmpty()) {
                keys.add(new SigningKey(SigningKey.Kind.OPENPGP, armored, key.path("key_id").asText("")));
            }
        }
        for (var key : connection.pages(Use.FACT, client, "list " + person + "'s SSH signing keys",
                user + "/ssh_signing_keys?per_page=100", 1)) {
            var line = key.path("key").asText("");
            if (!line.isEmpty()) {
                keys.add(new SigningKey(SigningKey.Kind.SSH, line, "ssh-signing-key-" + key.path("id").asText("")));
            }
        }
        return keys;
    }

    @Override
    public List<String> changedFiles(ChangeRef change) {
        var paths = new LinkedHashSet<String>();
        for (var file : connection.pages(Use.FACT, client(change.repo()), "list the files of " + change,
                pullPath(change) + "/files?per_page=100", MAX_FILE_PAGES)) {
            paths.add(file.path("filename").asText());
            var previous = file.path("previous_filename").asText("");
            if (!previous.isEmpty()) {
                paths.add(previous);
            }
        }
        return List.copyOf(paths);
    }

    @Override
    public List<String> commits(ChangeRef change) {
        return connection.pages(Use.FACT, client(change.repo()), "list the commits of " + change,
                        pullPath(change) + "/commits?per_page=100", MAX_COMMIT_PAGES).stream()
                .map(c -> c.path("sha").asText()).toList();
    }

    /**
     * Reviews in the state {@code APPROVED} whose {@code commit_id} is the head: GitHub records the
     * commit a review was submitted on, and a dismissed review is shown as {@code DISMISSED}
     * (docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request).
     */
    @Override
    public List<HeadApprovals.Given> approvalsOf(ChangeRef change, String headSha) {
        return connection.pages(Use.FACT, client(change.repo()), "list the reviews of " + change,
                        pullPath(change) + "/reviews?per_page=100", MAX_REVIEW_PAGES).stream()
                .filter(r -> "APPROVED".equals(r.path("state").asText()) && headSha.equals(r.path("commit_id").asText()))
                .map(r -> new HeadApprovals.Given(new Person(r.path("user").path("login").asText()),
                        Instant.parse(r.path("submitted_at").asText()), "approving review " + r.path("id").asText()))
                .toList();
    }

    @Override
    public String currentHead(ChangeRef change) {
        var what = "read the head of " + change;
        var client = client(change.repo());
        var pr = connection.expect(connection.request(Use.REPORT, client, what, "GET", pullPath(change), null),
                client, what);
        return pr.path("head").path("sha").asText();
    }

    @Override
    public Optional<String> fileOnDefaultBranch(RepoRef repo, String path) {
        var what = "read " + path + " from the default branch of " + repo.fullName();
        var client = client(repo);
        // Without a ref GitHub reads the default branch, never the head of a pull request.
        var file = connection.found(connection.request(Use.FACT, client, what, "GET",
                repoPath(repo) + "/contents/" + filePath(path), null), client, what);
        if (file.isEmpty() || !"file".equals(file.get().path("type").asText())) {
            return Optional.empty();
        }
        if (!"base64".equals(file.get().path("encoding").asText())) {
            throw new ForgeException("GitHub did not return the content of " + path + " (over 1 MB?)", false, null,
                    null);
        }
        return Optional.of(new String(Base64.getMimeDecoder().decode(file.get().path("content").asText()),
                StandardCharsets.UTF_8));
    }

    @Override
    public Optional<ForgeEvent.ChangeUpdated> openChange(ChangeRef change) {
        var what = "read " + change;
        var client = client(change.repo());
        var pr = connection.found(connection.request(Use.FACT, client, what, "GET", pullPath(change), null), client,
                what);
        if (pr.isEmpty() || !"open".equals(pr.get().path("state").asText())) {
            return Optional.empty();
        }
        return Optional.of(events.changeUpdated(change, ForgeEvent.ChangeAction.PUSHED, pr.get()));
    }

    @Override
    public List<ForgeEvent.ChangeUpdated> openChanges(RepoRef repo, int max) {
        var what = "list the open pull requests of " + repo.fullName();
        var client = client(repo);
        var list = connection.expect(connection.request(Use.FACT, client, what, "GET", repoPath(repo)
                + "/pulls?state=open&sort=updated&direction=desc&per_page=" + Math.max(1, Math.min(max, 100)), null),
                client, what);
        var changes = new ArrayList<ForgeEvent.ChangeUpdated>();
        for (var pr : list) {
            try {
                changes.add(events.changeUpdated(new ChangeRef(repo, pr.path("number").asLong()),
                        ForgeEvent.ChangeAction.PUSHED, pr));
            } catch (Payloads.MissingField e) {
                LOG.warn("open pull request #{} of {} skipped: {}", pr.path("number").asText(), repo, e.getMessage());
            }
        }
        return changes;
    }

    @Override
    public Optional<ForgeEvent.BranchPushed> branchHead(RepoRef repo, String branch) {
        var client = client(repo);
        var what = "read the head of " + branch + " in " + repo.fullName();
        var found = connection.found(connection.request(Use.FACT, client, what, "GET", repoPath(repo) + "/branches/"
                + filePath(branch), null), client, what);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        var head = found.get().path("commit").path("sha").asText();
        var ref = "refs/heads/" + branch;
        var log = "read the recent pushes to " + repo.fullName();
        for (var event : connection.expect(connection.request(Use.FACT, client, log, "GET", repoPath(repo)
                + "/events?per_page=100", null), client, log)) {
            var payload = event.path("payload");
            if ("PushEvent".equals(event.path("type").asText()) && ref.equals(payload.path("ref").asText())) {
                if (!head.equals(payload.path("head").asText())) {
                    return Optional.empty();
                }
                return Optional.of(new ForgeEvent.BranchPushed(repo, ref, payload.path("before").asText(null), head,
                        new Person(event.path("actor").path("login").asText()), settings.cloneUrl(repo.fullName()),
                        false));
            }
        }
        return Optional.empty();
    }

    // ---- reports

    @Override
    public void setStatus(Subject subject, String sha, CommitStatus status) {
        var repo = subject.repo();
        if (connection.appMode()) {
            checkRun(repo, sha, status);
            return;
        }
        var what = "set status " + status.context() + " on " + sha;
        var client = client(repo);
        var body = JSON.createObjectNode().put("state", status.state().name().toLowerCase(Locale.ROOT))
                .put("description", BodyLimit.GITHUB_STATUS_DESCRIPTION.fitLine(status.description()))
                .put("context", status.context());
        if (status.targetUrl() != null) {
            body.put("target_url", status.targetUrl());
        }
        connection.expect(connection.request(Use.REPORT, client, what, "POST", repoPath(repo) + "/statuses/" + sha,
                body), client, what);
    }

    @Override
    public Optional<CommitStatus.State> statusOf(RepoRef repo, String sha, String context) {
        var client = client(repo);
        if (connection.appMode()) {
            var what = "read check run " + context + " on " + sha;
            var list = connection.expect(connection.request(Use.REPORT, client, what, "GET", repoPath(repo)
                    + "/commits/" + sha + "/check-runs?filter=latest&per_page=1&check_name=" + query(context)
                    + settings.app().map(a -> "&app_id=" + query(a.id())).orElse(""), null), client, what);
            for (var run : list.path("check_runs")) {
                if (!"completed".equals(run.path("status").asText())) {
                    return Optional.of(CommitStatus.State.PENDING);
                }
                return Optional.of(switch (run.path("conclusion").asText()) {
                    case "success", "neutral", "skipped" -> CommitStatus.State.SUCCESS;
                    default -> CommitStatus.State.FAILURE;
                });
            }
            return Optional.empty();
        }
        // GitHub lists a commit's statuses newest first: the first of a context is its latest.
        var what = "read status " + context + " on " + sha;
        for (var status : connection.pages(Use.REPORT, client, what, repoPath(repo) + "/commits/" + sha
                + "/statuses?per_page=100", 3)) {
            if (context.equals(status.path("context").asText())) {
                return Optional.of(switch (status.path("state").asText()) {
                    case "success" -> CommitStatus.State.SUCCESS;
                    case "failure" -> CommitStatus.State.FAILURE;
                    case "error" -> CommitStatus.State.ERROR;
                    default -> CommitStatus.State.PENDING;
                });
            }
        }
        return Optional.empty();
    }

    /** A check run named after the status, updated in place while it runs; a new one after it completed. */
    private void checkRun(RepoRef repo, String sha, CommitStatus status) {
        var client = client(repo);
        var what = "write check run " + status.context() + " on " + sha;
        var key = repo.fullName() + "@" + sha + "#" + status.context();
        var body = JSON.createObjectNode();
        if (status.state().isFinal()) {
            body.put("status", "completed").put("conclusion", switch (status.state()) {
                case SUCCESS -> "success";
                // an infrastructure error proves nothing about the code: it must not pass a required check
                case FAILURE, ERROR -> "failure";
                case PENDING -> throw new IllegalStateException("pending is not final");
            });
        } else {
            body.put("status", "in_progress");
        }
        if (status.targetUrl() != null) {
            body.put("details_url", status.targetUrl());
        }
        var summary = BodyLimit.GITHUB_CHECK_RUN_SUMMARY.fit(status.details().isEmpty() ? status.description()
                : status.details(), status.targetUrl());
        var output = body.putObject("output").put("title", status.description()).put("summary", summary);
        var batches = status.state().isFinal() ? annotationBatches(status.annotations()) : List.<ArrayNode>of();
        if (!batches.isEmpty()) {
            output.set("annotations", batches.get(0));
        }
        var existing = checkRuns.get(key);
        if (existing == null) {
            existing = findCheckRun(client, repo, sha, status.context()).orElse(null);
        }
        if (existing != null && existing >= 0) {
            var response = connection.request(Use.REPORT, client, what, "PATCH", repoPath(repo) + "/check-runs/"
                    + existing, body);
            if (response.status() != 404) {
                connection.expect(response, client, what);
                checkRuns.put(key, status.state().isFinal() ? -1L : existing);
                annotateFurther(client, repo, existing, status.description(), summary, batches);
                return;
            }
        }
        body.put("name", status.context()).put("head_sha", sha);
        var created = connection.expect(connection.request(Use.REPORT, client, what, "POST", repoPath(repo)
                + "/check-runs", body), client, what);
        checkRuns.put(key, status.state().isFinal() ? -1L : created.path("id").asLong());
        annotateFurther(client, repo, created.path("id").asLong(), status.description(), summary, batches);
    }

    /** The findings as annotations, most severe first, in requests of at most 50. */
    private static List<ArrayNode> annotationBatches(List<Finding> findings) {
        var sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(Finding::severity).reversed());
        var batches = new ArrayList<ArrayNode>();
        for (int i = 0; i < Math.min(sorted.size(), MAX_ANNOTATIONS); i++) {
            if (i % ANNOTATIONS_PER_REQUEST == 0) {
                batches.add(JSON.createArrayNode());
            }
            var finding = sorted.get(i);
            var annotation = batches.get(batches.size() - 1).addObject().put("path", finding.path())
                    .put("start_line", finding.line()).put("end_line", finding.endLine())
                    .put("annotation_level", switch (finding.severity()) {
                        case ERROR -> "failure";
                        case WARNING -> "warning";
                        case NOTICE -> "notice";
                    })
                    .put("title", finding.tool() + " " + finding.severity().label()).put("message", finding.message());
            if (finding.column() > 0 && finding.endLine() == finding.line()) {
                annotation.put("start_column", finding.column()).put("end_column", finding.column());
            }
        }
        return batches;
    }

    /** The batches after the first, each one more update of the check run (GitHub appends them). */
    private void annotateFurther(GitHubConnection.Client client, RepoRef repo, long checkRun, String title,
                                 String summary, List<ArrayNode> batches) {
        for (var batch : batches.subList(Math.min(1, batches.size()), batches.size())) {
            var what = "annotate check run " + checkRun;
            var body = JSON.createObjectNode();
            body.putObject("output").put("title", title).put("summary", summary).set("annotations", batch);
            connection.expect(connection.request(Use.REPORT, client, what, "PATCH", repoPath(repo) + "/check-runs/"
                    + checkRun, body), client, what);
        }
    }

    /** The App's newest check run of that name on the commit, if it is still open to updates. */
    private Optional<Long> findCheckRun(GitHubConnection.Client client, RepoRef repo, String sha, String name) {
        var what = "find check run " + name + " on " + sha;
        var list = connection.expect(connection.request(Use.REPORT, client, what, "GET", repoPath(repo) + "/commits/"
                + sha + "/check-runs?filter=latest&per_page=1&check_name=" + query(name)
                + settings.app().map(a -> "&app_id=" + query(a.id())).orElse(""), null), client, what);
        for (var run : list.path("check_runs")) {
            if (!"completed".equals(run.path("status").asText())) {
                return Optional.of(run.path("id").asLong());
            }
        }
        return Optional.empty();
    }

    @Override
    public void upsertSummary(ChangeRef change, String markdown, boolean verdictChanged) {
        var client = client(change.repo());
        var body = BodyLimit.GITHUB_COMMENT.fit(Comments.summary(markdown), null);
        var live = ownComments(change).stream().filter(c -> Comments.isSummary(c.path("body").asText())).toList();
        JsonNode newest = live.isEmpty() ? null : live.get(live.size() - 1);
        if (newest == null || verdictChanged && !body.equals(newest.path("body").asText())) {
            newest = createComment(client, change, body);
        } else if (!body.equals(newest.path("body").asText())) {
            editComment(client, change, newest.path("id").asLong(), body);
        }
        var url = newest.path("html_url").asText();
        for (var older : live) {
            if (older.path("id").asLong() != newest.path("id").asLong()) {
                editComment(client, change, older.path("id").asLong(), BodyLimit.GITHUB_COMMENT.fit(
                        Comments.outdated(older.path("body").asText(), url), null));
            }
        }
    }

    @Override
    public void reply(ChangeRef change, String inReplyTo, String markdown) {
        if (ownComments(change).stream().anyMatch(c -> Comments.isReplyTo(c.path("body").asText(), inReplyTo))) {
            return;
        }
        createComment(client(change.repo()), change, BodyLimit.GITHUB_COMMENT.fit(Comments.reply(inReplyTo,
                markdown), null));
    }

    /**
     * One pull request review per head: the findings on lines of the diff as review comments, the
     * rest in its body. Before it, labgate's comments on findings the head no longer has are
     * marked fixed, and its earlier reviews that requested changes over such findings only are
     * dismissed. Nothing is posted for a head that is no longer the pull request's, for a head
     * labgate already reviewed, or when nothing is new.
     */
    @Override
    public void review(ChangeRef change, Review review) {
        var client = client(change.repo());
        var me = login(change.repo());
        var reviews = connection.pages(Use.REPORT, client, "list the reviews of " + change, pullPath(change)
                        + "/reviews?per_page=100", MAX_COMMENT_PAGES).stream()
                .filter(r -> me.equalsIgnoreCase(r.path("user").path("login").asText()))
                .filter(r -> FindingComments.reviewedHead(r.path("body").asText()).isPresent())
                .toList();
        var comments = connection.pages(Use.REPORT, client, "list the review comments of " + change, pullPath(change)
                        + "/comments?per_page=100", MAX_COMMENT_PAGES).stream()
                .filter(c -> me.equalsIgnoreCase(c.path("user").path("login").asText()))
                .filter(c -> FindingComments.liveFingerprint(c.path("body").asText()).isPresent())
                .toList();
        if (review.findings().isEmpty() && comments.isEmpty()
                && reviews.stream().noneMatch(r -> "CHANGES_REQUESTED".equals(r.path("state").asText()))) {
            return; // nothing found, nothing said before: nothing to do
        }
        var what = "read the head of " + change;
        var pr = connection.expect(connection.request(Use.REPORT, client, what, "GET", pullPath(change), null),
                client, what);
        var head = pr.path("head").path("sha").asText();
        if (!review.headSha().equalsIgnoreCase(head)) {
            LOG.info("review of {} at {} skipped: its head is now {}", change, review.headSha(), head);
            return;
        }
        var diff = new HashMap<String, FileDiff>();
        for (var file : connection.pages(Use.REPORT, client, "list the files of " + change, pullPath(change)
                + "/files?per_page=100", MAX_FILE_PAGES)) {
            var name = file.path("filename").asText();
            // GitHub gives no patch for binary files and for diffs too large to show: no line there takes a comment.
            if (file.hasNonNull("patch") && !"removed".equals(file.path("status").asText())) {
                diff.put(name, FileDiff.parse(name, file.path("previous_filename").asText(name),
                        file.path("patch").asText()));
            }
        }
        var said = new HashSet<String>();
        var byReview = new HashMap<Long, Set<String>>();
        for (var comment : comments) {
            var fingerprint = FindingComments.liveFingerprint(comment.path("body").asText()).orElseThrow();
            said.add(fingerprint);
            byReview.computeIfAbsent(comment.path("pull_request_review_id").asLong(), k -> new HashSet<>())
                    .add(fingerprint);
        }
        for (var each : reviews) {
            var listed = FindingComments.listedFingerprints(each.path("body").asText());
            byReview.computeIfAbsent(each.path("id").asLong(), k -> new HashSet<>()).addAll(listed);
            if (!"DISMISSED".equals(each.path("state").asText())) {
                said.addAll(listed);
            }
        }
        var draft = ReviewDraft.of(review, diff, said);
        for (var comment : comments) {
            var body = comment.path("body").asText();
            if (!draft.current().contains(FindingComments.liveFingerprint(body).orElseThrow())) {
                var edit = "mark review comment " + comment.path("id").asText() + " on " + change + " fixed";
                connection.expect(connection.request(Use.REPORT, client, edit, "PATCH", repoPath(change.repo())
                        + "/pulls/comments/" + comment.path("id").asLong(), JSON.createObjectNode().put("body",
                        FindingComments.fixed(body, review.headSha()))), client, edit);
            }
        }
        for (var each : reviews) {
            var fingerprints = byReview.getOrDefault(each.path("id").asLong(), Set.of());
            if ("CHANGES_REQUESTED".equals(each.path("state").asText())
                    && fingerprints.stream().noneMatch(draft.current()::contains)) {
                var dismiss = "dismiss review " + each.path("id").asText() + " of " + change;
                connection.expect(connection.request(Use.REPORT, client, dismiss, "PUT", pullPath(change) + "/reviews/"
                        + each.path("id").asLong() + "/dismissals", JSON.createObjectNode().put("message",
                        "labgate no longer finds what this review asked to change, at "
                                + review.headSha().substring(0, Math.min(12, review.headSha().length())) + ".")
                        .put("event", "DISMISS")), client, dismiss);
            }
        }
        if (reviews.stream().anyMatch(r -> FindingComments.reviewedHead(r.path("body").asText())
                .filter(review.headSha()::equalsIgnoreCase).isPresent())) {
            return;
        }
        if (draft.isEmpty()) {
            return;
        }
        var post = "review " + change + " at " + review.headSha();
        var response = connection.request(Use.REPORT, client, post, "POST", pullPath(change) + "/reviews",
                reviewJson(draft, review));
        if (response.status() == 422 && !draft.comments().isEmpty()) {
            LOG.warn("GitHub would not take labgate's comments on lines of {} ({}); listing them in the review instead",
                    change, response.body() == null ? "" : response.body().path("errors"));
            response = connection.request(Use.REPORT, client, post, "POST", pullPath(change) + "/reviews",
                    reviewJson(draft.refused(draft.comments()), review));
        }
        connection.expect(response, client, post);
        LOG.info("reviewed {} at {}: {} comments on lines, {} findings in the body{}", change, review.headSha(),
                draft.comments().size(), draft.listed().size() + draft.unlisted(),
                draft.requestsChanges() ? ", changes requested" : "");
    }

    private static JsonNode reviewJson(ReviewDraft draft, Review review) {
        var body = JSON.createObjectNode().put("commit_id", review.headSha())
                .put("body", BodyLimit.GITHUB_COMMENT.fit(FindingComments.reviewBody(draft, review),
                        review.detailsUrl()))
                .put("event", draft.requestsChanges() ? "REQUEST_CHANGES" : "COMMENT");
        var comments = body.putArray("comments");
        for (var placed : draft.comments()) {
            var comment = comments.addObject().put("path", placed.file().path()).put("line", placed.line().newLine())
                    .put("side", "RIGHT").put("body", BodyLimit.GITHUB_COMMENT.fit(FindingComments.comment(placed,
                            review.detailsUrl()), review.detailsUrl()));
            if (placed.startLine() > 0) {
                comment.put("start_line", placed.startLine()).put("start_side", "RIGHT");
            }
        }
        return body;
    }

    /** The comments labgate's account wrote on a change, oldest first. */
    private List<JsonNode> ownComments(ChangeRef change) {
        var me = login(change.repo());
        return connection.pages(Use.REPORT, client(change.repo()), "list the comments of " + change,
                        issuePath(change) + "/comments?per_page=100", MAX_COMMENT_PAGES).stream()
                .filter(c -> me.equalsIgnoreCase(c.path("user").path("login").asText()))
                .filter(c -> Comments.writtenByLabgate(c.path("body").asText()))
                .toList();
    }

    private JsonNode createComment(GitHubConnection.Client client, ChangeRef change, String body) {
        var what = "comment on " + change;
        return connection.expect(connection.request(Use.REPORT, client, what, "POST", issuePath(change) + "/comments",
                JSON.createObjectNode().put("body", body)), client, what);
    }

    private void editComment(GitHubConnection.Client client, ChangeRef change, long id, String body) {
        var what = "edit comment " + id + " on " + change;
        connection.expect(connection.request(Use.REPORT, client, what, "PATCH", repoPath(change.repo())
                + "/issues/comments/" + id, JSON.createObjectNode().put("body", body)), client, what);
    }

    /**
     * The login labgate writes as: configured, else asked once of GitHub (the token's user, or the
     * App's {@code <slug>[bot]}). Only its own comments are ever edited.
     */
    private String login(RepoRef repo) {
        var known = login;
        if (known != null) {
            return known;
        }
        if (connection.appMode()) {
            var what = "read the App's name";
            known = connection.expectAsApp(connection.requestAsApp(Use.REPORT, what, "GET", "/app", null), what)
                    .path("slug").asText() + "[bot]";
        } else {
            var client = client(repo);
            known = connection.expect(connection.request(Use.REPORT, client, "read labgate's own login", "GET",
                    "/user", null), client, "read labgate's own login").path("login").asText();
        }
        login = known;
        return known;
    }

    @Override
    public int redeliverFailed(Predicate<String> stored, int max) {
        if (!connection.appMode() || max <= 0) {
            return 0;
        }
        var what = "list the App's webhook deliveries";
        var list = connection.expectAsApp(connection.requestAsApp(Use.FACT, what, "GET",
                "/app/hook/deliveries?per_page=100", null), what);
        // Newest first; a delivery (guid) is missed when none of its attempts got a 2xx from labgate.
        var attempts = new LinkedHashMap<String, List<JsonNode>>();
        list.forEach(d -> attempts.computeIfAbsent(d.path("guid").asText(), g -> new ArrayList<>()).add(d));
        var asked = 0;
        for (var entry : attempts.entrySet()) {
            if (asked >= max) {
                break;
            }
            var guid = entry.getKey();
            var delivered = entry.getValue().stream().anyMatch(d -> d.path("status_code").asInt() / 100 == 2);
            if (guid.isEmpty() || delivered || stored.test(guid)) {
                continue;
            }
            var latest = entry.getValue().get(0).path("id").asLong();
            var answer = connection.requestAsApp(Use.FACT, "ask for delivery " + guid + " again", "POST",
                    "/app/hook/deliveries/" + latest + "/attempts", null);
            if (answer.status() / 100 == 2) {
                asked++;
                LOG.info("asked GitHub to send delivery {} ({}) again", guid, entry.getValue().get(0).path("event")
                        .asText());
            } else {
                LOG.warn("GitHub would not send delivery {} again: HTTP {}", guid, answer.status());
            }
        }
        return asked;
    }

    private GitHubConnection.Client client(RepoRef repo) {
        var name = repo.fullName();
        return connection.client(name.substring(0, Math.max(0, name.indexOf('/'))));
    }

    private static String repoPath(RepoRef repo) {
        var name = repo.fullName();
        var slash = name.indexOf('/');
        return "/repos/" + segment(name.substring(0, slash)) + "/" + segment(name.substring(slash + 1));
    }

    private static String pullPath(ChangeRef change) {
        return repoPath(change.repo()) + "/pulls/" + change.number();
    }

    private static String issuePath(ChangeRef change) {
        return repoPath(change.repo()) + "/issues/" + change.number();
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A path inside a repository: each part encoded, the slashes kept. */
    private static String filePath(String path) {
        var parts = new ArrayList<String>();
        for (var part : path.split("/")) {
            parts.add(segment(part));
        }
        return String.join("/", parts);
    }
}
