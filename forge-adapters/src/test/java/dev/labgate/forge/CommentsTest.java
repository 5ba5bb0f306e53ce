package dev.labgate.forge;

import dev.labgate.core.forge.ForgeReports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommentsTest {

    @Test
    void short_markdown_is_left_alone() {
        assertThat(Comments.truncate("all good", 100, "(cut)")).isEqualTo("all good");
    }

    @Test
    void long_markdown_is_cut_under_the_limit_with_the_note_at_the_end() {
        var text = "x".repeat(70_000);
        var cut = Comments.truncate(text, 65_000, "(cut; see the run page)");
        assertThat(cut.length()).isLessThanOrEqualTo(65_000);
        assertThat(cut).endsWith("(cut; see the run page)").startsWith("xxxx");
    }

    @Test
    void a_cut_never_splits_a_character_outside_the_basic_plane() {
        var text = "😀".repeat(40_000);
        var cut = Comments.truncate(text, 65_001, "(cut)");
        var body = cut.substring(0, cut.indexOf("\n\n(cut)"));
        assertThat(body.codePoints().allMatch(cp -> cp == "😀".codePointAt(0))).isTrue();
    }

    @Test
    void a_code_fence_left_open_by_the_cut_is_closed() {
        var text = "intro\n```\n" + "log line\n".repeat(10_000);
        var cut = Comments.truncate(text, 5_000, "(cut)");
        assertThat(cut).contains("\n```\n\n(cut)");
        assertThat(cut.length()).isLessThanOrEqualTo(5_000);
    }

    @Test
    void a_summary_carries_the_marker_and_an_outdated_one_does_not() {
        var summary = Comments.summary("### labgate: ❌ failed");
        assertThat(Comments.isSummary(summary)).isTrue();
        var outdated = Comments.outdated(summary, "https://forge.example/c/2");
        assertThat(Comments.isSummary(outdated)).isFalse();
        assertThat(outdated).doesNotContain(ForgeReports.SUMMARY_MARKER).contains("https://forge.example/c/2")
                .contains("❌ failed");
        assertThat(Comments.writtenByLabgate(outdated)).isTrue();
    }

    @Test
    void a_reply_names_the_comment_it_answers() {
        var reply = Comments.reply("1234", "Cancelled.");
        assertThat(Comments.isReplyTo(reply, "1234")).isTrue();
        assertThat(Comments.isReplyTo(reply, "123")).isFalse();
        assertThat(Comments.writtenByLabgate(reply)).isTrue();
    }
}
