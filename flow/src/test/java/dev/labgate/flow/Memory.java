package dev.labgate.flow;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.QuotaCounts;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The stores and the work queue in memory, for tests of the flow at its ports. */
final class Memory implements DeliveryStore, RunStore, WorkQueue, Transactions, ApprovalStore, AuditLog, QuotaCounts {

    final Map<DeliveryKey, Delivery> deliveries = new LinkedHashMap<>();
    final Map<String, Run> runs = new LinkedHashMap<>();
    final Map<String, String> whys = new LinkedHashMap<>();
    final Map<String, Instant> doubts = new LinkedHashMap<>();
    final List<Work> work = new ArrayList<>();
    final List<ApprovalRequest> requests = new ArrayList<>();
    final List<Approval> approvals = new ArrayList<>();
    final Map<String, AuditEntry> audit = new LinkedHashMap<>();
    int runsToday;
    final Map<String, Integer> active = new LinkedHashMap<>();

    @Override
    public Optional<Delivery> find(DeliveryKey key) {
        return Optional.ofNullable(deliveries.get(key));
    }

    @Override
    public Run createIfAbsent(Run run) {
        return runs.values().stream().filter(r -> r.subject().key().equals(run.subject().key())
                        && r.headSha().equals(run.headSha()) && r.lab().equals(run.lab()) && r.round() == run.round())
                .findFirst().orElseGet(() -> {
                    runs.put(run.id(), run);
                    return run;
                });
    }

    @Override
    public Optional<Run> find(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    @Override
    public List<Run> forHead(String subjectKey, String headSha) {
        return runs.values().stream().filter(r -> r.subject().key().equals(subjectKey) && r.headSha().equals(headSha))
                .toList();
    }

    @Override
    public Optional<String> latestHead(String subjectKey) {
        return runs.values().stream().filter(r -> r.subject().key().equals(subjectKey)).reduce((a, b) -> b)
                .map(Run::headSha);
    }

    @Override
    public List<Run> active(String subjectKey) {
        return runs.values().stream().filter(r -> r.subject().key().equals(subjectKey) && !r.state().isTerminal())
                .toList();
    }

    @Override
    public List<Run> atLab(String lab) {
        return runs.values().stream().filter(r -> r.lab().equals(lab) && (r.state() == RunState.PLANNED
                        || r.state() == RunState.SUBMITTED || r.state() == RunState.RUNNING))
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id)).toList();
    }

    @Override
    public Optional<Run> transition(String id, RunState from, RunState to, String note, LabRun labRun, int attempt,
                                    Instant deadline) {
        var run = runs.get(id);
        if (run == null || run.state() != from) {
            return Optional.empty();
        }
        var moved = new Run(run.id(), run.subject(), run.lab(), run.headSha(), run.baseSha(), run.cloneUrl(),
                run.fetchRef(), run.tests(), run.round(), to, attempt, labRun == null ? run.labRun() : labRun, note,
                deadline == null ? run.deadline() : deadline, run.finalReported(), run.deliveryId(), run.createdAt(),
                run.updatedAt());
        runs.put(id, moved);
        return Optional.of(moved);
    }

    @Override
    public void markFinalReported(String id) {
        var run = runs.get(id);
        runs.put(id, new Run(run.id(), run.subject(), run.lab(), run.headSha(), run.baseSha(), run.cloneUrl(),
                run.fetchRef(), run.tests(), run.round(), run.state(), run.attempt(), run.labRun(), run.note(),
                run.deadline(), true, run.deliveryId(), run.createdAt(), run.updatedAt()));
    }

    @Override
    public void updateNote(String id, String note) {
        var run = runs.get(id);
        transition(id, run.state(), run.state(), note, null, run.attempt(), null);
    }

    @Override
    public List<Run> reportedSince(Instant since, int limit) {
        return runs.values().stream().filter(r -> r.finalReported() && !r.updatedAt().isBefore(since))
                .sorted(Comparator.comparing(Run::updatedAt).reversed().thenComparing(Run::id)).limit(limit).toList();
    }

    @Override
    public void markStatusInDoubt(String id, Instant since) {
        doubts.putIfAbsent(id, since);
    }

    @Override
    public Optional<Instant> statusInDoubtSince(String id) {
        return Optional.ofNullable(doubts.get(id));
    }

    @Override
    public void clearStatusDoubt(String id) {
        doubts.remove(id);
    }

    @Override
    public void recordWhy(String id, String why) {
        whys.putIfAbsent(id, why);
    }

    @Override
    public List<Run> finishedAt(RepoRef repo, String headSha) {
        return runs.values().stream().filter(r -> r.subject().repo().equals(repo) && r.headSha().equals(headSha)
                && (r.state() == RunState.PASSED || r.state() == RunState.FAILED))
                .sorted(Comparator.comparing(Run::updatedAt).reversed()).toList();
    }

    @Override
    public Map<String, String> whys(String subjectKey, String headSha) {
        var found = new LinkedHashMap<String, String>();
        runs.values().stream().filter(r -> r.subject().key().equals(subjectKey) && r.headSha().equals(headSha)
                && whys.containsKey(r.id())).forEach(r -> found.put(r.id(), whys.get(r.id())));
        return found;
    }

    @Override
    public void enqueue(Work item, Instant notBefore) {
        if (work.stream().noneMatch(w -> w.id().equals(item.id()))) {
            work.add(item);
        }
    }

    @Override
    public void reschedule(Work item, Instant at) {
        enqueue(item, at);
    }

    @Override
    public <T> T inTransaction(Supplier<T> body) {
        return body.get();
    }

    @Override
    public void request(ApprovalRequest request) {
        if (request(request.change(), request.headSha()).isEmpty()) {
            requests.add(request);
        }
    }

    @Override
    public Optional<ApprovalRequest> request(ChangeRef change, String headSha) {
        return requests.stream().filter(r -> r.change().equals(change) && r.headSha().equals(headSha)).findFirst();
    }

    @Override
    public void record(Approval approval) {
        if (approvals.stream().noneMatch(a -> a.change().equals(approval.change())
                && a.headSha().equals(approval.headSha()))) {
            approvals.add(approval);
        }
    }

    @Override
    public Optional<Approval> latest(ChangeRef change) {
        return approvals.stream().filter(a -> a.change().equals(change)).max(Comparator.comparing(Approval::at));
    }

    @Override
    public void record(AuditEntry entry) {
        audit.putIfAbsent(entry.id(), entry);
    }

    @Override
    public List<AuditEntry> forRepository(RepoRef repo, int limit) {
        return audit.values().stream().filter(e -> e.repo().equals(repo)).toList();
    }

    @Override
    public int runsAdmittedSince(Person author, Instant since) {
        return runsToday;
    }

    @Override
    public int activeRuns(String lab) {
        return active.getOrDefault(lab, 0);
    }
}
