package dev.labgate.forge;

import dev.labgate.core.forge.Forge;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Review;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The review contract for GitHub, and what only GitHub does: one review per head, requested changes, dismissals. */
class GitHubReviewContractTest extends ReviewContract {

    private FakeGitHub github() {
        return (FakeGitHub) fake;
    }

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitHub("labgate-bot").acceptToken("gh-token");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitHubForge(GitHubSettings.withToken("github", fake.url(), URI.create("https://github.example"),
                List.of("secret"), "gh-token", null), clock);
    }

    @Override
    protected void fixedLooksLikeThis(FakeForge.LineComment comment, String head) {
        assertThat(comment.body()).startsWith("<!-- labgate:finding-fixed ")
                .contains("**No longer found** at `" + head.substring(0, 12) + "`")
                .contains("<summary>What labgate said</summary>").contains("LONG\\_LINE");
        assertThat(comment.line()).as("GitHub shows it outdated: its line is gone").isZero();
    }

    @Test
    @DisplayName("one review per head, with the event COMMENT unless the policy says otherwise")
    void one_review_per_head() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        forge.review(change, review(head, checkpatch(22), Finding.at(FILE, 21, 6, Finding.Severity.WARNING,
                "unused variable 'ret'", "gcc")));
        assertThat(github().reviews(REPO, 7)).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo("COMMENTED");
            assertThat(r.commitId()).isEqualTo(head);
            assertThat(r.body()).startsWith("<!-- labgate:review " + head);
        });
    }

    @Test
    @DisplayName("an error requests changes when the policy says so; the next head without it dismisses that review")
    void requested_changes_are_dismissed_once_fixed() {
        var head = open(List.of("\tif(!base)"));
        var spacing = Finding.at(FILE, 21, 0, Finding.Severity.ERROR, "SPACING: space required before the open "
                + "parenthesis '('", "checkpatch");
        forge.review(change, new Review(head, List.of(spacing), false, 10, Optional.of(Finding.Severity.ERROR), null));
        assertThat(github().reviews(REPO, 7)).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo("CHANGES_REQUESTED"));
        var next = push(List.of("\tif (!base)"));
        forge.review(change, new Review(next, List.of(), false, 10, Optional.of(Finding.Severity.ERROR), null));
        assertThat(github().reviews(REPO, 7)).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo("DISMISSED"));
    }

    @Test
    @DisplayName("a review that still has its error in the next head keeps requesting changes")
    void requested_changes_stay_while_the_error_does() {
        var head = open(List.of("\tif(!base)"));
        var spacing = Finding.at(FILE, 21, 0, Finding.Severity.ERROR, "SPACING: space required before the open "
                + "parenthesis '('", "checkpatch");
        var policy = Optional.of(Finding.Severity.ERROR);
        forge.review(change, new Review(head, List.of(spacing), false, 10, policy, null));
        var next = push(List.of("\tint ret;", "\tif(!base)"));
        forge.review(change, new Review(next, List.of(Finding.at(FILE, 22, 0, Finding.Severity.ERROR,
                spacing.message(), "checkpatch")), false, 10, policy, null));
        assertThat(github().reviews(REPO, 7)).extracting(FakeGitHub.Review::state).containsExactly("CHANGES_REQUESTED");
    }

    @Test
    @DisplayName("a warning never requests changes when the policy asks for it at errors only")
    void warnings_only_comment() {
        var head = open(List.of(LONG_LINE));
        forge.review(change, new Review(head, List.of(checkpatch(21)), false, 10, Optional.of(Finding.Severity.ERROR),
                null));
        assertThat(github().reviews(REPO, 7)).extracting(FakeGitHub.Review::state).containsExactly("COMMENTED");
    }
}
