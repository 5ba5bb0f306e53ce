package dev.labgate.flow;

import dev.labgate.config.TrustRules;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.run.RunState;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.TestClock;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios every forge must get right, end to end through the flow: each runs the same way
 * against GitHub's and GitLab's adapter, each talking to its fake forge.
 */
abstract class FlowContract {

    static final String REPO = "acme/linux";
    static final String BASE = "b".repeat(40);
    static final String HEAD = "1".repeat(40);
    static final String NEW_HEAD = "2".repeat(40);

    @TempDir
    Path root;
    protected FakeForge fake;
    protected FlowWorld world;

    protected abstract FakeForge newFake() throws Exception;

    /** The adapter under test, pointed at the fake, accepting deliveries signed with {@link FlowWorld#SECRET}. */
    protected abstract Forge newForge(FakeForge fake, Clock clock);

    @BeforeEach
    void start() throws Exception {
        fake = newFake();
        var clock = new TestClock(Instant.now());
        world = new FlowWorld(clock, fake, newForge(fake, clock));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private void open(String author, Permission.Level level, boolean fork) {
        fake.permission(REPO, author, level);
        fake.openChange(REPO, 7, author, HEAD, BASE, fork, List.of("drivers/usb/core.c"), List.of(HEAD));
        world.deliver(fake.changeDelivery(REPO, 7, "opened"));
    }

    private List<FakeForge.Status> statuses(String sha) {
        return fake.statusesSeen(REPO, sha);
    }

    private String summary() {
        var summaries = fake.commentsSeen(REPO, 7).stream()
                .filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER)).toList();
        assertThat(summaries).as("living summaries").hasSizeLessThanOrEqualTo(1);
        return summaries.isEmpty() ? "" : summaries.get(0).body();
    }

    /**
     * A delivery this forge would send for a change {@code setUp} opens on another instance of it,
     * which this forge does not know: how a misdirected, replayed or forged (leaked secret) delivery looks.
     */
    private FakeForge.Delivery fromAnotherInstance(Consumer<FakeForge> setUp, long number)
            throws Exception {
        try (var other = newFake()) {
            other.permission(REPO, "alice", Permission.Level.WRITE);
            setUp.accept(other);
            other.openChange(REPO, number, "alice", HEAD, BASE, true, List.of("drivers/usb/core.c"), List.of(HEAD));
            return other.changeDelivery(REPO, number, "opened");
        }
    }

    private String outcome(DeliveryKey key) {
        return world.stores.deliveries.outcome(key).orElseThrow();
    }

    @Test
    void only_a_delivery_ignored_outright_is_settled_as_it_arrives_and_processing_agrees() {
        fake.openChange("someone/else", 3, "mallory", HEAD, BASE, false, List.of("README"), List.of(HEAD));
        fake.openChange(REPO, 7, "alice", HEAD, BASE, false, List.of("drivers/usb/core.c"), List.of(HEAD));
        var before = fake.requestCount();
        var elsewhere = "ignored: " + world.forge.name() + ":someone/else is not in the policy";
        assertThat(world.processor.screen(world.received(fake.changeDelivery("someone/else", 3, "opened"))))
                .hasValue(elsewhere);
        assertThat(world.processor.screen(world.received(fake.changeDelivery(REPO, 7, "opened"))))
                .as("a change in the policy's repository").isEmpty();
        assertThat(world.processor.screen(world.received(fake.closeDelivery("someone/else", 3, "mallory"))))
                .as("a closed change cancels its runs, whatever the policy says now").isEmpty();
        assertThat(fake.requestCount()).as("the forge is not asked").isEqualTo(before);

        var key = world.deliver(fake.changeDelivery("someone/else", 3, "opened"));
        world.settle();
        assertThat(outcome(key)).isEqualTo(elsewhere);
    }

    @Test
    void a_delivery_for_a_change_the_forge_does_not_know_is_refused_before_anything_is_planned() throws Exception {
        fake.permission(REPO, "alice", Permission.Level.WRITE);
        var key = world.deliver(fromAnotherInstance(other -> { }, 99));
        world.settle();
        assertThat(outcome(key)).isEqualTo("refused (change): " + world.forge.name() + ":" + REPO + "#99 is not open "
                + "on " + world.forge.name() + ": the forge does not know it, or it was closed; nothing was planned");
        assertThat(world.lab.submitted()).isEmpty();
        assertThat(statuses(HEAD)).isEmpty();
        assertThat(world.stores.trust.audit()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo(TrustRules.CHANGE);
            assertThat(e.subjectKey()).endsWith("#99");
        });
    }

    @Test
    void a_change_number_that_is_not_positive_is_refused_without_asking_the_forge() throws Exception {
        var delivery = fromAnotherInstance(other -> { }, -1);
        var before = fake.requestCount();
        var key = world.deliver(delivery);
        world.settle();
        assertThat(outcome(key)).startsWith("refused (change): -1 is not a change number");
        assertThat(fake.requestCount()).isEqualTo(before);
        assertThat(world.lab.submitted()).isEmpty();
        assertThat(world.stores.trust.audit()).extracting(AuditEntry::rule).containsExactly(TrustRules.CHANGE);
    }

    @Test
    void a_head_the_forge_places_on_another_host_is_refused_with_the_reason_in_the_status() throws Exception {
        fake.permission(REPO, "alice", Permission.Level.WRITE);
        fake.openChange(REPO, 7, "alice", HEAD, BASE, true, List.of("drivers/usb/core.c"), List.of(HEAD));
        var key = world.deliver(fromAnotherInstance(other -> other.gitUrl("https://evil.example/"), 7));
        world.settle();
        assertThat(outcome(key)).startsWith("rejected (head-origin): the head's repository is on evil.example");
        assertThat(world.lab.submitted()).isEmpty();
        assertThat(statuses(HEAD)).singleElement().satisfies(s -> {
            assertThat(s.context()).isEqualTo("labgate/lab");
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description()).startsWith("Not run: the head's repository is on evil.example, not on ");
        });
    }

    @Test
    void a_pending_status_the_forge_applies_after_the_final_one_is_found_and_written_again() {
        fake.holdNextStatusWrites(1);
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.PASS);
        world.runUntil(() -> statuses(HEAD).stream().anyMatch(s -> s.state() == FakeForge.State.SUCCESS));
        // the forge applies the unanswered pending write only now, after the success
        assertThat(fake.applyHeld()).isEqualTo(1);
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));

        world.settle();

        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        var run = world.stores.runs.all().get(0);
        assertThat(world.stores.runs.statusInDoubtSince(run.id())).as("doubt cleared once the window passed").isEmpty();
    }

    @Test
    void a_final_status_a_late_write_overturned_is_written_again_by_the_reconciler() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        fake.holdNextStatusWrites(1);
        world.lab.finishAll(Status.FAIL);
        world.settle();
        // the final write got no answer, was read back, found missing and written again; then the held one lands
        assertThat(fake.applyHeld()).isEqualTo(1);
        fake.holdNextStatusWrites(0);
        // a stale pending written by a process that died before it could know lands too
        world.forge.setStatus(world.stores.runs.all().get(0).subject(), HEAD,
                new dev.labgate.core.forge.CommitStatus(world.stores.runs.all().get(0).statusContext(),
                        dev.labgate.core.forge.CommitStatus.State.PENDING, "Running on lab", null));
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));

        world.reconciler.pass();

        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
    }

    @Test
    void a_trusted_authors_change_is_tested_and_reported_with_a_final_status_and_one_summary() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        assertThat(world.lab.submitted()).singleElement().satisfies(r -> {
            assertThat(r.commit()).isEqualTo(HEAD);
            assertThat(r.cloneUrl()).endsWith(REPO + ".git");
        });
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));

        world.lab.finishAll(Status.PASS);
        world.settle();
        var seen = statuses(HEAD);
        assertThat(seen.get(0).state()).isEqualTo(FakeForge.State.PENDING);
        assertThat(seen).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS);
            assertThat(s.context()).isEqualTo("labgate/lab");
            assertThat(s.description()).startsWith("Passed:");
            assertThat(s.targetUrl()).startsWith("https://labgate.example/runs/");
        });
        assertThat(summary()).contains("✅ **pass**").contains(HEAD);
        assertThat(world.faults).isEmpty();
    }

    private static final String DRIVER = "drivers/usb/core.c";
    private static final String LONG_LINE = "\tusb_hcd_link_urb_to_ep(hcd, urb) ? dev_warn(&urb->dev->dev, \"linking the URB "
            + "failed\\n\") : 0;";

    /** The diff of a change that inserts these lines after line 20 of a 40-line driver, as git computes it. */
    private String diffInserting(List<String> lines) {
        try (var git = TestRepository.create(root, REPO)) {
            var base = git.commit("refs/heads/base-" + lines.size() + lines.hashCode(), null, "base",
                    Map.of(DRIVER, driver(List.of())));
            var head = git.commit("refs/heads/head-" + lines.size() + lines.hashCode(), base, "change",
                    Map.of(DRIVER, driver(lines)));
            return git.diff(base, head);
        }
    }

    private static String driver(List<String> inserted) {
        var lines = new ArrayList<String>();
        IntStream.rangeClosed(1, 40).forEach(i -> lines.add("/* line " + i + " */"));
        lines.addAll(20, inserted);
        return String.join("\n", lines) + "\n";
    }

    private static String checkpatch(int line) {
        return DRIVER + ":" + line + ": WARNING: line length of 104 exceeds 100 columns\n"
                + "total: 0 errors, 1 warnings, 42 lines checked\n";
    }

    private List<FakeForge.LineComment> liveLineComments() {
        return fake.lineCommentsSeen(REPO, 7).stream().filter(c -> !c.resolved() && c.body().startsWith(
                ForgeReports.MARKER_PREFIX + "finding ")).toList();
    }

    /** A change adds a line checkpatch warns about; the test finishes with checkpatch's output. */
    private void openWithAWarning() {
        fake.permission(REPO, "alice", Permission.Level.WRITE);
        fake.openChange(REPO, 7, "alice", HEAD, BASE, false, List.of(DRIVER), List.of(HEAD));
        fake.changeDiff(REPO, 7, diffInserting(List.of("\tint ret;", LONG_LINE)));
        world.deliver(fake.changeDelivery(REPO, 7, "opened"));
        world.settle();
        world.lab.finishAll("checkpatch", Status.FAIL, checkpatch(22));
        world.settle();
    }

    private void pushAndFinish(List<String> inserted, String log) {
        fake.pushToChange(REPO, 7, NEW_HEAD);
        fake.changeDiff(REPO, 7, diffInserting(inserted));
        world.deliver(fake.changeDelivery(REPO, 7, "pushed"));
        world.settle();
        world.lab.finishAll("checkpatch", log.contains("WARNING") ? Status.FAIL : Status.PASS, log);
        world.settle();
    }

    @Test
    void a_line_with_a_checkpatch_warning_gets_one_comment_on_it_which_the_fixing_head_retires() {
        openWithAWarning();
        assertThat(liveLineComments()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo(DRIVER);
            assertThat(c.line()).isEqualTo(22);
            assertThat(c.body()).contains("line length of 104 exceeds 100 columns").contains("labgate.example/runs/");
        });
        pushAndFinish(List.of("\tint ret;", "\tusb_hcd_link_urb_to_ep(hcd, urb);"), "total: 0 errors, 0 warnings\n");
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(liveLineComments()).isEmpty();
        assertThat(world.faults).isEmpty();
    }

    @Test
    void a_checkpatch_warning_still_there_in_the_next_head_keeps_its_one_comment() {
        openWithAWarning();
        pushAndFinish(List.of("\tint ret;", "\tu32 rate;", LONG_LINE), checkpatch(23));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(liveLineComments()).hasSize(1);
        assertThat(world.faults).isEmpty();
    }

    /** Change 6 puts the base commit itself under test, so that labgate has results for it. */
    private void testTheBase(Status result) {
        fake.permission(REPO, "alice", Permission.Level.WRITE);
        fake.openChange(REPO, 6, "alice", BASE, "0".repeat(40), false, List.of("Makefile"), List.of(BASE));
        world.deliver(fake.changeDelivery(REPO, 6, "opened"));
        world.settle();
        world.lab.finishAll(result);
        world.settle();
    }

    @Test
    void a_failure_the_base_commit_already_had_is_reported_as_still_failing_not_as_the_changes_regression() {
        testTheBase(Status.FAIL);
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        assertThat(summary()).doesNotContain("regression").contains("Failing on the base too");
    }

    @Test
    void a_test_that_passed_on_the_base_commit_and_fails_on_the_head_is_a_regression() {
        testTheBase(Status.PASS);
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
        assertThat(summary()).contains("regression");
    }

    @Test
    void without_results_for_the_base_commit_a_failure_is_not_compared() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
        assertThat(summary()).contains("not compared").doesNotContain("regression");
    }

    @Test
    void a_failure_matched_by_a_known_issue_of_the_policy_is_listed_apart_and_does_not_fail_the_change() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll("known.rtc", Status.FAIL);
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        assertThat(summary()).contains("rtc-alarm").doesNotContain("regression").doesNotContain("not compared");
    }

    @Test
    void an_untrusted_fork_waits_for_approval_and_nothing_reaches_the_lab() {
        open("mallory", Permission.Level.READ, true);
        world.settle();
        assertThat(world.lab.submitted()).isEmpty();
        assertThat(statuses(HEAD)).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.PENDING);
            assertThat(s.description()).contains("/labgate ok-to-test");
        });
        assertThat(summary()).contains("waiting for approval");
    }

    @Test
    void a_force_push_mid_run_drops_the_stale_result_and_the_new_head_is_tested_in_its_place() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        fake.pushToChange(REPO, 7, NEW_HEAD);
        // The push's delivery is lost; the old run ends with a pass that is no longer true of the change.
        world.lab.finishAll(Status.PASS);
        world.settle();
        assertThat(statuses(HEAD)).noneMatch(s -> s.state() == FakeForge.State.SUCCESS);
        assertThat(statuses(HEAD)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description()).contains("no longer the head").contains(NEW_HEAD.substring(0, 12));
        });
        assertThat(summary()).doesNotContain("✅ **pass**");

        world.reconciler.pass();
        world.settle();
        world.lab.finishAll(Status.PASS);
        world.settle();
        assertThat(world.lab.submitted()).extracting(r -> r.commit()).containsExactly(HEAD, NEW_HEAD);
        assertThat(statuses(NEW_HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        assertThat(summary()).contains("✅ **pass**").contains(NEW_HEAD);
    }

    @Test
    void a_push_that_arrives_cancels_the_old_run_and_its_status_still_ends() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        fake.pushToChange(REPO, 7, NEW_HEAD);
        world.deliver(fake.changeDelivery(REPO, 7, "pushed"));
        world.settle();
        assertThat(world.lab.cancelled()).hasSize(1);
        assertThat(statuses(HEAD)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description()).startsWith("Cancelled: superseded by " + NEW_HEAD.substring(0, 12));
        });
        assertThat(world.lab.submitted()).extracting(r -> r.commit()).containsExactly(HEAD, NEW_HEAD);
    }

    @Test
    void a_maintainers_retest_comment_runs_the_head_again_as_a_new_round() {
        open("alice", Permission.Level.WRITE, false);
        fake.permission(REPO, "maint", Permission.Level.MAINTAIN);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();
        assertThat(summary()).contains("❌ **fail**");

        var comment = fake.comment(REPO, 7, "maint", "The board was flaky.\n\n/labgate retest");
        world.deliver(fake.commentDelivery(REPO, 7, comment));
        world.settle();
        assertThat(world.lab.submitted()).hasSize(2).allSatisfy(r -> assertThat(r.commit()).isEqualTo(HEAD));
        world.lab.finishAll(Status.PASS);
        world.settle();
        assertThat(world.stores.runs.all()).extracting(r -> r.round()).containsExactly(0, 1);
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        // The verdict changed from failed to passed: people are notified by a new summary.
        var comments = fake.commentsSeen(REPO, 7);
        assertThat(comments.stream().filter(c -> c.body().startsWith(ForgeReports.SUMMARY_MARKER))).hasSize(1);
        assertThat(comments).last().satisfies(c -> assertThat(c.body()).contains("✅ **pass**"));
        assertThat(comments).anySatisfy(c -> assertThat(c.body()).contains("out of date").contains("❌ **fail**"));
    }

    @Test
    void a_head_is_tested_again_at_most_as_often_as_the_policy_allows_and_a_refused_retest_says_why() {
        open("alice", Permission.Level.WRITE, false);
        fake.permission(REPO, "maint", Permission.Level.MAINTAIN);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();
        world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "maint", "/labgate retest")));
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();

        var key = world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "maint", "/labgate retest")));
        world.settle();

        assertThat(world.lab.submitted()).hasSize(2);
        assertThat(world.stores.deliveries.outcome(key)).hasValueSatisfying(o -> assertThat(o)
                .contains("retest by maint refused"));
        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body()).contains("@maint: ")
                .contains("tested again 1 time already").contains("retests-per-head")
                .contains("push a new commit"));
    }

    @Test
    void a_maintainers_cancel_stops_the_runs_and_says_so_once() {
        open("alice", Permission.Level.WRITE, false);
        fake.permission(REPO, "maint", Permission.Level.WRITE);
        world.settle();
        var comment = fake.comment(REPO, 7, "maint", "/labgate cancel");
        var delivery = fake.commentDelivery(REPO, 7, comment);
        world.deliver(delivery);
        world.settle();
        world.deliver(delivery);
        world.settle();
        assertThat(world.lab.cancelled()).hasSize(1);
        assertThat(statuses(HEAD)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description()).isEqualTo("Cancelled: cancelled by maint");
        });
        assertThat(fake.commentsSeen(REPO, 7).stream().filter(c -> c.body().contains("Cancelled 1 run"))).hasSize(1);
    }

    @Test
    void a_command_from_someone_without_access_is_refused_with_the_reason_and_changes_nothing() {
        open("alice", Permission.Level.WRITE, false);
        fake.permission(REPO, "mallory", Permission.Level.READ);
        world.settle();
        var comment = fake.comment(REPO, 7, "mallory", "/labgate cancel");
        world.deliver(fake.commentDelivery(REPO, 7, comment));
        world.settle();
        assertThat(world.lab.cancelled()).isEmpty();
        assertThat(world.stores.runs.all()).allSatisfy(r -> assertThat(r.state()).isNotEqualTo(RunState.CANCELLED));
        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body())
                .contains("@mallory").contains("needs at least write access").contains("Nothing was done"));
    }

    @Test
    void an_ok_to_test_by_a_maintainer_approves_that_head_and_starts_its_run_with_a_reply() {
        open("mallory", Permission.Level.READ, true);
        fake.permission(REPO, "maint", Permission.Level.MAINTAIN);
        world.settle();
        assertThat(world.lab.submitted()).as("an untrusted fork waits for approval").isEmpty();
        var comment = fake.comment(REPO, 7, "maint", "Reviewed the Makefile changes.\n/labgate ok-to-test");
        var key = world.deliver(fake.commentDelivery(REPO, 7, comment));
        world.settle();
        assertThat(world.stores.deliveries.outcome(key)).hasValueSatisfying(o -> assertThat(o)
                .contains("ok-to-test by maint: approved"));
        assertThat(world.lab.submitted()).singleElement().satisfies(r -> assertThat(r.commit()).isEqualTo(HEAD));
        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body()).contains("@maint: ")
                .contains("testing on lab"));
    }

    @Test
    void an_ok_to_test_by_someone_who_may_not_approve_changes_nothing_and_says_why() {
        open("mallory", Permission.Level.READ, true);
        fake.permission(REPO, "eve", Permission.Level.WRITE);
        world.settle();
        var comment = fake.comment(REPO, 7, "eve", "/labgate ok-to-test");
        var key = world.deliver(fake.commentDelivery(REPO, 7, comment));
        world.settle();
        assertThat(world.stores.deliveries.outcome(key)).hasValueSatisfying(o -> assertThat(o)
                .contains("ok-to-test by eve: not approved"));
        assertThat(world.lab.submitted()).isEmpty();
        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body()).contains("@eve: "));
    }

    @Test
    void help_is_answered_once_with_every_command_who_may_use_it_and_an_example() {
        open("alice", Permission.Level.WRITE, false);
        var comment = fake.comment(REPO, 7, "newcomer", "what can I do here?\n/labgate help");
        var delivery = fake.commentDelivery(REPO, 7, comment);
        world.deliver(delivery);
        world.settle();
        var replies = fake.commentsSeen(REPO, 7).stream().filter(c -> c.body().contains("### labgate commands")).toList();
        assertThat(replies).singleElement().satisfies(c -> assertThat(c.body())
                .contains("`/labgate test`").contains("`/labgate retest`").contains("`/labgate cancel`")
                .contains("`/labgate ok-to-test`").contains("`/labgate help`")
                .contains("at least write access to " + REPO).contains("anyone").contains("```\n/labgate retest\n```"));
        assertThat(world.lab.submitted()).as("help's own example runs nothing").hasSize(1);
    }

    @Test
    void closing_a_change_cancels_its_runs_at_the_lab_frees_what_the_lab_keeps_and_ends_their_statuses() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        assertThat(world.lab.released()).isEmpty();
        fake.closeChange(REPO, 7);
        world.deliver(fake.closeDelivery(REPO, 7, "maint"));
        world.settle();
        assertThat(world.lab.cancelled()).hasSize(1);
        assertThat(world.lab.released()).singleElement().asString().endsWith("#7");
        assertThat(statuses(HEAD)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description()).startsWith("Cancelled: closed by maint");
        });
    }

    @Test
    void a_rate_limited_forge_still_gets_the_final_status_once_it_lets_labgate_in() {
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.PASS);
        fake.rateLimitNext(3);
        var before = world.clock.instant();
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        assertThat(world.clock.instant()).as("it waited as the forge asked").isAfter(before.plusSeconds(15));
        assertThat(summary()).contains("✅ **pass**");
        assertThat(world.faults).isEmpty();
    }

    @Test
    void a_forge_that_answers_5xx_for_a_while_still_gets_every_status_and_the_summary() {
        fake.failNext(4, 503);
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        fake.failNext(6, 502);
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
        assertThat(summary()).contains("❌ **fail**");
        assertThat(world.faults).isEmpty();
    }

    private static final String DEMO_SUB = """
            # Subtest: demo
            # demo_sub: EXPECTATION FAILED at lib/demo_test.c:21
            Expected 2 == 3, but
                x == 2 (0x2)
            not ok 2 demo_sub""";
    private static final String DEMO_MUL = """
            # Subtest: demo
            # demo_mul: EXPECTATION FAILED at lib/demo_test.c:30
            Expected 6 == 7, but
                y == 6 (0x6)
            not ok 3 demo_mul""";

    /** A world on a fresh install's policy: the command lab compares with its base commit, which it tests itself. */
    private void freshInstall(String more) {
        var clock = new TestClock(Instant.now());
        world = new FlowWorld(clock, fake, newForge(fake, clock), FlowWorld.oneLab(""), more);
    }

    private static List<ScriptedLab.Case> cases(ScriptedLab.Case... cases) {
        return List.of(cases);
    }

    @Test
    void a_first_change_whose_kunit_case_fails_gets_its_base_tested_and_reads_one_regression_in_its_own_words() {
        freshInstall("");
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        assertThat(world.lab.submitted()).extracting(r -> r.commit()).containsExactlyInAnyOrder(HEAD, BASE);
        assertThat(world.lab.submitted()).filteredOn(r -> r.commit().equals(BASE)).singleElement()
                .satisfies(r -> assertThat(r.fetchRef()).startsWith("refs/heads/"));

        // The head ends first: its verdict waits for the base.
        world.lab.finish(HEAD, cases(new ScriptedLab.Case("kunit.demo.demo_add", Status.PASS, null),
                new ScriptedLab.Case("kunit.demo.demo_sub", Status.FAIL, DEMO_SUB),
                new ScriptedLab.Case("kunit.demo.demo_mul", Status.FAIL, DEMO_MUL)));
        world.settle();
        assertThat(statuses(HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));
        assertThat(world.stores.runs.all()).filteredOn(r -> r.headSha().equals(HEAD)).singleElement()
                .satisfies(r -> assertThat(r.note()).startsWith("Finished; waiting for the base commit "
                        + BASE.substring(0, 12)));

        world.lab.finish(BASE, cases(new ScriptedLab.Case("kunit.demo.demo_add", Status.PASS, null),
                new ScriptedLab.Case("kunit.demo.demo_sub", Status.PASS, null),
                new ScriptedLab.Case("kunit.demo.demo_mul", Status.FAIL, DEMO_MUL)));
        world.settle();

        assertThat(statuses(HEAD)).last().satisfies(s -> {
            assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE);
            assertThat(s.description())
                    .isEqualTo("Failed: 1 regression: kunit.demo.demo_sub: Expected 2 == 3, but x == 2 (0x2)");
        });
        assertThat(statuses(BASE)).as("the base run reports nothing to the forge").isEmpty();
        var headRun = world.stores.runs.all().stream().filter(r -> r.headSha().equals(HEAD)).findFirst().orElseThrow();
        assertThat(summary()).startsWith(ForgeReports.SUMMARY_MARKER + "\n### labgate: ❌ **fail**: 1 regression: "
                        + "kunit.demo.demo_sub: Expected 2 == 3, but x == 2 (0x2) ([log](https://labgate.example/runs/"
                        + headRun.id() + "/log))")
                .contains("Compared with the base commit " + BASE + " on lab")
                .contains("**Failing on the base too** (not this change's doing)\n\n- `kunit.demo.demo_mul`")
                .contains("<summary>Log excerpt of <code>kunit.demo.demo_sub</code></summary>")
                .contains("| tests | 2 FAIL, 1 PASS |");
        assertThat(summary().lines().filter(l -> l.contains("1 regression"))).as("the headline, once").hasSize(1);
        assertThat(world.faults).isEmpty();
    }

    @Test
    void a_second_change_on_the_same_base_reuses_its_base_run() {
        freshInstall("");
        open("alice", Permission.Level.WRITE, false);
        fake.openChange(REPO, 8, "alice", NEW_HEAD, BASE, false, List.of("Makefile"), List.of(NEW_HEAD));
        world.deliver(fake.changeDelivery(REPO, 8, "opened"));
        world.settle();

        assertThat(world.lab.submitted()).extracting(r -> r.commit()).containsExactlyInAnyOrder(HEAD, NEW_HEAD, BASE);
        world.lab.finishAll(Status.PASS);
        world.settle();
        assertThat(statuses(NEW_HEAD)).last().satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.SUCCESS));
        assertThat(world.stores.runs.all()).filteredOn(r -> r.subject() instanceof Subject.Base).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.PASSED));
    }

    @Test
    void the_policy_can_turn_off_the_statuses_and_the_summary_comment() {
        freshInstall("reporting: {statuses: false, summary-comment: false}");
        open("alice", Permission.Level.WRITE, false);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();

        assertThat(world.stores.runs.all()).allSatisfy(r -> assertThat(r.state().isTerminal()).isTrue());
        world.reconciler.pass();
        world.settle();
        assertThat(statuses(HEAD)).as("nor does the reconciler's read-back write one").isEmpty();
        assertThat(fake.commentsSeen(REPO, 7)).isEmpty();
    }

    @Test
    void a_retest_is_acknowledged_in_one_line_and_a_mistyped_command_is_answered_with_the_help() {
        open("alice", Permission.Level.WRITE, false);
        fake.permission(REPO, "maint", Permission.Level.MAINTAIN);
        world.settle();
        world.lab.finishAll(Status.FAIL);
        world.settle();

        world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "maint", "/labgate retest")));
        world.deliver(fake.commentDelivery(REPO, 7, fake.comment(REPO, 7, "newcomer", "/labgate rerun please")));
        world.settle();

        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body())
                .contains("@maint: testing `" + HEAD.substring(0, 12) + "` again (round 1) on lab."));
        assertThat(fake.commentsSeen(REPO, 7)).anySatisfy(c -> assertThat(c.body())
                .contains("`/labgate rerun` is not a command labgate knows.").contains("### labgate commands"));
    }
}
