package dev.labgate.flow;

import dev.labgate.config.ChangeFacts;
import dev.labgate.config.Judgement;
import dev.labgate.config.LabAccess;
import dev.labgate.config.LabRequest;
import dev.labgate.config.MaintainerFacts;
import dev.labgate.config.Planner;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.PushFacts;
import dev.labgate.config.TrustRules;
import dev.labgate.core.Sha256;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.ForgeFacts;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.store.QuotaCounts;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.CommitRange;
import dev.labgate.core.trust.SignerKeys;
import dev.labgate.core.trust.TrustDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the flow asks whether a commit may reach lab hardware: gathers the facts (from the forge,
 * the repository's commits, the stores), applies the policy's {@link TrustRules} and plan, and
 * records every decision in the audit. Creating runs is left to the caller, in its transaction.
 */
public final class TrustGate {

    /** Audit decisions are also written to this logger, one line each. */
    private static final Logger AUDIT = LoggerFactory.getLogger("labgate.audit");
    private static final String ALL_ZEROS = "0".repeat(40);

    /** The policy for one subject and what it plans, before any trust decision. */
    public record Planned(Policy policy, TestPlan plan, Optional<String> note, Supplier<List<String>> changedFiles) {
    }

    /**
     * Whether one planned lab may be used, and why. For a trusted head this is the lab's tier until
     * {@link #admit} has counted the quotas.
     *
     * @param authorIsMaintainer whether the author counts as a maintainer (asked only of labs for
     *     maintainers' changes)
     */
    public record LabVerdict(TestPlan.Entry entry, Judgement admission, boolean authorIsMaintainer) {
        public boolean admitted() {
            return admission.trusted();
        }
    }

    /**
     * The decision about one head and each of its labs.
     *
     * @param who the author or pusher the decision is about
     * @param carried an approval carried over to this head after a pure rebase, to be recorded
     */
    public record Verdict(Policy policy, Judgement judgement, List<LabVerdict> labs, Person who,
                          Optional<Approval> carried) {
        public TrustDecision decision() {
            return judgement.decision();
        }
    }

    private final TrustRules rules;
    private final Planner planner;
    private final PolicyParser parser;
    private final ApprovalStore approvals;
    private final AuditLog audit;
    private final QuotaCounts quotas;
    private final ChangeCommits commits;
    private final Clock clock;

    public TrustGate(TrustRules rules, Planner planner, PolicyParser parser, ApprovalStore approvals, AuditLog audit,
                     QuotaCounts quotas, ChangeCommits commits, Clock clock) {
        this.rules = rules;
        this.planner = planner;
        this.parser = parser;
        this.approvals = approvals;
        this.audit = audit;
        this.quotas = quotas;
        this.commits = commits;
        this.clock = clock;
    }

    public TrustRules rules() {
        return rules;
    }

    public TrustFacts facts(ForgeFacts forge) {
        return new TrustFacts(forge, parser);
    }

    /** The repository's policy (with its default-branch extension) and the plan for the change's paths. */
    public Planned plan(ForgeFacts forge, Policy operator, RepoRef repo, Optional<Supplier<List<String>>> changed) {
        var extended = facts(forge).policyFor(operator, repo);
        var policy = extended.policy();
        var files = changed.map(TrustGate::memo).orElse(List::of);
        var needPaths = policy.plans().stream().anyMatch(p -> !p.paths().isEmpty());
        var plan = planner.plan(policy, changed.isEmpty() ? Optional.empty()
                : Optional.of(needPaths ? files.get() : List.of()));
        return new Planned(policy, plan, extended.note(), files);
    }

    /** Rules 1 to 5 and 7 for one head of a change, once its head is known to live on the forge's git host. */
    public Verdict judgeChange(ForgeFacts forge, Planned planned, ForgeEvent.ChangeUpdated event) {
        var policy = planned.policy();
        var origin = rules.headOrigin(event.cloneUrl(), event.headCloneUrl());
        if (origin.isPresent()) {
            return new Verdict(policy, origin.get(), labs(policy, planned.plan(), origin.get(), event.author(),
                    () -> false), event.author(), Optional.empty());
        }
        var facts = facts(forge);
        var repo = event.change().repo();
        var author = facts.person(policy, repo, event.author());
        var authorTrusted = rules.trustedPerson(policy, author);
        var approval = approvals.latest(event.change());
        var needCommits = policy.trust().signatures().required()
                || !authorTrusted && approval.filter(a -> !a.headSha().equals(event.headSha())).isPresent();
        Optional<List<CommitCheck>> checks = needCommits ? Optional.of(commits.inspect(range(event),
                facts.keys(policy, event.author(), authorTrusted))) : Optional.empty();
        var judgement = rules.decideChange(policy, new ChangeFacts(repo, event.headSha(), author, event.fromFork(),
                approval, checks));
        Optional<Approval> carried = Optional.empty();
        if (judgement.decision().rule().equals(TrustRules.REBASE_CARRY_OVER)) {
            var before = approval.orElseThrow();
            carried = Optional.of(new Approval(event.change(), event.headSha(), nonNull(event.baseSha()),
                    before.approver(), policy.version(), clock.instant(),
                    checks.orElseThrow().stream().map(CommitCheck::patchId).toList(), before.headSha()));
        }
        Supplier<Boolean> maintainer = memo(() -> rules.maintainer(policy, new MaintainerFacts(author,
                facts.maintainersFile(policy, repo), planned.changedFiles().get())).trusted());
        return new Verdict(policy, judgement, labs(policy, planned.plan(), judgement, event.author(), maintainer),
                event.author(), carried);
    }

    /** Rule 6 (and 3 and 7) for a branch push; the plan is made without changed paths. */
    public Verdict judgePush(ForgeFacts forge, Planned planned, ForgeEvent.BranchPushed event) {
        var facts = facts(forge);
        var policy = planned.policy();
        var pusher = facts.person(policy, event.repo(), event.pusher());
        var trusted = rules.trustedPerson(policy, pusher);
        Optional<List<CommitCheck>> checks = Optional.empty();
        var staging = policy.repository(event.repo()).map(r -> r.isStaging(event.ref())).orElse(false);
        if (policy.trust().signatures().required() && staging && !event.deleted()) {
            var before = event.before() == null || event.before().equals(ALL_ZEROS) ? "" : event.before();
            checks = Optional.of(commits.inspect(new CommitRange(event.cloneUrl(), event.ref(), event.after(), "",
                    before), facts.keys(policy, event.pusher(), trusted)));
        }
        var judgement = rules.decidePush(policy, new PushFacts(event.repo(), event.ref(), pusher, event.deleted(),
                checks));
        // Without the changed paths MAINTAINERS cannot name a pusher; permission, name and team still do.
        Supplier<Boolean> maintainer = memo(() -> rules.maintainer(policy, new MaintainerFacts(pusher,
                Optional.empty(), List.of())).trusted());
        return new Verdict(policy, judgement, labs(policy, planned.plan(), judgement, event.pusher(), maintainer),
                event.pusher(), Optional.empty());
    }

    /**
     * Rule 7's tiers for each planned lab. The quotas are left to {@link #admit}, which counts them
     * in the transaction that creates the runs; a head waiting for approval is counted when it is
     * approved.
     */
    List<LabVerdict> labs(Policy policy, TestPlan plan, Judgement judgement, Person author,
                          Supplier<Boolean> maintainer) {
        var verdicts = new ArrayList<LabVerdict>();
        for (var entry : plan.entries()) {
            var lab = entry.lab();
            var isMaintainer = policy.access(lab).tier() == LabAccess.Tier.MAINTAINERS && maintainer.get();
            var admission = judgement.decision().outcome() == TrustDecision.Outcome.REJECTED ? judgement
                    : rules.tier(policy, lab, author, isMaintainer);
            verdicts.add(new LabVerdict(entry, admission, isMaintainer));
        }
        return verdicts;
    }

    /**
     * Rule 7 in full for a trusted head: each lab its tier opens takes one of the author's runs of
     * the day (UTC), checked and counted in one atomic step in the store, so that deliveries
     * processed at the same moment, on any replica, never admit more than the quota. Call it inside
     * the transaction that creates or plans the runs: a rollback gives the runs back. Other
     * decisions are returned unchanged.
     *
     * @param runIds the id of the run each lab would get, by lab name; a run counted before keeps its place
     */
    public Verdict admit(Verdict verdict, Function<String, String> runIds) {
        if (verdict.decision().outcome() != TrustDecision.Outcome.TRUSTED) {
            return verdict;
        }
        var policy = verdict.policy();
        var perDay = policy.quotas().runsPerAuthorPerDay();
        var day = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
        var labs = new ArrayList<LabVerdict>();
        for (var lab : verdict.labs()) {
            if (!lab.admitted()) {
                labs.add(lab);
                continue;
            }
            var name = lab.entry().lab();
            // A run past the quota is asked for as if the day were full, so that the rule refuses it with its reason.
            int before = perDay.map(limit -> quotas.admit(verdict.who(), day, limit, runIds.apply(name)).orElse(limit + 1)
                    - 1).orElse(0);
            var admission = rules.admit(policy, new LabRequest(name, verdict.who(), lab.authorIsMaintainer(), before,
                    policy.maxConcurrent(name).isPresent() ? quotas.activeRuns(name) : 0));
            labs.add(new LabVerdict(lab.entry(), admission, lab.authorIsMaintainer()));
        }
        return new Verdict(policy, verdict.judgement(), List.copyOf(labs), verdict.who(), verdict.carried());
    }

    /**
     * Records a decision and the decision about each lab in the audit (and its log), inside the
     * caller's transaction. Ids derive from the cause, so a repeated step records nothing twice.
     *
     * @param cause what led to the decision: a delivery id or a comment id
     * @param runs the run created for each lab, by lab name
     */
    public void record(Verdict verdict, Subject subject, String headSha, String cause, Map<String, String> runs) {
        var decision = verdict.decision();
        record(entry(verdict.policy(), subject, headSha, verdict.who(), "", "", decision, cause));
        if (decision.outcome() == TrustDecision.Outcome.REJECTED) {
            return;
        }
        for (var lab : verdict.labs()) {
            var name = lab.entry().lab();
            record(entry(verdict.policy(), subject, headSha, verdict.who(), name, runs.getOrDefault(name, ""),
                    lab.admission().decision(), cause));
        }
    }

    /** Records one decision in the audit and its log. */
    public void record(AuditEntry entry) {
        audit.record(entry);
        AUDIT.info("{} at {} by {}{}: {} by rule {}: {} (policy {}, {})", entry.subjectKey(),
                shortSha(entry.headSha()), entry.who(), entry.lab().isEmpty() ? "" : " on lab " + entry.lab(),
                entry.outcome().name().toLowerCase(Locale.ROOT), entry.rule(), entry.reason(), entry.policyVersion(),
                entry.deliveryId());
    }

    public AuditEntry entry(Policy policy, Subject subject, String headSha, Person who, String lab, String runId,
                            TrustDecision decision, String cause) {
        var id = Sha256.hex(cause + "\n" + subject.key() + "\n" + headSha + "\n" + who + "\n" + lab + "\n"
                + decision.rule(), 16);
        return new AuditEntry(id, clock.instant(), subject.repo(), subject.key(), headSha, who, lab, runId,
                decision.rule(), decision.outcome(), decision.reason(), policy.version(), cause);
    }

    /** The commits of a change. */
    public List<CommitCheck> inspect(CommitRange range, SignerKeys keys) {
        return commits.inspect(range, keys);
    }

    public ApprovalStore approvals() {
        return approvals;
    }

    static CommitRange range(ForgeEvent.ChangeUpdated event) {
        return new CommitRange(event.cloneUrl(), event.fetchRef(), event.headSha(),
                event.baseRef() == null ? "" : "refs/heads/" + event.baseRef(), nonNull(event.baseSha()));
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    public static String shortSha(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }

    private static <T> Supplier<T> memo(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;
            private boolean done;

            @Override
            public synchronized T get() {
                if (!done) {
                    value = supplier.get();
                    done = true;
                }
                return value;
            }
        };
    }
}
