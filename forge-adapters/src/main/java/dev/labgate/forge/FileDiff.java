package dev.labgate.forge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One file of a change's diff as the forge shows it: the lines of the new file that its hunks
 * show (added and context lines). Only those lines can carry a review comment on GitHub
 * ({@code line} on the {@code RIGHT} side) and a positioned discussion on GitLab.
 *
 * @param path the file's path in the head
 * @param oldPath its path in the base (the same unless renamed)
 */
public record FileDiff(String path, String oldPath, List<Hunk> hunks) {

    /**
     * A line of the new file the diff shows.
     *
     * @param oldLine its line in the old file for a context line; 0 for an added line
     */
    public record Line(int newLine, int oldLine, String text) {
        public boolean added() {
            return oldLine == 0;
        }
    }

    /** The new-file lines of one {@code @@} hunk, in order. */
    public record Hunk(List<Line> lines) {
        public Hunk {
            lines = List.copyOf(lines);
        }

        boolean shows(int newLine) {
            return lines.stream().anyMatch(l -> l.newLine() == newLine);
        }
    }

    private static final Pattern HEADER = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    public FileDiff {
        Objects.requireNonNull(path, "path");
        oldPath = oldPath == null ? path : oldPath;
        hunks = List.copyOf(hunks);
    }

    /**
     * Reads a unified diff of one file: GitHub's {@code patch} or GitLab's {@code diff}, which start
     * at the first {@code @@}; anything before it ({@code ---}/{@code +++} headers) is skipped.
     */
    public static FileDiff parse(String path, String oldPath, String patch) {
        var hunks = new ArrayList<Hunk>();
        List<Line> current = null;
        int oldLine = 0;
        int newLine = 0;
        for (var raw : (patch == null ? "" : patch).split("\n", -1)) {
            var header = HEADER.matcher(raw);
            if (header.matches()) {
                if (current != null) {
                    hunks.add(new Hunk(current));
                }
                current = new ArrayList<>();
                oldLine = Integer.parseInt(header.group(1));
                newLine = Integer.parseInt(header.group(2));
                continue;
            }
            if (current == null || raw.isEmpty()) {
                continue;
            }
            switch (raw.charAt(0)) {
                case '+' -> current.add(new Line(newLine++, 0, raw.substring(1)));
                case ' ' -> current.add(new Line(newLine++, oldLine++, raw.substring(1)));
                case '-' -> oldLine++;
                default -> {
                    // "\ No newline at end of file"
                }
            }
        }
        if (current != null) {
            hunks.add(new Hunk(current));
        }
        return new FileDiff(path, oldPath, hunks);
    }

    /** The line of the new file, if the diff shows it. */
    public Optional<Line> line(int newLine) {
        return hunks.stream().flatMap(h -> h.lines().stream()).filter(l -> l.newLine() == newLine).findFirst();
    }

    /** Whether both lines of the new file are shown, in the same hunk. */
    public boolean sameHunk(int first, int last) {
        return hunks.stream().anyMatch(h -> h.shows(first) && h.shows(last));
    }
}
