package dev.labgate.flow;

import dev.labgate.config.ChangeFacts;
import dev.labgate.config.MaintainerFacts;
import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Subject;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.CommitCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * A maintainer's {@code /labgate ok-to-test}: approves the change's current head, and only that
 * head. The approval is recorded (approver, head, base, policy version, time, the patch ids that
 * let it survive a pure rebase), the head is judged again, and its runs waiting for approval are
 * planned within the labs' tiers and quotas. A comment by anyone else changes nothing and the
 * outcome says why. Safe to repeat: a second approval of the same head plans nothing twice.
 */
public final class Approvals {

    private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);

    /**
     * What became of the command, in words for a reply to the commenter.
     *
     * @param approved whether the head is now approved
     */
    public record Outcome(boolean approved, String message) {
        static Outcome ignored(String message) {
            return new Outcome(false, message);
        }
    }

    private final Forges forges;
    private final PolicySource policies;
    private final TrustGate gate;
    private final RunStore runs;
    private final WorkQueue work;
    private final Transactions transactions;
    private final Baselines baselines;
    private final Clock clock;

    public Approvals(Forges forges, PolicySource policies, TrustGate gate, RunStore runs, WorkQueue work,
                     Transactions transactions, Baselines baselines, Clock clock) {
        this.forges = forges;
        this.policies = policies;
        this.gate = gate;
        this.runs = runs;
        this.work = work;
        this.transactions = transactions;
        this.baselines = baselines;
        this.clock = clock;
    }

    public Outcome approve(ForgeEvent.CommandIssued command) {
        if (command.command() != Command.OK_TO_TEST) {
            return Outcome.ignored("/labgate " + command.command().word() + " is not an approval");
        }
        var change = command.change();
        var repo = change.repo();
        var operator = policies.current();
        if (operator.repository(repo).isEmpty()) {
            return Outcome.ignored(repo + " is not in labgate's policy");
        }
        var forge = forges.get(repo.forge());
        var facts = gate.facts(forge);
        var head = forge.currentHead(change);
        var request = gate.approvals().request(change, head);
        var subject = new Subject.Change(change);
        var cause = "comment " + command.commentId();
        if (request.isEmpty()) {
            var message = runs.forHead(subject.key(), head).isEmpty()
                    ? "nothing waits for approval at " + TrustGate.shortSha(head) + " yet; if it was just pushed, "
                    + "approve again in a minute"
                    : TrustGate.shortSha(head) + " needs no approval: it is trusted already";
            return Outcome.ignored(message);
        }
        var policy = facts.policyFor(operator, repo).policy();
        var rules = gate.rules();
        var approver = facts.person(policy, repo, command.by());
        var changed = policy.trust().maintainers().maintainersFile().isPresent() ? facts.changedFiles(change)
                : List.<String>of();
        var approverJudgement = rules.approval(policy, new MaintainerFacts(approver, facts.maintainersFile(policy,
                repo), changed), head);
        if (!approverJudgement.trusted()) {
            transactions.inTransaction(() -> gate.record(gate.entry(policy, subject, head, command.by(), "", "",
                    approverJudgement.decision(), cause)));
            LOG.info("{} on {}: {}", cause, change, approverJudgement.decision().reason());
            return Outcome.ignored(approverJudgement.decision().reason());
        }

        var pending = request.get();
        var author = facts.person(policy, repo, pending.author());
        var checks = gate.inspect(pending.range(), facts.keys(policy, pending.author(), false));
        var approval = new Approval(change, head, pending.baseSha(), command.by(), policy.version(), clock.instant(),
                checks.stream().map(CommitCheck::patchId).toList(), "");
        var judgement = rules.decideChange(policy, new ChangeFacts(repo, head, author, pending.fromFork(),
                Optional.of(approval), Optional.of(checks)));
        var waiting = runs.forHead(subject.key(), head).stream()
                .filter(r -> r.state() == RunState.AWAITING_APPROVAL).toList();
        var plan = new TestPlan(waiting.stream()
                .map(r -> new TestPlan.Entry(r.lab(), r.tests(), "waiting for approval", r.after())).toList());
        var judged = new TrustGate.Verdict(policy, judgement, gate.labs(policy, plan, judgement, pending.author(),
                () -> rules.maintainer(policy, new MaintainerFacts(author, facts.maintainersFile(policy, repo),
                        changed)).trusted()), pending.author(), Optional.empty());

        List<String> planned = transactions.inTransaction(() -> {
            gate.record(gate.entry(policy, subject, head, command.by(), "", "", approverJudgement.decision(), cause));
            if (judgement.trusted()) {
                gate.approvals().record(approval);
            }
            var verdict = gate.admit(judged, lab -> waiting.stream().filter(r -> r.lab().equals(lab)).findFirst()
                    .orElseThrow().id());
            var moved = new ArrayList<String>();
            var ids = new HashMap<String, String>();
            for (var lab : verdict.labs()) {
                var run = waiting.stream().filter(r -> r.lab().equals(lab.entry().lab())).findFirst().orElseThrow();
                ids.put(run.lab(), run.id());
                if (judgement.trusted() && lab.admitted()) {
                    runs.transition(run.id(), RunState.AWAITING_APPROVAL, RunState.PLANNED,
                            "approved by " + command.by(), null, run.attempt(), null).ifPresent(r -> {
                                baselines.startFor(r, pending.baseRef());
                                work.enqueueNow(new Work.AdvanceRun(r.id()));
                                moved.add(r.lab());
                            });
                } else {
                    cancel(run, lab.admission().decision().reason());
                }
            }
            gate.record(verdict, subject, head, cause, ids);
            work.enqueueNow(new Work.Report(subject, head, cause));
            return moved;
        });
        var decision = judgement.decision();
        LOG.info("{} on {}: {} by rule {}: {}; planned {}", cause, change, decision.outcome(), decision.rule(),
                decision.reason(), planned);
        if (!judgement.trusted()) {
            return Outcome.ignored(approverJudgement.decision().reason() + ", but the commit still cannot be tested: "
                    + decision.reason());
        }
        return new Outcome(true, approverJudgement.decision().reason() + "; " + (planned.isEmpty()
                ? "no lab is open to it" : "testing on " + String.join(", ", planned)));
    }

    /** A waiting run that may not run after all ends, with the reason, and its step reports it. */
    private void cancel(Run run, String reason) {
        runs.transition(run.id(), RunState.AWAITING_APPROVAL, RunState.CANCELLED, "not run: " + reason, null,
                run.attempt(), null).ifPresent(r -> work.enqueueNow(new Work.AdvanceRun(r.id())));
    }
}
