package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.kcidb.KcidbIds;
import dev.labgate.kcidb.submit.Contribution;
import dev.labgate.kcidb.submit.KcidbSubmitException;
import dev.labgate.kcidb.submit.KcidbSubmitter;
import dev.labgate.kcidb.submit.Pause;
import dev.labgate.kcidb.submit.SubmitSettings;
import dev.labgate.kcidb.submit.Submission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Shares a finished run's own results with KCIDB when the policy says where ({@code kcidb.submit}):
 * submits them to kcidb-ng under the operator's origin with ids derived from the run
 * ({@link Contribution}: results another CI system reported are never resubmitted as labgate's),
 * then follows each submission's status until kcidb-ng has processed or failed it. One step per
 * call, safe to repeat: what was submitted is kept, and a repeated step only asks for the status.
 */
public final class KcidbSharing {

    private static final Logger LOG = LoggerFactory.getLogger(KcidbSharing.class);
    /** How often a submission's status is asked for. */
    static final Duration FOLLOW = Duration.ofSeconds(10);
    /** How long after the run's end a submission is followed; kcidb-ng's ingester takes minutes, not hours. */
    static final Duration FOLLOW_LIMIT = Duration.ofHours(2);
    /** The state kept for results kcidb-ng never received (refused, or no token), with the reason. */
    public static final String REFUSED = "refused";

    /** Where the service keeps what became of each run's submissions. */
    public interface Store {
        /** A run's submissions, in the order they were made; empty before the first. */
        List<Submission> submissions(String runId);

        /** Replaces a run's submissions with these, in order. */
        void save(String runId, List<Submission> submissions);
    }

    private final RunStore runs;
    private final ResultStore results;
    private final PolicySource policies;
    private final Store store;
    private final Function<String, String> environment;
    private final HttpClient http;
    private final Pause pause;
    private final Clock clock;

    /**
     * @param environment reads the environment variable that holds the token (null when unset)
     * @param pause waits between tries of a request kcidb-ng answered with 5xx
     */
    public KcidbSharing(RunStore runs, ResultStore results, PolicySource policies, Store store,
                        Function<String, String> environment, HttpClient http, Pause pause, Clock clock) {
        this.runs = runs;
        this.results = results;
        this.policies = policies;
        this.store = store;
        this.environment = environment;
        this.http = http;
        this.pause = pause;
        this.clock = clock;
    }

    /** Whether finished runs are shared at all under the policy in force. */
    public boolean enabled() {
        return policies.current().kcidb().submit().isPresent();
    }

    public Next share(String runId) {
        var submit = policies.current().kcidb().submit();
        var run = runs.find(runId);
        if (submit.isEmpty() || run.isEmpty()
                || run.get().state() != RunState.PASSED && run.get().state() != RunState.FAILED) {
            return Next.DONE;
        }
        var settings = submit.get();
        var token = environment.apply(settings.tokenEnv());
        var done = store.submissions(runId);
        if (token == null || token.isBlank()) {
            if (done.isEmpty()) {
                store.save(runId, List.of(new Submission("", 0, REFUSED, "not submitted: the environment variable "
                        + settings.tokenEnv() + " that should hold the KCIDB token is not set")));
                LOG.warn("run {}: results not shared with KCIDB: {} is not set", runId, settings.tokenEnv());
            }
            return Next.DONE;
        }
        var submitter = new KcidbSubmitter(http, SubmitSettings.of(settings.url(), token.strip(), settings.origin()),
                pause);
        try {
            if (done.isEmpty()) {
                return send(run.get(), submitter, new KcidbIds(settings.origin()));
            }
            return follow(run.get(), submitter, done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Next.again(clock.instant().plus(FOLLOW));
        }
    }

    private Next send(Run run, KcidbSubmitter submitter, KcidbIds ids) throws InterruptedException {
        var found = results.find(run.id());
        if (found.isEmpty()) {
            return Next.DONE;
        }
        var data = Contribution.of(found.get(), ids, source(run));
        if (data.checkouts().isEmpty() && data.builds().isEmpty() && data.tests().isEmpty()) {
            LOG.info("run {}: nothing of labgate's own to share with KCIDB (its lab reports to KCIDB itself)", run.id());
            return Next.DONE;
        }
        try {
            var sent = submitter.send(data);
            store.save(run.id(), sent);
            LOG.info("run {}: {} objects submitted to KCIDB as {}", run.id(),
                    sent.stream().mapToInt(Submission::objects).sum(), sent.stream().map(Submission::id).toList());
            return Next.again(clock.instant().plus(FOLLOW));
        } catch (KcidbSubmitException e) {
            var kept = new ArrayList<>(e.done());
            kept.add(new Submission("", 0, REFUSED, e.getMessage()));
            store.save(run.id(), kept);
            LOG.warn("run {}: results not shared with KCIDB: {}", run.id(), e.getMessage());
            return kept.size() > 1 ? Next.again(clock.instant().plus(FOLLOW)) : Next.DONE;
        }
    }

    private Next follow(Run run, KcidbSubmitter submitter, List<Submission> done) throws InterruptedException {
        var now = clock.instant();
        var current = new ArrayList<Submission>();
        var open = false;
        for (var submission : done) {
            if (settled(submission)) {
                current.add(submission);
                continue;
            }
            try {
                var status = submitter.status(submission);
                current.add(status);
                open |= !settled(status);
                if (status.failed()) {
                    LOG.warn("run {}: KCIDB failed submission {}: {}", run.id(), status.id(), status.message());
                }
            } catch (KcidbSubmitException e) {
                current.add(new Submission(submission.id(), submission.objects(), REFUSED, e.getMessage()));
            }
        }
        store.save(run.id(), current);
        if (!open) {
            return Next.DONE;
        }
        if (run.updatedAt() != null && now.isAfter(run.updatedAt().plus(FOLLOW_LIMIT))) {
            LOG.warn("run {}: KCIDB has not settled its submissions after {}; no longer following them", run.id(),
                    FOLLOW_LIMIT);
            return Next.DONE;
        }
        return Next.again(now.plus(FOLLOW));
    }

    private static boolean settled(Submission submission) {
        return submission.processed() || submission.failed() || REFUSED.equals(submission.state());
    }

    /** Where the run's commit comes from, and what identifies the run, for the checkout KCIDB shows. */
    private static Contribution.Source source(Run run) {
        var misc = new LinkedHashMap<String, Object>();
        misc.put("labgate_run", run.id());
        misc.put("lab", run.lab());
        String branch = null;
        if (run.subject() instanceof Subject.Change change) {
            misc.put("change", change.change().toString());
        } else {
            var ref = run.subject() instanceof Subject.Branch b ? b.ref() : ((Subject.Base) run.subject()).ref();
            branch = ref.replaceFirst("^refs/heads/", "");
        }
        return new Contribution.Source(run.cloneUrl(), branch, run.headSha(), misc);
    }
}
