package dev.labgate.forge.github;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.forge.SigningKey;
import dev.labgate.core.forge.WebhookCheck;
import org.kohsuke.github.GHCommitState;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHPermissionType;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.HttpException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** GitHub as a {@link Forge}: webhooks checked by {@link GitHubWebhooks}, the API through github-api. */
public final class GitHubForge implements Forge {

    private final GitHubSettings settings;
    private final GitHubWebhooks webhooks;
    private final GitHubEvents events;
    private final GitHub api;

    public GitHubForge(GitHubSettings settings) {
        this.settings = settings;
        this.webhooks = new GitHubWebhooks(settings.name(), settings.webhookSecrets());
        this.events = new GitHubEvents(settings);
        try {
            var builder = new GitHubBuilder().withEndpoint(settings.apiUrl().toString())
                    // A durable task backs off and retries; a blocked worker thread would not.
                    .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                    .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL);
            if (settings.token() != null && !settings.token().isEmpty()) {
                builder = builder.withOAuthToken(settings.token());
            }
            this.api = builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the GitHub client for " + settings.apiUrl(), e);
        }
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public WebhookCheck verify(Map<String, String> headers, byte[] body) {
        return webhooks.verify(headers, body);
    }

    @Override
    public ForgeEvent parse(Delivery delivery) {
        return events.parse(delivery);
    }

    @Override
    public Permission permission(RepoRef repo, Person person) {
        return call("read the permission of " + person + " on " + repo.fullName(), () -> {
            GHPermissionType type;
            try {
                type = repository(repo).getPermission(person.login());
            } catch (GHFileNotFoundException e) {
                return new Permission(Permission.Level.NONE, "GitHub knows no user " + person);
            }
            return switch (type) {
                case ADMIN -> new Permission(Permission.Level.ADMIN, "repository admin");
                case WRITE -> new Permission(Permission.Level.WRITE, "collaborator with write access");
                case READ -> new Permission(Permission.Level.READ, "read access only");
                case NONE -> new Permission(Permission.Level.NONE, "not a collaborator");
                case UNKNOWN -> new Permission(Permission.Level.NONE, "GitHub reported an unknown permission");
            };
        });
    }

    @Override
    public boolean memberOf(String team, Person person) {
        throw new UnsupportedOperationException("team membership: not implemented yet");
    }

    @Override
    public List<SigningKey> signingKeys(Person person) {
        throw new UnsupportedOperationException("signing keys: not implemented yet");
    }

    @Override
    public List<String> changedFiles(ChangeRef change) {
        throw new UnsupportedOperationException("changed files: not implemented yet");
    }

    @Override
    public List<String> commits(ChangeRef change) {
        throw new UnsupportedOperationException("commits: not implemented yet");
    }

    @Override
    public String currentHead(ChangeRef change) {
        throw new UnsupportedOperationException("current head: not implemented yet");
    }

    @Override
    public Optional<String> fileOnDefaultBranch(RepoRef repo, String path) {
        throw new UnsupportedOperationException("default-branch files: not implemented yet");
    }

    @Override
    public void setStatus(RepoRef repo, String sha, CommitStatus status) {
        call("set status " + status.context() + " on " + sha, () -> repository(repo).createCommitStatus(sha,
                switch (status.state()) {
                    case PENDING -> GHCommitState.PENDING;
                    case SUCCESS -> GHCommitState.SUCCESS;
                    case FAILURE -> GHCommitState.FAILURE;
                    case ERROR -> GHCommitState.ERROR;
                }, status.targetUrl(), status.description(), status.context()));
    }

    @Override
    public void upsertSummary(ChangeRef change, String markdown) {
        var body = SUMMARY_MARKER + "\n" + markdown;
        call("write the summary of " + change, () -> {
            var issue = repository(change.repo()).getIssue((int) change.number());
            for (GHIssueComment comment : issue.queryComments().list()) {
                if (comment.getBody() != null && comment.getBody().contains(SUMMARY_MARKER)) {
                    if (!body.equals(comment.getBody())) {
                        comment.update(body);
                    }
                    return null;
                }
            }
            return issue.comment(body);
        });
    }

    private GHRepository repository(RepoRef repo) throws IOException {
        return api.getRepository(repo.fullName());
    }

    private interface ApiCall<T> {
        T run() throws IOException;
    }

    private static <T> T call(String what, ApiCall<T> call) {
        try {
            return call.run();
        } catch (HttpException e) {
            var code = e.getResponseCode();
            var retryable = code >= 500 || code == 429 || code == 403 || code <= 0;
            throw new ForgeException("GitHub could not " + what + ": HTTP " + code, retryable, null, e);
        } catch (IOException e) {
            throw new ForgeException("GitHub could not " + what + ": " + e.getMessage(), true, null, e);
        }
    }
}
