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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The forge facts {@code labgate explain} uses, each noted with where it came from. Online every
 * fact is asked of the forge (read-only). With {@code --offline} a fact only the forge knows (a
 * permission, a team membership, the repository's own policy file) is not known: it is answered
 * with an {@link Assumption} and listed in {@link #unknown()}, so that the caller can decide
 * twice, assuming the most and the least, and say the decision only when both agree.
 */
final class ExplainFacts implements ForgeFacts {

    /** What an offline answer assumes of a fact it cannot know. */
    enum Assumption {
        /** Every unknown fact in the author's favour: admin access, a member of every team. */
        MOST,
        /** None in the author's favour: no access, a member of no team. */
        LEAST
    }

    private final Optional<ForgeFacts> forge;
    private final JsonNode payload;
    private final String head;
    private final Assumption assumption;
    private final List<String> notes = new ArrayList<>();
    private final Set<String> unknown = new LinkedHashSet<>();

    /**
     * @param forge the forge to ask, or empty for {@code --offline}
     * @param payload the delivery's JSON, for what it says about its author
     * @param head the head commit the payload names, if any
     * @param assumption what offline answers assume; unused online
     */
    ExplainFacts(Optional<ForgeFacts> forge, JsonNode payload, String head, Assumption assumption) {
        this.forge = forge;
        this.payload = payload;
        this.head = head;
        this.assumption = assumption;
    }

    /** What was asked, and the answers, in order. */
    List<String> notes() {
        return notes;
    }

    /** The facts that were needed but could not be known offline, in words, in the order they were needed. */
    Set<String> unknown() {
        return unknown;
    }

    @Override
    public Permission permission(RepoRef repo, Person person) {
        if (forge.isPresent()) {
            var permission = forge.get().permission(repo, person);
            notes.add("permission of " + person + " on " + repo.fullName() + ": " + word(permission.level()) + " ("
                    + permission.reason() + ")");
            return permission;
        }
        var fact = "the permission of " + person + " on " + repo.fullName();
        unknown.add(fact);
        var association = association(person);
        notes.add(fact + ": NOT KNOWN offline" + (association.isEmpty() ? ""
                : " (the payload's author_association " + association + " is not a permission)"));
        var level = assumption == Assumption.MOST ? Permission.Level.ADMIN : Permission.Level.NONE;
        return new Permission(level, "assumed " + word(level) + " offline");
    }

    @Override
    public boolean memberOf(String team, Person person) {
        if (forge.isPresent()) {
            var member = forge.get().memberOf(team, person);
            notes.add(person + (member ? " is" : " is not") + " a member of " + team);
            return member;
        }
        var fact = "whether " + person + " is a member of " + team;
        unknown.add(fact);
        notes.add(fact + ": NOT KNOWN offline");
        return assumption == Assumption.MOST;
    }

    @Override
    public List<SigningKey> signingKeys(Person person) {
        if (forge.isPresent()) {
            var keys = forge.get().signingKeys(person);
            notes.add("signing keys the forge lists for " + person + ": " + keys.size());
            return keys;
        }
        notes.add("signing keys the forge lists for " + person + ": NOT KNOWN offline (none used)");
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
        var fact = "the paths " + change + " touches";
        unknown.add(fact);
        notes.add(fact + ": NOT KNOWN offline");
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
        notes.add("current head of " + change + ": " + head + " (from the payload; the forge may have a newer one)");
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
        var fact = path + " on the default branch of " + repo.fullName() + " (the repository's own policy)";
        unknown.add(fact);
        notes.add(fact + ": NOT KNOWN offline (taken as absent)");
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
