package dev.labgate.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A change's diff as the forge fakes keep it: {@code git diff} output split into files, each
 * with the hunk text the forges hand out (GitHub's {@code patch}, GitLab's {@code diff}: from the
 * first {@code @@} on) and the lines each hunk shows, which is what both forges check a comment's
 * position against.
 */
public record ChangeDiff(List<File> files) {

    /** One file's part of the diff; {@code oldPath} is {@code /dev/null}'s path for a new file. */
    public record File(String oldPath, String newPath, Status status, String patch, List<Hunk> hunks) {
        public File {
            hunks = List.copyOf(hunks);
        }

        /** The hunk that shows this line of one side, if any. */
        public Optional<Hunk> hunk(Side side, int line) {
            return hunks.stream().filter(h -> h.line(side, line).isPresent()).findFirst();
        }
    }

    public enum Status { ADDED, MODIFIED, RENAMED, REMOVED }

    public enum Side { LEFT, RIGHT }

    /** A line a hunk shows: added (no old line), removed (no new line) or context (both). */
    public record Line(Integer oldLine, Integer newLine, String text) {
    }

    public record Hunk(List<Line> lines) {
        public Hunk {
            lines = List.copyOf(lines);
        }

        public Optional<Line> line(Side side, int number) {
            return lines.stream().filter(l -> Integer.valueOf(number).equals(side == Side.RIGHT ? l.newLine()
                    : l.oldLine())).findFirst();
        }
    }

    private static final Pattern DIFF_GIT = Pattern.compile("^diff --git a/(.+) b/(.+)$");
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    public ChangeDiff {
        files = List.copyOf(files);
    }

    /** Reads {@code git diff} output (as JGit's DiffFormatter or git itself writes it). */
    public static ChangeDiff parse(String gitDiff) {
        var files = new ArrayList<File>();
        var lines = gitDiff.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            var header = DIFF_GIT.matcher(lines[i]);
            if (!header.matches()) {
                i++;
                continue;
            }
            var oldPath = header.group(1);
            var newPath = header.group(2);
            var status = oldPath.equals(newPath) ? Status.MODIFIED : Status.RENAMED;
            i++;
            while (i < lines.length && !lines[i].startsWith("@@") && !DIFF_GIT.matcher(lines[i]).matches()) {
                if (lines[i].startsWith("new file mode")) {
                    status = Status.ADDED;
                } else if (lines[i].startsWith("deleted file mode")) {
                    status = Status.REMOVED;
                }
                i++;
            }
            var patch = new StringBuilder();
            var hunks = new ArrayList<Hunk>();
            List<Line> current = null;
            int oldLine = 0;
            int newLine = 0;
            while (i < lines.length && !DIFF_GIT.matcher(lines[i]).matches()) {
                var line = lines[i++];
                var hunk = HUNK.matcher(line);
                if (hunk.matches()) {
                    if (current != null) {
                        hunks.add(new Hunk(current));
                    }
                    current = new ArrayList<>();
                    oldLine = Integer.parseInt(hunk.group(1));
                    newLine = Integer.parseInt(hunk.group(2));
                } else if (current != null && !line.isEmpty()) {
                    switch (line.charAt(0)) {
                        case '+' -> current.add(new Line(null, newLine++, line.substring(1)));
                        case '-' -> current.add(new Line(oldLine++, null, line.substring(1)));
                        case ' ' -> current.add(new Line(oldLine++, newLine++, line.substring(1)));
                        default -> {
                            // "\ No newline at end of file"
                        }
                    }
                }
                patch.append(line).append('\n');
            }
            if (current != null) {
                hunks.add(new Hunk(current));
            }
            files.add(new File(oldPath, newPath, status, patch.toString().stripTrailing(), hunks));
        }
        return new ChangeDiff(files);
    }

    public Optional<File> file(String newPath) {
        return files.stream().filter(f -> f.newPath().equals(newPath)).findFirst();
    }

    /** The file names as the fakes' change records list them ({@code old -> new} for a rename). */
    public List<String> names() {
        return files.stream().map(f -> f.status() == Status.RENAMED ? f.oldPath() + " -> " + f.newPath()
                : f.newPath()).toList();
    }
}
