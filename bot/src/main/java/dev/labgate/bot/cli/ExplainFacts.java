package dev.labgate.bot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.ForgeFacts;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The forge facts {@code labgate explain} uses, each noted with where it came from: asked of the
 * forge (read-only), or with {@code --offline} taken from the payload and marked unverified.
 */
final class ExplainFacts implements ForgeFacts {

    private final Optional<ForgeFacts> forge;
    private final JsonNode payload;
    private final String head;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param forge the forge to ask, or empty for {@code --offline}
     * @param payload the delivery's JSON, for what it says about its author
     * @param head the head commit the payload names, if any
     */
    ExplainFacts(Optional<ForgeFacts> forge, JsonNode payload, String head) {
        this.forge = forge;
        this.payload = payload;
        this.head = head;
    }

    /** What was asked, and the answers, in order. */
    List<String> notes() {
        return notes;
    }

    @Override
    public Permission permission(RepoRef repo, Person person) {
        if (forge.isPresent()) {
            var permission = forge.get().permission(repo, person);
            notes.add("permission of " + person + " on " + repo.fullName() + ": " + word(permission.level()) + " ("
                    + permission.reason() + ")");
            return permission;
        }
        var association = association(person);
        var level = switch (association) {
            case "OWNER" -> Permission.Level.ADMIN;
            case "COLLABORATOR" -> Permission.Level.WRITE;
            case "MEMBER" -> Permission.Level.READ;
            default -> Permission.Level.NONE;
        };
        var reason = association.isEmpty() ? "UNVERIFIED: the payload says nothing about " + person
                : "UNVERIFIED: the payload says author_association " + association;
        notes.add("permission of " + person + " on " + repo.fullName() + ": " + word(level) + " (" + reason + ")");
        return new Permission(level, reason);
    }

    @Override
    public boolean memberOf(String team, Person person) {
        if (forge.isPresent()) {
            var member = forge.get().memberOf(team, person);
            notes.add(person + (member ? " is" : " is not") + " a member of " + team);
            return member;
        }
        notes.add(person + " taken as not a member of " + team + " (UNVERIFIED: offline)");
        return false;
    }

    @Override
    public List<SigningKey> signingKeys(Person person) {
        if (forge.isPresent()) {
            var keys = forge.get().signingKeys(person);
            notes.add("signing keys the forge lists for " + person + ": " + keys.size());
            return keys;
        }
        notes.add("signing keys of " + person + ": none (UNVERIFIED: offline)");
        return List.of();
    }

    @Override
    public List<String> changedFiles(ChangeRef change) {
        if (forge.isPresent()) {
            var files = forge.get().changedFiles(change);
            notes.add("paths " + change + " touches: " + files.size() + (files.isEmpty() ? ""
                    : " (" + String.join(", ", files.subList(0, Math.min(5, files.size())))
                    + (files.size() > 5 ? ", ..." : "") + ")"));
            return files;
        }
        notes.add("paths " + change + " touches: not known (offline)");
        return List.of();
    }

    @Override
    public List<String> commits(ChangeRef change) {
        return forge.map(f -> f.commits(change)).orElse(List.of());
    }

    @Override
    public String currentHead(ChangeRef change) {
        if (forge.isPresent()) {
            var current = forge.get().currentHead(change);
            notes.add("current head of " + change + ": " + current);
            return current;
        }
        notes.add("current head of " + change + ": " + head + " (UNVERIFIED: from the payload)");
        return head;
    }

    @Override
    public Optional<String> fileOnDefaultBranch(RepoRef repo, String path) {
        if (forge.isPresent()) {
            var file = forge.get().fileOnDefaultBranch(repo, path);
            notes.add(path + " on the default branch of " + repo.fullName() + ": "
                    + (file.isPresent() ? "present" : "absent"));
            return file;
        }
        notes.add(path + " on the default branch of " + repo.fullName() + ": not read (offline)");
        return Optional.empty();
    }

    @Override
    public Optional<ForgeEvent.ChangeUpdated> openChange(ChangeRef change) {
        return forge.flatMap(f -> f.openChange(change));
    }

    @Override
    public List<ForgeEvent.ChangeUpdated> openChanges(RepoRef repo, int max) {
        return forge.map(f -> f.openChanges(repo, max)).orElse(List.of());
    }

    @Override
    public Optional<ForgeEvent.BranchPushed> branchHead(RepoRef repo, String branch) {
        return forge.flatMap(f -> f.branchHead(repo, branch));
    }

    /** GitHub's {@code author_association} of the person, wherever the payload has it for them. */
    private String association(Person person) {
        for (var holder : List.of("pull_request", "comment", "issue")) {
            var node = payload.path(holder);
            if (node.path("user").path("login").asText("").equalsIgnoreCase(person.login())) {
                return node.path("author_association").asText("");
            }
        }
        return "";
    }

    private static String word(Permission.Level level) {
        return level.name().toLowerCase(Locale.ROOT);
    }
}
