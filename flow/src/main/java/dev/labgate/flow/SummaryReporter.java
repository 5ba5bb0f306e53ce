package dev.labgate.flow;

import dev.labgate.core.Sha256;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.SummaryStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.kcidb.VerdictAggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Keeps the one summary comment of a change true: renders the runs of its newest head and writes
 * the comment when the text changed. Reports of one change are serialized by a lock in the store,
 * so two replicas never write the comment at once and an older picture never overwrites a newer one.
 */
public final class SummaryReporter {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryReporter.class);

    private final RunStore runs;
    private final ResultStore results;
    private final SummaryStore summaries;
    private final Forges forges;
    private final Transactions transactions;
    private final VerdictAggregator verdicts;
    private final RunLinks links;

    public SummaryReporter(RunStore runs, ResultStore results, SummaryStore summaries, Forges forges,
                           Transactions transactions, VerdictAggregator verdicts, RunLinks links) {
        this.runs = runs;
        this.results = results;
        this.summaries = summaries;
        this.forges = forges;
        this.transactions = transactions;
        this.verdicts = verdicts;
        this.links = links;
    }

    public void report(Subject subject, String headSha) {
        if (!(subject instanceof Subject.Change change)) {
            return; // a branch has no place for a comment; its statuses say it all
        }
        var latest = runs.latestHead(subject.key());
        if (latest.isPresent() && !latest.get().equals(headSha)) {
            LOG.debug("summary of {} at {} skipped: {} is newer", subject.key(), headSha, latest.get());
            return;
        }
        var forge = forges.get(subject.repo().forge());
        transactions.inTransaction(() -> {
            var lastPosted = summaries.lockLastPosted(subject.key());
            var atHead = runs.forHead(subject.key(), headSha);
            var all = KcidbData.empty();
            for (Run run : atHead) {
                var found = results.find(run.id());
                if (found.isPresent()) {
                    all = all.merge(found.get());
                }
            }
            var markdown = SummaryMarkdown.render(headSha, atHead, verdicts.aggregate(all), links);
            var fingerprint = fingerprint(markdown);
            if (lastPosted.filter(fingerprint::equals).isPresent()) {
                return;
            }
            forge.upsertSummary(change.change(), markdown);
            summaries.savePosted(subject.key(), fingerprint);
            LOG.info("summary of {} at {} written", subject.key(), headSha);
        });
    }

    private static String fingerprint(String text) {
        return Sha256.hex(text);
    }
}
