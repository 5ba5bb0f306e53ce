package dev.labgate.forge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BodyLimitTest {

    @Test
    void markdown_that_fits_is_left_alone() {
        assertThat(BodyLimit.GITHUB_COMMENT.fit("all good", null)).isEqualTo("all good");
    }

    @Test
    void the_blocks_of_a_text_join_to_the_text_again() {
        var markdown = "### title\n\nTested `abc`.\n\n| lab | state |\n|---|---|\n| a | ok |\n| b | ok |\n\n"
                + "<details><summary>more</summary>\n\n- one\n\n```\nlog\n```\n</details>\nafter\n";
        var blocks = BodyLimit.blocks(markdown);
        assertThat(String.join("", blocks)).isEqualTo(markdown);
        assertThat(blocks).containsExactly("### title\n\n", "Tested `abc`.\n\n", "| lab | state |\n|---|---|\n",
                "| a | ok |\n", "| b | ok |\n\n",
                "<details><summary>more</summary>\n\n- one\n\n```\nlog\n```\n</details>\n", "after\n");
    }

    @Test
    void the_last_blocks_go_first_and_the_closing_line_says_how_many_and_where_the_rest_is() {
        var markdown = "### labgate: ❌ failed\n\n" + ("| `kunit.case` | " + "x".repeat(900) + " |\n").repeat(20);
        var fitted = BodyLimit.GITHUB_COMMENT.fit(markdown.repeat(5), "https://labgate.example/runs/1");
        assertThat(fitted.length()).isLessThanOrEqualTo(65_536);
        assertThat(fitted).startsWith("### labgate: ❌ failed").endsWith("The whole report: https://labgate.example/runs/1")
                .containsPattern("the last \\d+ parts are left out").doesNotContain("shortened");
        assertThat(fitted.lines().filter(l -> l.startsWith("| `kunit"))).allMatch(l -> l.endsWith(" |"));
    }

    @Test
    void a_cut_inside_a_code_fence_closes_it() {
        var text = "intro\n\n```\n" + "log line\n".repeat(10_000) + "```\n";
        var fitted = BodyLimit.GITHUB_COMMENT.fit(text.repeat(2), null);
        assertThat(fitted.length()).isLessThanOrEqualTo(65_536);
        assertThat(fitted).contains("log line\n…\n```\n").contains("one part is shortened");
        assertThat(fitted.lines().filter(l -> l.startsWith("```")).count() % 2).isZero();
    }

    @Test
    void a_cut_inside_details_closes_them() {
        var text = "pointer\n\n<details><summary>before</summary>\n\n" + "old line\n\n".repeat(20_000) + "</details>\n";
        var fitted = BodyLimit.GITHUB_COMMENT.fit(text, null);
        assertThat(fitted.length()).isLessThanOrEqualTo(65_536);
        assertThat(fitted).startsWith("pointer\n\n<details><summary>before</summary>").contains("…\n</details>\n");
    }

    @Test
    void a_cut_never_splits_a_character_outside_the_basic_plane() {
        var fitted = BodyLimit.GITHUB_COMMENT.fit("😀".repeat(40_000), null);
        var body = fitted.substring(0, fitted.indexOf("\n…\n"));
        assertThat(body.codePoints().allMatch(cp -> cp == "😀".codePointAt(0))).isTrue();
    }

    @Test
    void a_line_is_cut_with_an_ellipsis_within_the_limit() {
        assertThat(BodyLimit.GITHUB_STATUS_DESCRIPTION.fitLine("short")).isEqualTo("short");
        var cut = BodyLimit.GITHUB_STATUS_DESCRIPTION.fitLine("y".repeat(300));
        assertThat(cut).hasSize(140).endsWith("…");
        assertThat(BodyLimit.GITLAB_STATUS_DESCRIPTION.fitLine("y".repeat(300))).hasSize(255);
    }
}
