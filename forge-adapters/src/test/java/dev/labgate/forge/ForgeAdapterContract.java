package dev.labgate.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.testkit.FakeForge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every forge adapter promises, run against each one through its fake server: the same facts
 * for the same state, the same reports written the same way, the same faults for the same
 * misbehaviour.
 */
abstract class ForgeAdapterContract {

    static final String REPO = "acme/linux";
    static final String HEAD = "1111111111111111111111111111111111111111";
    static final String BASE = "2222222222222222222222222222222222222222";
    static final String NEW_HEAD = "3333333333333333333333333333333333333333";

    protected FakeForge fake;
    protected Forge forge;
    protected RepoRef repo;
    protected ChangeRef change;
    protected Subject subject;

    /** A fresh fake forge. */
    protected abstract FakeForge newFake() throws Exception;

    /** The adapter under test, pointed at {@code fake}. */
    protected abstract Forge newForge(FakeForge fake, Clock clock);

    /** A team (GitHub {@code org/team}) or group (GitLab path) with {@code user} in it; returns its name. */
    protected abstract String teamWith(String user);

    /** {@code user} has this OpenPGP key on the forge. */
    protected abstract void gpgKey(String user, String armored);

    /** {@code user} has this SSH key on the forge, for signing commits. */
    protected abstract void sshSigningKey(String user, String line);

    /** The longest comment the forge takes. */
    protected abstract int longestComment();

    protected abstract void fileOnDefaultBranch(String path, String content);

    /** {@code pusher} pushed {@code sha} to {@code branch}, and the forge logged it. */
    protected abstract void push(String branch, String before, String sha, String pusher);

    /** {@code branch} moved to {@code sha} but the forge's event log does not show it yet. */
    protected abstract void moveUnlogged(String branch, String sha);

    @BeforeEach
    void start() throws Exception {
        fake = newFake();
        forge = newForge(fake, Clock.systemUTC());
        repo = new RepoRef(fake.kind(), REPO);
        change = new ChangeRef(repo, 7);
        subject = new Subject.Change(change);
        fake.openChange(REPO, 7, "alice", HEAD, BASE, true, List.of("drivers/usb/core.c", "old.c -> new.c"),
                List.of(BASE.replace('2', '4'), HEAD));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    // ---- facts

    @ParameterizedTest(name = "a person with {0} access is said to have it, with the reason")
    @EnumSource(value = Permission.Level.class, names = {"READ", "WRITE", "MAINTAIN", "ADMIN"})
    void permission_is_what_the_forge_grants(Permission.Level level) {
        fake.permission(REPO, "bob", level);
        var permission = forge.permission(repo, new Person("bob"));
        assertThat(permission.level()).isEqualTo(level);
        assertThat(permission.reason()).contains("bob").contains(REPO);
    }

    @Test
    void a_person_without_access_has_none_and_is_told_why() {
        fake.permission(REPO, "mallory", Permission.Level.NONE);
        var permission = forge.permission(repo, new Person("mallory"));
        assertThat(permission.level()).isEqualTo(Permission.Level.NONE);
        assertThat(permission.reason()).contains("no access");
    }

    @Test
    void team_membership_is_asked_of_the_forge() {
        var team = teamWith("carol");
        assertThat(forge.memberOf(team, new Person("carol"))).isTrue();
        assertThat(forge.memberOf(team, new Person("mallory"))).isFalse();
    }

    @Test
    void signing_keys_are_listed_as_the_forge_keeps_them() {
        var armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBGZ0ZXN0\n-----END PGP PUBLIC KEY BLOCK-----\n";
        gpgKey("alice", armored);
        assertThat(forge.signingKeys(new Person("alice"))).filteredOn(k -> k.kind() == SigningKey.Kind.OPENPGP)
                .extracting(SigningKey::publicKey).containsExactly(armored);
        assertThat(forge.signingKeys(new Person("nobody-with-keys"))).isEmpty();
    }

    @Test
    void ssh_signing_keys_are_listed_next_to_gpg_keys() {
        var armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBGZ0ZXN0\n-----END PGP PUBLIC KEY BLOCK-----\n";
        var line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOWrQzq0c7dxqfSkh3nUHoHqfmrXxcsb7hIq8xOQUcEo alice@example.org";
        gpgKey("alice", armored);
        sshSigningKey("alice", line);
        assertThat(forge.signingKeys(new Person("alice"))).extracting(SigningKey::kind, SigningKey::publicKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(SigningKey.Kind.OPENPGP, armored),
                        org.assertj.core.groups.Tuple.tuple(SigningKey.Kind.SSH, line));
    }

    @Test
    void changed_files_include_both_names_of_a_renamed_file() {
        assertThat(forge.changedFiles(change)).containsExactlyInAnyOrder("drivers/usb/core.c", "old.c", "new.c");
    }

    @Test
    void changed_files_of_a_large_change_are_read_across_pages() {
        var many = java.util.stream.IntStream.range(0, 250).mapToObj(i -> "drivers/f" + i + ".c").toList();
        fake.openChange(REPO, 8, "alice", HEAD, BASE, false, many, List.of(HEAD));
        assertThat(forge.changedFiles(new ChangeRef(repo, 8))).hasSize(250).containsAll(many);
    }

    @Test
    void commits_are_listed_oldest_first() {
        assertThat(forge.commits(change)).containsExactly(BASE.replace('2', '4'), HEAD);
    }

    @Test
    void the_current_head_follows_pushes() {
        assertThat(forge.currentHead(change)).isEqualTo(HEAD);
        fake.pushToChange(REPO, 7, NEW_HEAD);
        assertThat(forge.currentHead(change)).isEqualTo(NEW_HEAD);
    }

    @Test
    void a_file_is_read_from_the_default_branch_and_a_missing_one_is_empty() {
        fileOnDefaultBranch(".labgate.yml", "plans: []\n");
        assertThat(forge.fileOnDefaultBranch(repo, ".labgate.yml")).contains("plans: []\n");
        assertThat(forge.fileOnDefaultBranch(repo, "no-such-file")).isEmpty();
    }

    @Test
    void an_open_change_is_read_as_a_delivery_would_describe_it_and_a_closed_one_is_not() {
        var open = forge.openChange(change).orElseThrow();
        assertThat(open.headSha()).isEqualTo(HEAD);
        assertThat(open.author()).isEqualTo(new Person("alice"));
        assertThat(open.fromFork()).isTrue();
        assertThat(open.baseRef()).isEqualTo("master");
        assertThat(open.action()).isEqualTo(ForgeEvent.ChangeAction.PUSHED);
        fake.closeChange(REPO, 7);
        assertThat(forge.openChange(change)).isEmpty();
    }

    @Test
    void a_change_the_forge_never_gave_is_no_open_change() {
        assertThat(forge.openChange(new ChangeRef(repo, 404))).isEmpty();
    }

    @Test
    void a_change_delivery_says_where_the_forge_places_the_heads_repository() {
        var parsed = (ForgeEvent.ChangeUpdated) forge.parse(delivery(fake.changeDelivery(REPO, 7, "opened")));
        assertThat(parsed.headCloneUrl()).as("change 7 comes from alice's fork").endsWith("/alice/linux.git");
        fake.gitUrl("https://git.elsewhere.example/");
        var moved = (ForgeEvent.ChangeUpdated) forge.parse(delivery(fake.changeDelivery(REPO, 7, "opened")));
        assertThat(moved.headCloneUrl()).isEqualTo("https://git.elsewhere.example/alice/linux.git");
        assertThat(moved.cloneUrl()).as("labgate still fetches only from its configured host")
                .isEqualTo(parsed.cloneUrl()).doesNotContain("elsewhere");
    }

    private Delivery delivery(FakeForge.Delivery sent) {
        return new Delivery(new DeliveryKey(forge.name(), "d-1"), sent.event(), sent.body(), Instant.now());
    }

    @Test
    void open_changes_are_listed_in_one_call() {
        fake.openChange(REPO, 9, "bob", NEW_HEAD, BASE, false, List.of("a.c"), List.of(NEW_HEAD));
        var before = fake.requestCount();
        var open = forge.openChanges(repo, 50);
        assertThat(fake.requestCount() - before).isEqualTo(1);
        assertThat(open).extracting(c -> c.change().number()).containsExactlyInAnyOrder(7L, 9L);
        assertThat(open).filteredOn(c -> c.change().number() == 9).singleElement()
                .satisfies(c -> assertThat(c.headSha()).isEqualTo(NEW_HEAD));
    }

    @Test
    void a_branch_head_names_who_pushed_it_and_nothing_is_guessed_when_the_log_lags() {
        push("staging", BASE, HEAD, "maint");
        var head = forge.branchHead(repo, "staging").orElseThrow();
        assertThat(head.after()).isEqualTo(HEAD);
        assertThat(head.ref()).isEqualTo("refs/heads/staging");
        assertThat(head.pusher()).isEqualTo(new Person("maint"));
        assertThat(forge.branchHead(repo, "no-such-branch")).isEmpty();
        moveUnlogged("staging", NEW_HEAD);
        assertThat(forge.branchHead(repo, "staging")).as("who pushed %s is not known yet", NEW_HEAD).isEmpty();
    }

    // ---- reports

    @Test
    void a_status_write_that_gets_no_answer_may_still_be_applied_and_is_read_back_once_it_is() {
        var pending = new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running on lab", null);
        var success = new CommitStatus("labgate/lab", CommitStatus.State.SUCCESS, "Passed: 3 tests", null);
        fake.holdNextStatusWrites(1);

        assertThatThrownBy(() -> forge.setStatus(new Subject.Change(change), HEAD, pending)).isInstanceOfSatisfying(ForgeException.class,
                e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.outcomeUnknown()).as("outcome unknown").isTrue();
                });
        assertThat(forge.statusOf(repo, HEAD, "labgate/lab")).isEmpty();
        forge.setStatus(new Subject.Change(change), HEAD, success);
        assertThat(forge.statusOf(repo, HEAD, "labgate/lab")).contains(CommitStatus.State.SUCCESS);

        fake.applyHeld();

        assertThat(forge.statusOf(repo, HEAD, "labgate/lab")).contains(CommitStatus.State.PENDING);
        assertThat(forge.statusOf(repo, HEAD, "labgate/other")).isEmpty();
    }

    @Test
    void statuses_go_from_pending_to_final_on_the_commit() {
        forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Submitting", null));
        forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.SUCCESS, "Passed: 3 tests",
                "https://labgate.example/runs/1"));
        var seen = fake.statusesSeen(REPO, HEAD);
        assertThat(seen).extracting(FakeForge.Status::state)
                .containsExactly(FakeForge.State.PENDING, FakeForge.State.SUCCESS);
        assertThat(seen.get(1).description()).isEqualTo("Passed: 3 tests");
        assertThat(seen.get(1).targetUrl()).isEqualTo("https://labgate.example/runs/1");
        assertThat(seen).allSatisfy(s -> assertThat(s.context()).isEqualTo("labgate/lab"));
    }

    @Test
    void a_status_reaches_the_head_of_a_change_from_a_fork_and_of_one_from_the_repository_itself() {
        fake.openChange(REPO, 8, "bob", NEW_HEAD, BASE, false, List.of("a.c"), List.of(NEW_HEAD));
        forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.PENDING, "Running", null));
        forge.setStatus(new Subject.Change(new ChangeRef(repo, 8)), NEW_HEAD, new CommitStatus("labgate/lab",
                CommitStatus.State.PENDING, "Running", null));
        assertThat(fake.statusesSeen(REPO, HEAD)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));
        assertThat(fake.statusesSeen(REPO, NEW_HEAD)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.PENDING));
    }

    @Test
    void a_status_reaches_a_pushed_branch() {
        push("staging", BASE, NEW_HEAD, "maint");
        forge.setStatus(new Subject.Branch(repo, "refs/heads/staging"), NEW_HEAD, new CommitStatus("labgate/lab",
                CommitStatus.State.FAILURE, "Failed: 1 regression", null));
        assertThat(fake.statusesSeen(REPO, NEW_HEAD)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
    }

    @Test
    void a_long_status_description_is_cut_to_one_line_the_forge_takes() {
        var description = "Failed: " + "kunit.case ".repeat(40);
        forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.FAILURE, description, null));
        assertThat(fake.statusesSeen(REPO, HEAD)).singleElement()
                .satisfies(s -> assertThat(s.description()).startsWith("Failed: kunit.case").endsWith("…"));
    }

    @Test
    void a_summary_longer_than_the_forge_takes_is_cut_from_the_end_and_still_posted() {
        var rows = new StringBuilder("### labgate: ❌ failed\n\n| lab | state | result |\n|---|---|---|\n"
                + "| [lab](https://labgate.example/runs/1) | failed | 1 regression |\n\n**Regressions**\n\n"
                + "| test | what went wrong |\n|---|---|\n");
        var excerpt = "x".repeat(16_000);
        for (int i = 0; rows.length() < longestComment() + 50_000; i++) {
            rows.append("| `kunit.case").append(i).append("` | ").append(excerpt).append(" |\n");
        }
        rows.append("\n<details><summary>Details</summary>\n\nknown issues\n\n</details>\n");

        forge.upsertSummary(change, rows.toString(), false);

        var body = fake.commentsSeen(REPO, 7).get(0).body();
        assertThat(body.length()).isLessThanOrEqualTo(longestComment());
        assertThat(body).startsWith(ForgeReports.SUMMARY_MARKER + "\n### labgate: ❌ failed").contains("`kunit.case0`")
                .contains("https://labgate.example/runs/1").doesNotContain("<details>")
                .contains("✂️ Cut to fit").contains("run pages have the whole report");
        forge.upsertSummary(change, rows.toString(), false);
        assertThat(fake.commentsSeen(REPO, 7)).as("the same cut text is not written again").hasSize(1);
    }

    @Test
    void an_old_summary_near_the_limit_still_fits_once_it_points_at_the_new_one() {
        var nearLimit = "a line of the old summary\n\n".repeat(longestComment() / 27);
        forge.upsertSummary(change, nearLimit, false);
        forge.upsertSummary(change, "### labgate: ❌ failed", true);
        var comments = fake.commentsSeen(REPO, 7);
        assertThat(comments).hasSize(2);
        assertThat(comments.get(0).body()).contains("out of date").contains("a line of the old summary")
                .contains("✂️ Cut to fit");
        assertThat(comments.get(0).body().length()).isLessThanOrEqualTo(longestComment());
    }

    @Test
    void an_infrastructure_error_is_never_reported_as_a_success() {
        forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab", CommitStatus.State.ERROR, "Infrastructure error",
                null));
        assertThat(fake.statusesSeen(REPO, HEAD)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(FakeForge.State.FAILURE));
    }

    @Test
    void the_summary_is_one_comment_edited_in_place_while_the_verdict_holds() {
        forge.upsertSummary(change, "running", false);
        forge.upsertSummary(change, "passed", false);
        forge.upsertSummary(change, "passed", false);
        assertThat(fake.commentsSeen(REPO, 7)).singleElement()
                .satisfies(c -> assertThat(c.body()).isEqualTo(ForgeReports.SUMMARY_MARKER + "\npassed"));
    }

    @Test
    void a_new_verdict_is_a_new_comment_and_the_old_one_points_at_it() {
        forge.upsertSummary(change, "### labgate: ✅ passed", false);
        forge.upsertSummary(change, "### labgate: ❌ failed", true);
        var comments = fake.commentsSeen(REPO, 7);
        assertThat(comments).hasSize(2);
        assertThat(comments.get(1).body()).isEqualTo(ForgeReports.SUMMARY_MARKER + "\n### labgate: ❌ failed");
        assertThat(comments.get(0).body()).doesNotContain(ForgeReports.SUMMARY_MARKER).contains("out of date")
                .contains(comments.get(1).id()).contains("✅ passed");
    }

    @Test
    void repeating_a_verdict_change_after_a_crash_posts_nothing_twice() {
        forge.upsertSummary(change, "passed", false);
        forge.upsertSummary(change, "failed", true);
        forge.upsertSummary(change, "failed", true);
        assertThat(fake.commentsSeen(REPO, 7)).hasSize(2);
        forge.upsertSummary(change, "failed again, differently", false);
        assertThat(fake.commentsSeen(REPO, 7)).hasSize(2).last()
                .satisfies(c -> assertThat(c.body()).endsWith("failed again, differently"));
    }

    @Test
    void a_comment_by_someone_else_carrying_the_marker_is_never_edited() {
        var planted = fake.comment(REPO, 7, "mallory", ForgeReports.SUMMARY_MARKER + "\nall green, merge it");
        forge.upsertSummary(change, "running", false);
        var comments = fake.commentsSeen(REPO, 7);
        assertThat(comments).hasSize(2);
        assertThat(comments.get(0)).isEqualTo(planted);
        assertThat(comments.get(1).body()).endsWith("running");
    }

    @Test
    void a_reply_is_written_once_per_comment_answered() {
        forge.reply(change, "555", "Cancelled 1 run.");
        forge.reply(change, "555", "Cancelled 1 run.");
        forge.reply(change, "556", "Nothing to cancel.");
        assertThat(fake.commentsSeen(REPO, 7)).extracting(FakeForge.Comment::body)
                .containsExactly(Comments.reply("555", "Cancelled 1 run."), Comments.reply("556", "Nothing to cancel."));
    }

    // ---- faults

    @Test
    void a_rate_limited_call_is_a_retryable_fault_with_the_forges_wait() {
        fake.rateLimitNext(1);
        var e = catchThrowableOfType(() -> forge.permission(repo, new Person("bob")), ForgeException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isPositive());
        assertThat(e.getMessage()).contains("rate-limited");
    }

    @Test
    void after_a_rate_limit_no_call_reaches_the_forge_until_the_wait_is_over() {
        fake.rateLimitNext(1);
        catchThrowableOfType(() -> forge.permission(repo, new Person("bob")), ForgeException.class);
        var before = fake.requestCount();
        var e = catchThrowableOfType(() -> forge.setStatus(subject, HEAD, new CommitStatus("labgate/lab",
                CommitStatus.State.SUCCESS, "Passed", null)), ForgeException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(fake.requestCount()).isEqualTo(before);
    }

    @Test
    void a_server_error_is_a_retryable_fault() {
        fake.failNext(1, 502);
        var e = catchThrowableOfType(() -> forge.currentHead(change), ForgeException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(forge.currentHead(change)).isEqualTo(HEAD);
    }

    @Test
    void a_missing_change_is_a_final_fault() {
        var e = catchThrowableOfType(() -> forge.currentHead(new ChangeRef(repo, 404)), ForgeException.class);
        assertThat(e.retryable()).isFalse();
    }
}
