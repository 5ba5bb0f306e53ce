package dev.labgate.config;

/**
 * What labgate writes back to the forge.
 *
 * @param statuses whether each lab's run is shown as a commit status ({@code labgate/<lab>})
 * @param summaryComment whether the change gets one summary comment, edited in place
 */
public record Reporting(boolean statuses, boolean summaryComment) {

    public static final Reporting DEFAULT = new Reporting(true, true);
}
