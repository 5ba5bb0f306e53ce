package dev.labgate.core.event;

import java.util.Objects;

/** What a run tests: a change (pull/merge request) or a branch (a staging-branch push). */
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
