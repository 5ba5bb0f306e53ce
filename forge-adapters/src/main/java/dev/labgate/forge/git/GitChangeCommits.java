package dev.labgate.forge.git;

import dev.labgate.core.Sha256;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.CommitRange;
import dev.labgate.core.trust.SignerKeys;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link ChangeCommits} with JGit: the head and base refs are fetched (read-only) into one bare
 * mirror per repository, kept between calls so that a second look fetches only what is new, and
 * the commits between them are checked. Fetches into one mirror are serialized.
 */
public final class GitChangeCommits implements ChangeCommits {

    /** The most commits one change may have; a kernel pull request rarely has more than a few hundred. */
    public static final int MAX_COMMITS = 5000;

    private static final String HEAD_REF = "refs/labgate/head";
    private static final String BASE_REF = "refs/labgate/base";

    private final Path mirrors;
    private final Path scratch;
    private final Clock clock;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * @param mirrors where the mirrors live
     * @param scratch where generated allowed-signers files go
     */
    public GitChangeCommits(Path mirrors, Path scratch, Clock clock) {
        this.mirrors = mirrors;
        this.scratch = scratch;
        this.clock = clock;
    }

    @Override
    public List<CommitCheck> inspect(CommitRange range, SignerKeys keys) {
        var head = parse(range.headSha(), "head");
        var mirror = mirrors.resolve(mirrorName(range.cloneUrl()));
        var lock = locks.computeIfAbsent(mirror.toString(), k -> new ReentrantLock());
        lock.lock();
        try (var repository = open(mirror)) {
            fetch(repository, range, head);
            var excluded = new ArrayList<ObjectId>();
            if (!range.baseSha().isEmpty()) {
                excluded.add(parse(range.baseSha(), "base"));
            }
            var fetchedBase = repository.resolve(BASE_REF);
            if (fetchedBase != null) {
                excluded.add(fetchedBase);
            }
            return CommitWalk.inspect(repository, head, excluded, CommitSignatures.of(keys, scratch, clock),
                    MAX_COMMITS);
        } catch (TransportException e) {
            // Named as what it is to the operator: the git server, not labgate, is failing.
            throw new Unavailable("git: cannot fetch " + range.headRef() + " from " + range.cloneUrl()
                    + " (the git server cannot be reached or refused the fetch): " + e.getMessage(), e);
        } catch (CommitWalk.TooManyCommits e) {
            throw new Unavailable("could not read the commits of " + range.headRef() + " from " + range.cloneUrl()
                    + ": " + e.getMessage(), e, false);
        } catch (IOException | GitAPIException e) {
            throw new Unavailable("could not read the commits of " + range.headRef() + " from " + range.cloneUrl()
                    + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static void fetch(Repository repository, CommitRange range, ObjectId head)
            throws GitAPIException, IOException {
        var specs = new ArrayList<RefSpec>();
        specs.add(new RefSpec("+" + range.headRef() + ":" + HEAD_REF));
        if (!range.baseRef().isEmpty()) {
            specs.add(new RefSpec("+" + range.baseRef() + ":" + BASE_REF));
        }
        try (var git = new Git(repository)) {
            git.fetch().setRemote(range.cloneUrl()).setRefSpecs(specs).call();
        }
        if (!repository.getObjectDatabase().has(head)) {
            throw new IOException(range.headRef() + " does not contain " + head.name()
                    + " (was the change pushed again?)");
        }
    }

    private static Repository open(Path mirror) throws IOException, GitAPIException {
        if (!Files.exists(mirror.resolve("objects"))) {
            Files.createDirectories(mirror);
            Git.init().setBare(true).setDirectory(mirror.toFile()).call().close();
        }
        return new FileRepositoryBuilder().setGitDir(mirror.toFile()).build();
    }

    private static ObjectId parse(String sha, String what) {
        if (sha == null || !sha.matches("[0-9a-f]{40}")) {
            throw new Unavailable("the " + what + " '" + sha + "' is not a 40-digit commit id", null, false);
        }
        return ObjectId.fromString(sha);
    }

    private static String mirrorName(String cloneUrl) {
        var readable = cloneUrl.replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 60) {
            readable = readable.substring(readable.length() - 60);
        }
        return readable + "-" + Sha256.hex(cloneUrl, 4) + ".git";
    }
}
