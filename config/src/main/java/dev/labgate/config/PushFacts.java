package dev.labgate.config;

import dev.labgate.core.event.RepoRef;
import dev.labgate.core.trust.CommitCheck;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the trust rules need to judge a branch push.
 *
 * @param ref the pushed ref, e.g. {@code refs/heads/staging}
 * @param deleted whether the push deleted the branch
 * @param commits the pushed commits with their signature verdicts, when they were inspected
 */
public record PushFacts(RepoRef repo, String ref, PersonFacts pusher, boolean deleted,
                        Optional<List<CommitCheck>> commits) {
    public PushFacts {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(pusher, "pusher");
        Objects.requireNonNull(commits, "commits");
        commits = commits.map(List::copyOf);
    }
}
