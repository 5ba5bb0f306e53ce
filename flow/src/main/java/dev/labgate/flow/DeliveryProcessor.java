package dev.labgate.flow;

import dev.labgate.core.Sha256;
import dev.labgate.config.PolicySource;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.CommitStatus;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.TrustDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The first step of the flow: a stored delivery becomes an event, a trust decision and planned
 * runs. Safe to repeat: a delivery processed twice plans nothing twice.
 */
public final class DeliveryProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final DeliveryStore deliveries;
    private final Forges forges;
    private final PolicySource policies;
    private final TrustGate gate;
    private final RunStore runs;
    private final WorkQueue work;
    private final Transactions transactions;
    private final RunLinks links;
    private final Clock clock;
    private final CommandHandler commands;
    private final Cancellations cancellations;
    private final Baselines baselines;

    public DeliveryProcessor(DeliveryStore deliveries, Forges forges, PolicySource policies, TrustGate gate,
                             RunStore runs, WorkQueue work, Transactions transactions, Labs labs, RunLinks links,
                             Clock clock, CommandHandler commands, Baselines baselines) {
        this.deliveries = deliveries;
        this.forges = forges;
        this.policies = policies;
        this.gate = gate;
        this.runs = runs;
        this.work = work;
        this.transactions = transactions;
        this.links = links;
        this.clock = clock;
        this.commands = commands;
        this.cancellations = new Cancellations(runs, work, transactions, labs);
        this.baselines = baselines;
    }

    /**
     * Acts on a stored delivery and says, in words, what that led to ("ignored: ...", "trusted ...:
     * 1 run at ..."). The caller records the outcome, so that a batch of deliveries is settled in
     * one transaction.
     */
    public String process(DeliveryKey key) {
        var delivery = deliveries.find(key);
        if (delivery.isEmpty()) {
            LOG.warn("delivery {} is not stored; nothing to do", key);
            return "missing: the delivery is not stored";
        }
        return process(delivery.get());
    }

    /** {@link #process(DeliveryKey)} for a delivery the caller has already read. */
    public String process(Delivery delivery) {
        var key = delivery.key();
        var forge = forges.get(key.forge());
        var event = forge.parse(delivery);
        var outcome = act(forge, event, key.id());
        logOutcome(delivery, outcome);
        return outcome;
    }

    /** The one line a delivery's outcome is logged in, by processing or by the intake that settled it. */
    public static void logOutcome(Delivery delivery, String outcome) {
        LOG.info("delivery {} ({}): {}", delivery.key(), delivery.event(), outcome);
    }

    /**
     * What processing this delivery certainly comes to, told from the delivery and the policy alone
     * (no store read, no forge asked): "ignored: ..." for an event labgate does not act on, or for a
     * change or push in a repository the policy does not name (a payload the adapter cannot read is
     * such an event: it says why). Empty when only processing can tell. The intake records such an
     * outcome in the transaction that stores the delivery, and schedules no processing for it.
     */
    public Optional<String> screen(Delivery delivery) {
        return ignoredOutright(forges.get(delivery.key().forge()).parse(delivery));
    }

    /** The one place that says which events are ignored before anything is read: {@link #screen} and {@link #act}. */
    private Optional<String> ignoredOutright(ForgeEvent event) {
        if (event instanceof ForgeEvent.Ignored ignored) {
            return Optional.of("ignored: " + ignored.reason());
        }
        var repo = event instanceof ForgeEvent.ChangeUpdated change ? change.change().repo()
                : event instanceof ForgeEvent.BranchPushed pushed && !pushed.deleted() ? pushed.repo() : null;
        if (repo != null && policies.current().repository(repo).isEmpty()) {
            return Optional.of("ignored: " + repo + " is not in the policy");
        }
        return Optional.empty();
    }

    /**
     * A delivery whose processing failed for good: when it was a comment command, the change is
     * told so, with the reason and how an operator retries it. Best effort: a forge that is still
     * failing leaves only the log line.
     *
     * @param failedId the id an operator retries the work by
     */
    public void failedForGood(DeliveryKey key, String error, String failedId) {
        try {
            var delivery = deliveries.find(key);
            if (delivery.isEmpty()) {
                return;
            }
            var forge = forges.get(key.forge());
            if (forge.parse(delivery.get()) instanceof ForgeEvent.CommandIssued command) {
                forge.reply(command.change(), command.commentId(), "@" + command.by() + ": `/labgate "
                        + command.command().word() + "` could not be carried out: " + error
                        + ". An operator can retry it with `labgate replay --retry " + failedId
                        + "`, or comment the command again later.");
            }
        } catch (RuntimeException e) {
            LOG.warn("delivery {} failed for good, and the change could not be told: {}", key, e.getMessage());
        }
    }

    /**
     * Acts on an event as if its delivery had just arrived (the reconciler calls this for what it
     * finds missing); returns what happened, in words.
     *
     * @param deliveryId the delivery that caused it, or a name for the reconciler's pass
     */
    public String act(Forge forge, ForgeEvent event, String deliveryId) {
        var outright = ignoredOutright(event);
        if (outright.isPresent()) {
            return outright.get();
        }
        if (event instanceof ForgeEvent.ChangeUpdated change) {
            return onDelivered(forge, change, deliveryId);
        }
        if (event instanceof ForgeEvent.CommandIssued command) {
            if (command.change().number() <= 0 && policies.current().repository(command.change().repo()).isPresent()) {
                return refuse(new Subject.Change(command.change()), "", command.by(), notANumber(command.change()),
                        deliveryId);
            }
            return commands.handle(forge, command, deliveryId,
                    (change, round) -> onChangeUpdated(forge, change, deliveryId, round));
        }
        if (event instanceof ForgeEvent.ChangeClosed closed) {
            var subject = new Subject.Change(closed.change());
            var cancelled = cancellations.cancel(subject, run -> true,
                    (closed.merged() ? "merged" : "closed") + (closed.by() == null ? "" : " by " + closed.by()));
            cancellations.release(subject);
            return (closed.merged() ? "merged" : "closed") + ": " + cancelled.size() + " unfinished "
                    + (cancelled.size() == 1 ? "run" : "runs") + " cancelled";
        }
        if (event instanceof ForgeEvent.BranchPushed pushed && pushed.deleted()) {
            var subject = new Subject.Branch(pushed.repo(), pushed.ref());
            var cancelled = cancellations.cancel(subject, run -> true, pushed.ref() + " was deleted");
            cancellations.release(subject);
            return pushed.ref() + " deleted: " + cancelled.size() + " unfinished "
                    + (cancelled.size() == 1 ? "run" : "runs") + " cancelled";
        }
        if (event instanceof ForgeEvent.BranchPushed pushed) {
            return onBranchPushed(forge, pushed, deliveryId);
        }
        return "ignored: " + event.getClass().getSimpleName() + " is not acted on yet";
    }

    /**
     * A change as a delivery (or the reconciler) tells of it. What does not add up is refused before
     * anything is planned or written to the forge, with the reason in the audit: a number no forge
     * gives, or a change the forge does not have open (unknown, or closed since). The forge's answer
     * also gives the base commit, which GitLab's hooks leave out.
     */
    private String onDelivered(Forge forge, ForgeEvent.ChangeUpdated delivered, String deliveryId) {
        var change = delivered.change();
        var subject = new Subject.Change(change);
        if (change.number() <= 0) {
            return refuse(subject, delivered.headSha(), delivered.author(), notANumber(change), deliveryId);
        }
        var open = forge.openChange(change);
        if (open.isEmpty()) {
            return refuse(subject, delivered.headSha(), delivered.author(), change + " is not open on "
                    + forge.name() + ": the forge does not know it, or it was closed; nothing was planned", deliveryId);
        }
        var event = delivered.baseSha() != null ? delivered : new ForgeEvent.ChangeUpdated(change, delivered.action(),
                delivered.headSha(), open.get().baseSha(), delivered.baseRef(), delivered.author(), delivered.fromFork(),
                delivered.cloneUrl(), delivered.fetchRef(), delivered.title(), delivered.webUrl(), delivered.draft(),
                delivered.headCloneUrl());
        return onChangeUpdated(forge, event, deliveryId, 0);
    }

    private static String notANumber(ChangeRef change) {
        return change.number() + " is not a change number: forges number pull and merge requests from 1; "
                + "nothing was planned";
    }

    /** Records in the audit why a change event was refused, and says so for the delivery's record. */
    private String refuse(Subject subject, String headSha, Person who, String reason, String deliveryId) {
        var decision = TrustDecision.rejected(TrustRules.CHANGE, reason);
        transactions.inTransaction(() -> gate.record(gate.entry(policies.current(), subject, headSha, who, "", "",
                decision, deliveryId)));
        return "refused (" + decision.rule() + "): " + reason;
    }

    private String onChangeUpdated(Forge forge, ForgeEvent.ChangeUpdated event, String deliveryId, int round) {
        var operator = policies.current();
        var repo = event.change().repo();
        if (operator.repository(repo).isEmpty()) {
            return "ignored: " + repo + " is not in the policy";
        }
        var planned = gate.plan(forge, operator, repo, Optional.of(() -> forge.changedFiles(event.change())));
        planned.note().ifPresent(note -> LOG.info("policy for {}: {}", repo, note));
        if (planned.plan().isEmpty()) {
            return "ignored: the policy plans no tests for this change";
        }
        var subject = new Subject.Change(event.change());
        supersede(subject, event.headSha());
        var verdict = gate.judgeChange(forge, planned, event);
        var decision = verdict.decision();
        LOG.info("trust for {} at {}: {} by rule {}: {}", event.change(), event.headSha(), decision.outcome(),
                decision.rule(), decision.reason());
        var stored = start(forge, subject, verdict, event.headSha(), event.baseSha(),
                event.baseRef() == null ? null : "refs/heads/" + event.baseRef(), event.cloneUrl(), event.fetchRef(),
                deliveryId, round, Optional.of(event));
        if (decision.outcome() == TrustDecision.Outcome.REJECTED) {
            return "rejected (" + decision.rule() + "): " + decision.reason();
        }
        return decision.outcome().name().toLowerCase(Locale.ROOT) + " (" + decision.rule() + "): " + stored.size()
                + (stored.size() == 1 ? " run" : " runs") + " at " + event.headSha();
    }

    /** Rule 6: a push to a staging branch by a trusted pusher is tested; other pushes are ignored. */
    private String onBranchPushed(Forge forge, ForgeEvent.BranchPushed event, String deliveryId) {
        var operator = policies.current();
        var rule = operator.repository(event.repo());
        if (rule.isEmpty()) {
            return "ignored: " + event.repo() + " is not in the policy";
        }
        var planned = gate.plan(forge, operator, event.repo(), Optional.empty());
        var staging = planned.policy().repository(event.repo()).orElseThrow();
        if (!staging.isStaging(event.ref()) || !event.ref().startsWith("refs/heads/") || event.deleted()) {
            return "ignored: " + event.ref() + (event.deleted() ? " was deleted" : " is not a staging branch");
        }
        if (planned.plan().isEmpty()) {
            return "ignored: the policy plans no tests";
        }
        var subject = new Subject.Branch(event.repo(), event.ref());
        supersede(subject, event.after());
        var verdict = gate.judgePush(forge, planned, event);
        var decision = verdict.decision();
        LOG.info("trust for {} at {}: {} by rule {}: {}", subject.key(), event.after(), decision.outcome(),
                decision.rule(), decision.reason());
        var before = event.before() == null || event.before().matches("0{40}") ? null : event.before();
        var stored = start(forge, subject, verdict, event.after(), before, event.ref(), event.cloneUrl(), event.ref(),
                deliveryId, 0, Optional.empty());
        if (decision.outcome() == TrustDecision.Outcome.REJECTED) {
            return "rejected (" + decision.rule() + "): " + decision.reason();
        }
        return "trusted (" + decision.rule() + "): " + stored.size() + (stored.size() == 1 ? " run" : " runs")
                + " at " + event.after();
    }

    /**
     * Counts the quotas and creates the runs they allow (and the base runs their baselines need,
     * which count against no quota), records the decisions in the audit (and a head that waits for
     * approval, or an approval carried over), all in one transaction; then tells the forge about
     * labs that will not run and about runs that wait.
     *
     * @param baseRef the branch that holds {@code base}, for a base run; null when unknown
     */
    private List<Run> start(Forge forge, Subject subject, TrustGate.Verdict judged, String head, String base,
                            String baseRef, String cloneUrl, String fetchRef, String deliveryId, int round,
                            Optional<ForgeEvent.ChangeUpdated> change) {
        var decision = judged.decision();
        var initial = decision.trusted() ? RunState.PLANNED : RunState.AWAITING_APPROVAL;
        var now = clock.instant();
        record Started(TrustGate.Verdict verdict, List<Run> runs) {
        }
        var started = transactions.inTransaction(() -> {
            var verdict = gate.admit(judged, lab -> runId(subject, head, lab, round));
            var stored = new ArrayList<Run>();
            var ids = new HashMap<String, String>();
            if (decision.outcome() != TrustDecision.Outcome.REJECTED) {
                for (var lab : verdict.labs()) {
                    if (!lab.admitted()) {
                        continue;
                    }
                    var entry = lab.entry();
                    var run = runs.createIfAbsent(new Run(runId(subject, head, entry.lab(), round), subject,
                            entry.lab(), head, base, cloneUrl, fetchRef, entry.tests(), round, initial, 0, null, "",
                            null, false, deliveryId, now, now, entry.after()));
                    runs.recordWhy(run.id(), entry.why());
                    change.map(ForgeEvent.ChangeUpdated::title).filter(t -> !t.isBlank())
                            .ifPresent(title -> runs.recordTitle(run.id(), title));
                    if (run.state() == RunState.PLANNED) {
                        baselines.startFor(run, baseRef);
                        work.enqueueNow(new Work.AdvanceRun(run.id()));
                    }
                    ids.put(entry.lab(), run.id());
                    stored.add(run);
                }
            }
            gate.record(verdict, subject, head, deliveryId, ids);
            verdict.carried().ifPresent(gate.approvals()::record);
            if (stored.stream().anyMatch(r -> r.state() == RunState.AWAITING_APPROVAL)) {
                change.ifPresent(event -> gate.approvals().request(new ApprovalRequest(event.change(), head,
                        base == null ? "" : base, event.baseRef() == null ? "" : "refs/heads/" + event.baseRef(),
                        event.author(), event.fromFork(), cloneUrl, fetchRef, now)));
                // The summary tells the contributor what to wait for and who can approve.
                work.enqueueNow(new Work.Report(subject, head, "awaiting-approval"));
            }
            return new Started(verdict, stored);
        });
        if (!judged.policy().reporting().statuses()) {
            return started.runs();
        }
        for (var run : started.runs()) {
            if (run.state() == RunState.AWAITING_APPROVAL) {
                forge.setStatus(subject, run.headSha(), StatusText.of(run, links.run(run.id())));
            }
        }
        for (var lab : started.verdict().labs()) {
            if (!lab.admitted()) {
                // The contributor sees on the commit why a lab will not test it.
                forge.setStatus(subject, head, new CommitStatus("labgate/" + lab.entry().lab(),
                        CommitStatus.State.ERROR, "Not run: " + lab.admission().decision().reason(), null));
            }
        }
        return started.runs();
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
