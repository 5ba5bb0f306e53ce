package dev.labgate.bot.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.flow.Forges;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/audit?repo=github:acme/linux}: the newest trust decisions of a repository, as
 * JSON. Without a forge prefix the repository is looked up on every configured forge. The query
 * blocks on the database, so it runs on the blocking executor, never on the HTTP event loop.
 */
@Controller("/api/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class AuditController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One decision as the API shows it; every field is always present (lab and run are empty for a commit). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Decision(String at, String repo, String subject, String head, String who, String lab, String run,
                           String rule, String outcome, boolean allowed, String reason, String policyVersion,
                           String cause) {
        static Decision of(AuditEntry e) {
            return new Decision(e.at().toString(), e.repo().toString(), e.subjectKey(), e.headSha(), e.who().login(),
                    e.lab(), e.runId(), e.rule(), e.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.allowed(),
                    e.reason(), e.policyVersion(), e.deliveryId());
        }
    }

    private final AuditLog audit;
    private final Forges forges;

    public AuditController(AuditLog audit, Forges forges) {
        this.audit = audit;
        this.forges = forges;
    }

    @Get
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(@Nullable @QueryValue String repo, @Nullable @QueryValue Integer limit) {
        if (repo == null || repo.isBlank() || !repo.contains("/")) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(Map.of("error",
                    "name the repository: /api/audit?repo=github:owner/name (or repo=owner/name)"));
        }
        var count = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        var colon = repo.indexOf(':');
        var refs = new ArrayList<RepoRef>();
        if (colon > 0) {
            refs.add(new RepoRef(repo.substring(0, colon), repo.substring(colon + 1)));
        } else {
            forges.all().forEach(f -> refs.add(new RepoRef(f.name(), repo)));
        }
        List<Decision> decisions = refs.stream().flatMap(r -> audit.forRepository(r, count).stream())
                .sorted(Comparator.comparing(AuditEntry::at).reversed()).limit(count).map(Decision::of).toList();
        return HttpResponse.ok(decisions);
    }
}
