package dev.labgate.bot.pages;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A page being written. Everything that did not come from this package (a branch name, a commit
 * message, a test path, a log excerpt, a lab's URL) goes in through {@link #text}, {@link #attr} or
 * {@link #link}, which escape it with {@link #escape}; {@link #raw} takes only markup written here.
 */
final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final StringBuilder out;

    Html(int capacity) {
        out = new StringBuilder(capacity);
    }

    /**
     * The one escaping function of the pages: text becomes character data that can stand in an
     * element or in a quoted attribute and never ends either. Control characters other than tab and
     * newline (which no text labgate shows needs) become U+FFFD.
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                case '\t', '\n' -> null;
                default -> c < 0x20 || c == 0x7f ? "\uFFFD" : null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    /**
     * Whether a URL from outside (a lab, a log) may become a link: http or https only, so that a
     * {@code javascript:} or {@code data:} URL from a lab's output never runs, and no user info,
     * so that credentials in a misconfigured URL are not shown.
     */
    static boolean linkable(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            var uri = new URI(url.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Markup written in this package; never text from outside. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    Html text(String text) {
        out.append(escape(text));
        return this;
    }

    Html text(long number) {
        out.append(number);
        return this;
    }

    /** {@code name="value"}, with a leading space. */
    Html attr(String name, String value) {
        out.append(' ').append(name).append("=\"").append(escape(value)).append('"');
        return this;
    }

    /** An element with escaped text in it, e.g. {@code element("td", note)}. */
    Html element(String tag, String text) {
        return raw("<" + tag + ">").text(text).raw("</" + tag + ">");
    }

    /** A link to one of labgate's own pages. */
    Html local(String href, String text) {
        return raw("<a").attr("href", href).raw(">").text(text).raw("</a>");
    }

    /** A link out of labgate when the URL is {@link #linkable}; otherwise nothing, or the label alone. */
    Html link(String url, String text, boolean labelWithoutLink) {
        if (linkable(url)) {
            raw("<a").attr("href", url.strip()).raw(" rel=\"nofollow noopener noreferrer\">").text(text).raw("</a>");
        } else if (labelWithoutLink) {
            text(text);
        }
        return this;
    }

    /** A time for people and for machines: {@code <time datetime="...">2026-11-24 18:20:05 UTC</time>}. */
    Html time(Instant at) {
        if (at == null) {
            return raw("<span class=\"muted\">—</span>");
        }
        return raw("<time").attr("datetime", at.toString()).raw(">").text(TIME.format(at)).raw("</time>");
    }

    static String shortSha(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(12, sha.length()));
    }

    /** "2h 5m", "3m 10s", "42s". */
    static String duration(Instant from, Instant to) {
        var d = Duration.between(from, to);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    int length() {
        return out.length();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
