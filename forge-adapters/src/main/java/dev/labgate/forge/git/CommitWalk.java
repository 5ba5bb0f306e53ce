package dev.labgate.forge.git;

import dev.labgate.core.trust.CommitCheck;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Walks the commits of a range in a local repository, oldest first, and checks each: its patch
 * id and what its signature proves.
 */
public final class CommitWalk {

    /** The range has more commits than labgate looks at; the base is probably wrong. */
    public static final class TooManyCommits extends IOException {
        TooManyCommits(int max) {
            super("the range has more than " + max + " commits; is the base right?");
        }
    }

    private CommitWalk() {
    }

    /**
     * Checks the commits reachable from {@code head} and from none of {@code excluded}, as
     * {@code git rev-list head ^excluded...} lists them, oldest first.
     */
    public static List<CommitCheck> inspect(Repository repository, ObjectId head, List<ObjectId> excluded,
                                            CommitSignatures signatures, int max) throws IOException {
        try (var walk = new RevWalk(repository)) {
            walk.setRetainBody(true);
            walk.sort(RevSort.TOPO);
            walk.markStart(walk.parseCommit(head));
            for (var id : excluded) {
                try {
                    walk.markUninteresting(walk.parseCommit(id));
                } catch (MissingObjectException e) {
                    // A base that is not in the repository excludes nothing; the others still do.
                }
            }
            var commits = new ArrayList<RevCommit>();
            for (var commit : walk) {
                if (commits.size() == max) {
                    throw new TooManyCommits(max);
                }
                commits.add(commit);
            }
            Collections.reverse(commits);
            var checks = new ArrayList<CommitCheck>(commits.size());
            for (var commit : commits) {
                var verification = signatures.verify(commit.getRawBuffer());
                checks.add(new CommitCheck(commit.name(), PatchIds.of(repository, walk, commit),
                        verification.verdict(), verification.signer(), verification.detail()));
            }
            return checks;
        }
    }

    /**
     * Checks a range written the way git takes it: {@code A..B} (the commits of B not in A) or a
     * single commit.
     *
     * @throws IllegalArgumentException when a side of the range names no commit
     */
    public static List<CommitCheck> inspect(Repository repository, String range, CommitSignatures signatures, int max)
            throws IOException {
        var dots = range.indexOf("..");
        if (dots < 0) {
            var id = resolve(repository, range);
            try (var walk = new RevWalk(repository)) {
                var commit = walk.parseCommit(id);
                return inspect(repository, id, List.of(commit.getParents()), signatures, max);
            }
        }
        var from = range.substring(0, dots);
        var to = range.substring(dots + 2);
        return inspect(repository, resolve(repository, to.isEmpty() ? "HEAD" : to),
                List.of(resolve(repository, from.isEmpty() ? "HEAD" : from)), signatures, max);
    }

    private static ObjectId resolve(Repository repository, String revision) throws IOException {
        var id = repository.resolve(revision + "^{commit}");
        if (id == null) {
            throw new IllegalArgumentException("'" + revision + "' names no commit in " + repository.getDirectory());
        }
        return id;
    }
}
