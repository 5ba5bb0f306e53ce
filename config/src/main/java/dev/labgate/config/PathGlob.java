package dev.labgate.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A glob over the paths of a change, as plans and policies write them: {@code *} and {@code ?}
 * stay within a directory, {@code **} between slashes spans any number of directories,
 * {@code [abc]} and {@code {a,b}} as in a shell.
 */
public final class PathGlob {

    /** The top of a Linux kernel tree, to recognize a misspelt first directory. */
    private static final Set<String> KERNEL_TOP = Set.of("arch", "block", "certs", "crypto", "Documentation",
            "drivers", "fs", "include", "init", "io_uring", "ipc", "kernel", "lib", "LICENSES", "mm", "net", "rust",
            "samples", "scripts", "security", "sound", "tools", "usr", "virt", "COPYING", "CREDITS", "Kbuild",
            "Kconfig", "MAINTAINERS", "Makefile", "README");

    /** Why a glob can match no path of a change, with the fix. */
    public record Problem(String message, String suggestion) {
    }

    private final String glob;
    private final Pattern pattern;

    private PathGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    /** The glob as a matcher; call {@link #problem} first for text from a file. */
    public static PathGlob of(String glob) {
        return new PathGlob(glob, Pattern.compile(toRegex(glob)));
    }

    public boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    /** The paths among {@code paths} that the glob matches, in their order. */
    public List<String> matching(List<String> paths) {
        return paths.stream().filter(this::matches).toList();
    }

    @Override
    public String toString() {
        return glob;
    }

    /** Why {@code glob} cannot match a path in a change (paths are relative, with '/' between directories). */
    public static Optional<Problem> problem(String glob) {
        if (glob.isBlank()) {
            return problem("an empty glob matches nothing", "write a path like drivers/net/**");
        }
        if (glob.startsWith("/") || glob.startsWith("./")) {
            return problem("paths in a change are relative to the top of the tree",
                    "write '" + glob.replaceFirst("^\\.?/+", "") + "'");
        }
        if (glob.contains("\\")) {
            return problem("paths use '/' between directories", "write '" + glob.replace('\\', '/') + "'");
        }
        if (glob.endsWith("/")) {
            return problem("a directory alone matches no file", "write '" + glob + "**' for every file below it");
        }
        var segments = glob.split("/", -1);
        for (var segment : segments) {
            if (segment.isEmpty()) {
                return problem("'//' matches no path", "write '" + glob.replaceAll("/+", "/") + "'");
            }
            if (segment.equals("..") || segment.equals(".")) {
                return problem("paths in a change never contain '" + segment + "'", "write the path from the top");
            }
            if (segment.contains("**") && !segment.equals("**")) {
                return problem("'**' spans directories only as a whole segment between slashes",
                        "write '" + glob.replace(segment, segment.replace("**", "*")) + "' or put '**' between slashes");
            }
        }
        var first = segments[0];
        if (!first.matches(".*[*?\\[{].*") && !KERNEL_TOP.contains(first)) {
            var near = PolicyNode.closest(first, KERNEL_TOP).filter(n -> !n.equals(first));
            if (near.isPresent()) {
                return problem("no top-level '" + first + "' in a kernel tree",
                        "did you mean '" + glob.replaceFirst(Pattern.quote(first), near.get()) + "'?");
            }
        }
        try {
            Pattern.compile(toRegex(glob));
        } catch (IllegalArgumentException e) {
            return problem("not a valid glob: " + e.getMessage().lines().findFirst().orElse(""),
                    "check the brackets and braces");
        }
        return Optional.empty();
    }

    private static Optional<Problem> problem(String message, String suggestion) {
        return Optional.of(new Problem(message, suggestion));
    }

    private static String toRegex(String glob) {
        var regex = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*' && segmentStart) {
                boolean last = i + 2 == glob.length();
                if (last) {
                    regex.append(".*");
                    i++;
                } else {
                    // "**/" spans zero or more whole directories.
                    regex.append("(?:[^/]+/)*");
                    i += 2;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '[' at character " + (i + 1));
                }
                var body = glob.substring(i + 1, end);
                regex.append('[').append(body.startsWith("!") ? "^" + body.substring(1) : body).append(']');
                i = end;
            } else if (c == '{') {
                braces++;
                regex.append("(?:");
            } else if (c == '}' && braces > 0) {
                braces--;
                regex.append(')');
            } else if (c == ',' && braces > 0) {
                regex.append('|');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces > 0) {
            throw new IllegalArgumentException("unclosed '{'");
        }
        return regex.toString();
    }
}
