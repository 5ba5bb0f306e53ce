package dev.labgate.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Finding.Severity;
import dev.labgate.core.review.Review;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.TestRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every forge does with the findings of a change, run against each adapter through its fake
 * server, which places comments only on lines of the change's diff, as the real one does. The
 * change is a real commit in a real repository, and its diff is what git computes.
 */
abstract class ReviewContract {

    static final String REPO = "acme/linux";
    static final String FILE = "drivers/clocksource/timer-acme.c";
    static final String LONG_LINE = "\twritel_relaxed(ACME_TIMER_CTRL_ENABLE | ACME_TIMER_CTRL_PERIODIC | "
            + "ACME_TIMER_CTRL_IRQ, base + CTRL);";
    static final String WARNING = "LONG_LINE: line length of 104 exceeds 100 columns";

    @TempDir
    Path root;
    protected FakeForge fake;
    protected Forge forge;
    protected ChangeRef change;
    private TestRepository git;
    private String base;

    protected abstract FakeForge newFake() throws Exception;

    protected abstract Forge newForge(FakeForge fake, Clock clock);

    @BeforeEach
    void start() throws Exception {
        fake = newFake();
        forge = newForge(fake, Clock.systemUTC());
        change = new ChangeRef(new RepoRef(fake.kind(), REPO), 7);
        git = TestRepository.create(root, REPO);
        base = git.commit("refs/heads/master", null, "base", Map.of(FILE, source(List.of())));
    }

    @AfterEach
    void stop() {
        git.close();
        fake.close();
    }

    /** Opens the change at a head whose file has these lines inserted after line 20 of the base. */
    protected String open(List<String> inserted) {
        var head = git.commit("refs/heads/topic", base, "clocksource: acme: second timer",
                Map.of(FILE, source(inserted)));
        fake.openChange(REPO, 7, "alice", head, base, false, List.of(FILE), List.of(head));
        fake.changeDiff(REPO, 7, git.diff(base, head));
        return head;
    }

    /** Pushes a new head to the change with these lines inserted instead. */
    protected String push(List<String> inserted) {
        var head = git.commit("refs/heads/topic", base, "clocksource: acme: second timer (v2)",
                Map.of(FILE, source(inserted)));
        fake.pushToChange(REPO, 7, head);
        fake.changeDiff(REPO, 7, git.diff(base, head));
        return head;
    }

    protected static Review review(String head, Finding... findings) {
        return new Review(head, List.of(findings), false, 10, Optional.empty(), "https://labgate.example/runs/r1");
    }

    protected static Finding checkpatch(int line) {
        return Finding.at(FILE, line, 0, Severity.WARNING, WARNING, "checkpatch");
    }

    protected List<FakeForge.LineComment> live() {
        return fake.lineCommentsSeen(REPO, 7).stream()
                .filter(c -> !c.resolved() && FindingComments.liveFingerprint(c.body()).isPresent()).toList();
    }

    @Test
    @DisplayName("a change that adds a line with a checkpatch warning gets one comment on that line")
    void one_comment_on_the_line() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        assertThat(fake.lineCommentsSeen(REPO, 7)).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo(FILE);
            assertThat(c.line()).isEqualTo(22);
            assertThat(c.author()).isEqualTo("labgate-bot");
            assertThat(c.body()).contains("**checkpatch** warning: LONG\\_LINE: line length of 104 exceeds 100 columns")
                    .contains("https://labgate.example/runs/r1");
            assertThat(c.resolved()).isFalse();
        });
    }

    @Test
    @DisplayName("the same review again (a redelivery, a retried task) posts nothing")
    void never_twice() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        var requests = fake.requestCount();
        forge.review(change, review(head, checkpatch(22)));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(fake.reviewBodiesSeen(REPO, 7)).hasSizeLessThanOrEqualTo(1);
        assertThat(fake.requestCount() - requests).as("reads only").isLessThanOrEqualTo(6);
    }

    @Test
    @DisplayName("the next head fixes the line: labgate's comment is no longer live, and nothing new is posted")
    void fixed_in_the_next_head() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        var next = push(List.of("\tint ret;", "\twritel_relaxed(ACME_TIMER_CTRL_ALL, base + CTRL);"));
        forge.review(change, review(next));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(live()).isEmpty();
        fixedLooksLikeThis(fake.lineCommentsSeen(REPO, 7).get(0), next);
    }

    /** How this forge shows a finding that is gone. */
    protected abstract void fixedLooksLikeThis(FakeForge.LineComment comment, String head);

    @Test
    @DisplayName("the next head still has it on a moved line: the one comment stays live, none is added")
    void still_there_in_the_next_head() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        var next = push(List.of("\tint ret;", "\tu32 rate;", LONG_LINE));
        forge.review(change, review(next, checkpatch(23)));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(live()).hasSize(1);
    }

    @Test
    @DisplayName("a finding that comes back after it was fixed gets a new comment")
    void back_again() {
        var head = open(List.of(LONG_LINE));
        forge.review(change, review(head, checkpatch(21)));
        var fixed = push(List.of("\twritel_relaxed(ACME_TIMER_CTRL_ALL, base + CTRL);"));
        forge.review(change, review(fixed));
        var again = push(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(again, checkpatch(22)));
        assertThat(live()).singleElement().satisfies(c -> assertThat(c.line()).isEqualTo(22));
    }

    @Test
    @DisplayName("a finding on a line the diff does not show is listed in the body, not placed on a line")
    void outside_the_diff() {
        var head = open(List.of(LONG_LINE));
        var elsewhere = Finding.at(FILE, 2, 5, Severity.WARNING, "symbol 'acme_rate' was not declared. Should it be "
                + "static?", "sparse");
        forge.review(change, review(head, checkpatch(21), elsewhere));
        assertThat(fake.lineCommentsSeen(REPO, 7)).singleElement().satisfies(c -> assertThat(c.line()).isEqualTo(21));
        assertThat(fake.reviewBodiesSeen(REPO, 7)).singleElement().satisfies(body -> assertThat(body)
                .contains("In files of this change, on lines its diff does not show")
                .contains("`" + FILE + ":2:5` **sparse** warning: symbol 'acme\\_rate' was not declared"));
    }

    @Test
    @DisplayName("a tool's absolute build path and a path relative to a subdirectory name the change's file")
    void paths_as_tools_print_them() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, Finding.at("/builds/linux/" + FILE, 21, 6, Severity.WARNING,
                "unused variable 'ret' [-Wunused-variable]", "gcc")));
        assertThat(fake.lineCommentsSeen(REPO, 7)).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo(FILE);
            assertThat(c.line()).isEqualTo(21);
        });
    }

    @Test
    @DisplayName("no more comments than the policy allows: the most severe get them, the rest are listed")
    void limited_by_the_policy() {
        var lines = IntStream.range(0, 4).mapToObj(i -> LONG_LINE + " /* " + i + " */").toList();
        var head = open(lines);
        var findings = new ArrayList<Finding>();
        IntStream.range(0, 4).forEach(i -> findings.add(checkpatch(21 + i)));
        findings.add(Finding.at(FILE, 24, 0, Severity.ERROR, "SPACING: space required before the open parenthesis "
                + "'('", "checkpatch"));
        forge.review(change, new Review(head, findings, false, 2, Optional.empty(), null));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(2)
                .anySatisfy(c -> assertThat(c.body()).contains("**checkpatch** error"));
        assertThat(fake.reviewBodiesSeen(REPO, 7)).singleElement().satisfies(body -> assertThat(body)
                .contains("over the 2 comments a review may have").contains("found 5 new problems"));
    }

    @Test
    @DisplayName("findings in files the change does not touch, not compared with the base, are only counted")
    void untouched_files_without_a_baseline() {
        var head = open(List.of(LONG_LINE));
        var old = Finding.at("kernel/sched/core.c", 100, 1, Severity.WARNING, "unused variable 'x'", "gcc");
        forge.review(change, review(head, checkpatch(21), old));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(1);
        assertThat(String.join("\n", fake.reviewBodiesSeen(REPO, 7))).doesNotContain("kernel/sched/core.c");
    }

    @Test
    @DisplayName("findings in other files, compared with the base, are new in the change and listed")
    void untouched_files_with_a_baseline() {
        var head = open(List.of(LONG_LINE));
        var caused = Finding.at("kernel/sched/core.c", 100, 1, Severity.WARNING, "implicit declaration of function "
                + "'acme_rate'", "gcc");
        forge.review(change, new Review(head, List.of(checkpatch(21), caused), true, 10, Optional.empty(), null));
        assertThat(fake.reviewBodiesSeen(REPO, 7)).singleElement().satisfies(body -> assertThat(body)
                .contains("In files this change does not touch, and not found at its base")
                .contains("kernel/sched/core.c:100:1"));
    }

    @Test
    @DisplayName("a comment the forge refuses (the diff moved on meanwhile) is listed in a body instead of lost")
    void refused_comments_are_listed() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        var nothing = git.diff(base, git.commit("refs/heads/other", base, "no change", Map.of(FILE, source(List.of()))));
        fake.beforeNext("POST", ".*/(reviews|discussions)$", () -> fake.changeDiff(REPO, 7, nothing));
        forge.review(change, review(head, checkpatch(22)));
        assertThat(fake.lineCommentsSeen(REPO, 7)).isEmpty();
        assertThat(fake.reviewBodiesSeen(REPO, 7)).singleElement().satisfies(body -> assertThat(body)
                .contains("would not take a comment on").contains("`" + FILE + ":22` **checkpatch** warning"));
    }

    @Test
    @DisplayName("a review with nothing new posts nothing")
    void nothing_to_say() {
        var head = open(List.of("\tint ret;"));
        var before = fake.lineCommentsSeen(REPO, 7).size();
        forge.review(change, review(head));
        assertThat(fake.lineCommentsSeen(REPO, 7)).hasSize(before);
        assertThat(fake.reviewBodiesSeen(REPO, 7)).isEmpty();
    }

    @Test
    @DisplayName("a head that is no longer the change's is not reviewed")
    void a_stale_head_is_not_reviewed() {
        var head = open(List.of(LONG_LINE));
        push(List.of(LONG_LINE, "\tint ret;"));
        forge.review(change, review(head, checkpatch(21)));
        assertThat(fake.lineCommentsSeen(REPO, 7)).isEmpty();
        assertThat(fake.reviewBodiesSeen(REPO, 7)).isEmpty();
    }

    /** The base file: 40 numbered lines, with {@code inserted} after line 20. */
    static String source(List<String> inserted) {
        var lines = new ArrayList<String>();
        IntStream.rangeClosed(1, 40).forEach(i -> lines.add("/* line " + i + " */"));
        lines.addAll(20, inserted);
        return lines.stream().collect(Collectors.joining("\n", "", "\n"));
    }
}
