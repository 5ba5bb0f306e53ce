package dev.labgate.forge;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitLab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The review contract for GitLab, and what only GitLab does: positions carry the diff version's SHAs. */
class GitLabReviewContractTest extends ReviewContract {

    private FakeGitLab gitlab() {
        return (FakeGitLab) fake;
    }

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitLab("glpat-token", "labgate-bot");
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        return new GitLabForge(new GitLabSettings("gitlab", fake.url(), fake.url(), List.of("secret"), "glpat-token",
                null), clock);
    }

    @Override
    protected void fixedLooksLikeThis(FakeForge.LineComment comment, String head) {
        assertThat(comment.resolved()).as("GitLab resolves the discussion").isTrue();
    }

    @Test
    @DisplayName("a discussion's position names the base, start and head SHAs of the head's diff version")
    void positions_carry_the_version() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        var version = gitlab().versions(REPO, 7).get(0);
        assertThat(gitlab().discussions(REPO, 7)).singleElement().satisfies(d -> {
            var position = d.notes().get(0).position();
            assertThat(position.headSha()).isEqualTo(head).isEqualTo(version.head());
            assertThat(position.baseSha()).isEqualTo(version.base());
            assertThat(position.startSha()).isEqualTo(version.start());
            assertThat(position.newPath()).isEqualTo(FILE);
            assertThat(position.newLine()).isEqualTo(22);
            assertThat(position.oldLine()).as("an added line has no old line").isNull();
        });
    }

    @Test
    @DisplayName("a finding on a context line is placed by its old and new line")
    void context_lines_carry_both_lines() {
        var head = open(List.of(LONG_LINE));
        forge.review(change, review(head, checkpatch(19)));
        assertThat(gitlab().discussions(REPO, 7)).singleElement().satisfies(d -> {
            assertThat(d.notes().get(0).position().newLine()).isEqualTo(19);
            assertThat(d.notes().get(0).position().oldLine()).isEqualTo(19);
        });
    }

    @Test
    @DisplayName("a discussion a maintainer resolved while its finding is still there is not opened again")
    void resolved_by_a_person_stays_said() {
        var head = open(List.of("\tint ret;", LONG_LINE));
        forge.review(change, review(head, checkpatch(22)));
        var discussion = gitlab().discussions(REPO, 7).get(0);
        gitlab().resolveDiscussion(REPO, 7, discussion.id(), "maintainer");
        var next = push(List.of("\tint ret;", "\tu32 rate;", LONG_LINE));
        forge.review(change, review(next, checkpatch(23)));
        assertThat(gitlab().discussions(REPO, 7)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(discussion.id());
            assertThat(d.notes().get(0).resolvedBy()).as("left as the maintainer left it").isEqualTo("maintainer");
        });
    }

    @Test
    @DisplayName("labgate resolves its own discussion when the finding is gone, as itself")
    void resolved_by_labgate_when_fixed() {
        var head = open(List.of(LONG_LINE));
        forge.review(change, review(head, checkpatch(21)));
        var next = push(List.of("\twritel_relaxed(ACME_TIMER_CTRL_ALL, base + CTRL);"));
        forge.review(change, review(next));
        assertThat(gitlab().discussions(REPO, 7)).singleElement()
                .satisfies(d -> assertThat(d.notes().get(0).resolvedBy()).isEqualTo("labgate-bot"));
    }
}
