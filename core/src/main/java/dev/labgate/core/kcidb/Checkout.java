package dev.labgate.core.kcidb;

import java.util.List;
import java.util.Map;

/** A checkout of a source tree, possibly with patches applied. Required: {@code id}, {@code origin}. */
public record Checkout(String id, String origin, String treeName, String gitRepositoryUrl, String gitCommitHash,
                       String gitCommitName, List<String> gitCommitTags, String gitCommitMessage,
                       String gitRepositoryBranch, Boolean gitRepositoryBranchTip, List<Resource> patchsetFiles,
                       String patchsetHash, String messageId, String comment, String startTime, String logUrl,
                       String logExcerpt, Boolean valid, String originBuildsFinishTime,
                       String originTestsFinishTime, Map<String, Object> misc, String timestamp) {

    public static Checkout of(String id, String origin) {
        return new Checkout(id, origin, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    public Checkout withGit(String repositoryUrl, String branch, String commitHash) {
        return new Checkout(id, origin, treeName, repositoryUrl, commitHash, gitCommitName, gitCommitTags,
                gitCommitMessage, branch, gitRepositoryBranchTip, patchsetFiles, patchsetHash, messageId, comment,
                startTime, logUrl, logExcerpt, valid, originBuildsFinishTime, originTestsFinishTime, misc,
                timestamp);
    }

    public Checkout withValid(Boolean newValid) {
        return new Checkout(id, origin, treeName, gitRepositoryUrl, gitCommitHash, gitCommitName, gitCommitTags,
                gitCommitMessage, gitRepositoryBranch, gitRepositoryBranchTip, patchsetFiles, patchsetHash,
                messageId, comment, startTime, logUrl, logExcerpt, newValid, originBuildsFinishTime,
                originTestsFinishTime, misc, timestamp);
    }
}
