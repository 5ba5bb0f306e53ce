package dev.labgate.forge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.ForgeEvent.ChangeAction;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;

import java.io.IOException;

/**
 * Maps GitHub deliveries to {@link ForgeEvent}s. Never throws for a payload GitHub can send:
 * whatever labgate does not act on, or cannot read, becomes {@link ForgeEvent.Ignored}.
 */
public final class GitHubEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubSettings settings;

    public GitHubEvents(GitHubSettings settings) {
        this.settings = settings;
    }

    public ForgeEvent parse(Delivery delivery) {
        JsonNode root;
        try {
            root = JSON.readTree(delivery.body());
        } catch (IOException e) {
            return new ForgeEvent.Ignored("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return new ForgeEvent.Ignored("the body is not a JSON object");
        }
        try {
            return switch (delivery.event()) {
                case "pull_request" -> pullRequest(root);
                case "ping" -> new ForgeEvent.Ignored("ping: the webhook is set up");
                default -> new ForgeEvent.Ignored("'" + delivery.event() + "' events are not acted on");
            };
        } catch (MissingField e) {
            return new ForgeEvent.Ignored("malformed " + delivery.event() + " payload: " + e.getMessage());
        }
    }

    private ForgeEvent pullRequest(JsonNode root) {
        var action = text(root, "action");
        var pr = field(root, "pull_request");
        var repo = new RepoRef(settings.name(), text(field(root, "repository"), "full_name"));
        var change = new ChangeRef(repo, number(root, "number"));
        return switch (action) {
            case "opened" -> changeUpdated(change, ChangeAction.OPENED, pr);
            case "synchronize" -> changeUpdated(change, ChangeAction.PUSHED, pr);
            case "reopened" -> changeUpdated(change, ChangeAction.REOPENED, pr);
            case "closed" -> new ForgeEvent.ChangeClosed(change, pr.path("merged").asBoolean(false),
                    new Person(text(field(root, "sender"), "login")));
            default -> new ForgeEvent.Ignored("pull_request '" + action + "' is not acted on");
        };
    }

    private ForgeEvent changeUpdated(ChangeRef change, ChangeAction action, JsonNode pr) {
        var head = field(pr, "head");
        var base = field(pr, "base");
        var headRepo = head.path("repo").path("full_name").asText("");
        var baseRepo = text(field(base, "repo"), "full_name");
        return new ForgeEvent.ChangeUpdated(change, action, text(head, "sha"), text(base, "sha"), text(base, "ref"),
                new Person(text(field(pr, "user"), "login")), !headRepo.equalsIgnoreCase(baseRepo),
                settings.cloneUrl(change.repo().fullName()), "refs/pull/" + change.number() + "/head",
                pr.path("title").asText(""), pr.path("html_url").asText(""), pr.path("draft").asBoolean(false));
    }

    private static JsonNode field(JsonNode node, String name) {
        var value = node.get(name);
        if (value == null || value.isNull()) {
            throw new MissingField(name);
        }
        return value;
    }

    private static String text(JsonNode node, String name) {
        var value = field(node, name);
        if (!value.isTextual()) {
            throw new MissingField(name + " (not text)");
        }
        return value.asText();
    }

    private static long number(JsonNode node, String name) {
        var value = field(node, name);
        if (!value.canConvertToLong()) {
            throw new MissingField(name + " (not a number)");
        }
        return value.asLong();
    }

    private static final class MissingField extends RuntimeException {
        MissingField(String field) {
            super("missing " + field, null, false, false);
        }
    }
}
