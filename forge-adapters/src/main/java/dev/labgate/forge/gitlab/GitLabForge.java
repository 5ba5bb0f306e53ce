package dev.labgate.forge.gitlab;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.HeadApprovals;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.forge.WebhookCheck;
import dev.labgate.core.review.Review;
import dev.labgate.forge.BodyLimit;
import dev.labgate.forge.CommentCommands;
import dev.labgate.forge.Comments;
import dev.labgate.forge.FileDiff;
import dev.labgate.forge.FindingComments;
import dev.labgate.forge.ForgeUsage;
import dev.labgate.forge.RateBudget;
import dev.labgate.forge.RateBudget.Use;
import dev.labgate.forge.ReviewDraft;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.api.models.AbstractUser;
import org.gitlab4j.api.models.CommitStatusFilter;
import org.gitlab4j.api.models.Diff;
import org.gitlab4j.api.models.Discussion;
import org.gitlab4j.api.models.MergeRequest;
import org.gitlab4j.api.models.MergeRequestVersion;
import org.gitlab4j.api.models.Note;
import org.gitlab4j.api.models.Position;
import org.gitlab4j.api.models.User;
import org.gitlab4j.models.Constants.ActionType;
import org.gitlab4j.models.Constants.MergeRequestState;
import org.gitlab4j.models.Constants.SortOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * GitLab as a {@link Forge}: webhooks checked by {@link GitLabWebhooks} and read by
 * {@link GitLabEvents}; facts and reports through gitlab4j-api ({@link GitLabConnection}).
 * A merge request's summary is a note on it; statuses are commit statuses on the head.
 */
public final class GitLabForge implements Forge, ForgeUsage, HeadApprovals {

    private static final Logger LOG = LoggerFactory.getLogger(GitLabForge.class);
    /** SSH key uses that sign commits (app/models/key.rb: {@code usage_type} enum). */
    private static final Set<String> SIGNING_USAGE = Set.of("signing", "auth_and_signing");

    private final GitLabSettings settings;
    private final GitLabWebhooks webhooks;
    private final GitLabEvents events;
    private final GitLabConnection connection;
    private final Map<Long, String> usernames = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > 4096;
        }
    });
    private final Map<ChangeRef, String> statusRefs = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f,
            true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChangeRef, String> eldest) {
            return size() > 4096;
        }
    });
    private volatile String username;

    public GitLabForge(GitLabSettings settings, Clock clock) {
        this.settings = settings;
        this.webhooks = new GitLabWebhooks(settings.name(), settings.webhookTokens());
        this.connection = new GitLabConnection(settings, clock);
        this.events = new GitLabEvents(settings, this::usernameOf);
        this.username = settings.botUsername();
    }

    @Override
    public List<RateBudget> budgets() {
        return List.of(connection.budget());
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
        var user = user(person);
        if (user.isEmpty()) {
            return new Permission(Permission.Level.NONE, "GitLab knows no user " + person);
        }
        var member = connection.find(Use.FACT, "read the access of " + person + " to " + repo.fullName(),
                api -> api.getProjectApi().getMember(repo.fullName(), user.get().getId(), true));
        if (member.isEmpty() || member.get().getAccessLevel() == null) {
            return new Permission(Permission.Level.NONE, "GitLab gives " + person + " no access to " + repo.fullName()
                    + " (not a member of the project or of a group above it)");
        }
        var value = member.get().getAccessLevel().value;
        var level = value >= 50 ? Permission.Level.ADMIN : value >= 40 ? Permission.Level.MAINTAIN
                : value >= 30 ? Permission.Level.WRITE : value >= 10 ? Permission.Level.READ : Permission.Level.NONE;
        return new Permission(level, "GitLab gives " + person + " the " + role(value) + " role on " + repo.fullName()
                + " (directly or through a group)");
    }

    private static String role(int accessLevel) {
        return switch (accessLevel) {
            case 5 -> "Minimal Access";
            case 10 -> "Guest";
            case 15 -> "Planner";
            case 20 -> "Reporter";
            case 30 -> "Developer";
            case 40 -> "Maintainer";
            case 50 -> "Owner";
            default -> "access level " + accessLevel;
        };
    }

    @Override
    public boolean memberOf(String team, Person person) {
        var user = user(person);
        if (user.isEmpty()) {
            return false;
        }
        return connection.find(Use.FACT, "read " + person + "'s membership of group " + team,
                        api -> api.getGroupApi().getMember(team, user.get().getId(), true))
                .filter(m -> m.getState() == null || "active".equals(m.getState()))
                .isPresent();
    }

    /**
     * The person's GPG keys and the SSH keys they marked for signing ({@code usage_type}
     * {@code signing} or {@code auth_and_signing}, GitLab 15.7 and later): the keys GitLab itself
     * verifies their commits with. Keys only for authentication are left out.
     */
    @Override
    public List<SigningKey> signingKeys(Person person) {
        var user = user(person);
        if (user.isEmpty()) {
            return List.of();
        }
        var keys = new ArrayList<SigningKey>();
        connection.call(Use.FACT, "list " + person + "'s GPG keys",
                        api -> api.getUserApi().listGpgKeys(user.get().getId())).stream()
                .filter(k -> k.getKey() != null && !k.getKey().isEmpty())
                .map(k -> new SigningKey(SigningKey.Kind.OPENPGP, k.getKey(), "gpg-key-" + k.getId()))
                .forEach(keys::add);
        connection.call(Use.FACT, "list " + person + "'s SSH keys",
                        api -> new GitLabPlainApi(api).sshKeys(user.get().getId())).stream()
                .filter(k -> SIGNING_USAGE.contains(k.path("usage_type").asText()))
                .filter(k -> !k.path("key").asText().isBlank())
                .map(k -> new SigningKey(SigningKey.Kind.SSH, k.path("key").asText(), "ssh-key-" + k.path("id").asText()))
                .forEach(keys::add);
        return keys;
    }

    @Override
    public List<String> changedFiles(ChangeRef change) {
        var paths = new LinkedHashSet<String>();
        for (Diff diff : connection.call(Use.FACT, "list the files of " + change,
                api -> api.getMergeRequestApi().getDiffs(change.repo().fullName(), change.number()))) {
            if (diff.getNewPath() != null) {
                paths.add(diff.getNewPath());
            }
            if (diff.getOldPath() != null) {
                paths.add(diff.getOldPath());
            }
        }
        return List.copyOf(paths);
    }

    @Override
    public List<String> commits(ChangeRef change) {
        var newestFirst = new ArrayList<>(connection.call(Use.FACT, "list the commits of " + change,
                        api -> api.getMergeRequestApi().getCommits(change.repo().fullName(), change.number())).stream()
                .map(c -> c.getId()).toList());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * {@code /labgate ok-to-test} notes written while {@code headSha} was the merge request's head.
     * GitLab keeps a diff version per push with its {@code head_commit_sha} and {@code created_at}
     * (docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions); a note (created and last
     * edited, docs.gitlab.com/api/notes/#list-all-merge-request-notes) between that version and the
     * next one approves that head and no other, as the service binds an approval to the head of its time.
     */
    @Override
    public List<HeadApprovals.Given> approvalsOf(ChangeRef change, String headSha) {
        var project = change.repo().fullName();
        var versions = new ArrayList<>(connection.call(Use.FACT, "list the versions of " + change,
                api -> api.getMergeRequestApi().getDiffVersions(project, change.number())));
        versions.sort(Comparator.comparing(MergeRequestVersion::getCreatedAt));
        var windows = new ArrayList<Instant[]>();
        for (int i = 0; i < versions.size(); i++) {
            if (headSha.equals(versions.get(i).getHeadCommitSha())) {
                windows.add(new Instant[] {versions.get(i).getCreatedAt().toInstant(),
                        i + 1 < versions.size() ? versions.get(i + 1).getCreatedAt().toInstant() : Instant.MAX});
            }
        }
        if (windows.isEmpty()) {
            return List.of();
        }
        var given = new ArrayList<HeadApprovals.Given>();
        for (var note : connection.call(Use.FACT, "list the notes of " + change,
                api -> api.getNotesApi().getMergeRequestNotes(project, change.number(), SortOrder.ASC,
                        Note.OrderBy.CREATED_AT))) {
            if (Boolean.TRUE.equals(note.getSystem()) || note.getAuthor() == null
                    || !(CommentCommands.find(note.getBody()) instanceof CommentCommands.Known known)
                    || known.command() != Command.OK_TO_TEST) {
                continue;
            }
            var created = note.getCreatedAt().toInstant();
            var edited = note.getUpdatedAt() == null ? created : note.getUpdatedAt().toInstant();
            if (windows.stream().anyMatch(w -> within(created, w) && within(edited, w))) {
                given.add(new HeadApprovals.Given(new Person(note.getAuthor().getUsername()), created,
                        "/labgate ok-to-test in note " + note.getId()));
            }
        }
        return given;
    }

    private static boolean within(Instant at, Instant[] window) {
        return !at.isBefore(window[0]) && at.isBefore(window[1]);
    }

    @Override
    public String currentHead(ChangeRef change) {
        return connection.call(Use.REPORT, "read the head of " + change,
                api -> api.getMergeRequestApi().getMergeRequest(change.repo().fullName(), change.number())).getSha();
    }

    @Override
    public Optional<String> fileOnDefaultBranch(RepoRef repo, String path) {
        var project = connection.call(Use.FACT, "read project " + repo.fullName(),
                api -> api.getProjectApi().getProject(repo.fullName()));
        if (project.getDefaultBranch() == null) {
            return Optional.empty();
        }
        return connection.find(Use.FACT, "read " + path + " from the default branch of " + repo.fullName(), api -> {
            try (InputStream in = api.getRepositoryFileApi().getRawFile(repo.fullName(), project.getDefaultBranch(),
                    path)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Optional<ForgeEvent.ChangeUpdated> openChange(ChangeRef change) {
        return connection.find(Use.FACT, "read " + change,
                        api -> api.getMergeRequestApi().getMergeRequest(change.repo().fullName(), change.number()))
                .filter(mr -> "opened".equals(mr.getState()))
                .map(mr -> changeUpdated(change.repo(), mr));
    }

    @Override
    public List<ForgeEvent.ChangeUpdated> openChanges(RepoRef repo, int max) {
        var list = connection.call(Use.FACT, "list the open merge requests of " + repo.fullName(),
                api -> api.getMergeRequestApi().getMergeRequests(repo.fullName(), MergeRequestState.OPENED, 1,
                        Math.max(1, Math.min(max, 100))));
        var changes = new ArrayList<ForgeEvent.ChangeUpdated>();
        for (var mr : list) {
            if (mr.getSha() == null || mr.getIid() == null || mr.getAuthor() == null) {
                LOG.warn("open merge request !{} of {} skipped: GitLab did not say its head or author", mr.getIid(),
                        repo);
                continue;
            }
            changes.add(changeUpdated(repo, mr));
        }
        return changes;
    }

    private ForgeEvent.ChangeUpdated changeUpdated(RepoRef repo, MergeRequest mr) {
        var change = new ChangeRef(repo, mr.getIid());
        var base = mr.getDiffRefs() == null ? null : mr.getDiffRefs().getBaseSha();
        // The API names the source project by its id only: there is no head URL to check here.
        return new ForgeEvent.ChangeUpdated(change, ForgeEvent.ChangeAction.PUSHED, mr.getSha(), base,
                mr.getTargetBranch(), new Person(mr.getAuthor().getUsername()),
                !Objects.equals(mr.getSourceProjectId(), mr.getTargetProjectId()),
                settings.cloneUrl(repo.fullName()), "refs/merge-requests/" + mr.getIid() + "/head",
                mr.getTitle() == null ? "" : mr.getTitle(), mr.getWebUrl() == null ? "" : mr.getWebUrl(),
                Boolean.TRUE.equals(mr.getDraft()), "");
    }

    @Override
    public Optional<ForgeEvent.BranchPushed> branchHead(RepoRef repo, String branch) {
        var found = connection.find(Use.FACT, "read the head of " + branch + " in " + repo.fullName(),
                api -> api.getRepositoryApi().getBranch(repo.fullName(), branch));
        if (found.isEmpty() || found.get().getCommit() == null) {
            return Optional.empty();
        }
        var head = found.get().getCommit().getId();
        var pushes = connection.call(Use.FACT, "read the recent pushes to " + repo.fullName(),
                api -> api.getEventsApi().getProjectEvents(repo.fullName(), ActionType.PUSHED, null, null, null,
                        SortOrder.DESC, 1, 100));
        for (var event : pushes) {
            var push = event.getPushData();
            if (push != null && branch.equals(push.getRef()) && !"tag".equals(push.getRefType())) {
                if (!head.equals(push.getCommitTo())) {
                    return Optional.empty();
                }
                return Optional.of(new ForgeEvent.BranchPushed(repo, "refs/heads/" + branch, push.getCommitFrom(), head,
                        new Person(event.getAuthorUsername()), settings.cloneUrl(repo.fullName()), false));
            }
        }
        return Optional.empty();
    }

    // ---- reports

    /**
     * A commit status, filed under a ref. GitLab attaches every status to a pipeline of the
     * project, and a pipeline needs a ref: without one GitLab takes the ref of a pipeline it already
     * has for the commit, else the first branch of the project that contains the commit, and
     * answers {@code 404 References for commit Not Found} when there is none
     * ({@code Ci::CreateCommitStatusService#ref}, app/services/ci/create_commit_status_service.rb).
     * A fork's commit is on no branch of the target project, so labgate always names the ref: a
     * staging branch for a push; the source branch for a merge request from the project itself
     * (its pipelines are the merge request's); for a merge request from a fork,
     * {@code refs/merge-requests/<iid>/head}, which GitLab keeps in the target project for every
     * merge request. GitLab takes any ref it is given, and files the status in the newest
     * pipeline of that commit and ref (a merge request pipeline run in the target project), else in
     * a new external pipeline of that ref.
     */
    @Override
    public void setStatus(Subject subject, String sha, CommitStatus status) {
        var state = switch (status.state()) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE, ERROR -> "failed";
        };
        var ref = subject instanceof Subject.Change change ? statusRef(change.change())
                : ((Subject.Branch) subject).ref().replaceFirst("^refs/heads/", "");
        var description = BodyLimit.GITLAB_STATUS_DESCRIPTION.fitLine(status.description());
        // GitLab refuses a target URL over 255 characters (app/models/generic_commit_status.rb): leave it out.
        var link = status.targetUrl() != null && BodyLimit.GITLAB_STATUS_TARGET_URL.fits(status.targetUrl())
                ? status.targetUrl() : null;
        var what = "set status " + status.context() + " on " + sha;
        connection.call(Use.REPORT, what, api -> {
            try {
                new GitLabPlainApi(api).setStatus(subject.repo().fullName(), sha, state, ref, status.context(),
                        description, link);
            } catch (GitLabApiException e) {
                if (e.getHttpStatus() == 400 && String.valueOf(e.getMessage()).contains("Cannot transition status")) {
                    // GitLab refuses to set a status to the state it is in: it already says so.
                    return null;
                }
                throw e;
            }
            return null;
        });
    }

    /** The ref a merge request's statuses are filed under; asked once per merge request, which never changes it. */
    private String statusRef(ChangeRef change) {
        var known = statusRefs.get(change);
        if (known != null) {
            return known;
        }
        var mr = connection.call(Use.REPORT, "read " + change,
                api -> api.getMergeRequestApi().getMergeRequest(change.repo().fullName(), change.number()));
        var ref = Objects.equals(mr.getSourceProjectId(), mr.getTargetProjectId()) && mr.getSourceBranch() != null
                ? mr.getSourceBranch() : "refs/merge-requests/" + change.number() + "/head";
        statusRefs.put(change, ref);
        return ref;
    }

    @Override
    public Optional<CommitStatus.State> statusOf(RepoRef repo, String sha, String context) {
        // Without all=true GitLab lists the latest status of each name only.
        var what = "read status " + context + " on " + sha;
        var latest = connection.call(Use.REPORT, what, api -> api.getCommitsApi().getCommitStatuses(repo.fullName(),
                sha, new CommitStatusFilter().withName(context)));
        return latest.stream().filter(s -> context.equals(s.getName())).reduce((a, b) -> b)
                .map(s -> switch (String.valueOf(s.getStatus())) {
                    case "success" -> CommitStatus.State.SUCCESS;
                    case "failed", "canceled" -> CommitStatus.State.FAILURE;
                    default -> CommitStatus.State.PENDING;
                });
    }

    @Override
    public void upsertSummary(ChangeRef change, String markdown, boolean verdictChanged) {
        var body = BodyLimit.GITLAB_NOTE.fit(Comments.summary(markdown), null);
        var live = ownNotes(change).stream().filter(n -> Comments.isSummary(n.getBody())).toList();
        var newest = live.isEmpty() ? null : live.get(live.size() - 1);
        if (newest == null || verdictChanged && !body.equals(newest.getBody())) {
            newest = createNote(change, body);
        } else if (!body.equals(newest.getBody())) {
            editNote(change, newest.getId(), body);
        }
        var url = settings.mergeRequestUrl(change.repo().fullName(), change.number()) + "#note_" + newest.getId();
        for (var older : live) {
            if (!older.getId().equals(newest.getId())) {
                editNote(change, older.getId(), BodyLimit.GITLAB_NOTE.fit(Comments.outdated(older.getBody(), url),
                        null));
            }
        }
    }

    @Override
    public void reply(ChangeRef change, String inReplyTo, String markdown) {
        if (ownNotes(change).stream().anyMatch(n -> Comments.isReplyTo(n.getBody(), inReplyTo))) {
            return;
        }
        createNote(change, BodyLimit.GITLAB_NOTE.fit(Comments.reply(inReplyTo, markdown), null));
    }

    /**
     * The findings of a head as merge request discussions: one on the line of each new finding
     * (positioned with the base, start and head SHAs of GitLab's diff version of that head), and
     * one without a position listing the new findings elsewhere. labgate's discussions on findings
     * the head no longer has are resolved. A finding with a labgate discussion is never posted again,
     * which also makes a repeated call post nothing; this holds too when a person resolved that
     * discussion (they saw it), and stops holding only when labgate itself resolved it (the finding
     * was gone), so a finding that comes back is discussed again. Nothing is posted for a head that
     * is no longer the merge request's.
     */
    @Override
    public void review(ChangeRef change, Review review) {
        var project = change.repo().fullName();
        var me = username();
        var own = connection.call(Use.REPORT, "list the discussions of " + change,
                        api -> api.getDiscussionsApi().getMergeRequestDiscussions(project, change.number())).stream()
                .filter(d -> d.getNotes() != null && !d.getNotes().isEmpty())
                .filter(d -> byMe(d.getNotes().get(0).getAuthor(), me))
                .filter(d -> !(Boolean.TRUE.equals(d.getNotes().get(0).getResolved())
                        && byMe(d.getNotes().get(0).getResolvedBy(), me)))
                .filter(d -> FindingComments.liveFingerprint(d.getNotes().get(0).getBody()).isPresent()
                        || FindingComments.reviewedHead(d.getNotes().get(0).getBody()).isPresent())
                .toList();
        if (review.findings().isEmpty() && own.isEmpty()) {
            return; // nothing found, nothing said before: nothing to do
        }
        // docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions: newest first.
        var versions = connection.call(Use.REPORT, "list the diff versions of " + change,
                api -> api.getMergeRequestApi().getDiffVersions(project, change.number()));
        var version = versions.stream().filter(v -> review.headSha().equalsIgnoreCase(v.getHeadCommitSha()))
                .findFirst();
        if (version.isEmpty()) {
            // GitLab computes a push's diff version after the push; the task is retried until it has it.
            throw new ForgeException("GitLab has no diff of " + change + " at " + review.headSha() + " yet", true, null,
                    null);
        }
        if (!review.headSha().equalsIgnoreCase(versions.get(0).getHeadCommitSha())) {
            LOG.info("review of {} at {} skipped: its head is now {}", change, review.headSha(),
                    versions.get(0).getHeadCommitSha());
            return;
        }
        var refs = version.get();
        var diff = new HashMap<String, FileDiff>();
        for (var file : connection.call(Use.REPORT, "read the diff of " + change + " at " + review.headSha(),
                api -> api.getMergeRequestApi().getDiffVersion(project, change.number(), refs.getId())).getDiffs()) {
            if (!Boolean.TRUE.equals(file.getDeletedFile())) {
                diff.put(file.getNewPath(), FileDiff.parse(file.getNewPath(), file.getOldPath(), file.getDiff()));
            }
        }
        var said = new HashSet<String>();
        var fingerprints = new HashMap<String, Set<String>>();
        for (var discussion : own) {
            var body = discussion.getNotes().get(0).getBody();
            var all = new HashSet<>(FindingComments.listedFingerprints(body));
            FindingComments.liveFingerprint(body).ifPresent(all::add);
            if (!all.isEmpty()) {
                fingerprints.put(discussion.getId(), all);
                said.addAll(all);
            }
        }
        var draft = ReviewDraft.of(review, diff, said);
        var open = own.stream().filter(d -> !Boolean.TRUE.equals(d.getNotes().get(0).getResolved()))
                .map(Discussion::getId).collect(Collectors.toSet());
        fingerprints.forEach((id, found) -> {
            if (open.contains(id) && found.stream().noneMatch(draft.current()::contains)) {
                connection.call(Use.REPORT, "resolve discussion " + id + " of " + change,
                        api -> api.getDiscussionsApi().resolveMergeRequestDiscussion(project, change.number(), id, true));
            }
        });
        var refused = new ArrayList<ReviewDraft.Placed>();
        for (var placed : draft.comments()) {
            var position = new Position().withBaseSha(refs.getBaseCommitSha()).withStartSha(refs.getStartCommitSha())
                    .withHeadSha(refs.getHeadCommitSha()).withPositionType(Position.PositionType.TEXT)
                    .withNewPath(placed.file().path()).withOldPath(placed.file().oldPath())
                    .withNewLine(placed.line().newLine())
                    .withOldLine(placed.line().added() ? null : placed.line().oldLine());
            var body = BodyLimit.GITLAB_NOTE.fit(FindingComments.comment(placed, review.detailsUrl()), review.detailsUrl());
            connection.call(Use.REPORT, "comment on line " + placed.line().newLine() + " of " + placed.file().path()
                    + " in " + change, api -> {
                try {
                    return api.getDiscussionsApi().createMergeRequestDiscussion(project, change.number(), body, null,
                            null, position);
                } catch (GitLabApiException e) {
                    if (e.getHttpStatus() != 400) {
                        throw e;
                    }
                    // The line is not in GitLab's diff of that version: list the finding rather than lose it.
                    LOG.warn("GitLab would not take a comment on line {} of {} in {} ({}); it is listed instead",
                            placed.line().newLine(), placed.file().path(), change, e.getMessage());
                    refused.add(placed);
                    return null;
                }
            });
        }
        var rest = draft.refused(refused);
        if (!rest.listed().isEmpty() || rest.unlisted() > 0) {
            var body = BodyLimit.GITLAB_NOTE.fit(FindingComments.reviewBody(rest, review), review.detailsUrl());
            connection.call(Use.REPORT, "list the findings of " + change + " at " + review.headSha(),
                    api -> api.getDiscussionsApi().createMergeRequestDiscussion(project, change.number(), body, null,
                            null, null));
        }
        if (!draft.isEmpty()) {
            LOG.info("reviewed {} at {}: {} discussions on lines, {} findings listed", change, review.headSha(),
                    rest.comments().size(), rest.listed().size() + rest.unlisted());
        }
    }

    private static boolean byMe(AbstractUser<?> user, String me) {
        return user != null && me.equalsIgnoreCase(user.getUsername());
    }

    /** GitLab keeps no log of failed hook deliveries that labgate could ask to replay. */
    @Override
    public int redeliverFailed(Predicate<String> stored, int max) {
        return 0;
    }

    /** The notes labgate's account wrote on a merge request, oldest first. */
    private List<Note> ownNotes(ChangeRef change) {
        var me = username();
        return connection.call(Use.REPORT, "list the notes of " + change,
                        api -> api.getNotesApi().getMergeRequestNotes(change.repo().fullName(), change.number(),
                                SortOrder.ASC, Note.OrderBy.CREATED_AT)).stream()
                .filter(n -> n.getAuthor() != null && me.equalsIgnoreCase(n.getAuthor().getUsername()))
                .filter(n -> Comments.writtenByLabgate(n.getBody()))
                .toList();
    }

    private Note createNote(ChangeRef change, String body) {
        return connection.call(Use.REPORT, "comment on " + change,
                api -> api.getNotesApi().createMergeRequestNote(change.repo().fullName(), change.number(), body, null,
                        null));
    }

    private void editNote(ChangeRef change, long id, String body) {
        connection.call(Use.REPORT, "edit note " + id + " on " + change,
                api -> api.getNotesApi().updateMergeRequestNote(change.repo().fullName(), change.number(), id, body));
    }

    /** The username labgate writes as: configured, else asked once of GitLab. */
    private String username() {
        var known = username;
        if (known == null) {
            known = connection.call(Use.REPORT, "read labgate's own username",
                    api -> api.getUserApi().getCurrentUser()).getUsername();
            username = known;
        }
        return known;
    }

    private Optional<User> user(Person person) {
        return connection.find(Use.FACT, "look up GitLab user " + person,
                api -> api.getUserApi().getUser(person.login()));
    }

    /** The username of an account id, cached: GitLab's merge request hooks name authors by id only. */
    private String usernameOf(long id) {
        var cached = usernames.get(id);
        if (cached != null) {
            return cached;
        }
        var user = connection.call(Use.FACT, "look up GitLab account " + id, api -> api.getUserApi().getUser(id));
        usernames.put(id, user.getUsername());
        return user.getUsername();
    }
}
