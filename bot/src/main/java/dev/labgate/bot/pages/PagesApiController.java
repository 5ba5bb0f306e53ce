package dev.labgate.bot.pages;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.Map;
import java.util.Optional;

/** The JSON behind each run page: {@code /api/runs/<id>}, {@code /api/runs?repo=&state=&author=}, {@code /api/labs}. */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class PagesApiController {

    private final RunViews runs;
    private final LabBoard labs;

    public PagesApiController(RunViews runs, LabBoard labs) {
        this.runs = runs;
        this.labs = labs;
    }

    @Get("/runs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> run(@PathVariable String id) {
        var found = id.length() > 64 ? Optional.<RunView>empty() : runs.run(id);
        if (found.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(Map.of("error", "labgate has no run " + id));
        }
        return HttpResponse.ok(found.get());
    }

    @Get("/runs")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(@Nullable @QueryValue String repo, @Nullable @QueryValue String state,
                                @Nullable @QueryValue String author, @Nullable @QueryValue Integer limit) {
        try {
            return HttpResponse.ok(runs.list(RunListView.Query.of(repo, state, author), PagesController.limit(limit)));
        } catch (IllegalArgumentException e) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
        }
    }

    @Get("/labs")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<LabsView> labs() {
        return HttpResponse.ok(labs.view());
    }
}
