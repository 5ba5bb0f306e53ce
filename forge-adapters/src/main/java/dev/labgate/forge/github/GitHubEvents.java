package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.forge.CommentCommands;
import dev.labgate.forge.Comments;
import dev.labgate.forge.PayloadFields;
import dev.labgate.forge.Payloads.MissingField;

import java.io.IOException;
import java.util.ArrayList;

import static dev.labgate.forge.Payloads.field;
import static dev.labgate.forge.Payloads.number;
import static dev.labgate.forge.Payloads.optionalText;
import static dev.labgate.forge.Payloads.sha;
import static dev.labgate.forge.Payloads.text;

/**
 * Maps GitHub deliveries to {@link ForgeEvent}s. Pure and thread-safe. Never throws for a payload
 * GitHub can send: whatever labgate does not act on, or cannot read, becomes
 * {@link ForgeEvent.Ignored} with the reason.
 */
public final class GitHubEvents {

    /** Every field of a delivery read below; the rest of the payload is skipped. */
    private static final PayloadFields FIELDS = PayloadFields.of("action", "number", "hook_id", "ref", "before",
            "after", "deleted", "repository.full_name", "sender.login", "pusher.name", "changes.base",
            "pull_request.number", "pull_request.merged", "pull_request.title", "pull_request.html_url",
            "pull_request.draft", "pull_request.user.login", "pull_request.head.sha",
            "pull_request.head.repo.full_name", "pull_request.head.repo.clone_url", "pull_request.base.sha",
            "pull_request.base.ref", "pull_request.base.repo.full_name", "issue.number", "issue.pull_request",
            "comment.id", "comment.body", "comment.user.login", "installation.account.login",
            "repositories_added", "repositories_removed");
    private static final String ZEROS = "0000000000000000000000000000000000000000";

    private final GitHubSettings settings;

    public GitHubEvents(GitHubSettings settings) {
        this.settings = settings;
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
                case "pull_request" -> pullRequest(root);
                case "push" -> push(root);
                case "issue_comment" -> issueComment(root);
                case "ping" -> new ForgeEvent.Ignored("ping: GitHub checked that the webhook"
                        + (root.path("hook_id").canConvertToLong() ? " " + root.path("hook_id").asLong() : "")
                        + " reaches labgate");
                case "installation" -> installation(root);
                case "installation_repositories" -> installationRepositories(root);
                default -> new ForgeEvent.Ignored("'" + event + "' events are not acted on");
            };
        } catch (MissingField e) {
            return new ForgeEvent.Ignored("malformed " + event + " payload: " + e.getMessage());
        } catch (RuntimeException e) {
            // A payload shape nobody foresaw must not stop the queue; the reason names the fault.
            return new ForgeEvent.Ignored("unreadable " + event + " payload (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ForgeEvent pullRequest(JsonNode root) {
        var action = text(root, "action");
        var pr = field(root, "pull_request");
        var change = new ChangeRef(repo(root), pr.has("number") ? number(pr, "number") : number(root, "number"));
        return switch (action) {
            case "opened" -> changeUpdated(change, ChangeAction.OPENED, pr);
            case "synchronize" -> changeUpdated(change, ChangeAction.PUSHED, pr);
            case "reopened" -> changeUpdated(change, ChangeAction.REOPENED, pr);
            case "ready_for_review" -> changeUpdated(change, ChangeAction.READY_FOR_REVIEW, pr);
            case "converted_to_draft" -> changeUpdated(change, ChangeAction.CONVERTED_TO_DRAFT, pr);
            case "edited" -> root.path("changes").has("base")
                    ? changeUpdated(change, ChangeAction.BASE_CHANGED, pr)
                    : new ForgeEvent.Ignored("pull_request 'edited' without a change of base branch is not acted on");
            case "closed" -> new ForgeEvent.ChangeClosed(change, pr.path("merged").asBoolean(false),
                    new Person(text(field(root, "sender"), "login")));
            default -> new ForgeEvent.Ignored("pull_request '" + action + "' is not acted on");
        };
    }

    /** A pull request object (from a delivery or from the API) as a change to test. */
    ForgeEvent.ChangeUpdated changeUpdated(ChangeRef change, ChangeAction action, JsonNode pr) {
        var head = field(pr, "head");
        var base = field(pr, "base");
        var headRepo = head.path("repo").path("full_name").asText("");
        var baseRepo = text(field(base, "repo"), "full_name");
        return new ForgeEvent.ChangeUpdated(change, action, sha(head, "sha"), sha(base, "sha"), text(base, "ref"),
                new Person(text(field(pr, "user"), "login")), !headRepo.equalsIgnoreCase(baseRepo),
                settings.cloneUrl(change.repo().fullName()), "refs/pull/" + change.number() + "/head",
                optionalText(pr, "title"), optionalText(pr, "html_url"), pr.path("draft").asBoolean(false),
                head.path("repo").path("clone_url").asText(""));
    }

    private ForgeEvent push(JsonNode root) {
        var ref = text(root, "ref");
        if (!ref.startsWith("refs/heads/")) {
            return new ForgeEvent.Ignored("push to " + ref + " is not a branch push");
        }
        var after = sha(root, "after");
        var sender = root.path("sender").path("login").asText("");
        var pusher = sender.isEmpty() ? text(field(root, "pusher"), "name") : sender;
        var full = text(field(root, "repository"), "full_name");
        return new ForgeEvent.BranchPushed(new RepoRef(settings.name(), full), ref, sha(root, "before"), after,
                new Person(pusher), settings.cloneUrl(full), root.path("deleted").asBoolean(false) || ZEROS.equals(after));
    }

    private ForgeEvent issueComment(JsonNode root) {
        var action = text(root, "action");
        if (!action.equals("created")) {
            return new ForgeEvent.Ignored("issue_comment '" + action + "': only new comments can ask for anything");
        }
        var issue = field(root, "issue");
        if (!issue.hasNonNull("pull_request")) {
            return new ForgeEvent.Ignored("a comment on an issue, not on a pull request");
        }
        var comment = field(root, "comment");
        var author = text(field(comment, "user"), "login");
        var body = optionalText(comment, "body");
        if (author.equalsIgnoreCase(settings.botLogin() == null ? "" : settings.botLogin())
                || Comments.writtenByLabgate(body)) {
            return new ForgeEvent.Ignored("a comment written by labgate itself");
        }
        var found = CommentCommands.find(body);
        var change = new ChangeRef(repo(root), number(issue, "number"));
        var commentId = String.valueOf(number(comment, "id"));
        if (found instanceof CommentCommands.Known known) {
            return new ForgeEvent.CommandIssued(change, new Person(author), known.command(), commentId);
        }
        if (found instanceof CommentCommands.Unknown unknown) {
            // A word that is no command is answered with the commands there are.
            return new ForgeEvent.CommandIssued(change, new Person(author), Command.HELP, commentId, unknown.word());
        }
        return new ForgeEvent.Ignored("no /labgate command in the comment");
    }

    private ForgeEvent installation(JsonNode root) {
        var action = text(root, "action");
        var account = field(root, "installation").path("account").path("login").asText("an account");
        return new ForgeEvent.Ignored("the App installation on " + account + " was " + action.replace('_', ' ')
                + "; labgate acts on the repositories its policy names");
    }

    private ForgeEvent installationRepositories(JsonNode root) {
        var action = text(root, "action");
        var names = new ArrayList<String>();
        for (var list : new String[] {"repositories_added", "repositories_removed"}) {
            root.path(list).forEach(r -> names.add(r.path("full_name").asText("?")));
        }
        return new ForgeEvent.Ignored("repositories " + action + " to the App installation: "
                + (names.isEmpty() ? "none" : String.join(", ", names))
                + "; labgate acts on the repositories its policy names");
    }

    private RepoRef repo(JsonNode root) {
        return new RepoRef(settings.name(), text(field(root, "repository"), "full_name"));
    }
}
