package dev.labgate.lab.git;

import dev.labgate.core.Sha256;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks out one commit of a remote repository into a fresh directory with JGit.
 *
 * <p>Objects are fetched into one bare mirror per clone URL and shared with every checkout
 * through git's alternates, so that the second run of a kernel tree fetches only the new commits
 * instead of the whole history. Fetches into the same mirror are serialized.
 */
public final class TreeFetcher {

    private final Path mirrors;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public TreeFetcher(Path mirrors) {
        this.mirrors = mirrors;
    }

    /**
     * Fetches {@code ref} from {@code cloneUrl} and checks out {@code commit} (detached) in
     * {@code directory}, which must not exist yet.
     *
     * @throws FetchFailed when the ref cannot be fetched or does not contain the commit
     */
    public void checkout(String cloneUrl, String ref, String commit, Path directory) throws FetchFailed {
        var id = parse(commit);
        var mirror = mirror(cloneUrl, ref, commit);
        try {
            Files.createDirectories(directory);
            try (var git = Git.init().setDirectory(directory.toFile()).call()) {
                var alternates = directory.resolve(".git/objects/info/alternates");
                Files.createDirectories(alternates.getParent());
                Files.writeString(alternates, mirror.resolve("objects").toAbsolutePath() + "\n");
                var repository = git.getRepository();
                var update = repository.updateRef("HEAD", true);
                update.setNewObjectId(id);
                update.setForceUpdate(true);
                var result = update.forceUpdate();
                if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NEW
                        && result != RefUpdate.Result.NO_CHANGE) {
                    throw new FetchFailed("could not point HEAD at " + commit + ": " + result);
                }
                git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(commit).call();
            }
        } catch (IOException | GitAPIException e) {
            throw new FetchFailed("could not check out " + commit + ": " + e.getMessage());
        }
    }

    /**
     * Fetches {@code ref} from {@code cloneUrl} into the shared bare mirror of that URL unless the
     * mirror already holds {@code commit}, and returns the mirror's directory: the source from which
     * a lab pushes the commit elsewhere.
     *
     * @throws FetchFailed when the ref cannot be fetched or does not contain the commit
     */
    public Path mirror(String cloneUrl, String ref, String commit) throws FetchFailed {
        var id = parse(commit);
        var mirror = mirrors.resolve(mirrorName(cloneUrl));
        fetch(cloneUrl, ref, id, mirror);
        return mirror;
    }

    private void fetch(String cloneUrl, String ref, ObjectId commit, Path mirror) throws FetchFailed {
        var lock = locks.computeIfAbsent(mirror.toString(), k -> new ReentrantLock());
        lock.lock();
        try {
            if (!Files.exists(mirror.resolve("objects"))) {
                Git.init().setBare(true).setDirectory(mirror.toFile()).call().close();
            }
            try (var repository = new FileRepositoryBuilder().setGitDir(mirror.toFile()).build();
                 var git = new Git(repository)) {
                if (repository.getObjectDatabase().has(commit)) {
                    return;
                }
                git.fetch().setRemote(cloneUrl)
                        .setRefSpecs(new RefSpec("+" + ref + ":refs/labgate/fetched"))
                        .call();
                if (!repository.getObjectDatabase().has(commit)) {
                    throw new FetchFailed(ref + " of " + cloneUrl + " does not contain " + commit.name()
                            + " (was the change pushed again?)");
                }
            }
        } catch (GitAPIException | IOException e) {
            throw new FetchFailed("could not fetch " + ref + " from " + cloneUrl + ": " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private static ObjectId parse(String commit) throws FetchFailed {
        if (commit == null || !commit.matches("[0-9a-f]{40}")) {
            throw new FetchFailed("'" + commit + "' is not a 40-digit commit id");
        }
        return ObjectId.fromString(commit);
    }

    private static String mirrorName(String cloneUrl) {
        var readable = cloneUrl.replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 60) {
            readable = readable.substring(readable.length() - 60);
        }
        return readable + "-" + Sha256.hex(cloneUrl, 4) + ".git";
    }

    /** The tree could not be fetched or checked out; the message says why, for the run's log. */
    public static final class FetchFailed extends Exception {
        public FetchFailed(String message) {
            super(message);
        }
    }
}
