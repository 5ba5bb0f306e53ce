package dev.labgate.forge;

import dev.labgate.core.forge.ForgeReports;

/**
 * The bodies of the comments labgate writes, the same on every forge. Each carries a hidden marker
 * (see {@link ForgeReports#MARKER_PREFIX}) by which labgate finds it again and never takes it for a
 * command.
 */
public final class Comments {

    private static final String REPLY = ForgeReports.MARKER_PREFIX + "reply ";
    private static final String OUTDATED = ForgeReports.MARKER_PREFIX + "summary-outdated -->";

    private Comments() {
    }

    /** The body of the living summary comment. */
    public static String summary(String markdown) {
        return ForgeReports.SUMMARY_MARKER + "\n" + markdown;
    }

    /** Whether a comment is a living summary (an outdated one is not). */
    public static boolean isSummary(String body) {
        return body != null && body.startsWith(ForgeReports.SUMMARY_MARKER);
    }

    /** The body of a reply to the comment {@code inReplyTo}. */
    public static String reply(String inReplyTo, String markdown) {
        return REPLY + inReplyTo + " -->\n" + markdown;
    }

    public static boolean isReplyTo(String body, String inReplyTo) {
        return body != null && body.startsWith(REPLY + inReplyTo + " -->");
    }

    /** Whether labgate wrote this text: it carries one of labgate's hidden markers. */
    public static boolean writtenByLabgate(String body) {
        return body != null && body.contains(ForgeReports.MARKER_PREFIX);
    }

    /**
     * What an earlier summary becomes once a new one was posted because the verdict changed: a
     * pointer to the new one, with the old text folded away for the record.
     */
    public static String outdated(String oldBody, String newestUrl) {
        var old = isSummary(oldBody) ? oldBody.substring(ForgeReports.SUMMARY_MARKER.length()).strip() : oldBody;
        return OUTDATED + "\n**This labgate summary is out of date**: the verdict changed, see [the newest summary]("
                + newestUrl + ").\n\n<details><summary>What it said before</summary>\n\n" + old + "\n\n</details>\n";
    }
}
