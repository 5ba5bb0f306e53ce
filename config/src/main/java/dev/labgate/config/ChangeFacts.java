package dev.labgate.config;

import dev.labgate.core.event.RepoRef;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.CommitCheck;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the trust rules need to judge one head of a change. Gathered by the flow; the rules
 * only read it.
 *
 * @param author the change's author; a fork's settings play no part
 * @param fromFork whether the head lives in another repository (only for the wording of reasons)
 * @param approval the latest recorded approval of any head of this change
 * @param commits the change's commits with patch ids and signature verdicts, when they were inspected
 */
public record ChangeFacts(RepoRef repo, String headSha, PersonFacts author, boolean fromFork,
                          Optional<Approval> approval, Optional<List<CommitCheck>> commits) {
    public ChangeFacts {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(approval, "approval");
        Objects.requireNonNull(commits, "commits");
        commits = commits.map(List::copyOf);
    }
}
