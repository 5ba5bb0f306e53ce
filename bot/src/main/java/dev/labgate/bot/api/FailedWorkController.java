package dev.labgate.bot.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.bot.GitHubConfig;
import dev.labgate.bot.GitLabConfig;
import dev.labgate.bot.work.FailedWork;
import dev.labgate.forge.github.GitHubWebhooks;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Failed work for an operator: {@code GET /api/deliveries?state=failed} lists every delivery or
 * run step that failed for good, with its error; {@code POST /api/deliveries/retry} with
 * {@code {"id": "..."}} schedules one again. A retry changes what labgate does, so it must be
 * signed the way a webhook delivery is: {@code X-Hub-Signature-256} over the body with one of the
 * GitHub webhook secrets, or {@code X-Gitlab-Token} set to one of the GitLab webhook tokens
 * ({@code labgate replay --retry ID} does this).
 */
@Controller("/api/deliveries")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class FailedWorkController {

    private static final Logger LOG = LoggerFactory.getLogger(FailedWorkController.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One failed piece of work, as the API shows it. */
    public record Failed(String id, String task, String instance, String delivery, String error, int failures,
                         String failedAt, String retry) {
        static Failed of(FailedWork.Entry e) {
            return new Failed(e.id(), e.task(), e.instance(), e.delivery(), e.error(), e.failures(),
                    e.failedAt().toString(), "labgate replay --retry " + e.id());
        }
    }

    private final FailedWork failed;
    private final List<String> secrets;
    private final List<String> tokens;

    public FailedWorkController(FailedWork failed, GitHubConfig github, GitLabConfig gitlab) {
        this.failed = failed;
        this.secrets = github.webhookSecrets().orElse(List.of());
        this.tokens = gitlab.webhookTokens().orElse(List.of());
    }

    @Get
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(@Nullable @QueryValue String state, @Nullable @QueryValue Integer limit) {
        if (!"failed".equals(state)) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(Map.of("error",
                    "ask for the failed ones: /api/deliveries?state=failed"));
        }
        var count = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        return HttpResponse.ok(failed.list(count).stream().map(Failed::of).toList());
    }

    @Post("/retry")
    @Consumes(MediaType.ALL)
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> retry(HttpHeaders headers, @Nullable @Body byte[] body) {
        var bytes = body == null ? new byte[0] : body;
        if (!signed(headers, bytes)) {
            return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "sign the request like a webhook "
                    + "delivery (X-Hub-Signature-256 with a GitHub webhook secret, or X-Gitlab-Token)"));
        }
        String id;
        try {
            id = JSON.readTree(bytes).path("id").asText("");
        } catch (IOException e) {
            id = "";
        }
        if (!id.matches("[0-9a-f]{12}")) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(Map.of("error",
                    "the body is {\"id\": \"<12 hex digits>\"}, an id from /api/deliveries?state=failed"));
        }
        var retried = failed.retry(id);
        if (retried.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no failed work " + id
                    + " (already retried?)"));
        }
        LOG.info("failed work {} ({} {}) retried by an operator", id, retried.get().task(), retried.get().instance());
        return HttpResponse.status(HttpStatus.ACCEPTED).body(Map.of("retried", Failed.of(retried.get())));
    }

    private boolean signed(HttpHeaders headers, byte[] body) {
        var signature = headers.get("X-Hub-Signature-256");
        if (signature != null) {
            var given = signature.getBytes(StandardCharsets.US_ASCII);
            for (var secret : secrets) {
                if (!secret.isBlank() && MessageDigest.isEqual(given,
                        GitHubWebhooks.signature(secret, body).getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        var token = headers.get("X-Gitlab-Token");
        if (token != null) {
            var given = token.getBytes(StandardCharsets.UTF_8);
            return tokens.stream().anyMatch(t -> !t.isBlank() && MessageDigest.isEqual(given,
                    t.getBytes(StandardCharsets.UTF_8)));
        }
        return false;
    }
}
