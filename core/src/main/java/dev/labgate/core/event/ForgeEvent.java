package dev.labgate.core.event;

import java.util.Objects;

/**
 * What a delivery means to labgate, whatever forge sent it. Forge adapters produce these;
 * nothing forge-specific crosses this type.
 */
public sealed interface ForgeEvent {

    /**
     * Why a change was (re)considered: the forge-neutral name of the action. {@code PUSHED} also
     * stands for "the head may have moved" when labgate found the change itself (the reconciler,
     * a {@code /labgate retest}) rather than through a delivery.
     */
    enum ChangeAction { OPENED, PUSHED, REOPENED, READY_FOR_REVIEW, CONVERTED_TO_DRAFT, BASE_CHANGED }

    /**
     * A pull/merge request whose head or base may have moved: the one event that can lead to lab runs.
     *
     * @param change the change
     * @param action what happened to it
     * @param headSha the commit to test (40 hex)
     * @param baseSha the commit of the target branch the change is compared with
     * @param baseRef the target branch name, e.g. {@code master}
     * @param author who opened the change; trust is decided on this person, never on a fork's settings
     * @param fromFork whether the head lives in another repository
     * @param cloneUrl clone URL of the base repository, where {@code fetchRef} can be fetched
     * @param fetchRef the ref of the base repository that holds the head, e.g. {@code refs/pull/7/head}
     * @param title the change's title, for reports
     * @param webUrl the change's page on the forge
     * @param draft whether the change is marked as a draft
     * @param headCloneUrl where the forge says the head's repository is cloned from (a fork's URL for
     *     a change from a fork), as the forge sent it; empty when it names none. labgate never fetches
     *     from it: it is checked against the forge's git host, and a head said to live elsewhere is refused
     */
    record ChangeUpdated(ChangeRef change, ChangeAction action, String headSha, String baseSha, String baseRef,
                         Person author, boolean fromFork, String cloneUrl, String fetchRef, String title,
                         String webUrl, boolean draft, String headCloneUrl) implements ForgeEvent {
        public ChangeUpdated {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(cloneUrl, "cloneUrl");
            Objects.requireNonNull(fetchRef, "fetchRef");
            Objects.requireNonNull(headCloneUrl, "headCloneUrl");
        }
    }

    /** A change was closed or merged: its pending work is no longer wanted. */
    record ChangeClosed(ChangeRef change, boolean merged, Person by) implements ForgeEvent {
        public ChangeClosed {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * A push to a branch (or its deletion, when {@code after} is all zeros).
     *
     * @param ref the full ref, e.g. {@code refs/heads/staging}
     */
    record BranchPushed(RepoRef repo, String ref, String before, String after, Person pusher, String cloneUrl,
                        boolean deleted) implements ForgeEvent {
        public BranchPushed {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(pusher, "pusher");
        }
    }

    /**
     * Someone wrote a {@code /labgate ...} command in a comment on a change.
     *
     * @param commentId the forge's id of the comment, so that a reply is written once however often
     *                  the delivery is processed
     */
    /**
     * A {@code /labgate} command in a new comment.
     *
     * @param written the word as written after {@code /labgate}; a word that is no command is
     *     {@link Command#HELP}, so that the person is answered with the commands there are
     */
    record CommandIssued(ChangeRef change, Person by, Command command, String commentId, String written)
            implements ForgeEvent {
        public CommandIssued {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(commentId, "commentId");
            Objects.requireNonNull(written, "written");
        }

        public CommandIssued(ChangeRef change, Person by, Command command, String commentId) {
            this(change, by, command, commentId, command.word());
        }

        /** Whether the word written was no command at all. */
        public boolean unknown() {
            return !written.equalsIgnoreCase(command.word());
        }
    }

    /** A delivery that asks nothing of labgate, with the reason a maintainer reads in the logs. */
    record Ignored(String reason) implements ForgeEvent {
        public Ignored {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
