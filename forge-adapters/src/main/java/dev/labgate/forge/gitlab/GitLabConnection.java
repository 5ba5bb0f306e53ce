package dev.labgate.forge.gitlab;

import dev.labgate.core.forge.ForgeException;
import dev.labgate.forge.RateBudget;
import dev.labgate.forge.RateBudget.Use;
import org.gitlab4j.api.GitLabApi;
import org.gitlab4j.api.GitLabApiException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connection to one GitLab through gitlab4j-api: the token, the {@link RateBudget}, and the
 * one place where GitLab's answers become {@link ForgeException}s. gitlab4j does not show the
 * headers of successful answers, so the budget learns only from GitLab's 429s (their
 * {@code Retry-After} or {@code RateLimit-Reset}): after one, every call waits until GitLab said.
 * Thread-safe. gitlab4j sends through HttpURLConnection, which resends a POST that got no answer
 * unless {@code sun.net.http.retryPost=false} (labgate's main sets it): a write whose outcome is
 * unknown must stay one write.
 */
final class GitLabConnection {

    /** A gitlab4j call. */
    interface ApiCall<T> {
        T run(GitLabApi api) throws GitLabApiException;
    }

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final GitLabApi api;
    private final RateBudget budget;
    private final Clock clock;

    GitLabConnection(GitLabSettings settings, Clock clock) {
        this.api = new GitLabApi(settings.url().toString(), settings.token());
        // A GitLab that stops answering fails the task instead of holding a worker.
        api.setRequestTimeout(10_000, 30_000);
        this.budget = new RateBudget("GitLab", 0, clock);
        this.clock = clock;
    }

    /** Runs one call; every failure becomes a {@link ForgeException}. */
    <T> T call(Use use, String what, ApiCall<T> call) {
        budget.admit(use, what);
        try {
            return call.run(api);
        } catch (GitLabApiException e) {
            throw failure(what, e);
        } catch (RuntimeException e) {
            // Jersey reports an unreachable server as a ProcessingException.
            throw network(what, e);
        }
    }

    /** Runs one call where "404 Not Found" means "there is none". */
    <T> Optional<T> find(Use use, String what, ApiCall<T> call) {
        budget.admit(use, what);
        try {
            return Optional.ofNullable(call.run(api));
        } catch (GitLabApiException e) {
            if (e.getHttpStatus() == 404) {
                return Optional.empty();
            }
            throw failure(what, e);
        } catch (RuntimeException e) {
            throw network(what, e);
        }
    }

    /** A call that got no answer; had it reached GitLab (a timeout, a reset), a write may still be applied. */
    private ForgeException network(String what, RuntimeException e) {
        budget.failed();
        var unknown = ForgeException.maySend(e);
        return new ForgeException("GitLab could not " + what + ": " + ForgeException.network(e)
                + (unknown ? " (if it was a write, GitLab may still apply it)" : ""), true, null, unknown, e);
    }

    RateBudget budget() {
        return budget;
    }

    private ForgeException failure(String what, GitLabApiException e) {
        budget.failed();
        var status = e.getHttpStatus();
        if (status == 429) {
            var wait = waitFor(e.getHeaders());
            budget.pauseUntil(clock.instant().plus(wait));
            return new ForgeException("GitLab rate-limited the call to " + what + " (HTTP 429); retrying in "
                    + wait.toSeconds() + "s", true, wait, e);
        }
        var summary = "GitLab could not " + what + (status > 0 ? ": HTTP " + status : "") + " (" + brief(e.getMessage())
                + ")";
        if (status <= 0) {
            return new ForgeException(summary, true, null, ForgeException.maySend(e), e);
        }
        if (status >= 500) {
            return new ForgeException(summary, true, null, e);
        }
        if (status == 401) {
            return new ForgeException(summary + "; check labgate's GitLab token", false, null, e);
        }
        return new ForgeException(summary, false, null, e);
    }

    private Duration waitFor(Map<String, List<String>> headers) {
        if (headers == null) {
            return DEFAULT_WAIT;
        }
        var retryAfter = header(headers, "retry-after");
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.strip())));
            } catch (NumberFormatException ignored) {
                // GitLab sends seconds; anything else is no hint
            }
        }
        var reset = header(headers, "ratelimit-reset");
        if (reset != null) {
            try {
                var at = Instant.ofEpochSecond(Long.parseLong(reset.strip()));
                var now = clock.instant();
                return at.isAfter(now) ? Duration.between(now, at).plusSeconds(1) : Duration.ofSeconds(1);
            } catch (NumberFormatException ignored) {
                // no usable hint
            }
        }
        return DEFAULT_WAIT;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (var entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().toLowerCase(Locale.ROOT).equals(name)
                    && entry.getValue() != null && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    private static String brief(String text) {
        var line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }
}
