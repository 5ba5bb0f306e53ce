package dev.labgate.forge;

import dev.labgate.core.forge.ForgeReports;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Review;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bodies of labgate's review comments, the same on every forge. Each carries a hidden marker
 * with what labgate needs to find it again: a line comment the fingerprint of its finding
 * ({@code <!-- labgate:finding <fp> -->}, {@code finding-fixed} once the finding is gone), a
 * review's body the head it reviewed and the fingerprints it lists
 * ({@code <!-- labgate:review <head> <fp> ... -->}).
 */
public final class FindingComments {

    private static final Pattern LIVE = Pattern.compile("^" + Pattern.quote(ForgeReports.MARKER_PREFIX)
            + "finding ([0-9a-f]+-\\d+) -->");
    private static final Pattern REVIEW = Pattern.compile("^" + Pattern.quote(ForgeReports.MARKER_PREFIX)
            + "review ([0-9a-f]{7,64})((?: [0-9a-f]+-\\d+)*) -->");
    private static final String FIXED = ForgeReports.MARKER_PREFIX + "finding-fixed ";

    private FindingComments() {
    }

    /** The comment on the line of a finding. */
    public static String comment(ReviewDraft.Placed placed, String detailsUrl) {
        return ForgeReports.MARKER_PREFIX + "finding " + placed.fingerprint() + " -->\n" + describe(placed.finding())
                + (detailsUrl == null ? "" : "\n\n[labgate run](" + detailsUrl + ")");
    }

    /** The fingerprint of a live (not fixed) finding comment labgate wrote, if this is one. */
    public static Optional<String> liveFingerprint(String body) {
        var m = LIVE.matcher(body == null ? "" : body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * What a finding comment becomes when a later head no longer has the finding: says so, keeps
     * the old text folded away, and is no longer live.
     */
    public static String fixed(String body, String headSha) {
        var fingerprint = liveFingerprint(body).orElseThrow(() -> new IllegalArgumentException("not a live finding"));
        var old = body.substring(body.indexOf("-->") + 3).strip();
        return FIXED + fingerprint + " -->\n**No longer found** at `" + shortSha(headSha)
                + "`: fixed, or the line is gone.\n\n<details><summary>What labgate said</summary>\n\n" + old
                + "\n\n</details>";
    }

    /** The body of the review of a head: what is new, where it is, and what it lists. */
    public static String reviewBody(ReviewDraft draft, Review review) {
        var fingerprints = new StringBuilder();
        draft.listed().forEach(l -> fingerprints.append(' ').append(l.fingerprint()));
        var text = new StringBuilder(ForgeReports.MARKER_PREFIX).append("review ").append(review.headSha())
                .append(fingerprints).append(" -->\n");
        var count = draft.comments().size() + draft.listed().size() + draft.unlisted();
        text.append("**labgate** found ").append(count).append(count == 1 ? " new problem" : " new problems")
                .append(" at `").append(shortSha(review.headSha())).append('`');
        text.append(review.detailsUrl() == null ? "." : " ([run](" + review.detailsUrl() + ")).");
        if (draft.requestsChanges()) {
            text.append(" Changes are requested: the policy asks for it at ")
                    .append(review.requestChangesAt().orElseThrow().label()).append(" and above.");
        }
        text.append("\n");
        if (!draft.comments().isEmpty()) {
            text.append("\n").append(draft.comments().size()).append(draft.comments().size() == 1
                    ? " is commented on its line.\n" : " are commented on their lines.\n");
        }
        for (var where : ReviewDraft.Where.values()) {
            var listed = draft.listed().stream().filter(l -> l.where() == where).toList();
            if (listed.isEmpty()) {
                continue;
            }
            text.append("\n").append(switch (where) {
                case OVER_LIMIT -> "On lines of this change, over the " + review.maxComments()
                        + " comments a review may have:";
                case CHANGED_FILE -> "In files of this change, on lines its diff does not show:";
                case OTHER_FILE -> "In files this change does not touch, and not found at its base:";
                case REFUSED -> "On lines of this change the forge would not take a comment on (its diff moved on):";
            }).append("\n\n");
            for (var each : listed) {
                text.append("- `").append(each.finding().location()).append("` ")
                        .append(firstLine(describe(each.finding()))).append('\n');
            }
        }
        if (draft.unlisted() > 0) {
            text.append("\n…and ").append(draft.unlisted()).append(" more")
                    .append(review.detailsUrl() == null ? ".\n" : ", on the run page.\n");
        }
        if (draft.untouched() > 0) {
            var one = draft.untouched() == 1;
            text.append("\n").append(draft.untouched()).append(one ? " finding is" : " findings are")
                    .append(" in files this change does not touch; without results of its base labgate cannot tell"
                            + " whether ").append(one ? "it is" : "they are").append(" new, so ")
                    .append(one ? "it is" : "they are").append(" only on the run page.\n");
        }
        return text.toString();
    }

    /** The head a review body is about, if labgate wrote it. */
    public static Optional<String> reviewedHead(String body) {
        var m = REVIEW.matcher(body == null ? "" : body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The fingerprints a review body lists. */
    public static Set<String> listedFingerprints(String body) {
        var m = REVIEW.matcher(body == null ? "" : body);
        if (!m.find() || m.group(2).isBlank()) {
            return Set.of();
        }
        return Set.copyOf(Arrays.asList(m.group(2).strip().split(" ")));
    }

    /** A finding in Markdown: tool and severity, the first line of the message, the rest as code. */
    static String describe(Finding finding) {
        var lines = finding.message().split("\n", 2);
        var text = new StringBuilder("**").append(finding.tool()).append("** ").append(finding.severity().label())
                .append(": ").append(escape(lines[0]));
        if (lines.length > 1) {
            text.append("\n\n```\n").append(lines[1].replace("```", "ʼʼʼ")).append("\n```");
        }
        return text.toString();
    }

    private static String firstLine(String markdown) {
        var newline = markdown.indexOf('\n');
        return newline < 0 ? markdown : markdown.substring(0, newline);
    }

    /** Tool messages quote code ({@code __iomem *addr}); Markdown must not read it as emphasis or HTML. */
    static String escape(String text) {
        var out = new StringBuilder(text.length() + 8);
        for (var c : text.toCharArray()) {
            if ("\\`*_[]<>|~".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
