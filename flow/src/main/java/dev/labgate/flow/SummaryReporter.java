package dev.labgate.flow;

import dev.labgate.config.PolicySource;
import dev.labgate.core.Sha256;
import dev.labgate.core.event.Subject;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.SummaryStore;
import dev.labgate.core.store.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;


/**
 * Keeps the one summary comment of a change true: renders the runs of its newest head and writes
 * the comment when the text changed; when the verdict changed, as a new comment so that people
 * are notified. Reports of one change are serialized by a lock in the store,
 * so two replicas never write the comment at once and an older picture never overwrites a newer one.
 */
public final class SummaryReporter {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryReporter.class);

    private final RunStore runs;
    private final SummaryStore summaries;
    private final Forges forges;
    private final PolicySource policies;
    private final Transactions transactions;
    private final RunVerdicts verdicts;
    private final RunLinks links;

    public SummaryReporter(RunStore runs, SummaryStore summaries, Forges forges, PolicySource policies,
                           Transactions transactions, RunVerdicts verdicts, RunLinks links) {
        this.runs = runs;
        this.summaries = summaries;
        this.forges = forges;
        this.policies = policies;
        this.transactions = transactions;
        this.verdicts = verdicts;
        this.links = links;
    }

    public void report(Subject subject, String headSha) {
        if (!(subject instanceof Subject.Change change)) {
            return; // a branch has no place for a comment; its statuses say it all
        }
        if (!policies.current().reporting().summaryComment()) {
            LOG.debug("summary of {} at {} not written: the policy asks for no summary comment", subject.key(),
                    headSha);
            return;
        }
        var latest = runs.latestHead(subject.key());
        if (latest.isPresent() && !latest.get().equals(headSha)) {
            LOG.debug("summary of {} at {} skipped: {} is newer", subject.key(), headSha, latest.get());
            return;
        }
        var forge = forges.get(subject.repo().forge());
        transactions.inTransaction(() -> {
            var lastPosted = summaries.lockLastPosted(subject.key());
            var atHead = newestRounds(runs.forHead(subject.key(), headSha));
            var markdown = SummaryMarkdown.render(headSha, atHead, verdicts.of(atHead), links,
                    runs.whys(subject.key(), headSha), verdicts.baselines());
            var before = lastPosted.map(Posted::parse).orElse(Posted.NOTHING);
            var verdict = SummaryVerdict.of(atHead);
            var now = new Posted(verdict.isFinal() ? verdict.name() : before.lastVerdict(), Sha256.hex(markdown, 24));
            if (now.digest().equals(before.digest())) {
                return;
            }
            // Progress is edited in place; a verdict that differs from the last one is news, in a new comment.
            var verdictChanged = verdict.isFinal() && !before.lastVerdict().isEmpty()
                    && !before.lastVerdict().equals(verdict.name());
            forge.upsertSummary(change.change(), markdown, verdictChanged);
            summaries.savePosted(subject.key(), now.text());
            LOG.info("summary of {} at {} written{}", subject.key(), headSha,
                    verdictChanged ? " as a new comment: the verdict changed from " + before.lastVerdict().toLowerCase(Locale.ROOT)
                            + " to " + verdict.name().toLowerCase(Locale.ROOT) : "");
        });
    }

    /** A retest replaces a lab's earlier rounds at the same head: only each lab's newest round counts. */
    static List<Run> newestRounds(List<Run> atHead) {
        var newest = new LinkedHashMap<String, Run>();
        for (var run : atHead) {
            newest.merge(run.lab(), run, (a, b) -> b.round() > a.round() ? b : a);
        }
        return List.copyOf(newest.values());
    }

    /**
     * What was last posted, as kept in the summary store: the last verdict a summary gave (empty
     * before the first) and a digest of the text, as {@code <verdict>:<digest>} (at most 64
     * characters).
     */
    record Posted(String lastVerdict, String digest) {
        static final Posted NOTHING = new Posted("", "");

        static Posted parse(String text) {
            var colon = text.indexOf(':');
            // A bare digest was written before verdicts were kept: no verdict known.
            return colon < 0 ? new Posted("", text) : new Posted(text.substring(0, colon), text.substring(colon + 1));
        }

        String text() {
            return lastVerdict + ":" + digest;
        }
    }
}
