package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.review.Review;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the findings of a change's newest head on the lines of the change, once every run of that
 * head has ended with results: one review per head, as the policy's {@code reporting.review} says.
 * A head whose runs broke (errored, timed out, cancelled) is not reviewed: its findings would be
 * incomplete, and comments on findings that seem gone would be marked fixed on no evidence.
 * Repeating a report is safe: the forge posts nothing it already said.
 */
public final class ReviewReporter {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewReporter.class);

    private final RunStore runs;
    private final Forges forges;
    private final PolicySource policies;
    private final RunLinks links;
    private final HeadFindings findings;

    public ReviewReporter(RunStore runs, ResultStore results, Forges forges, PolicySource policies, RunLinks links) {
        this.runs = runs;
        this.forges = forges;
        this.policies = policies;
        this.links = links;
        this.findings = new HeadFindings(results, new Baselines(runs, results));
    }

    public void report(Subject subject, String headSha) {
        if (!(subject instanceof Subject.Change change)) {
            return; // a branch has no diff to comment on
        }
        var settings = policies.current().reporting().review();
        if (!settings.enabled()) {
            return;
        }
        var latest = runs.latestHead(subject.key());
        if (latest.isPresent() && !latest.get().equals(headSha)) {
            return;
        }
        var atHead = SummaryReporter.newestRounds(runs.forHead(subject.key(), headSha));
        if (atHead.isEmpty() || atHead.stream().anyMatch(r -> !r.state().isTerminal())) {
            return;
        }
        var broken = atHead.stream().filter(r -> r.state() != RunState.PASSED && r.state() != RunState.FAILED)
                .map(r -> r.lab() + " " + r.state().label()).toList();
        if (!broken.isEmpty()) {
            LOG.info("no review of {} at {}: {}", subject.key(), headSha, String.join(", ", broken));
            return;
        }
        var found = findings.of(atHead);
        forges.get(subject.repo().forge()).review(change.change(), new Review(headSha, found.findings(),
                found.compared(), settings.maxComments(), settings.requestChangesAt(), links.run(atHead.get(0).id())));
    }
}
