package dev.labgate.config;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.TrustDecision.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.labgate.core.trust.TrustDecision.Outcome.NEEDS_APPROVAL;
import static dev.labgate.core.trust.TrustDecision.Outcome.REJECTED;
import static dev.labgate.core.trust.TrustDecision.Outcome.TRUSTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The trust rules, one sentence per case; every fact is given, nothing is asked of a forge. */
class TrustRulesTest {

    private static final RepoRef REPO = new RepoRef("github", "acme/linux");
    private static final ChangeRef CHANGE = new ChangeRef(REPO, 7);
    private static final String HEAD = "a".repeat(40);
    private static final String OLD_HEAD = "b".repeat(40);
    private static final TrustRules RULES = new TrustRules();

    private static final Policy POLICY = policy("""
            repositories:
              - github: acme/linux
                staging-branches: [staging]
            trust:
              min-permission: write
              users: [carol]
              teams: [acme/kernel-testers]
              maintainers:
                min-permission: maintain
                teams: [acme/maintainers]
                maintainers-file: MAINTAINERS
                emails:
                  dave: [dave@kernel.example]
            labs:
              qemu: {type: command, command: make}
              rack: {type: command, command: make, tier: maintainers}
              busy: {type: command, command: make, max-concurrent: 2}
            quotas:
              runs-per-author-per-day: 10
            """);

    private static final Policy SIGNED = policy("""
            repositories:
              - github: acme/linux
            trust:
              signatures:
                required: true
                forge-keys: true
            """);

    private static final Maintainers MAINTAINERS = Maintainers.parse("""
            NETWORKING
            M:\tDave <dave@kernel.example>
            F:\tnet/
            """);

    static Stream<Arguments> cases() {
        return Stream.of(
                c("trusted author: write access on the repository is enough",
                        () -> change(person("alice", Permission.Level.WRITE), false, none(), checks("p1")),
                        TRUSTED, TrustRules.FORGE_PERMISSION, "alice has write access to acme/linux"),
                c("untrusted fork author: read access needs a maintainer's approval, and the fork is named",
                        () -> change(person("mallory", Permission.Level.READ), true, none(), checks("p1")),
                        NEEDS_APPROVAL, TrustRules.FORGE_PERMISSION, "/labgate ok-to-test"),
                c("a trusted author's fork is judged on the author, never on the fork",
                        () -> change(person("alice", Permission.Level.ADMIN), true, none(), checks("p1")),
                        TRUSTED, TrustRules.FORGE_PERMISSION, "admin access"),
                c("a user named in the policy is trusted without any permission",
                        () -> change(person("carol", Permission.Level.NONE), true, none(), checks("p1")),
                        TRUSTED, TrustRules.TRUSTED_USER, "carol is named as trusted"),
                c("a member of a trusted team is trusted",
                        () -> change(new PersonFacts(new Person("erin"), new Permission(Permission.Level.READ, "read"),
                                Map.of("acme/kernel-testers", true)), false, none(), checks("p1")),
                        TRUSTED, TrustRules.TRUSTED_TEAM, "member of acme/kernel-testers"),
                c("a maintainer's approval of this very head trusts it",
                        () -> change(person("mallory", Permission.Level.READ), true,
                                approval(HEAD, List.of("p1")), checks("p1")),
                        TRUSTED, TrustRules.APPROVAL, "bob approved this commit"),
                c("approval then force-push with a changed patch: needs re-approval",
                        () -> change(person("mallory", Permission.Level.READ), true,
                                approval(OLD_HEAD, List.of("p1", "p2")), checks("p1", "p2-changed")),
                        NEEDS_APPROVAL, TrustRules.APPROVAL, "1 of 2 patches changed"),
                c("approval then pure rebase: the same patch ids carry the approval over",
                        () -> change(person("mallory", Permission.Level.READ), true,
                                approval(OLD_HEAD, List.of("p1", "p2")), checks("p1", "p2")),
                        TRUSTED, TrustRules.REBASE_CARRY_OVER, "a pure rebase"),
                c("approval then a push that adds a commit: needs re-approval",
                        () -> change(person("mallory", Permission.Level.READ), true,
                                approval(OLD_HEAD, List.of("p1")), checks("p1", "p2")),
                        NEEDS_APPROVAL, TrustRules.APPROVAL, "number of patches changed from 1 to 2"),
                c("approval then a push whose commits could not be read: needs re-approval rather than a guess",
                        () -> new ChangeFacts(REPO, HEAD, person("mallory", Permission.Level.READ), true,
                                approval(OLD_HEAD, List.of("p1")), Optional.empty()),
                        NEEDS_APPROVAL, TrustRules.APPROVAL, "could not be compared"),
                c("a change to a repository outside the policy is rejected",
                        () -> new ChangeFacts(new RepoRef("github", "other/repo"), HEAD,
                                person("alice", Permission.Level.ADMIN), false, none(), Optional.empty()),
                        REJECTED, TrustRules.REPOSITORY, "not one of the repositories"));
    }

    static Stream<Arguments> signatureCases() {
        return Stream.of(
                c("signatures required: every commit signed by a trusted key lets permission decide",
                        () -> signed(SignatureVerdict.TRUSTED),
                        TRUSTED, TrustRules.FORGE_PERMISSION, "alice has write access"),
                c("signatures required: a commit signed by a key outside the keyring is rejected, named with its verdict",
                        () -> signed(SignatureVerdict.UNTRUSTED_KEY),
                        REJECTED, TrustRules.SIGNATURES, "1 of 2 commits lack a trusted signature: cccccccccccc untrusted-key"),
                c("signatures required: a revoked key is not trusted",
                        () -> signed(SignatureVerdict.REVOKED_KEY), REJECTED, TrustRules.SIGNATURES, "revoked-key"),
                c("signatures required: an expired key is not trusted",
                        () -> signed(SignatureVerdict.EXPIRED_KEY), REJECTED, TrustRules.SIGNATURES, "expired-key"),
                c("signatures required: a tampered commit has a bad signature",
                        () -> signed(SignatureVerdict.BAD_SIGNATURE), REJECTED, TrustRules.SIGNATURES, "bad-signature"),
                c("signatures required: an unsigned commit is rejected even for an admin",
                        () -> new ChangeFacts(REPO, HEAD, person("root", Permission.Level.ADMIN), false, none(),
                                Optional.of(List.of(check("c", "p", SignatureVerdict.UNSIGNED)))),
                        REJECTED, TrustRules.SIGNATURES, "unsigned"),
                c("signatures required: commits that could not be checked are not waved through",
                        () -> new ChangeFacts(REPO, HEAD, person("alice", Permission.Level.WRITE), false, none(),
                                Optional.empty()),
                        REJECTED, TrustRules.SIGNATURES, "could not be checked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changes(String sentence, Supplier<ChangeFacts> facts, Outcome outcome, String rule, String reason) {
        expect(RULES.decideChange(POLICY, facts.get()), outcome, rule, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signatureCases")
    void signatures(String sentence, Supplier<ChangeFacts> facts, Outcome outcome, String rule, String reason) {
        expect(RULES.decideChange(SIGNED, facts.get()), outcome, rule, reason);
    }

    static Stream<Arguments> pushes() {
        return Stream.of(
                c("a trusted pusher's push to a staging branch is trusted",
                        () -> RULES.decidePush(POLICY, push("refs/heads/staging", person("alice", Permission.Level.WRITE),
                                false)),
                        TRUSTED, TrustRules.STAGING_BRANCH, "staging branch staging by a trusted pusher"),
                c("a push to a branch that is not a staging branch is ignored",
                        () -> RULES.decidePush(POLICY, push("refs/heads/topic", person("alice", Permission.Level.ADMIN),
                                false)),
                        REJECTED, TrustRules.STAGING_BRANCH, "pushes to other branches are ignored"),
                c("an untrusted pusher's push to a staging branch is not tested",
                        () -> RULES.decidePush(POLICY, push("refs/heads/staging", person("mallory", Permission.Level.READ),
                                false)),
                        REJECTED, TrustRules.STAGING_BRANCH, "only from trusted pushers"),
                c("a deleted staging branch has nothing to test",
                        () -> RULES.decidePush(POLICY, push("refs/heads/staging", person("alice", Permission.Level.WRITE),
                                true)),
                        REJECTED, TrustRules.STAGING_BRANCH, "was deleted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushes")
    void staging_branches(String sentence, Supplier<Judgement> judge, Outcome outcome, String rule, String reason) {
        expect(judge.get(), outcome, rule, reason);
    }

    static Stream<Arguments> approvals() {
        var net = List.of("net/core/dev.c");
        var fs = List.of("fs/ext4/inode.c");
        return Stream.of(
                c("approval by a maintainer (maintain permission) counts",
                        () -> RULES.approval(POLICY, approver(person("bob", Permission.Level.MAINTAIN), net), HEAD),
                        TRUSTED, TrustRules.APPROVAL, "bob approved aaaaaaaaaaaa as a maintainer"),
                c("approval by a non-maintainer is ignored, and the reason says so",
                        () -> RULES.approval(POLICY, approver(person("alice", Permission.Level.WRITE), net), HEAD),
                        REJECTED, TrustRules.APPROVAL, "/labgate ok-to-test by alice is ignored: alice is not a "
                                + "maintainer: write access where maintainers need maintain"),
                c("approval by a member of a maintainer team counts",
                        () -> RULES.approval(POLICY, approver(new PersonFacts(new Person("frank"),
                                new Permission(Permission.Level.WRITE, "write"), Map.of("acme/maintainers", true)), net),
                                HEAD),
                        TRUSTED, TrustRules.APPROVAL, "member of acme/maintainers"),
                c("approval by a person listed as M: for the touched paths counts (MAINTAINERS)",
                        () -> RULES.approval(POLICY, approver(person("dave", Permission.Level.READ), net), HEAD),
                        TRUSTED, TrustRules.APPROVAL, "listed as M: in MAINTAINERS for what this change touches: "
                                + "NETWORKING"),
                c("an M: entry for other paths does not make a maintainer of this change",
                        () -> RULES.approval(POLICY, approver(person("dave", Permission.Level.READ), fs), HEAD),
                        REJECTED, TrustRules.APPROVAL, "is ignored"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("approvals")
    void who_may_approve(String sentence, Supplier<Judgement> judge, Outcome outcome, String rule, String reason) {
        expect(judge.get(), outcome, rule, reason);
    }

    static Stream<Arguments> labs() {
        var alice = new Person("alice");
        return Stream.of(
                c("maintainers-only lab asked for by a contributor is refused",
                        () -> RULES.admit(POLICY, new LabRequest("rack", alice, false, 0, 0)),
                        REJECTED, TrustRules.LAB_TIER, "rack is for maintainers' changes only"),
                c("maintainers-only lab asked for by a maintainer is open",
                        () -> RULES.admit(POLICY, new LabRequest("rack", alice, true, 0, 0)),
                        TRUSTED, TrustRules.LAB_ADMISSION, "rack is open"),
                c("quota exceeded: an author who used today's runs gets no more, whatever their trust",
                        () -> RULES.admit(POLICY, new LabRequest("qemu", alice, true, 10, 0)),
                        REJECTED, TrustRules.QUOTA_AUTHOR, "used all 10 runs of today"),
                c("a lab at its concurrent limit still admits the run, which waits in the lab's queue",
                        () -> RULES.admit(POLICY, new LabRequest("busy", alice, false, 0, 2)),
                        TRUSTED, TrustRules.LAB_ADMISSION, "busy has 2 runs for its 2 slots, so it queues"),
                c("within every quota a lab is open, and the count is shown",
                        () -> RULES.admit(POLICY, new LabRequest("busy", alice, false, 3, 1)),
                        TRUSTED, TrustRules.LAB_ADMISSION, "4 of 10 runs today; 2 of 2 on the lab"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labs")
    void lab_tiers_and_quotas(String sentence, Supplier<Judgement> judge, Outcome outcome, String rule, String reason) {
        expect(judge.get(), outcome, rule, reason);
    }

    static Stream<Arguments> headOrigins() {
        return Stream.of(
                arguments("a fork on the forge's own host is where labgate fetches from", "https://github.com",
                        "https://github.com/mallory/linux.git", ""),
                arguments("the host is compared without regard to case", "https://GitHub.com",
                        "https://github.COM/mallory/linux.git", ""),
                arguments("a forge that names no head repository (a deleted fork) is no reason to refuse",
                        "https://github.com", "", ""),
                arguments("a head on another host is refused, naming both hosts", "https://github.com",
                        "https://evil.example/mallory/linux.git",
                        "the head's repository is on evil.example, not on github.com, the only host labgate fetches "
                                + "code from; it was not tested"),
                arguments("a head at an address labgate cannot read is refused", "https://gitlab.example.org",
                        "git@gitlab.example.org:dana/linux.git",
                        "the head's repository is at an address labgate cannot read, not on gitlab.example.org"),
                arguments("a local git host is one host", "file:///srv/git/", "file:///srv/git/acme/linux.git", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headOrigins")
    void head_origin(String sentence, String gitHost, String headCloneUrl, String refusal) {
        var judgement = RULES.headOrigin(gitHost, headCloneUrl);
        if (refusal.isEmpty()) {
            assertThat(judgement).isEmpty();
        } else {
            assertThat(judgement).hasValueSatisfying(j -> expect(j, REJECTED, TrustRules.HEAD_ORIGIN, refusal));
        }
    }

    private static void expect(Judgement judgement, Outcome outcome, String rule, String reason) {
        assertThat(judgement.decision().outcome()).as(judgement.decision().reason()).isEqualTo(outcome);
        assertThat(judgement.decision().rule()).isEqualTo(rule);
        assertThat(judgement.decision().reason()).contains(reason);
        assertThat(judgement.trail()).last().asString().startsWith(rule + ": ");
    }

    private static Arguments c(String sentence, Supplier<?> facts, Outcome outcome, String rule, String reason) {
        return arguments(sentence, facts, outcome, rule, reason);
    }

    private static Policy policy(String yaml) {
        var result = new PolicyParser().parse(yaml, Path.of(""));
        assertThat(result.errors()).isEmpty();
        return result.policy().orElseThrow();
    }

    private static PersonFacts person(String login, Permission.Level level) {
        return new PersonFacts(new Person(login), new Permission(level, level.name().toLowerCase() + " on the forge"),
                Map.of());
    }

    private static ChangeFacts change(PersonFacts author, boolean fork, Optional<Approval> approval,
                                      List<CommitCheck> commits) {
        return new ChangeFacts(REPO, HEAD, author, fork, approval, Optional.of(commits));
    }

    private static ChangeFacts signed(SignatureVerdict second) {
        return new ChangeFacts(REPO, HEAD, person("alice", Permission.Level.WRITE), false, none(),
                Optional.of(List.of(check("d", "p1", SignatureVerdict.TRUSTED), check("c", "p2", second))));
    }

    private static PushFacts push(String ref, PersonFacts pusher, boolean deleted) {
        return new PushFacts(REPO, ref, pusher, deleted, Optional.empty());
    }

    private static MaintainerFacts approver(PersonFacts person, List<String> touched) {
        return new MaintainerFacts(person, Optional.of(MAINTAINERS), touched);
    }

    private static Optional<Approval> none() {
        return Optional.empty();
    }

    private static Optional<Approval> approval(String head, List<String> patchIds) {
        return Optional.of(new Approval(CHANGE, head, "0".repeat(40), new Person("bob"), "v1",
                Instant.parse("2026-01-01T00:00:00Z"), patchIds, ""));
    }

    private static List<CommitCheck> checks(String... patchIds) {
        return Stream.of(patchIds).map(p -> check(p, p, SignatureVerdict.UNSIGNED)).toList();
    }

    private static CommitCheck check(String letter, String patchId, SignatureVerdict verdict) {
        return new CommitCheck(letter.substring(0, 1).repeat(40), patchId, verdict, "", "");
    }
}
