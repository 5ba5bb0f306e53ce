package dev.labgate.forge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The longest text each forge takes in each place labgate writes, and the one way to make a text
 * fit it. Every body a forge receives goes through here; a forge refuses a longer one outright
 * (GitHub with 422, GitLab with 400), so a report that is not cut is a report that never arrives.
 *
 * <p>Lengths are counted in UTF-16 units ({@link String#length()}), never fewer than the
 * characters (code points) the forges count, so a fitted text is always accepted.
 *
 * <p>labgate writes Markdown most important first. {@link #fit} keeps it whole when it fits;
 * otherwise it keeps whole blocks from the top (a paragraph, a table row, a fenced code block, a
 * {@code <details>} element), cuts inside the first block that does not fit when there is room
 * worth keeping and it is not a table row (closing the fence or {@code <details>} the cut leaves
 * open), leaves out the rest, and ends with a line that says so and where the whole report is.
 */
public enum BodyLimit {

    /** An issue or pull request comment: 422 above 65,536 characters (REST API, "Create an issue comment"). */
    GITHUB_COMMENT("GitHub comment", 65_536),
    /** A check run's {@code output.summary}: 422 above 65,535 characters (REST API, "Create a check run"). */
    GITHUB_CHECK_RUN_SUMMARY("GitHub check run summary", 65_535),
    /** A commit status description: 422 above 140 characters (REST API, "Create a commit status"). */
    GITHUB_STATUS_DESCRIPTION("GitHub status description", 140),
    /** A note: 400 above 1,000,000 characters ({@code Gitlab::Database::MAX_TEXT_SIZE_LIMIT}, notes/active_record.rb). */
    GITLAB_NOTE("GitLab note", 1_000_000),
    /** A commit status description: "Must be 255 characters or fewer" (lib/api/commit_statuses.rb). */
    GITLAB_STATUS_DESCRIPTION("GitLab status description", 255),
    /** A commit status target URL: 400 above 255 characters (app/models/generic_commit_status.rb). */
    GITLAB_STATUS_TARGET_URL("GitLab status target URL", 255);

    /** Below this much room a cut block says too little to be worth keeping. */
    private static final int MIN_CUT = 200;
    /** How far back a cut looks for the end of a line. */
    private static final int LINE_SEARCH = 1_000;

    private final String place;
    private final int max;

    BodyLimit(String place, int max) {
        this.place = place;
        this.max = max;
    }

    /** The most characters this place takes. */
    public int max() {
        return max;
    }

    /** Whether a text that cannot be cut (a link) fits as it is. */
    public boolean fits(String text) {
        return text.length() <= max;
    }

    /** One line (a status description) cut to fit, ending with "…" when it was cut. */
    public String fitLine(String text) {
        if (text.length() <= max) {
            return text;
        }
        var cut = max - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "…";
    }

    /**
     * Markdown cut to fit, least important (last) blocks first.
     *
     * @param moreAt the page where the whole report can be read, named in the closing line; null to point
     *               at labgate's run pages in general (a summary comment links the page of each lab's run)
     */
    public String fit(String markdown, String moreAt) {
        if (markdown.length() <= max) {
            return markdown;
        }
        var blocks = blocks(markdown);
        var kept = new StringBuilder();
        var shortened = false;
        var left = 0;
        for (int i = 0; i < blocks.size(); i++) {
            var block = blocks.get(i);
            // Room for the closing line at its longest: one part shortened and all the others left out.
            var room = max - kept.length() - notice(true, blocks.size() - i, moreAt).length();
            if (block.length() <= room) {
                kept.append(block);
                continue;
            }
            // A table row is kept whole or left out: a cut one would break the table.
            var part = (room >= MIN_CUT || kept.isEmpty()) && !block.strip().startsWith("|") ? cut(block, room) : "";
            shortened = !part.isEmpty();
            kept.append(part);
            left = blocks.size() - i - (shortened ? 1 : 0);
            break;
        }
        var body = kept.toString().stripTrailing() + notice(shortened, left, moreAt);
        // Only a link longer than the limit itself could leave it too long: then it is cut like a line.
        return body.length() <= max ? body : fitLine(body);
    }

    private String notice(boolean shortened, int left, String moreAt) {
        var what = new ArrayList<String>();
        if (shortened) {
            what.add("one part is shortened");
        }
        if (left > 0) {
            what.add(left == 1 ? "the last part is left out" : "the last " + left + " parts are left out");
        }
        return "\n\n---\n✂️ Cut to fit a " + place + " (" + String.format(Locale.ROOT, "%,d", max)
                + " characters): " + String.join(" and ", what)
                + (moreAt == null ? ". labgate's run pages have the whole report." : ". The whole report: " + moreAt);
    }

    /**
     * The head of a block in at most {@code room} characters, with the code fence and the
     * {@code <details>} elements the cut leaves open closed again; empty when nothing fits.
     */
    private static String cut(String block, int room) {
        var mark = "\n…\n";
        var reserve = mark.length() + "```\n".length() + "</details>\n".length() * count(block, "<details");
        var end = Math.min(block.length(), room - reserve);
        if (end <= 0) {
            return "";
        }
        // End on a whole line where one ends close enough; never inside a character outside the basic plane.
        var lineEnd = block.lastIndexOf('\n', end - 1);
        if (lineEnd > 0 && lineEnd >= end - LINE_SEARCH) {
            end = lineEnd;
        } else if (Character.isHighSurrogate(block.charAt(end - 1))) {
            end--;
        }
        var head = new StringBuilder(block.substring(0, end)).append(mark);
        var state = new Scan();
        head.toString().lines().forEach(state::line);
        if (state.fenced) {
            head.append("```\n");
        }
        head.append("</details>\n".repeat(state.details));
        return head.toString();
    }

    /**
     * The blocks of a Markdown text, in order, each with its line ends: a fenced code block, a
     * {@code <details>} element, a table's header with its separator row, each other table row, a
     * paragraph. Blank lines stay with the block before them, so the blocks join to the text again.
     */
    static List<String> blocks(String markdown) {
        var lines = markdown.split("(?<=\n)");
        var blocks = new ArrayList<String>();
        var current = new StringBuilder();
        var state = new Scan();
        var ended = false;
        for (int i = 0; i < lines.length; i++) {
            var line = lines[i];
            var trimmed = line.strip();
            if (state.inside()) {
                current.append(line);
                state.line(line);
                ended = !state.inside();
                continue;
            }
            if (trimmed.isEmpty()) {
                current.append(line);
                ended = true;
                continue;
            }
            var row = trimmed.startsWith("|");
            if (!current.isEmpty() && (ended || row || trimmed.startsWith("```") || trimmed.startsWith("<details"))) {
                blocks.add(current.toString());
                current.setLength(0);
            }
            current.append(line);
            state.line(line);
            ended = row || !state.inside() && (trimmed.startsWith("```") || trimmed.contains("</details>"));
            if (row && i + 1 < lines.length && lines[i + 1].strip().startsWith("|-")) {
                current.append(lines[++i]);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current.toString());
        }
        return blocks;
    }

    /** Where a reader of Markdown lines stands: inside a code fence, how deep inside {@code <details>}. */
    private static final class Scan {
        private boolean fenced;
        private int details;

        void line(String line) {
            var trimmed = line.strip();
            if (trimmed.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                details = Math.max(0, details + count(trimmed, "<details") - count(trimmed, "</details>"));
            }
        }

        boolean inside() {
            return fenced || details > 0;
        }
    }

    private static int count(String text, String what) {
        var n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }
}
