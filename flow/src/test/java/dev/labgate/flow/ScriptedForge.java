package dev.labgate.flow;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.forge.WebhookCheck;
import dev.labgate.core.review.Review;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A forge at the port: its facts are set by the test, what labgate writes is kept, and every
 * fact asked is noted. Deliveries parse to the event the test registered under their id.
 */
final class ScriptedForge implements Forge {

    final Map<String, ForgeEvent> events = new HashMap<>();
    final Map<String, Permission.Level> permissions = new HashMap<>();
    final Set<String> memberships = new HashSet<>();
    final Map<String, String> defaultBranch = new HashMap<>();
    /** Files as the change under test has them; labgate must never read these. */
    final Map<String, String> atHead = new HashMap<>();
    final Map<Long, List<String>> changedFiles = new HashMap<>();
    final Map<Long, String> heads = new HashMap<>();
    /** The changes the forge has open, by number. */
    final Map<Long, ForgeEvent.ChangeUpdated> open = new HashMap<>();
    final Map<String, List<SigningKey>> keys = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    final List<CommitStatus> statuses = new ArrayList<>();
    final List<String> replies = new ArrayList<>();
    final List<Review> reviews = new ArrayList<>();
    /** What happens elsewhere while a review is being posted. */
    Runnable duringReview = () -> { };

    @Override
    public String name() {
        return "github";
    }

    @Override
    public WebhookCheck verify(Map<String, String> headers, byte[] body) {
        throw new UnsupportedOperationException("the flow never verifies");
    }

    @Override
    public ForgeEvent parse(Delivery delivery) {
        return events.getOrDefault(delivery.key().id(), new ForgeEvent.Ignored("unknown delivery"));
    }

    @Override
    public int redeliverFailed(Predicate<String> stored, int max) {
        return 0;
    }

    @Override
    public Permission permission(RepoRef repo, Person person) {
        asked.add("permission " + person);
        var level = permissions.getOrDefault(person.login(), Permission.Level.NONE);
        return new Permission(level, level == Permission.Level.NONE ? "not a collaborator"
                : level.name().toLowerCase() + " collaborator");
    }

    @Override
    public boolean memberOf(String team, Person person) {
        asked.add("member " + team + " " + person);
        return memberships.contains(team + " " + person.login());
    }

    @Override
    public List<SigningKey> signingKeys(Person person) {
        asked.add("keys " + person);
        return keys.getOrDefault(person.login(), List.of());
    }

    @Override
    public List<String> changedFiles(ChangeRef change) {
        asked.add("files " + change.number());
        return changedFiles.getOrDefault(change.number(), List.of("README"));
    }

    @Override
    public List<String> commits(ChangeRef change) {
        throw new UnsupportedOperationException("labgate reads commits from git");
    }

    @Override
    public String currentHead(ChangeRef change) {
        asked.add("head " + change.number());
        return heads.get(change.number());
    }

    @Override
    public Optional<String> fileOnDefaultBranch(RepoRef repo, String path) {
        asked.add("default-branch " + path);
        return Optional.ofNullable(defaultBranch.get(path));
    }

    @Override
    public Optional<ForgeEvent.ChangeUpdated> openChange(ChangeRef change) {
        asked.add("open change " + change.number());
        return Optional.ofNullable(open.get(change.number()));
    }

    @Override
    public List<ForgeEvent.ChangeUpdated> openChanges(RepoRef repo, int max) {
        return List.of();
    }

    @Override
    public Optional<ForgeEvent.BranchPushed> branchHead(RepoRef repo, String branch) {
        return Optional.empty();
    }

    @Override
    public void reply(ChangeRef change, String inReplyTo, String markdown) {
        replies.add(markdown);
    }

    @Override
    public void setStatus(Subject subject, String sha, CommitStatus status) {
        statuses.add(status);
    }

    @Override
    public Optional<CommitStatus.State> statusOf(RepoRef repo, String sha, String context) {
        return statuses.stream().filter(s -> s.context().equals(context)).reduce((a, b) -> b).map(CommitStatus::state);
    }

    @Override
    public void review(ChangeRef change, Review review) {
        reviews.add(review);
        duringReview.run();
    }

    @Override
    public void upsertSummary(ChangeRef change, String markdown, boolean verdictChanged) {
        asked.add("summary " + change.number());
    }
}
