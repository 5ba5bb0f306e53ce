package dev.labgate.core.event;

import java.util.Objects;

/** A pull request (GitHub) or merge request (GitLab), by its number within the repository. */
public record ChangeRef(RepoRef repo, long number) {
    public ChangeRef {
        Objects.requireNonNull(repo, "repo");
    }

    /** A stable text key, used for task instance ids and log lines. */
    public String key() {
        return repo + "#" + number;
    }

    @Override
    public String toString() {
        return key();
    }
}
