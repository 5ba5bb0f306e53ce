package dev.labgate.forge.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** A real bare repository on disk where the test writes commits, signed or not, with JGit. */
final class GitFixture implements AutoCloseable {

    final Path directory;
    final Repository repository;

    GitFixture(Path directory) {
        this.directory = directory;
        try {
            this.repository = Git.init().setBare(true).setDirectory(directory.toFile()).setInitialBranch("master")
                    .call().getRepository();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a commit whose tree is {@code files} and points {@code ref} at it.
     *
     * @param sign makes the armored signature of the payload, or null for an unsigned commit
     */
    String commit(String ref, String parent, String message, Map<String, String> files, Instant when,
                  UnaryOperator<byte[]> sign) {
        try (var inserter = repository.newObjectInserter()) {
            var index = DirCache.newInCore();
            var builder = index.builder();
            for (var file : new TreeMap<>(files).entrySet()) {
                var entry = new DirCacheEntry(file.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue().getBytes(StandardCharsets.UTF_8)));
                builder.add(entry);
            }
            builder.finish();
            var commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            if (parent != null) {
                commit.setParentId(ObjectId.fromString(parent));
            }
            var who = new PersonIdent("A U Thor", "author@example.org", when, ZoneOffset.UTC);
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage(message);
            if (sign != null) {
                commit.setGpgSignature(new GpgSignature(sign.apply(commit.build())));
            }
            var id = inserter.insert(commit);
            inserter.flush();
            setRef(ref, id);
            return id.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a raw commit object as it is (to make a tampered copy of a signed one). */
    String insertRaw(String ref, byte[] raw) {
        try (var inserter = repository.newObjectInserter()) {
            var id = inserter.insert(Constants.OBJ_COMMIT, raw);
            inserter.flush();
            setRef(ref, id);
            return id.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] raw(String sha) {
        try {
            return repository.open(ObjectId.fromString(sha), Constants.OBJ_COMMIT).getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void setRef(String ref, ObjectId id) throws IOException {
        var update = repository.updateRef(ref);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        update.forceUpdate();
    }

    @Override
    public void close() {
        repository.close();
    }
}
