package dev.labgate.bot.intake;

import dev.labgate.bot.PolicyLabs;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.flow.RunAdvancer;
import dev.labgate.lab.lava.LavaLab;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Locale;

/**
 * {@code POST /callbacks/lava/{run}}: a LAVA job's {@code notify} callback. The lab checks that it
 * is authentic for that run (a per-run token) before anything is read; an authentic callback makes
 * the run's next poll due now, in its durable task, and is answered 202 at once: LAVA waits at most
 * 5 seconds ({@code CALLBACK_TIMEOUT}) and never sends a callback again, while reading a big job's
 * results can take longer. Polling stays the fallback for a lost callback.
 */
@Controller("/callbacks")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class LabCallbackController {

    private static final Logger LOG = LoggerFactory.getLogger(LabCallbackController.class);

    /** The answer body: what became of the callback, or why it was refused. */
    public record Answer(String run, String status, String error) {
        static Answer ok(String run, String status) {
            return new Answer(run, status, null);
        }

        static Answer refused(String error) {
            return new Answer(null, null, error);
        }
    }

    private final JdbcRunStore runs;
    private final PolicyLabs labs;
    private final RunAdvancer advancer;

    public LabCallbackController(JdbcRunStore runs, PolicyLabs labs, RunAdvancer advancer) {
        this.runs = runs;
        this.labs = labs;
        this.advancer = advancer;
    }

    @Post("/lava/{runId}")
    @Consumes(MediaType.ALL)
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<Answer> lava(@PathVariable String runId, HttpHeaders headers, @Body byte[] body) {
        var run = runs.find(runId);
        if (run.isEmpty()) {
            return refused(HttpStatus.NOT_FOUND, "no run '" + runId + "'");
        }
        var lab = labs.find(run.get().lab()).filter(LavaLab.class::isInstance);
        if (lab.isEmpty()) {
            return refused(HttpStatus.NOT_FOUND, "run " + runId + " is not on a LAVA lab of the policy");
        }
        if (run.get().labRun() == null) {
            return refused(HttpStatus.CONFLICT, "run " + runId + " has no job at the lab now");
        }
        var names = new HashMap<String, String>();
        headers.forEachValue((name, value) -> names.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        if (!lab.get().callback(run.get().labRun(), names, body == null ? new byte[0] : body)) {
            return refused(HttpStatus.FORBIDDEN, "the callback is not authentic for run " + runId);
        }
        var outcome = advancer.wake(runId);
        var word = outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
        LOG.info("run {}: LAVA callback: {}", runId, word);
        return HttpResponse.<Answer>status(outcome == RunAdvancer.Callback.QUEUED ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(Answer.ok(runId, word));
    }

    private static HttpResponse<Answer> refused(HttpStatus status, String error) {
        return HttpResponse.<Answer>status(status).body(Answer.refused(error));
    }
}
