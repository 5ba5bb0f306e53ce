package dev.labgate.kcidb.dashboard;

import java.util.Objects;

/**
 * Which results of a commit to ask the dashboard for.
 *
 * @param commit the full commit hash
 * @param origin the KCIDB origin whose checkouts to look at (the dashboard defaults to {@code maestro})
 * @param gitUrl the repository URL as the origin reported it
 * @param gitBranch the branch as the origin reported it
 */
public record TreeQuery(String commit, String origin, String gitUrl, String gitBranch) {
    public TreeQuery {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(gitUrl, "gitUrl");
        Objects.requireNonNull(gitBranch, "gitBranch");
    }
}
