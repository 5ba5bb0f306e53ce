package dev.labgate.lab.git;

import dev.labgate.core.lab.LabException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The repository a lab fetches from (KernelCI's allowlisted tree URL): labgate pushes a change's
 * head there under a branch of its own so that the lab can reach the commit, and deletes that
 * branch when the change no longer needs it. Pushes go out with JGit from a local bare repository
 * that holds the commit (a {@link TreeFetcher} mirror).
 *
 * <p>Deleting is a compare-and-delete: a branch that moved on to a newer head is left alone, so a
 * late clean-up of a superseded run cannot remove the head of the run that replaced it.
 */
public final class LabRepository {

    private final String url;
    private final CredentialsProvider credentials;
    private final Path scratch;

    /**
     * @param url where to push (https, ssh or file URL)
     * @param username with {@code token}, HTTP credentials for the push; both null for none
     * @param scratch a directory for an empty local repository used to delete branches
     */
    public LabRepository(String url, String username, String token, Path scratch) {
        this.url = url;
        this.credentials = token == null ? null
                : new UsernamePasswordCredentialsProvider(username == null ? "labgate" : username, token);
        this.scratch = scratch;
    }

    /** Whether {@code branch} (without {@code refs/heads/}) is a name git accepts. */
    public static boolean isValidBranch(String branch) {
        return branch != null && !branch.isBlank() && Repository.isValidRefName("refs/heads/" + branch);
    }

    /** Points {@code branch} at {@code commit} (forced), sending the objects from {@code source}. */
    public void push(Path source, String commit, String branch) {
        try (var repository = new FileRepositoryBuilder().setGitDir(source.toFile()).setMustExist(true).build()) {
            var update = new RemoteRefUpdate(repository, commit, "refs/heads/" + branch, true, null, null);
            var status = send(repository, update);
            switch (status) {
                case OK, UP_TO_DATE -> {
                }
                default -> throw refused("push " + abbreviate(commit) + " to " + branch, update, status);
            }
        } catch (IOException e) {
            throw new LabException("cannot open the local copy of " + abbreviate(commit) + ": " + e.getMessage(), true,
                    e);
        }
    }

    /**
     * Deletes {@code branch} if it points at {@code expected} (or whatever it points at, when
     * {@code expected} is null).
     *
     * @return whether the branch was deleted; false when it was absent or points elsewhere
     */
    public boolean delete(String branch, String expected) {
        try (var repository = scratchRepository()) {
            var update = new RemoteRefUpdate(repository, (String) null, "refs/heads/" + branch, true, null,
                    expected == null ? null : ObjectId.fromString(expected));
            var status = send(repository, update);
            return switch (status) {
                case OK -> true;
                case NON_EXISTING, REJECTED_REMOTE_CHANGED, UP_TO_DATE -> false;
                default -> throw refused("delete " + branch, update, status);
            };
        } catch (IOException e) {
            throw new LabException("cannot prepare a local repository in " + scratch + ": " + e.getMessage(), true, e);
        }
    }

    private RemoteRefUpdate.Status send(Repository repository, RemoteRefUpdate update) {
        try (var transport = Transport.open(repository, new URIish(url))) {
            if (credentials != null) {
                transport.setCredentialsProvider(credentials);
            }
            var result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
            var answered = result.getRemoteUpdate(update.getRemoteName());
            return answered == null ? update.getStatus() : answered.getStatus();
        } catch (URISyntaxException | NotSupportedException e) {
            throw new LabException("'" + url + "' is not a git URL labgate can push to", false, e);
        } catch (NoRemoteRepositoryException e) {
            throw new LabException("the lab-facing repository " + url + " does not exist", false, e);
        } catch (TransportException e) {
            var message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            var denied = message.contains("not authorized") || message.contains("authentication")
                    || message.contains("permission denied") || message.contains("403");
            throw new LabException((denied ? "the lab-facing repository refused labgate's credentials: "
                    : "cannot reach the lab-facing repository: ") + e.getMessage(), !denied, e);
        }
    }

    private Repository scratchRepository() throws IOException {
        var dir = scratch.resolve("lab-repository-scratch.git");
        if (!Files.exists(dir.resolve("objects"))) {
            try {
                Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
            } catch (GitAPIException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }

    private LabException refused(String what, RemoteRefUpdate update, RemoteRefUpdate.Status status) {
        var detail = update.getMessage() == null ? "" : ": " + update.getMessage();
        return new LabException("the lab-facing repository refused to " + what + " (" + status.name()
                .toLowerCase(Locale.ROOT).replace('_', ' ') + detail + ")", false);
    }

    private static String abbreviate(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
