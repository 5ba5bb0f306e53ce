package dev.labgate.forge;

import dev.labgate.core.Sha256;
import dev.labgate.core.review.Finding;
import dev.labgate.core.review.Review;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the review of one head says, worked out the same way for every forge: which findings are
 * new (labgate has no live comment on them yet), which of those go on lines of the diff and which
 * are listed in the body, and which findings are there at all (so that labgate's comments on the
 * others can be marked fixed).
 *
 * <p>A finding is known across heads by its fingerprint: tool, file, message and the text of the
 * line it is on (lines move when a change is rebased or amended; their text does not), and its
 * rank among findings alike. The most severe new findings get the comments the policy allows;
 * the rest are listed in the body.
 *
 * @param comments new findings on lines of the diff, most severe first, within the policy's limit
 * @param listed new findings for the body: outside the diff, or over the limit; most severe first
 * @param unlisted how many more new findings there are than the body lists
 * @param untouched how many findings are in files the change does not touch and were not compared with
 *                  the base: they may well be older than the change, so they are counted, not listed
 * @param current the fingerprints of every finding of the head
 * @param requestsChanges whether a new finding is severe enough for the policy to request changes
 */
public record ReviewDraft(List<Placed> comments, List<Listed> listed, int unlisted, int untouched,
                          Set<String> current, boolean requestsChanges) {

    /** How many findings a body lists; the rest are counted, and on the run page. */
    public static final int MAX_LISTED = 30;

    /**
     * A comment to write on a line of the diff.
     *
     * @param startLine the first line of a finding that spans lines of one hunk, 0 for one line
     */
    public record Placed(Finding finding, FileDiff file, FileDiff.Line line, int startLine, String fingerprint) {
    }

    /** A finding the body lists, and where it is. */
    public record Listed(Finding finding, String fingerprint, Where where) {
    }

    public enum Where {
        /** On a line of the diff, over the policy's limit of comments. */
        OVER_LIMIT,
        /** In a file the change touches, on a line its diff does not show. */
        CHANGED_FILE,
        /** In a file the change does not touch (the findings were compared with the base's). */
        OTHER_FILE,
        /** On a line of the diff, but the forge refused a comment there (its diff moved on meanwhile). */
        REFUSED
    }

    private static final Comparator<Finding> MOST_SEVERE_FIRST = Comparator.comparing(Finding::severity)
            .reversed().thenComparing(Finding::path).thenComparingInt(Finding::line)
            .thenComparing(Finding::tool).thenComparing(Finding::message);

    public ReviewDraft {
        comments = List.copyOf(comments);
        listed = List.copyOf(listed);
        current = Set.copyOf(current);
    }

    /**
     * @param diff the change's files at the head, by path in the head
     * @param said fingerprints of findings labgate already commented on or listed, and has not marked fixed
     */
    public static ReviewDraft of(Review review, Map<String, FileDiff> diff, Set<String> said) {
        var inReadingOrder = new ArrayList<>(review.findings());
        inReadingOrder.sort(Comparator.comparing(Finding::path).thenComparingInt(Finding::line)
                .thenComparingInt(Finding::column).thenComparing(Finding::tool).thenComparing(Finding::message));
        var ranks = new HashMap<String, Integer>();
        var current = new LinkedHashSet<String>();
        var onDiff = new ArrayList<Placed>();
        var elsewhere = new ArrayList<Listed>();
        var untouched = 0;
        for (var finding : inReadingOrder) {
            var file = file(diff, finding.path());
            var resolved = file.map(f -> finding.withPath(f.path())).orElse(finding);
            var line = file.flatMap(f -> f.line(finding.endLine()).or(() -> f.line(finding.line())));
            var base = Sha256.hex(resolved.tool() + "\n" + resolved.path() + "\n" + resolved.message() + "\n"
                    + line.map(l -> l.text().strip()).orElse(""), 8);
            var fingerprint = base + "-" + ranks.merge(base, 1, Integer::sum);
            current.add(fingerprint);
            if (said.contains(fingerprint)) {
                continue;
            }
            if (line.isPresent()) {
                var spans = finding.endLine() > finding.line() && line.get().newLine() == finding.endLine()
                        && file.get().sameHunk(finding.line(), finding.endLine());
                onDiff.add(new Placed(resolved, file.get(), line.get(), spans ? finding.line() : 0, fingerprint));
            } else if (file.isPresent()) {
                elsewhere.add(new Listed(resolved, fingerprint, Where.CHANGED_FILE));
            } else if (review.compared()) {
                elsewhere.add(new Listed(resolved, fingerprint, Where.OTHER_FILE));
            } else {
                untouched++;
            }
        }
        onDiff.sort(Comparator.comparing(Placed::finding, MOST_SEVERE_FIRST));
        var comments = onDiff.subList(0, Math.min(review.maxComments(), onDiff.size()));
        var listed = new ArrayList<Listed>();
        onDiff.subList(comments.size(), onDiff.size())
                .forEach(p -> listed.add(new Listed(p.finding(), p.fingerprint(), Where.OVER_LIMIT)));
        listed.addAll(elsewhere);
        listed.sort(Comparator.comparing(Listed::finding, MOST_SEVERE_FIRST));
        var requestsChanges = onDiff.stream().anyMatch(p -> review.blocks(p.finding()))
                || elsewhere.stream().anyMatch(l -> review.blocks(l.finding()));
        var shown = listed.subList(0, Math.min(MAX_LISTED, listed.size()));
        return new ReviewDraft(comments, shown, listed.size() - shown.size(), untouched, current, requestsChanges);
    }

    /** The same review with these comments listed in the body instead, as the forge would not place them. */
    public ReviewDraft refused(List<Placed> refused) {
        var placed = new ArrayList<>(comments);
        placed.removeAll(refused);
        var moved = new ArrayList<Listed>();
        refused.forEach(p -> moved.add(new Listed(p.finding(), p.fingerprint(), Where.REFUSED)));
        moved.addAll(listed);
        return new ReviewDraft(placed, moved, unlisted, untouched, current, requestsChanges);
    }

    /** Whether the review has anything new to say (a count of untouched files' findings is not news). */
    public boolean isEmpty() {
        return comments.isEmpty() && listed.isEmpty() && unlisted == 0;
    }

    /**
     * The change's file a tool's path names: the same path, or the one file whose path ends with it
     * (a path relative to a subdirectory) or that it ends with (an absolute path in a build tree).
     */
    static Optional<FileDiff> file(Map<String, FileDiff> diff, String path) {
        var exact = diff.get(path);
        if (exact != null) {
            return Optional.of(exact);
        }
        var matches = diff.values().stream()
                .filter(f -> path.endsWith("/" + f.path()) || f.path().endsWith("/" + path))
                .toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }
}
