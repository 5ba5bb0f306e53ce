package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.review.Review;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Puts the findings of a change's newest head on the lines of the change, once every run of that
 * head has ended with results: one review per head, as the policy's {@code reporting.review} says.
 * A head whose runs broke (errored, timed out, cancelled) is not reviewed: its findings would be
 * incomplete, and comments on findings that seem gone would be marked fixed on no evidence.
 *
 * <p>A report of a head only queues its review ({@link Work.ReviewHead}, one per head), so reports
 * of the same head running at once never post at once. Repeating a review is safe: the forge posts
 * nothing it already said.
 */
public final class ReviewReporter {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewReporter.class);
    /** Enough for results that ended while a review was being posted; more would mean a retest loop. */
    private static final int MAX_PASSES = 3;

    private final RunStore runs;
    private final Forges forges;
    private final PolicySource policies;
    private final RunLinks links;
    private final WorkQueue work;
    private final HeadFindings findings;

    public ReviewReporter(RunStore runs, ResultStore results, Forges forges, PolicySource policies, RunLinks links,
                          WorkQueue work, Baselines baselines) {
        this.runs = runs;
        this.forges = forges;
        this.policies = policies;
        this.links = links;
        this.work = work;
        this.findings = new HeadFindings(results, baselines);
    }

    /** Queues the review of the head when it is due: the newest head of a change, all its runs ended. */
    public void report(Subject subject, String headSha) {
        if (subject instanceof Subject.Change change && due(change, headSha).isPresent()) {
            work.enqueueNow(new Work.ReviewHead(change, headSha));
        }
    }

    /**
     * Reviews the head if it is still due. Results that end while the review is posted are
     * reviewed too, in the same task: their own report found this review running and queued none.
     */
    public void review(Subject.Change change, String headSha) {
        List<String> reviewed = List.of();
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            var atHead = due(change, headSha);
            if (atHead.isEmpty()) {
                return;
            }
            var ids = atHead.get().stream().map(Run::id).sorted().toList();
            if (ids.equals(reviewed)) {
                return;
            }
            var found = findings.of(atHead.get());
            var settings = policies.current().reporting().review();
            forges.get(change.repo().forge()).review(change.change(), new Review(headSha, found.findings(),
                    found.compared(), settings.maxComments(), settings.requestChangesAt(),
                    links.run(atHead.get().get(0).id())));
            reviewed = ids;
        }
    }

    /** The newest round of each run at the head, when the head can be reviewed now. */
    private Optional<List<Run>> due(Subject.Change change, String headSha) {
        if (!policies.current().reporting().review().enabled()) {
            return Optional.empty();
        }
        var latest = runs.latestHead(change.key());
        if (latest.isPresent() && !latest.get().equals(headSha)) {
            return Optional.empty();
        }
        var atHead = SummaryReporter.newestRounds(runs.forHead(change.key(), headSha));
        if (atHead.isEmpty() || atHead.stream().anyMatch(r -> !r.state().isTerminal())) {
            return Optional.empty();
        }
        var broken = atHead.stream().filter(r -> r.state() != RunState.PASSED && r.state() != RunState.FAILED)
                .map(r -> r.lab() + " " + r.state().label()).toList();
        if (!broken.isEmpty()) {
            LOG.info("no review of {} at {}: {}", change.key(), headSha, String.join(", ", broken));
            return Optional.empty();
        }
        return Optional.of(atHead);
    }
}
