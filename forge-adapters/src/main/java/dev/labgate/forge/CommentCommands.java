package dev.labgate.forge;

import dev.labgate.core.event.Command;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds a {@code /labgate <command>} in a comment, the same way for every forge. A command counts
 * only where a reader sees it as one: at the start of a line of ordinary text. Text in fenced or
 * indented code blocks, in block quotes and in HTML comments (invisible to readers) is ignored, so
 * quoting or explaining a command never runs it.
 */
public final class CommentCommands {

    /** What a comment asks of labgate. */
    public sealed interface Found {
    }

    /** A known command; the first one in the comment. */
    public record Known(Command command) implements Found {
    }

    /** {@code /labgate <word>} where the word is no command. */
    public record Unknown(String word) implements Found {
    }

    /** No command at all. */
    public record Nothing() implements Found {
    }

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern COMMAND = Pattern.compile("^ {0,3}/labgate(?:[ \\t]+(\\S+))?[ \\t]*(?:[ \\t].*)?$");

    private CommentCommands() {
    }

    public static Found find(String body) {
        if (body == null || body.isEmpty()) {
            return new Nothing();
        }
        String fence = null;
        var inHtmlComment = false;
        for (var line : body.split("\\r?\\n|\\r", -1)) {
            if (inHtmlComment) {
                var end = line.indexOf("-->");
                if (end < 0) {
                    continue;
                }
                inHtmlComment = false;
                line = line.substring(end + 3);
            }
            if (fence != null) {
                if (closesFence(line, fence)) {
                    fence = null;
                }
                continue;
            }
            var opening = FENCE.matcher(line);
            if (opening.find()) {
                fence = opening.group(1);
                continue;
            }
            var visible = withoutHtmlComments(line);
            if (visible.opensComment()) {
                inHtmlComment = true;
            }
            var text = visible.text();
            if (text.startsWith("    ") || text.startsWith("\t") || text.stripLeading().startsWith(">")) {
                continue;
            }
            var m = COMMAND.matcher(text);
            if (m.matches()) {
                return found(m.group(1));
            }
        }
        return new Nothing();
    }

    private static Found found(String word) {
        if (word == null) {
            return new Known(Command.HELP);
        }
        var lower = word.toLowerCase(Locale.ROOT);
        for (var command : Command.values()) {
            if (command.word().equals(lower)) {
                return new Known(command);
            }
        }
        return new Unknown(word.length() > 40 ? word.substring(0, 40) + "…" : word);
    }

    /** Whether {@code line} closes a fence opened by {@code fence}: the same character, at least as many. */
    private static boolean closesFence(String line, String fence) {
        var trimmed = line.strip();
        if (trimmed.length() < fence.length() || line.length() - line.stripLeading().length() > 3) {
            return false;
        }
        var c = fence.charAt(0);
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) != c) {
                return false;
            }
        }
        return true;
    }

    private record Visible(String text, boolean opensComment) {
    }

    /** The line without its HTML comments; whether a comment opened on it runs past its end. */
    private static Visible withoutHtmlComments(String line) {
        var out = new StringBuilder();
        var from = 0;
        while (true) {
            var start = line.indexOf("<!--", from);
            if (start < 0) {
                out.append(line, from, line.length());
                return new Visible(out.toString(), false);
            }
            out.append(line, from, start);
            var end = line.indexOf("-->", start + 4);
            if (end < 0) {
                return new Visible(out.toString(), true);
            }
            from = end + 3;
        }
    }
}
