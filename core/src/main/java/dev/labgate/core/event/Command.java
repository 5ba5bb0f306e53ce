package dev.labgate.core.event;

/** The commands a person may write in a comment, as {@code /labgate <name>}. */
public enum Command {
    TEST("test"),
    RETEST("retest"),
    OK_TO_TEST("ok-to-test"),
    CANCEL("cancel"),
    HELP("help");

    private final String word;

    Command(String word) {
        this.word = word;
    }

    /** The word written after {@code /labgate}. */
    public String word() {
        return word;
    }
}
