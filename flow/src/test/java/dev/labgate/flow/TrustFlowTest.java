package dev.labgate.flow;

import dev.labgate.config.Planner;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.CommitRange;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.SignerKeys;
import dev.labgate.core.trust.TrustDecision.Outcome;
import dev.labgate.testkit.MemoryStores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The trust part of the flow at its ports, one sentence per case: deliveries and comments go in,
 * runs, approvals, statuses and the audit come out. The forge, the stores and the commit reader
 * are fakes at their seams; the rules and the policy parser are the real ones.
 */
class TrustFlowTest {

    static final RepoRef REPO = new RepoRef("github", "acme/linux");
    static final String BASE = "b".repeat(40);
    static final String H1 = "1".repeat(40);
    static final String H2 = "2".repeat(40);

    static final String POLICY = """
            repositories:
              - github: acme/linux
                staging-branches: [staging]
                extension: .labgate.yml
            trust:
              min-permission: write
              maintainers:
                min-permission: maintain
            labs:
              qemu: {type: command, command: make, baseline: none}
              rack: {type: command, command: make, tier: maintainers, baseline: none}
            plans:
              - {name: boot, lab: qemu}
              - {name: hardware, lab: rack}
            quotas:
              runs-per-author-per-day: 5
            """;

    /** One world: the fakes, the real rules, the flow steps under test. */
    static final class World {
        final ScriptedForge forge = new ScriptedForge();
        final MemoryStores memory;
        final Map<String, List<CommitCheck>> commits = new HashMap<>();
        final List<SignerKeys> keysAsked = new ArrayList<>();
        final DeliveryProcessor processor;
        final Approvals approvals;
        private int deliveries;

        World(String policyText) {
            var policy = parse(policyText);
            ChangeCommits reader = (CommitRange range, SignerKeys keys) -> {
                keysAsked.add(keys);
                return commits.getOrDefault(range.headSha(), List.of());
            };
            var clock = new Ticking();
            memory = new MemoryStores(clock);
            var gate = new TrustGate(new TrustRules(), new Planner(), new PolicyParser(), memory.trust, memory.trust,
                    memory.trust, reader, clock);
            var forges = new Forges(List.of(forge));
            var baselines = Verdicts.of(memory.runs, memory.results, () -> policy, memory.work, clock).baselines();
            approvals = new Approvals(forges, () -> policy, gate, memory.runs, memory.work, memory.transactions,
                    baselines, clock);
            Labs labs = name -> Optional.empty();
            processor = new DeliveryProcessor(memory.deliveries, forges, () -> policy, gate, memory.runs, memory.work,
                    memory.transactions, labs, new RunLinks(Optional.empty()), clock,
                    new CommandHandler(() -> policy, memory.runs, memory.work, memory.transactions, labs, approvals),
                    baselines);
            forge.permissions.put("alice", Permission.Level.WRITE);
            forge.permissions.put("bob", Permission.Level.MAINTAIN);
            forge.permissions.put("carol", Permission.Level.WRITE);
            forge.permissions.put("mallory", Permission.Level.READ);
        }

        String deliver(ForgeEvent event) {
            var id = "d-" + (++deliveries);
            var key = new DeliveryKey("github", id);
            memory.deliveries.store(new Delivery(key, "event", new byte[0], Instant.EPOCH));
            forge.events.put(id, event);
            return processor.process(key);
        }

        String open(String author, String head, boolean fork) {
            forge.heads.put(7L, head);
            forge.open.put(7L, change(author, head, fork));
            return deliver(change(author, head, fork));
        }

        Approvals.Outcome comment(String who) {
            return approvals.approve(new ForgeEvent.CommandIssued(CHANGE, new Person(who), Command.OK_TO_TEST,
                    "c-" + who + "-" + forge.heads.get(7L).charAt(0)));
        }

        void patches(String head, String... patchIds) {
            var checks = new ArrayList<CommitCheck>();
            for (int i = 0; i < patchIds.length; i++) {
                checks.add(new CommitCheck(String.valueOf(i).repeat(40), patchIds[i], SignatureVerdict.UNSIGNED, "", ""));
            }
            commits.put(head, checks);
        }

        Map<String, RunState> runsAt(String head) {
            var states = new HashMap<String, RunState>();
            memory.runs.all().stream().filter(r -> r.headSha().equals(head)).forEach(r -> states.put(r.lab(),
                    r.state()));
            return states;
        }

        List<AuditEntry> audit() {
            return memory.trust.audit();
        }

        AuditEntry lastAudit(String lab) {
            return audit().stream().filter(e -> e.lab().equals(lab)).reduce((a, b) -> b).orElseThrow();
        }

        List<String> notRun() {
            return forge.statuses.stream().filter(s -> s.state() == CommitStatus.State.ERROR)
                    .map(s -> s.context() + ": " + s.description()).toList();
        }
    }

    static final ChangeRef CHANGE = new ChangeRef(REPO, 7);

    static ForgeEvent.ChangeUpdated change(String author, String head, boolean fork) {
        return new ForgeEvent.ChangeUpdated(CHANGE, ForgeEvent.ChangeAction.PUSHED, head, BASE, "master",
                new Person(author), fork, "https://github.example/acme/linux.git", "refs/pull/7/head", "a change",
                "https://github.example/acme/linux/pull/7", false,
                "https://github.example/" + (fork ? author : "acme") + "/linux.git");
    }

    /** The same change, with its head's repository said to live on another host. */
    static ForgeEvent.ChangeUpdated onAnotherHost(ForgeEvent.ChangeUpdated c) {
        return new ForgeEvent.ChangeUpdated(c.change(), c.action(), c.headSha(), c.baseSha(), c.baseRef(), c.author(),
                c.fromFork(), c.cloneUrl(), c.fetchRef(), c.title(), c.webUrl(), c.draft(),
                "https://evil.example/" + c.author().login() + "/linux.git");
    }

    static Policy parse(String text) {
        var result = new PolicyParser().parse(text, Path.of(""));
        assertThat(result.errors()).isEmpty();
        return result.policy().orElseThrow();
    }

    /** A clock that moves one second at each look, so that later records are later. */
    static final class Ticking extends Clock {
        private Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusSeconds(1);
            return now;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("trusted author: a writer's change is planned on the open lab; the maintainers' lab says why "
                        + "not", (Consumer<World>) w -> {
                    assertThat(w.open("alice", H1, false)).startsWith("trusted (forge-permission): 1 run");
                    assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.PLANNED));
                    assertThat(w.notRun()).containsExactly("labgate/rack: Not run: rack is for maintainers' changes "
                            + "only, and alice is not a maintainer");
                    assertThat(w.lastAudit("").rule()).isEqualTo(TrustRules.FORGE_PERMISSION);
                    assertThat(w.lastAudit("qemu").runId()).isNotEmpty();
                    assertThat(w.lastAudit("rack").outcome()).isEqualTo(Outcome.REJECTED);
                }),
                arguments("a maintainer's own change runs on the maintainers-only lab too", (Consumer<World>) w -> {
                    w.open("bob", H1, false);
                    assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.PLANNED, "rack", RunState.PLANNED));
                }),
                arguments("untrusted fork author: runs wait for approval and the head is recorded as waiting",
                        (Consumer<World>) w -> {
                            assertThat(w.open("mallory", H1, true)).startsWith("needs_approval (forge-permission)");
                            assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.AWAITING_APPROVAL));
                            assertThat(w.memory.trust.requests()).singleElement().satisfies(r -> {
                                assertThat(r.author()).isEqualTo(new Person("mallory"));
                                assertThat(r.fromFork()).isTrue();
                                assertThat(r.baseRef()).isEqualTo("refs/heads/master");
                            });
                            assertThat(w.forge.statuses).anySatisfy(s -> assertThat(s.description())
                                    .contains("/labgate ok-to-test"));
                        }),
                arguments("a maintainer's approval records approver, head, base and policy, and plans the head",
                        (Consumer<World>) w -> {
                            w.patches(H1, "p1");
                            w.open("mallory", H1, true);
                            var outcome = w.comment("bob");
                            assertThat(outcome.approved()).isTrue();
                            assertThat(outcome.message()).contains("bob approved 111111111111").contains("testing on qemu");
                            assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.PLANNED));
                            assertThat(w.memory.trust.approvals()).singleElement().satisfies(a -> {
                                assertThat(a.approver()).isEqualTo(new Person("bob"));
                                assertThat(a.headSha()).isEqualTo(H1);
                                assertThat(a.baseSha()).isEqualTo(BASE);
                                assertThat(a.policyVersion()).isNotEmpty();
                                assertThat(a.patchIds()).containsExactly("p1");
                            });
                            assertThat(w.comment("bob").approved()).as("a repeated approval plans nothing twice").isTrue();
                            assertThat(w.memory.runs.all()).hasSize(1);
                        }),
                arguments("approval by a non-maintainer is ignored, and the outcome and the audit say so",
                        (Consumer<World>) w -> {
                            w.open("mallory", H1, true);
                            var outcome = w.comment("carol");
                            assertThat(outcome.approved()).isFalse();
                            assertThat(outcome.message()).isEqualTo("/labgate ok-to-test by carol is ignored: carol is "
                                    + "not a maintainer: write access where maintainers need maintain, and not named "
                                    + "as one; only a maintainer can approve");
                            assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.AWAITING_APPROVAL));
                            assertThat(w.memory.trust.approvals()).isEmpty();
                            assertThat(w.audit()).last().satisfies(e -> {
                                assertThat(e.who()).isEqualTo(new Person("carol"));
                                assertThat(e.outcome()).isEqualTo(Outcome.REJECTED);
                            });
                        }),
                arguments("approval then force-push with a changed patch: the new head waits for a new approval",
                        (Consumer<World>) w -> {
                            w.patches(H1, "p1", "p2");
                            w.open("mallory", H1, true);
                            w.comment("bob");
                            w.patches(H2, "p1", "p2-changed");
                            assertThat(w.open("mallory", H2, true)).startsWith("needs_approval (approval)");
                            assertThat(w.runsAt(H2)).isEqualTo(Map.of("qemu", RunState.AWAITING_APPROVAL));
                            assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.CANCELLED));
                            assertThat(w.lastAudit("").reason()).contains("1 of 2 patches changed");
                        }),
                arguments("approval then pure rebase: same patch ids, the approval carries over and is recorded",
                        (Consumer<World>) w -> {
                            w.patches(H1, "p1", "p2");
                            w.open("mallory", H1, true);
                            w.comment("bob");
                            w.patches(H2, "p1", "p2");
                            assertThat(w.open("mallory", H2, true)).startsWith("trusted (rebase-carry-over)");
                            assertThat(w.runsAt(H2)).isEqualTo(Map.of("qemu", RunState.PLANNED));
                            assertThat(w.memory.trust.approvals()).last().satisfies(a -> {
                                assertThat(a.headSha()).isEqualTo(H2);
                                assertThat(a.carriedFrom()).isEqualTo(H1);
                                assertThat(a.approver()).isEqualTo(new Person("bob"));
                            });
                        }),
                arguments("ok-to-test inside a code block: the comment parser yields no command, so nothing is approved",
                        (Consumer<World>) w -> {
                            w.open("mallory", H1, true);
                            assertThat(w.deliver(new ForgeEvent.Ignored("the comment has no /labgate command outside "
                                    + "code blocks"))).startsWith("ignored:");
                            assertThat(w.memory.trust.approvals()).isEmpty();
                            assertThat(w.runsAt(H1)).isEqualTo(Map.of("qemu", RunState.AWAITING_APPROVAL));
                        }),
                arguments("a policy file in the change's head that trusts its author has no effect; the default "
                        + "branch's does", (Consumer<World>) w -> {
                    w.forge.atHead.put(".labgate.yml", "trust:\n  users: [mallory]\n");
                    assertThat(w.open("mallory", H1, true)).startsWith("needs_approval");
                    assertThat(w.forge.asked).contains("default-branch .labgate.yml");
                    w.forge.defaultBranch.put(".labgate.yml", "trust:\n  users: [mallory]\n");
                    assertThat(w.open("mallory", H2, true)).startsWith("trusted (trusted-user)");
                }),
                arguments("quota exceeded: a trusted author's runs of the day are used up, so nothing runs",
                        (Consumer<World>) w -> {
                            w.memory.trust.runsToday(5);
                            assertThat(w.open("alice", H1, false)).startsWith("trusted (forge-permission): 0 runs");
                            assertThat(w.runsAt(H1)).isEmpty();
                            assertThat(w.notRun()).contains("labgate/qemu: Not run: alice has used all 5 runs of today "
                                    + "(UTC); the quota resets at midnight UTC");
                            assertThat(w.lastAudit("qemu").rule()).isEqualTo(TrustRules.QUOTA_AUTHOR);
                        }),
                arguments("a trusted author's sixth run of the day is refused, and a delivery processed again counts "
                        + "nothing twice", (Consumer<World>) w -> {
                            for (int i = 3; i <= 7; i++) {
                                assertThat(w.open("alice", String.valueOf(i).repeat(40), false))
                                        .startsWith("trusted (forge-permission): 1 run");
                            }
                            assertThat(w.lastAudit("qemu").reason()).endsWith("; 5 of 5 runs today");
                            assertThat(w.processor.process(new DeliveryKey("github", "d-5"))).contains(": 1 run at");
                            assertThat(w.open("alice", "8".repeat(40), false))
                                    .startsWith("trusted (forge-permission): 0 runs");
                            assertThat(w.lastAudit("qemu").rule()).isEqualTo(TrustRules.QUOTA_AUTHOR);
                            assertThat(w.memory.trust.admitted()).hasSize(5);
                        }),
                arguments("a head whose repository the forge places on another host is refused, and each lab's "
                        + "status says why", (Consumer<World>) w -> {
                            var elsewhere = onAnotherHost(change("alice", H1, true));
                            w.forge.open.put(7L, elsewhere);
                            assertThat(w.deliver(elsewhere)).startsWith("rejected (head-origin): the head's repository "
                                    + "is on evil.example, not on github.example");
                            assertThat(w.runsAt(H1)).isEmpty();
                            assertThat(w.notRun()).contains("labgate/qemu: Not run: the head's repository is on "
                                    + "evil.example, not on github.example, the only host labgate fetches code from; "
                                    + "it was not tested");
                            assertThat(w.lastAudit("").rule()).isEqualTo(TrustRules.HEAD_ORIGIN);
                            assertThat(w.forge.asked).as("nothing is asked about the author").noneMatch(a ->
                                    a.startsWith("permission"));
                        }),
                arguments("a change number that is not positive is refused before anything is asked or planned",
                        (Consumer<World>) w -> {
                            var event = change("alice", H1, false);
                            assertThat(w.deliver(new ForgeEvent.ChangeUpdated(new ChangeRef(REPO, -1), event.action(),
                                    H1, BASE, "master", event.author(), false, event.cloneUrl(), "refs/pull/-1/head",
                                    "", "", false, ""))).isEqualTo("refused (change): -1 is not a change number: "
                                    + "forges number pull and merge requests from 1; nothing was planned");
                            assertThat(w.deliver(new ForgeEvent.CommandIssued(new ChangeRef(REPO, 0), new Person("bob"),
                                    Command.RETEST, "c-1"))).startsWith("refused (change): 0 is not a change number");
                            assertThat(w.forge.asked).isEmpty();
                            assertThat(w.memory.runs.all()).isEmpty();
                            assertThat(w.audit()).extracting(AuditEntry::rule).containsExactly(TrustRules.CHANGE,
                                    TrustRules.CHANGE);
                            assertThat(w.audit()).extracting(AuditEntry::who)
                                    .containsExactly(new Person("alice"), new Person("bob"));
                        }),
                arguments("a change the forge does not have open is refused before it is planned",
                        (Consumer<World>) w -> {
                            assertThat(w.deliver(change("alice", H1, false))).isEqualTo("refused (change): "
                                    + "github:acme/linux#7 is not open on github: the forge does not know it, or it was "
                                    + "closed; nothing was planned");
                            assertThat(w.forge.asked).containsExactly("open change 7");
                            assertThat(w.memory.runs.all()).isEmpty();
                            assertThat(w.forge.statuses).isEmpty();
                            assertThat(w.lastAudit("")).satisfies(e -> {
                                assertThat(e.rule()).isEqualTo(TrustRules.CHANGE);
                                assertThat(e.outcome()).isEqualTo(Outcome.REJECTED);
                                assertThat(e.headSha()).isEqualTo(H1);
                            });
                        }),
                arguments("maintainers-only lab asked for by a contributor: approval does not open it",
                        (Consumer<World>) w -> {
                            w.patches(H1, "p1");
                            w.open("mallory", H1, true);
                            w.comment("bob");
                            assertThat(w.runsAt(H1)).doesNotContainKey("rack");
                            assertThat(w.notRun()).contains("labgate/rack: Not run: rack is for maintainers' changes "
                                    + "only, and mallory is not a maintainer");
                        }),
                arguments("a trusted pusher's push to a staging branch is tested; other branches are ignored",
                        (Consumer<World>) w -> {
                            assertThat(w.deliver(new ForgeEvent.BranchPushed(REPO, "refs/heads/staging", BASE, H1,
                                    new Person("alice"), "https://github.example/acme/linux.git", false)))
                                    .startsWith("trusted (staging-branch): 1 run");
                            assertThat(w.memory.runs.all()).singleElement().satisfies((Run r) -> {
                                assertThat(r.subject().key()).isEqualTo("github:acme/linux@refs/heads/staging");
                                assertThat(r.fetchRef()).isEqualTo("refs/heads/staging");
                            });
                            assertThat(w.deliver(new ForgeEvent.BranchPushed(REPO, "refs/heads/topic", BASE, H2,
                                    new Person("alice"), "https://github.example/acme/linux.git", false)))
                                    .isEqualTo("ignored: refs/heads/topic is not a staging branch");
                            assertThat(w.deliver(new ForgeEvent.BranchPushed(REPO, "refs/heads/staging", H1, H2,
                                    new Person("mallory"), "https://github.example/acme/linux.git", false)))
                                    .startsWith("rejected (staging-branch)");
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trust_in_the_flow(String sentence, Consumer<World> scenario) {
        scenario.accept(new World(POLICY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signatureCases")
    void signatures_in_the_flow(String sentence, Consumer<World> scenario) {
        scenario.accept(new World(POLICY.replace("trust:\n", """
                trust:
                  signatures:
                    required: true
                    forge-keys: true
                """)));
    }

    static Stream<Arguments> signatureCases() {
        return Stream.of(
                arguments("signatures required: a commit signed by a key outside the keyring rejects the change, "
                        + "with the commit and verdict on every lab's status", (Consumer<World>) w -> {
                    w.commits.put(H1, List.of(new CommitCheck("c".repeat(40), "p", SignatureVerdict.UNTRUSTED_KEY,
                            "", "signed with key 0123456789ABCDEF")));
                    assertThat(w.open("alice", H1, false)).startsWith("rejected (signatures)");
                    assertThat(w.memory.runs.all()).isEmpty();
                    assertThat(w.notRun()).hasSize(2).allSatisfy(s -> assertThat(s)
                            .contains("cccccccccccc untrusted-key"));
                }),
                arguments("signatures required: a trusted author's own forge keys count", (Consumer<World>) w -> {
                    w.commits.put(H1, List.of(new CommitCheck("c".repeat(40), "p", SignatureVerdict.TRUSTED, "alice",
                            "good signature")));
                    assertThat(w.open("alice", H1, false)).startsWith("trusted (forge-permission)");
                    assertThat(w.forge.asked).contains("keys alice");
                }),
                arguments("signatures required: an untrusted author's forge keys are never asked for",
                        (Consumer<World>) w -> {
                            w.open("mallory", H1, true);
                            assertThat(w.forge.asked).doesNotContain("keys mallory");
                            assertThat(w.keysAsked).allSatisfy(k -> assertThat(k.forgeKeys()).isEmpty());
                        }));
    }
}
