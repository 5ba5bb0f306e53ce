package dev.labgate.bot.pages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
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

/**
 * The JSON behind each run page: {@code /api/runs/<id>}, {@code /api/runs?repo=&state=&author=},
 * {@code /api/labs}. Times are ISO-8601 strings ({@code 2026-11-24T10:00:00Z}).
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class PagesApiController {

    private final RunViews runs;
    private final LabBoard labs;
    private final ObjectWriter json;

    public PagesApiController(RunViews runs, LabBoard labs, ObjectMapper mapper) {
        this.runs = runs;
        this.labs = labs;
        this.json = mapper.copy().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writer();
    }

    @Get("/runs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> run(@PathVariable String id) {
        var found = id.length() > 64 ? Optional.<RunView>empty() : runs.run(id);
        if (found.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(Map.of("error", "labgate has no run " + id));
        }
        return ok(found.get());
    }

    @Get("/runs")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> list(@Nullable @QueryValue String repo, @Nullable @QueryValue String state,
                                @Nullable @QueryValue String author, @Nullable @QueryValue Integer limit) {
        try {
            return ok(runs.list(RunListView.Query.of(repo, state, author), PagesController.limit(limit)));
        } catch (IllegalArgumentException e) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
        }
    }

    @Get("/labs")
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<?> labs() {
        return ok(labs.view());
    }

    private HttpResponse<String> ok(Object view) {
        try {
            return HttpResponse.ok(json.writeValueAsString(view)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a page view could not be written as JSON", e);
        }
    }
}
