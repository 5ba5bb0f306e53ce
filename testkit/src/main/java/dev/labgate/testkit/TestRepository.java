package dev.labgate.testkit;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real bare git repository in a temporary directory, laid out like a forge's
 * ({@code <root>/<owner>/<name>.git}) so that a {@code file://} URL can stand in for the forge's
 * git host. Commits are written directly with JGit; no work tree, no git binary.
 */
public final class TestRepository implements AutoCloseable {

    private final Repository repository;
    private final Path directory;

    private TestRepository(Repository repository, Path directory) {
        this.repository = repository;
        this.directory = directory;
    }

    public static TestRepository create(Path root, String fullName) {
        var directory = root.resolve(fullName + ".git");
        try {
            var git = Git.init().setBare(true).setDirectory(directory.toFile()).setInitialBranch("master").call();
            return new TestRepository(git.getRepository(), directory);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot create a test repository in " + directory, e);
        }
    }

    /** The URL base under which this repository is {@code <base>/<owner>/<name>.git}. */
    public static String gitUrl(Path root) {
        return root.toUri().toString();
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes a commit whose tree is exactly {@code files} (path to content) and points {@code ref}
     * at it.
     *
     * @param parent the parent commit, or null for a root commit
     * @return the new commit's id (40 hex)
     */
    public String commit(String ref, String parent, String message, Map<String, String> files) {
        try (var inserter = repository.newObjectInserter()) {
            var index = DirCache.newInCore();
            var builder = index.builder();
            for (var file : new TreeMap<>(files).entrySet()) {
                var entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(file.getKey().endsWith(".sh") ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue().getBytes(StandardCharsets.UTF_8)));
                builder.add(entry);
            }
            builder.finish();
            var tree = index.writeTree(inserter);
            var commit = new CommitBuilder();
            commit.setTreeId(tree);
            if (parent != null) {
                commit.setParentId(ObjectId.fromString(parent));
            }
            var who = new PersonIdent("Test Author", "author@example.org", Instant.parse("2026-01-01T00:00:00Z"),
                    ZoneOffset.UTC);
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage(message);
            var id = inserter.insert(commit);
            inserter.flush();
            setRef(ref, id.name());
            return id.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void setRef(String ref, String sha) {
        try {
            var update = repository.updateRef(ref);
            update.setNewObjectId(ObjectId.fromString(sha));
            update.setForceUpdate(true);
            var result = update.forceUpdate();
            if (result == RefUpdate.Result.LOCK_FAILURE || result == RefUpdate.Result.IO_FAILURE) {
                throw new IllegalStateException("cannot move " + ref + ": " + result);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code git diff base head}, as the forges compute a change's diff (renames found). */
    public String diff(String base, String head) {
        var out = new ByteArrayOutputStream();
        try (var formatter = new DiffFormatter(out); var walk = new RevWalk(repository)) {
            formatter.setRepository(repository);
            formatter.setDetectRenames(true);
            formatter.format(walk.parseCommit(ObjectId.fromString(base)).getTree(),
                    walk.parseCommit(ObjectId.fromString(head)).getTree());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public Repository repository() {
        return repository;
    }

    @Override
    public void close() {
        repository.close();
    }
}
