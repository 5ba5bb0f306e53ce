package dev.labgate.bot.pages;

import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcAuditLog;
import dev.labgate.bot.store.JdbcResultStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.bot.store.JdbcSubmissionStore;
import dev.labgate.config.LabSpec;
import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.run.StageOrder;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.review.Finding;
import dev.labgate.flow.Baselines;
import dev.labgate.flow.HeadFindings;
import dev.labgate.flow.Labs;
import dev.labgate.flow.RunVerdicts;
import dev.labgate.kcidb.findings.Findings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads what the run pages show from the stores. Read-only; safe from any thread. */
public final class RunViews {

    /** Findings of one kind shown on a page; the rest are counted. */
    static final int MAX_FINDINGS = 500;
    static final int MAX_MESSAGE = 4000;
    /** Runs of one subject read for the list of its other heads. */
    private static final int MAX_SUBJECT_RUNS = 300;

    private final JdbcRunStore runs;
    private final JdbcResultStore results;
    private final JdbcAuditLog audit;
    private final JdbcApprovalStore approvals;
    private final JdbcSubmissionStore submissions;
    private final RunVerdicts verdicts;
    private final PolicySource policies;
    private final Labs labs;
    private final RunVerdict pageVerdicts = new RunVerdict(MAX_FINDINGS);
    private final HeadFindings findings;

    public RunViews(JdbcRunStore runs, JdbcResultStore results, JdbcAuditLog audit, JdbcApprovalStore approvals,
                    JdbcSubmissionStore submissions, RunVerdicts verdicts, PolicySource policies, Labs labs) {
        this.runs = runs;
        this.results = results;
        this.audit = audit;
        this.approvals = approvals;
        this.submissions = submissions;
        this.verdicts = verdicts;
        this.policies = policies;
        this.labs = labs;
        this.findings = new HeadFindings(results, verdicts.baselines());
    }

    /**
     * The whole output of a run where labgate keeps it (a command lab's run), as the lab caps it;
     * empty for a run of a lab that keeps its own logs, or whose output is gone.
     */
    public Optional<String> log(String id) {
        return runs.find(id).filter(run -> run.labRun() != null)
                .flatMap(run -> labs.find(run.lab()).flatMap(lab -> lab.log(run.labRun())));
    }

    public Optional<RunView> run(String id) {
        return runs.find(id).map(this::view);
    }

    public RunListView list(RunListView.Query query, int limit) {
        var rows = runs.recent(query.filter(), limit).stream().map(listed -> {
            var run = listed.run();
            return new RunListView.Row(run.id(), run.subject().repo().toString(), subject(run.subject(), listed.title()),
                    run.headSha(), run.lab(), run.round(), run.state().label(), run.state().isTerminal(), run.note(),
                    listed.author(), run.createdAt(), run.updatedAt());
        }).toList();
        return new RunListView(query.repo(), query.state(), query.author(), limit, rows);
    }

    private RunView view(Run run) {
        var key = run.subject().key();
        var whys = runs.whys(key, run.headSha());
        var timeline = runs.transitions(run.id());
        var labs = new ArrayList<RunView.LabRow>();
        for (var sibling : StageOrder.of(runs.forHead(key, run.headSha()))) {
            var steps = sibling.id().equals(run.id()) ? timeline : runs.transitions(sibling.id());
            labs.add(labRow(sibling, steps, whys.getOrDefault(sibling.id(), ""), sibling.id().equals(run.id())));
        }
        var found = results.find(run.id());
        var verdict = found.map(r -> pageVerdicts.of(verdicts.of(List.of(run)))).orElse(null);
        var code = found.map(r -> code(run)).orElse(null);
        var commit = found.flatMap(RunViews::commit).orElse(null);
        var title = runs.title(run.id()).orElse("");
        var subjectRuns = runs.forSubject(key, MAX_SUBJECT_RUNS);
        var heads = heads(subjectRuns);
        var newer = subjectRuns.isEmpty() || subjectRuns.get(0).headSha().equals(run.headSha()) ? null
                : heads.stream().filter(h -> h.headSha().equals(subjectRuns.get(0).headSha())).findFirst().orElse(null);
        var previous = heads.stream().filter(h -> !h.headSha().equals(run.headSha())).toList();
        var lab = run.labRun();
        return new RunView(run.id(), run.subject().repo().toString(), key, subject(run.subject(), title), run.headSha(),
                Objects.requireNonNullElse(run.baseSha(), ""), run.fetchRef(), run.lab(), run.state().label(),
                run.state().isTerminal(), run.note(), run.round(), run.attempt(),
                lab == null ? "" : lab.externalId(), lab == null ? "" : Objects.requireNonNullElse(lab.url(), ""),
                run.createdAt(), run.updatedAt(), Objects.requireNonNullElse(run.deliveryId(), ""), commit,
                trust(run), labs, steps(run, timeline), verdict, code, newer, previous, kind(run.subject()), title,
                baseline(run), policies.current().labs().get(run.lab()) instanceof LabSpec.Command,
                submissions.submissions(run.id()).stream().map(sub -> new RunView.Shared(sub.id(), sub.objects(),
                        sub.state(), sub.message())).toList());
    }

    private RunView.CodeFindings code(Run run) {
        var found = findings.of(List.of(run));
        var sorted = new ArrayList<>(found.findings());
        sorted.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(Findings.READING_ORDER));
        var shown = sorted.stream().limit(MAX_FINDINGS).map(f -> new RunView.CodeFinding(f.path(), f.line(),
                f.column(), f.severity().label(), f.tool(), f.message())).toList();
        return new RunView.CodeFindings(found.compared(), sorted.size(), shown);
    }

    /** "change 7: Fix the demo", "branch refs/heads/staging", "base commit of changes (refs/heads/main)". */
    static String subject(Subject subject, String title) {
        if (subject instanceof Subject.Change change) {
            return "change " + change.change().number() + (title.isEmpty() ? "" : ": " + title);
        }
        if (subject instanceof Subject.Base base) {
            return "base commit of changes (" + base.ref() + ")";
        }
        return "branch " + ((Subject.Branch) subject).ref();
    }

    private static String kind(Subject subject) {
        return subject instanceof Subject.Change ? "change" : subject instanceof Subject.Base ? "base" : "branch";
    }

    private RunView.Baseline baseline(Run run) {
        var found = verdicts.baselines().of(run);
        if (run.subject() instanceof Subject.Base) {
            var waiting = verdicts.baselines().waitingOn(run).stream().map(RunViews::link).toList();
            return new RunView.Baseline("base", "This run tests the base commit of changes on " + run.lab()
                    + ": their results are compared with its results.", waiting);
        }
        if (found instanceof Baselines.Known known) {
            return new RunView.Baseline("compared", "Compared with the results of the base commit on " + run.lab()
                    + ".", known.from().stream().map(RunViews::link).toList());
        }
        if (found instanceof Baselines.Pending pending) {
            return new RunView.Baseline("waiting", "The base commit is being tested on " + run.lab()
                    + "; the verdict waits for it.", List.of(link(pending.base())));
        }
        var why = ((Baselines.None) found).why();
        return new RunView.Baseline("none", why.isEmpty() ? "No baseline." : "Not compared: " + why + ".", List.of());
    }

    private static RunView.RunLink link(Run run) {
        return new RunView.RunLink(run.id(), run.lab(), run.round(), run.state().label(), run.note());
    }

    private RunView.Trust trust(Run run) {
        var decisions = audit.forHead(run.subject().key(), run.headSha()).stream()
                .filter(e -> e.lab().isEmpty() || e.runId().equals(run.id())
                        || e.lab().equals(run.lab()) && e.runId().isEmpty())
                .map(RunViews::decision).toList();
        Instant waiting = null;
        RunView.Approval approval = null;
        if (run.subject() instanceof Subject.Change change) {
            waiting = approvals.request(change.change(), run.headSha()).map(ApprovalRequest::at).orElse(null);
            approval = approvals.forHead(change.change(), run.headSha()).map(a -> new RunView.Approval(
                    a.approver().login(), a.at(), a.policyVersion(), a.carriedFrom())).orElse(null);
        }
        return new RunView.Trust(waiting, approval, decisions);
    }

    private static RunView.Decision decision(AuditEntry e) {
        return new RunView.Decision(e.at(), e.who().login(), e.lab(), e.rule(),
                e.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.reason(), e.policyVersion());
    }

    /** The state a run was created in: the first transition's starting point, or its state if it never moved. */
    private static RunState initial(Run run, List<JdbcRunStore.Transition> transitions) {
        return transitions.isEmpty() ? run.state() : transitions.get(0).from();
    }

    private static List<RunView.Step> steps(Run run, List<JdbcRunStore.Transition> transitions) {
        var steps = new ArrayList<RunView.Step>();
        steps.add(new RunView.Step(run.createdAt(), "", initial(run, transitions).label(), ""));
        for (var t : transitions) {
            steps.add(new RunView.Step(t.at(), t.from().label(), t.to().label(), t.note()));
        }
        return steps;
    }

    private static RunView.LabRow labRow(Run run, List<JdbcRunStore.Transition> transitions, String why,
                                         boolean current) {
        var planned = initial(run, transitions) == RunState.PLANNED ? run.createdAt() : null;
        Instant submitted = null;
        Instant running = null;
        Instant finished = null;
        for (var t : transitions) {
            switch (t.to()) {
                case PLANNED -> planned = t.at();
                case SUBMITTED -> submitted = t.at();
                case RUNNING -> running = t.at();
                case AWAITING_APPROVAL, WAITING -> { }
                default -> finished = t.at();
            }
        }
        var lab = run.labRun();
        return new RunView.LabRow(run.id(), run.lab(), run.round(), run.tests(), why, run.after().orElse(""),
                run.state().label(),
                run.state().isTerminal(), run.note(), lab == null ? "" : Objects.requireNonNullElse(lab.url(), ""),
                planned, submitted, running, finished, current);
    }

    /** The heads of a subject, newest first, each with its runs. */
    private static List<RunView.HeadLink> heads(List<Run> newestFirst) {
        var byHead = new LinkedHashMap<String, List<Run>>();
        for (var run : newestFirst) {
            byHead.computeIfAbsent(run.headSha(), h -> new ArrayList<>()).add(run);
        }
        var heads = new ArrayList<RunView.HeadLink>();
        for (Map.Entry<String, List<Run>> head : byHead.entrySet()) {
            var headRuns = head.getValue();
            var at = headRuns.stream().map(Run::createdAt).min(Instant::compareTo).orElse(null);
            var links = headRuns.stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::lab)
                            .thenComparingInt(Run::round))
                    .map(r -> new RunView.RunLink(r.id(), r.lab(), r.round(), r.state().label(), r.note())).toList();
            heads.add(new RunView.HeadLink(head.getKey(), at, links));
        }
        return heads;
    }

    private static Optional<RunView.Commit> commit(KcidbData results) {
        return results.checkouts().stream().findFirst().map(RunViews::commit);
    }

    private static RunView.Commit commit(Checkout c) {
        var message = Objects.requireNonNullElse(c.gitCommitMessage(), "");
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
        return new RunView.Commit(Objects.requireNonNullElse(c.treeName(), ""),
                Objects.requireNonNullElse(c.gitRepositoryBranch(), ""),
                Objects.requireNonNullElse(c.gitCommitName(), ""), message);
    }
}
