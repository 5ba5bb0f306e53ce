package dev.labgate.forge;

import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Finding.Severity;
import dev.labgate.core.review.Review;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewDraftTest {

    private static final String PATCH = """
            @@ -10,4 +10,5 @@ static int a(void)
             	int x;
            -	int y;
            +	long y;
            +	long z;
             	return 0;
            \\ No newline at end of file
            @@ -40,3 +41,3 @@ static int b(void)
             	int p;
            -	int q;
            +	int q = 1;
             }
            """;

    @Test
    @DisplayName("a patch shows the new file's added and context lines, hunk by hunk, with their old lines")
    void file_diff() {
        var file = FileDiff.parse("a.c", null, PATCH);
        assertThat(file.oldPath()).isEqualTo("a.c");
        assertThat(file.hunks()).hasSize(2);
        assertThat(file.line(10)).hasValue(new FileDiff.Line(10, 10, "\tint x;"));
        assertThat(file.line(11)).hasValueSatisfying(l -> assertThat(l.added()).isTrue());
        assertThat(file.line(13)).hasValue(new FileDiff.Line(13, 12, "\treturn 0;"));
        assertThat(file.line(14)).as("between the hunks").isEmpty();
        assertThat(file.line(42)).hasValueSatisfying(l -> assertThat(l.text()).isEqualTo("\tint q = 1;"));
        assertThat(file.sameHunk(10, 13)).isTrue();
        assertThat(file.sameHunk(13, 41)).isFalse();
    }

    @Test
    @DisplayName("a finding's fingerprint follows its line's text, not its number; alike findings are told apart by rank")
    void fingerprints() {
        var before = FileDiff.parse("a.c", null, "@@ -1,1 +1,3 @@\n x\n+long line\n+long line\n");
        var after = FileDiff.parse("a.c", null, "@@ -1,1 +1,4 @@\n x\n+new\n+long line\n+long line\n");
        var first = ReviewDraft.of(review(warning(2), warning(3)), Map.of("a.c", before), Set.of());
        var second = ReviewDraft.of(review(warning(3), warning(4)), Map.of("a.c", after), Set.of());
        assertThat(first.current()).hasSize(2).isEqualTo(second.current());
        assertThat(ReviewDraft.of(review(warning(3), warning(4)), Map.of("a.c", after), first.current()).isEmpty())
                .as("what was said is not new").isTrue();
    }

    @Test
    @DisplayName("a finding spanning lines of one hunk is placed on its last line, starting at its first")
    void multi_line() {
        var file = FileDiff.parse("a.c", null, PATCH);
        var spanning = new Finding("a.c", 11, 0, 12, Severity.WARNING, "m", "t");
        var across = new Finding("a.c", 13, 0, 41, Severity.WARNING, "m2", "t");
        var draft = ReviewDraft.of(review(spanning, across), Map.of("a.c", file), Set.of());
        assertThat(draft.comments()).extracting(p -> p.line().newLine() + "/" + p.startLine())
                .containsExactlyInAnyOrder("12/11", "41/0");
    }

    @Test
    @DisplayName("Markdown in a tool's message stays text")
    void escaped() {
        assertThat(FindingComments.escape("__iomem *addr <b>[x]</b>")).isEqualTo("\\_\\_iomem \\*addr \\<b\\>\\[x\\]\\</b\\>");
    }

    private static Finding warning(int line) {
        return Finding.at("a.c", line, 0, Severity.WARNING, "LONG_LINE: line length of 104 exceeds 100 columns",
                "checkpatch");
    }

    private static Review review(Finding... findings) {
        return new Review("h", List.of(findings), false, 10, Optional.empty(), null);
    }
}
