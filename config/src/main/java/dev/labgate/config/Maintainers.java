package dev.labgate.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Linux-style MAINTAINERS file: sections, each with its maintainers ({@code M:}) and the files
 * they look after ({@code F:}, {@code X:} exclusions, {@code N:} regexes), matched the way the
 * kernel's {@code scripts/get_maintainer.pl} matches them.
 */
public final class Maintainers {

    private static final Pattern ENTRY = Pattern.compile("^([A-Z]):\\s*(.*?)\\s*$");
    private static final Pattern ANGLE_EMAIL = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
    private static final Pattern BARE_EMAIL = Pattern.compile("([^\\s<>\"]+@[^\\s<>\"]+)");

    /** One section: a subsystem, its maintainers' e-mail addresses, and its file patterns. */
    public record Section(String title, List<String> maintainers, List<FilePattern> files,
                          List<FilePattern> excluded, List<Pattern> regexes) {
        public Section {
            maintainers = List.copyOf(maintainers);
            files = List.copyOf(files);
            excluded = List.copyOf(excluded);
            regexes = List.copyOf(regexes);
        }

        /** Whether the section covers {@code path}: exclusions first, then file patterns and regexes. */
        public boolean covers(String path) {
            if (excluded.stream().anyMatch(p -> p.covers(path))) {
                return false;
            }
            return files.stream().anyMatch(p -> p.covers(path)) || regexes.stream().anyMatch(r -> r.matcher(path)
                    .find());
        }
    }

    private final List<Section> sections;

    private Maintainers(List<Section> sections) {
        this.sections = List.copyOf(sections);
    }

    public List<Section> sections() {
        return sections;
    }

    /** Reads the file; lines it does not understand (the preamble, other tags) are skipped. */
    public static Maintainers parse(String text) {
        var sections = new ArrayList<Section>();
        String title = null;
        var maintainers = new ArrayList<String>();
        var files = new ArrayList<FilePattern>();
        var excluded = new ArrayList<FilePattern>();
        var regexes = new ArrayList<Pattern>();
        for (var line : text.split("\n", -1)) {
            var m = ENTRY.matcher(line);
            if (m.matches() && title != null) {
                var value = m.group(2);
                switch (m.group(1)) {
                    case "M" -> email(value).ifPresent(maintainers::add);
                    case "F" -> files.add(FilePattern.of(value));
                    case "X" -> excluded.add(FilePattern.of(value));
                    case "N" -> regex(value).ifPresent(regexes::add);
                    default -> {
                        // L:, S:, T:, W: ... say nothing about who maintains which file.
                    }
                }
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !m.matches()) {
                if (title != null) {
                    sections.add(new Section(title, maintainers, files, excluded, regexes));
                }
                title = line.strip();
                maintainers.clear();
                files.clear();
                excluded.clear();
                regexes.clear();
            }
        }
        if (title != null) {
            sections.add(new Section(title, maintainers, files, excluded, regexes));
        }
        return new Maintainers(sections.stream().filter(s -> !s.files().isEmpty() || !s.regexes().isEmpty())
                .toList());
    }

    /** The sections that list {@code email} as a maintainer and cover at least one of {@code paths}. */
    public List<String> sectionsMaintainedBy(String email, List<String> paths) {
        var wanted = email.toLowerCase(Locale.ROOT);
        var titles = new LinkedHashSet<String>();
        for (var section : sections) {
            if (section.maintainers().contains(wanted) && paths.stream().anyMatch(section::covers)) {
                titles.add(section.title());
            }
        }
        return List.copyOf(titles);
    }

    /** The maintainers' addresses of every section that covers one of {@code paths}. */
    public Set<String> maintainersOf(List<String> paths) {
        var emails = new LinkedHashSet<String>();
        sections.stream().filter(s -> paths.stream().anyMatch(s::covers)).forEach(s -> emails.addAll(s.maintainers()));
        return emails;
    }

    private static Optional<String> email(String value) {
        var angle = ANGLE_EMAIL.matcher(value);
        if (angle.find()) {
            return Optional.of(angle.group(1).toLowerCase(Locale.ROOT));
        }
        var bare = BARE_EMAIL.matcher(value);
        return bare.find() ? Optional.of(bare.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * An {@code F:} or {@code X:} pattern, matched by get_maintainer.pl's rule: a pattern ending in
     * '/' covers everything below; otherwise the pattern ('*' and '?' as wildcards) must match from
     * the start with as many '/' as the path. A pattern without wildcards also covers the directory
     * of that name, as the script does when it finds that directory in the tree.
     */
    public record FilePattern(String text, Pattern regex) {

        static FilePattern of(String text) {
            var regex = new StringBuilder("^");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return new FilePattern(text, Pattern.compile(regex.toString()));
        }

        public boolean covers(String path) {
            if (text.endsWith("/")) {
                return regex.matcher(path).lookingAt();
            }
            if (regex.matcher(path).lookingAt() && slashes(path) == slashes(text)) {
                return true;
            }
            return text.indexOf('*') < 0 && text.indexOf('?') < 0 && path.startsWith(text + "/");
        }
    }

    private static Optional<Pattern> regex(String value) {
        try {
            return Optional.of(Pattern.compile(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long slashes(String text) {
        return text.chars().filter(c -> c == '/').count();
    }
}
