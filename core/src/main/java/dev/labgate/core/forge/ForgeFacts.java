package dev.labgate.core.forge;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;

import java.util.List;
import java.util.Optional;

/**
 * Facts labgate asks of a forge to decide trust and plans. Each answer comes from the forge's
 * API, never from a webhook payload alone. Failures throw {@link ForgeException}.
 */
public interface ForgeFacts {

    /** The person's effective permission on the repository, with the reason in words. */
    Permission permission(RepoRef repo, Person person);

    /**
     * Whether the person is a member of a team (GitHub {@code org/team-slug}) or group (GitLab
     * {@code group/subgroup}), as the forge says now.
     */
    boolean memberOf(String team, Person person);

    /** The signing keys the forge lists for the person (GitHub GPG and SSH signing keys; GitLab GPG keys). */
    List<SigningKey> signingKeys(Person person);

    /** The paths a change touches, as the forge computes them against its base. */
    List<String> changedFiles(ChangeRef change);

    /** The commits of a change, oldest first (40-hex ids). */
    List<String> commits(ChangeRef change);

    /** The change's head commit now, to drop work on a head that was pushed over. */
    String currentHead(ChangeRef change);

    /** A file from the repository's default branch, empty when it does not exist there. */
    Optional<String> fileOnDefaultBranch(RepoRef repo, String path);

    /**
     * The change as the forge shows it now, in the shape a delivery would have given it (action
     * {@code PUSHED}); empty when it is closed, merged or unknown. Used where labgate acts on a
     * change without a delivery: {@code /labgate retest}, the reconciler.
     */
    Optional<ForgeEvent.ChangeUpdated> openChange(ChangeRef change);

    /**
     * The open changes of a repository, most recently updated first, at most {@code max} of them
     * (at most 100), in one API call.
     */
    List<ForgeEvent.ChangeUpdated> openChanges(RepoRef repo, int max);

    /**
     * The head of a branch now, as the push that put it there: {@code after} is the branch's head
     * (asked of the branch API), {@code pusher} who pushed it according to the forge's event log.
     * Empty when the branch does not exist, or when the log does not (yet) name who pushed that
     * head: labgate never guesses who pushed. At most two API calls.
     */
    Optional<ForgeEvent.BranchPushed> branchHead(RepoRef repo, String branch);
}
