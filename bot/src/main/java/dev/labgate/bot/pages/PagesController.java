package dev.labgate.bot.pages;

import dev.labgate.bot.LabgateSettings;
import dev.labgate.bot.work.FailedWork;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.net.URI;
import java.util.Optional;

/**
 * The run pages as HTML: {@code /runs/<id>} (where every commit status and the summary comment
 * link), {@code /runs} with filters, {@code /labs}, and {@code /failed} (work that failed for good); and a
 * command lab run's output as plain text at {@code /runs/<id>/log}. Read-only. Every answer carries a
 * Content-Security-Policy that allows only the pages' own style sheet and refresh script (nothing at
 * all for the log).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public final class PagesController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final RunViews runs;
    private final LabBoard labs;
    private final FailedWork failed;
    private final Layout layout;

    public PagesController(RunViews runs, LabBoard labs, FailedWork failed, LabgateSettings settings) {
        this.runs = runs;
        this.labs = labs;
        this.failed = failed;
        this.layout = new Layout(settings.publicUrl().map(u -> URI.create(u).getRawPath()).orElse(""));
    }

    /** The service's address alone leads to the runs: a newcomer who opens it sees where to look. */
    @Get("/")
    public HttpResponse<?> home() {
        return HttpResponse.seeOther(URI.create(layout.runs()));
    }

    @Get("/runs/{id}")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> run(@PathVariable String id) {
        var found = id.length() > 64 ? Optional.<RunView>empty() : runs.run(id);
        if (found.isEmpty()) {
            return page(HttpStatus.NOT_FOUND, message("No such run", "labgate has no run " + id + "."));
        }
        return page(HttpStatus.OK, RunPage.render(found.get(), layout));
    }

    /**
     * The whole output of a run where labgate keeps it (a command lab's run; the lab caps it at its
     * {@code max-output}), as plain text that a browser never runs or renders as markup.
     */
    @Get("/runs/{id}/log")
    @Produces(MediaType.TEXT_PLAIN)
    public HttpResponse<String> log(@PathVariable String id) {
        var found = id.length() > 64 ? Optional.<String>empty() : runs.log(id);
        if (found.isEmpty()) {
            return text(HttpStatus.NOT_FOUND, "labgate keeps no output of run " + id + ": it is not a run of a lab "
                    + "on labgate's host, or its output is gone.\n");
        }
        return text(HttpStatus.OK, found.get());
    }

    @Get("/runs")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> list(@Nullable @QueryValue String repo, @Nullable @QueryValue String state,
                                     @Nullable @QueryValue String author, @Nullable @QueryValue Integer limit) {
        RunListView.Query query;
        try {
            query = RunListView.Query.of(repo, state, author);
        } catch (IllegalArgumentException e) {
            return page(HttpStatus.BAD_REQUEST, message("Runs", e.getMessage() + "."));
        }
        return page(HttpStatus.OK, RunListPage.render(runs.list(query, limit(limit)), layout));
    }

    @Get("/labs")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> labs() {
        return page(HttpStatus.OK, LabsPage.render(labs.view(), layout));
    }

    @Get("/failed")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> failed(@Nullable @QueryValue Integer limit) {
        return page(HttpStatus.OK, FailedPage.render(failed.list(limit(limit)), layout));
    }

    static int limit(Integer asked) {
        return asked == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, asked));
    }

    private String message(String title, String text) {
        var html = layout.open(title, Layout.Section.RUNS, false, 2_048);
        html.raw("<h1>").text(title).raw("</h1><p>").text(text).raw("</p><p>").local(layout.runs(), "All runs")
                .raw("</p>");
        return layout.close(html);
    }

    private static MutableHttpResponse<String> text(HttpStatus status, String text) {
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_PLAIN_TYPE + ";charset=utf-8")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .body(text);
    }

    private static MutableHttpResponse<String> page(HttpStatus status, String html) {
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_HTML_TYPE + ";charset=utf-8")
                .header("Content-Security-Policy", Layout.CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .body(html);
    }
}
