package dev.labgate.forge;

import dev.labgate.core.forge.ForgeReports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommentsTest {

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
