package dev.labgate.kcidb.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A log as the parsers read it: one entry per line, without the colour codes a tool writes when it
 * thinks it talks to a terminal, and without the timestamps the kernel puts before its messages.
 */
final class LogLines {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s?");

    /** A path as tools print it: no spaces, no URL scheme. */
    static final String PATH = "(?<path>(?:/|\\.{1,2}/)?[\\w.+-]+(?:/[\\w.+-]+)*)";

    private LogLines() {
    }

    static List<String> of(String text) {
        var lines = new ArrayList<String>();
        for (var line : text.split("\r?\n", -1)) {
            lines.add(TIMESTAMP.matcher(ANSI.matcher(line).replaceAll("")).replaceFirst(""));
        }
        return lines;
    }
}
