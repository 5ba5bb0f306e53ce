package dev.labgate.testkit;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.QuotaCounts;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.SummaryStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;
import dev.labgate.core.trust.AuditEntry;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * labgate's one in-memory implementation of its store ports and work queue, for tests of the flow
 * in one thread. {@link StoreContract} holds it to what the JDBC stores promise, orderings
 * included; the JDBC stores run the same contract.
 */
public final class MemoryStores {

    public final Deliveries deliveries = new Deliveries();
    public final Runs runs;
    public final Results results = new Results();
    public final Summaries summaries = new Summaries();
    public final Trust trust = new Trust();
    public final Queue work = new Queue();
    /** One thread, nothing to isolate: a transaction is just the work. */
    public final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(Supplier<T> body) {
            return body.get();
        }
    };

    public MemoryStores(Clock clock) {
        this.runs = new Runs(clock);
    }

    /** Stored deliveries and what processing them led to. */
    public static final class Deliveries implements DeliveryStore {
        private final Map<DeliveryKey, Delivery> stored = new LinkedHashMap<>();
        private final Map<DeliveryKey, String> outcomes = new LinkedHashMap<>();

        /** Stores a delivery unless one with its key is stored; whether it was new. */
        public boolean store(Delivery delivery) {
            return stored.putIfAbsent(delivery.key(), delivery) == null;
        }

        @Override
        public Optional<Delivery> find(DeliveryKey key) {
            return Optional.ofNullable(stored.get(key));
        }

        public void markProcessed(DeliveryKey key, String outcome) {
            outcomes.put(key, outcome);
        }

        public Optional<String> outcome(DeliveryKey key) {
            return Optional.ofNullable(outcomes.get(key));
        }
    }

    /** Runs, ordered as the JDBC store orders them: by creation time, then as its queries say. */
    public static final class Runs implements RunStore {
        private final Clock clock;
        private final Map<String, Run> runs = new LinkedHashMap<>();
        private final Map<String, String> whys = new LinkedHashMap<>();
        private final Map<String, String> titles = new LinkedHashMap<>();
        private final Map<String, Instant> doubts = new LinkedHashMap<>();
        /** The planned runs that took a slot of their lab. */
        private final Set<String> slots = new HashSet<>();

        Runs(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Run createIfAbsent(Run run) {
            for (var existing : runs.values()) {
                if (existing.subject().key().equals(run.subject().key()) && existing.headSha().equals(run.headSha())
                        && existing.lab().equals(run.lab()) && existing.round() == run.round()) {
                    return existing;
                }
            }
            runs.put(run.id(), run);
            return run;
        }

        @Override
        public Optional<Run> find(String id) {
            return Optional.ofNullable(runs.get(id));
        }

        @Override
        public List<Run> forHead(String subjectKey, String headSha) {
            return runs.values().stream()
                    .filter(r -> r.subject().key().equals(subjectKey) && r.headSha().equals(headSha))
                    .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::lab).thenComparing(Run::round))
                    .toList();
        }

        @Override
        public Optional<String> latestHead(String subjectKey) {
            return runs.values().stream().filter(r -> r.subject().key().equals(subjectKey))
                    .max(Comparator.comparing(Run::createdAt).thenComparing(Run::id, Comparator.reverseOrder()))
                    .map(Run::headSha);
        }

        @Override
        public List<Run> active(String subjectKey) {
            return runs.values().stream()
                    .filter(r -> r.subject().key().equals(subjectKey) && !r.state().isTerminal())
                    .sorted(Comparator.comparing(Run::createdAt)).toList();
        }

        @Override
        public List<Run> activeOnBase(RepoRef repo, String baseSha) {
            return runs.values().stream().filter(r -> r.subject().repo().equals(repo) && baseSha.equals(r.baseSha())
                    && !r.state().isTerminal()).sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id))
                    .toList();
        }

        @Override
        public int takeSlot(String runId, String lab, int limit) {
            var run = runs.get(runId);
            if (run == null || run.state() != RunState.PLANNED || slots.contains(runId)) {
                return 0;
            }
            var queue = Comparator.comparing(Run::createdAt).thenComparing(Run::id);
            var atLab = runs.values().stream().filter(r -> r.lab().equals(lab)).toList();
            var holding = atLab.stream().filter(r -> r.state() == RunState.SUBMITTED || r.state() == RunState.RUNNING
                    || r.state() == RunState.PLANNED && slots.contains(r.id())).count();
            var ahead = atLab.stream().filter(r -> r.state() == RunState.PLANNED && !slots.contains(r.id())
                    && queue.compare(r, run) < 0).count();
            var place = ahead + holding - limit + 1;
            if (place > 0) {
                return (int) place;
            }
            slots.add(runId);
            return 0;
        }

        @Override
        public Optional<Run> transition(String id, RunState from, RunState to, String note, LabRun labRun, int attempt,
                                        Instant deadline) {
            if (!from.canMoveTo(to)) {
                throw new IllegalStateException("a run cannot go from " + from.label() + " to " + to.label());
            }
            var run = runs.get(id);
            if (run == null || run.state() != from) {
                return Optional.empty();
            }
            var moved = copy(run, to, attempt, labRun == null ? run.labRun() : labRun, note,
                    deadline == null ? run.deadline() : deadline, run.finalReported());
            runs.put(id, moved);
            return Optional.of(moved);
        }

        @Override
        public void markFinalReported(String id) {
            var run = runs.get(id);
            runs.put(id, copy(run, run.state(), run.attempt(), run.labRun(), run.note(), run.deadline(), true));
        }

        @Override
        public List<Run> reportedSince(Instant since, int limit) {
            return runs.values().stream().filter(r -> r.finalReported() && !r.updatedAt().isBefore(since))
                    .sorted(Comparator.comparing(Run::updatedAt).reversed().thenComparing(Run::id)).limit(limit)
                    .toList();
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
        public void updateNote(String id, String note) {
            var run = runs.get(id);
            runs.put(id, copy(run, run.state(), run.attempt(), run.labRun(), note, run.deadline(), run.finalReported()));
        }

        @Override
        public void recordWhy(String id, String why) {
            whys.putIfAbsent(id, why);
        }

        @Override
        public List<Run> atCommit(RepoRef repo, String sha) {
            return runs.values().stream().filter(r -> r.subject().repo().equals(repo) && r.headSha().equals(sha))
                    .sorted(Comparator.comparing(Run::updatedAt).reversed().thenComparing(Run::id)).toList();
        }

        @Override
        public void recordTitle(String id, String title) {
            titles.putIfAbsent(id, title);
        }

        /** The title recorded for a run's change; empty when none was. */
        public Optional<String> title(String id) {
            return Optional.ofNullable(titles.get(id));
        }

        @Override
        public Map<String, String> whys(String subjectKey, String headSha) {
            var found = new LinkedHashMap<String, String>();
            runs.values().stream().filter(r -> r.subject().key().equals(subjectKey) && r.headSha().equals(headSha)
                    && whys.containsKey(r.id())).forEach(r -> found.put(r.id(), whys.get(r.id())));
            return found;
        }

        /** Every run, in the order they were stored. */
        public List<Run> all() {
            return new ArrayList<>(runs.values());
        }

        /** A run that must exist. */
        public Run get(String id) {
            return find(id).orElseThrow(() -> new AssertionError("no run " + id));
        }

        private Run copy(Run run, RunState state, int attempt, LabRun labRun, String note, Instant deadline,
                         boolean finalReported) {
            return new Run(run.id(), run.subject(), run.lab(), run.headSha(), run.baseSha(), run.cloneUrl(),
                    run.fetchRef(), run.tests(), run.round(), state, attempt, labRun, note, deadline, finalReported,
                    run.deliveryId(), run.createdAt(), clock.instant(), run.after());
        }
    }

    /** The KCIDB results of runs. */
    public static final class Results implements ResultStore {
        private final Map<String, KcidbData> results = new LinkedHashMap<>();

        @Override
        public void save(String runId, KcidbData data) {
            results.put(runId, data);
        }

        @Override
        public Optional<KcidbData> find(String runId) {
            return Optional.ofNullable(results.get(runId));
        }
    }

    /** What was last posted in each subject's summary. */
    public static final class Summaries implements SummaryStore {
        private final Map<String, String> posted = new LinkedHashMap<>();

        @Override
        public Optional<String> lockLastPosted(String subjectKey) {
            return Optional.ofNullable(posted.get(subjectKey));
        }

        @Override
        public void savePosted(String subjectKey, String fingerprint) {
            posted.put(subjectKey, fingerprint);
        }
    }

    /** Approvals, the audit and the quota counts; the lab's active runs are set by the test. */
    public static final class Trust implements ApprovalStore, AuditLog, QuotaCounts {
        private final List<ApprovalRequest> requests = new ArrayList<>();
        private final List<Approval> approvals = new ArrayList<>();
        private final Map<String, AuditEntry> audit = new LinkedHashMap<>();
        private final Map<String, Integer> active = new LinkedHashMap<>();
        private final Map<String, Counted> admitted = new LinkedHashMap<>();
        private int runsToday;

        /** A run counted against its author's quota of a day, and its place in that day. */
        private record Counted(String who, LocalDate day, int place) {
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
            return audit.values().stream().filter(e -> e.repo().forge().equals(repo.forge())
                            && e.repo().fullName().equalsIgnoreCase(repo.fullName()))
                    .sorted(Comparator.comparing(AuditEntry::at).reversed().thenComparing(AuditEntry::id))
                    .limit(limit).toList();
        }

        @Override
        public OptionalInt admit(Person author, LocalDate day, int limit, String runId) {
            var counted = admitted.get(runId);
            if (counted != null) {
                return OptionalInt.of(counted.place());
            }
            var before = runsToday + (int) admitted.values().stream()
                    .filter(c -> c.who().equals(author.login()) && c.day().equals(day)).count();
            if (before >= limit) {
                return OptionalInt.empty();
            }
            admitted.put(runId, new Counted(author.login(), day, before + 1));
            return OptionalInt.of(before + 1);
        }

        @Override
        public int activeRuns(String lab) {
            return active.getOrDefault(lab, 0);
        }

        public List<ApprovalRequest> requests() {
            return List.copyOf(requests);
        }

        public List<Approval> approvals() {
            return List.copyOf(approvals);
        }

        /** Every audit entry, in the order recorded. */
        public List<AuditEntry> audit() {
            return List.copyOf(audit.values());
        }

        /** Sets how many runs every author had counted on any day before the test began. */
        public void runsToday(int count) {
            runsToday = count;
        }

        /** The ids of the runs counted against quotas, in the order counted. */
        public List<String> admitted() {
            return List.copyOf(admitted.keySet());
        }

        public void activeRuns(String lab, int count) {
            active.put(lab, count);
        }
    }

    /** The work queue: what was enqueued, in order, once per id. */
    public static final class Queue implements WorkQueue {
        private final List<Work> items = new ArrayList<>();

        @Override
        public void enqueue(Work item, Instant notBefore) {
            if (items.stream().noneMatch(w -> w.id().equals(item.id()))) {
                items.add(item);
            }
        }

        @Override
        public void reschedule(Work item, Instant at) {
            enqueue(item, at);
        }

        public List<Work> items() {
            return List.copyOf(items);
        }

        /** Forgets what was enqueued so far. */
        public void clear() {
            items.clear();
        }
    }
}
