package dev.labgate.core.event;

import java.util.Objects;

/**
 * What a run tests: a change (pull/merge request), a branch (a staging-branch push), or the base
 * commit of changes (their baseline).
 */
public sealed interface Subject {

    RepoRef repo();

    /** A stable text key, used in task ids, the database and log lines. */
    String key();

    record Change(ChangeRef change) implements Subject {
        public Change {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public RepoRef repo() {
            return change.repo();
        }

        @Override
        public String key() {
            return change.key();
        }
    }

    /**
     * The commit changes are based on, tested on a lab so that their failures can be compared with
     * its: one subject per repository, the commit being the run's head. Nothing is reported to the
     * forge about it; the changes that wait for it are.
     *
     * @param ref the branch the commit is fetched through, e.g. {@code refs/heads/main}
     */
    record Base(RepoRef repo, String ref) implements Subject {
        public Base {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public String key() {
            return repo + "@base";
        }
    }

    record Branch(RepoRef repo, String ref) implements Subject {
        public Branch {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public String key() {
            return repo + "@" + ref;
        }
    }
}
