package dev.labgate.forge.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.forge.CommentCommands;
import dev.labgate.forge.Comments;
import dev.labgate.forge.PayloadFields;
import dev.labgate.forge.Payloads.MissingField;

import java.io.IOException;

import static dev.labgate.forge.Payloads.field;
import static dev.labgate.forge.Payloads.number;
import static dev.labgate.forge.Payloads.optionalText;
import static dev.labgate.forge.Payloads.sha;
import static dev.labgate.forge.Payloads.text;

/**
 * Maps GitLab deliveries ({@code X-Gitlab-Event}) to {@link ForgeEvent}s. Thread-safe. Never
 * throws for a payload GitLab can send: whatever labgate does not act on, or cannot read, becomes
 * {@link ForgeEvent.Ignored} with the reason.
 *
 * <p>One fact is missing from GitLab's merge request hooks: the author's username (the payload
 * gives the author's id, and the username of whoever triggered the hook). When those differ, the
 * username is asked of {@link Accounts}; that lookup is the only I/O here and fails with
 * {@link ForgeException} like any API call.
 */
public final class GitLabEvents {

    /** GitLab accounts by id. */
    @FunctionalInterface
    public interface Accounts {
        /** The username of the account with this id. */
        String username(long id);
    }

    /** Every field of a delivery read below; the rest of the payload is skipped. */
    private static final PayloadFields FIELDS = PayloadFields.of("ref", "before", "after", "user_username",
            "project.path_with_namespace", "user.id", "user.username", "merge_request.iid",
            "changes.target_branch", "changes.draft", "changes.work_in_progress", "object_attributes.action",
            "object_attributes.iid", "object_attributes.oldrev", "object_attributes.author_id",
            "object_attributes.source_project_id", "object_attributes.target_project_id",
            "object_attributes.last_commit.id", "object_attributes.target_branch", "object_attributes.title",
            "object_attributes.url", "object_attributes.draft", "object_attributes.work_in_progress",
            "object_attributes.source.git_http_url", "object_attributes.noteable_type", "object_attributes.system",
            "object_attributes.note", "object_attributes.id");
    private static final String ZEROS = "0000000000000000000000000000000000000000";

    private final GitLabSettings settings;
    private final Accounts accounts;

    public GitLabEvents(GitLabSettings settings, Accounts accounts) {
        this.settings = settings;
        this.accounts = accounts;
    }

    public ForgeEvent parse(Delivery delivery) {
        JsonNode root;
        try {
            root = FIELDS.read(delivery.body());
        } catch (IOException e) {
            return new ForgeEvent.Ignored("the body is not JSON");
        }
        return event(delivery.event(), root);
    }

    /** The event a payload's tree maps to, whether the tree holds every field or only those read here. */
    ForgeEvent event(String event, JsonNode root) {
        if (root == null || !root.isObject()) {
            return new ForgeEvent.Ignored("the body is not a JSON object");
        }
        try {
            return switch (event) {
                case "Merge Request Hook" -> mergeRequest(root);
                case "Push Hook" -> push(root);
                case "Note Hook" -> note(root);
                case "Tag Push Hook" -> new ForgeEvent.Ignored("tag pushes are not tested");
                case "System Hook" -> new ForgeEvent.Ignored("system hooks are not read; add a project or group "
                        + "webhook instead");
                default -> new ForgeEvent.Ignored("'" + event + "' events are not acted on");
            };
        } catch (MissingField e) {
            return new ForgeEvent.Ignored("malformed " + event + " payload: " + e.getMessage());
        } catch (ForgeException e) {
            throw e;
        } catch (RuntimeException e) {
            // A payload shape nobody foresaw must not stop the queue; the reason names the fault.
            return new ForgeEvent.Ignored("unreadable " + event + " payload (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ForgeEvent mergeRequest(JsonNode root) {
        var attributes = field(root, "object_attributes");
        var action = optionalText(attributes, "action");
        var change = new ChangeRef(repo(root), number(attributes, "iid"));
        return switch (action) {
            case "open" -> changeUpdated(root, change, ChangeAction.OPENED);
            case "reopen" -> changeUpdated(root, change, ChangeAction.REOPENED);
            case "update" -> update(root, change, attributes);
            case "close" -> new ForgeEvent.ChangeClosed(change, false, new Person(text(field(root, "user"), "username")));
            case "merge" -> new ForgeEvent.ChangeClosed(change, true, new Person(text(field(root, "user"), "username")));
            case "" -> new ForgeEvent.Ignored("a merge request event without an action");
            default -> new ForgeEvent.Ignored("merge request '" + action + "' is not acted on");
        };
    }

    /** GitLab says "update" for every edit; only some move what labgate tests. */
    private ForgeEvent update(JsonNode root, ChangeRef change, JsonNode attributes) {
        if (!optionalText(attributes, "oldrev").isEmpty()) {
            return changeUpdated(root, change, ChangeAction.PUSHED);
        }
        var changes = root.path("changes");
        if (changes.has("target_branch")) {
            return changeUpdated(root, change, ChangeAction.BASE_CHANGED);
        }
        var draft = changes.has("draft") ? changes.path("draft") : changes.path("work_in_progress");
        if (draft.has("current")) {
            return changeUpdated(root, change, draft.path("current").asBoolean()
                    ? ChangeAction.CONVERTED_TO_DRAFT : ChangeAction.READY_FOR_REVIEW);
        }
        return new ForgeEvent.Ignored("merge request 'update' without new commits, a new target branch or a draft "
                + "change is not acted on");
    }

    private ForgeEvent.ChangeUpdated changeUpdated(JsonNode root, ChangeRef change, ChangeAction action) {
        var attributes = field(root, "object_attributes");
        var user = field(root, "user");
        var authorId = number(attributes, "author_id");
        // The hook names only who triggered it; the author is someone else when, say, a maintainer reopens.
        var author = user.has("id") && user.path("id").asLong() == authorId ? text(user, "username")
                : accounts.username(authorId);
        var fromFork = number(attributes, "source_project_id") != number(attributes, "target_project_id");
        return new ForgeEvent.ChangeUpdated(change, action, sha(field(attributes, "last_commit"), "id"), null,
                text(attributes, "target_branch"), new Person(author), fromFork,
                settings.cloneUrl(change.repo().fullName()), "refs/merge-requests/" + change.number() + "/head",
                optionalText(attributes, "title"), optionalText(attributes, "url"),
                attributes.path("draft").asBoolean(false) || attributes.path("work_in_progress").asBoolean(false),
                attributes.path("source").path("git_http_url").asText(""));
    }

    private ForgeEvent push(JsonNode root) {
        var ref = text(root, "ref");
        if (!ref.startsWith("refs/heads/")) {
            return new ForgeEvent.Ignored("push to " + ref + " is not a branch push");
        }
        var after = sha(root, "after");
        var repo = repo(root);
        return new ForgeEvent.BranchPushed(repo, ref, sha(root, "before"), after,
                new Person(text(root, "user_username")), settings.cloneUrl(repo.fullName()), ZEROS.equals(after));
    }

    private ForgeEvent note(JsonNode root) {
        var attributes = field(root, "object_attributes");
        var type = text(attributes, "noteable_type");
        if (!type.equals("MergeRequest")) {
            return new ForgeEvent.Ignored("a note on a " + type + ", not on a merge request");
        }
        var action = optionalText(attributes, "action");
        if (!action.isEmpty() && !action.equals("create")) {
            return new ForgeEvent.Ignored("note '" + action + "': only new notes can ask for anything");
        }
        if (attributes.path("system").asBoolean(false)) {
            return new ForgeEvent.Ignored("a system note");
        }
        var author = text(field(root, "user"), "username");
        var body = optionalText(attributes, "note");
        if (author.equalsIgnoreCase(settings.botUsername() == null ? "" : settings.botUsername())
                || Comments.writtenByLabgate(body)) {
            return new ForgeEvent.Ignored("a note written by labgate itself");
        }
        var found = CommentCommands.find(body);
        var change = new ChangeRef(repo(root), number(field(root, "merge_request"), "iid"));
        var noteId = String.valueOf(number(attributes, "id"));
        if (found instanceof CommentCommands.Known known) {
            return new ForgeEvent.CommandIssued(change, new Person(author), known.command(), noteId);
        }
        if (found instanceof CommentCommands.Unknown unknown) {
            // A word that is no command is answered with the commands there are.
            return new ForgeEvent.CommandIssued(change, new Person(author), Command.HELP, noteId, unknown.word());
        }
        return new ForgeEvent.Ignored("no /labgate command in the note");
    }

    private RepoRef repo(JsonNode root) {
        return new RepoRef(settings.name(), text(field(root, "project"), "path_with_namespace"));
    }
}
