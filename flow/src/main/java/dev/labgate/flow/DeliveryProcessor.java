package dev.labgate.flow;

import dev.labgate.core.Sha256;
import dev.labgate.config.Planner;
import dev.labgate.config.PolicySource;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.trust.TrustDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step of the flow: a stored delivery becomes an event, a trust decision and planned
 * runs. Safe to repeat: a delivery processed twice plans nothing twice.
 */
public final class DeliveryProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final DeliveryStore deliveries;
    private final Forges forges;
    private final PolicySource policies;
    private final TrustRules trust;
    private final Planner planner;
    private final RunStore runs;
    private final WorkQueue work;
    private final Transactions transactions;
    private final RunLinks links;
    private final Clock clock;
    private final CommandHandler commands;
    private final Cancellations cancellations;

    public DeliveryProcessor(DeliveryStore deliveries, Forges forges, PolicySource policies, TrustRules trust,
                             Planner planner, RunStore runs, WorkQueue work, Transactions transactions, Labs labs,
                             RunLinks links, Clock clock, CommandHandler commands) {
        this.deliveries = deliveries;
        this.forges = forges;
        this.policies = policies;
        this.trust = trust;
        this.planner = planner;
        this.runs = runs;
        this.work = work;
        this.transactions = transactions;
        this.links = links;
        this.clock = clock;
        this.commands = commands;
        this.cancellations = new Cancellations(runs, work, transactions, labs);
    }

    public void process(DeliveryKey key) {
        var delivery = deliveries.find(key);
        if (delivery.isEmpty()) {
            LOG.warn("delivery {} is not stored; nothing to do", key);
            return;
        }
        var forge = forges.get(key.forge());
        var event = forge.parse(delivery.get());
        var outcome = act(forge, event, key.id());
        LOG.info("delivery {} ({}): {}", key, delivery.get().event(), outcome);
        deliveries.markProcessed(key, outcome);
    }

    /**
     * Acts on an event as if its delivery had just arrived (the reconciler calls this for what it
     * finds missing); returns what happened, in words.
     *
     * @param deliveryId the delivery that caused it, or a name for the reconciler's pass
     */
    public String act(Forge forge, ForgeEvent event, String deliveryId) {
        if (event instanceof ForgeEvent.ChangeUpdated change) {
            return onChangeUpdated(forge, change, deliveryId, 0);
        }
        if (event instanceof ForgeEvent.CommandIssued command) {
            return commands.handle(forge, command, deliveryId,
                    (change, round) -> onChangeUpdated(forge, change, deliveryId, round));
        }
        if (event instanceof ForgeEvent.ChangeClosed closed) {
            var cancelled = cancellations.cancel(new Subject.Change(closed.change()), run -> true,
                    (closed.merged() ? "merged" : "closed") + (closed.by() == null ? "" : " by " + closed.by()));
            return (closed.merged() ? "merged" : "closed") + ": " + cancelled.size() + " unfinished "
                    + (cancelled.size() == 1 ? "run" : "runs") + " cancelled";
        }
        if (event instanceof ForgeEvent.BranchPushed pushed && pushed.deleted()) {
            var cancelled = cancellations.cancel(new Subject.Branch(pushed.repo(), pushed.ref()), run -> true,
                    pushed.ref() + " was deleted");
            return pushed.ref() + " deleted: " + cancelled.size() + " unfinished "
                    + (cancelled.size() == 1 ? "run" : "runs") + " cancelled";
        }
        if (event instanceof ForgeEvent.Ignored ignored) {
            return "ignored: " + ignored.reason();
        }
        return "ignored: " + event.getClass().getSimpleName() + " is not acted on yet";
    }

    private String onChangeUpdated(Forge forge, ForgeEvent.ChangeUpdated event, String deliveryId, int round) {
        var policy = policies.current();
        var repo = event.change().repo();
        if (policy.repository(repo).isEmpty()) {
            return "ignored: " + repo + " is not in the policy";
        }
        var plan = planner.plan(policy);
        if (plan.isEmpty()) {
            return "ignored: the policy plans no tests";
        }
        var subject = new Subject.Change(event.change());
        supersede(subject, event.headSha());

        var permission = forge.permission(repo, event.author());
        TrustDecision decision = trust.decide(policy, repo, event.author(), permission);
        LOG.info("trust for {} at {}: {} by rule {}: {}", event.change(), event.headSha(), decision.outcome(),
                decision.rule(), decision.reason());
        if (decision.outcome() == TrustDecision.Outcome.REJECTED) {
            return "rejected: " + decision.reason();
        }

        var initial = decision.trusted() ? RunState.PLANNED : RunState.AWAITING_APPROVAL;
        var now = clock.instant();
        List<Run> planned = transactions.inTransaction(() -> {
            var stored = new ArrayList<Run>();
            for (var entry : plan.entries()) {
                var run = runs.createIfAbsent(new Run(runId(subject, event.headSha(), entry.lab(), round), subject,
                        entry.lab(), event.headSha(), event.baseSha(), event.cloneUrl(), event.fetchRef(),
                        entry.tests(), round, initial, 0, null, "", null, false, deliveryId, now, now));
                if (run.state() == RunState.PLANNED) {
                    work.enqueueNow(new Work.AdvanceRun(run.id()));
                }
                stored.add(run);
            }
            if (stored.stream().anyMatch(r -> r.state() == RunState.AWAITING_APPROVAL)) {
                // The summary tells the contributor what to wait for and who can approve.
                work.enqueueNow(new Work.Report(subject, event.headSha(), "awaiting-approval"));
            }
            return stored;
        });
        for (var run : planned) {
            if (run.state() == RunState.AWAITING_APPROVAL) {
                forge.setStatus(repo, run.headSha(), StatusText.of(run, links.run(run.id())));
            }
        }
        return decision.outcome().name().toLowerCase() + " (" + decision.rule() + "): " + planned.size()
                + (planned.size() == 1 ? " run" : " runs") + " at " + event.headSha();
    }

    /** A new head makes the runs of older heads pointless: cancel them so their results are never reported. */
    private void supersede(Subject subject, String newHead) {
        cancellations.cancel(subject, run -> !run.headSha().equals(newHead),
                "superseded by " + newHead.substring(0, Math.min(12, newHead.length())));
    }

    /** Run ids are derived from what makes a run unique, so a repeated step finds the same run. */
    static String runId(Subject subject, String head, String lab, int round) {
        return Sha256.hex(subject.key() + "\n" + head + "\n" + lab + "\n" + round, 10);
    }
}
