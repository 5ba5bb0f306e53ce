package dev.labgate.flow;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.DeliveryStore;
import dev.labgate.core.store.ResultStore;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.SummaryStore;
import dev.labgate.core.store.Transactions;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The store ports in memory, for flow tests in one thread: the same contracts as the JDBC stores. */
final class MemoryStores {

    final Deliveries deliveries = new Deliveries();
    final Runs runs;
    final Results results = new Results();
    final Summaries summaries = new Summaries();
    /** One thread, nothing to isolate: a transaction is just the work. */
    final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(Supplier<T> work) {
            return work.get();
        }
    };

    MemoryStores(Clock clock) {
        this.runs = new Runs(clock);
    }

    static final class Deliveries implements DeliveryStore {
        private final Map<DeliveryKey, Delivery> stored = new LinkedHashMap<>();
        private final Map<DeliveryKey, String> outcomes = new LinkedHashMap<>();

        /** Stores a delivery unless one with its key is stored; whether it was new. */
        boolean store(Delivery delivery) {
            return stored.putIfAbsent(delivery.key(), delivery) == null;
        }

        @Override
        public Optional<Delivery> find(DeliveryKey key) {
            return Optional.ofNullable(stored.get(key));
        }

        void markProcessed(DeliveryKey key, String outcome) {
            outcomes.put(key, outcome);
        }

        Optional<String> outcome(DeliveryKey key) {
            return Optional.ofNullable(outcomes.get(key));
        }
    }

    static final class Runs implements RunStore {
        private final Clock clock;
        private final Map<String, Run> runs = new LinkedHashMap<>();
        private final Map<String, String> whys = new LinkedHashMap<>();
        private final Map<String, Instant> doubts = new LinkedHashMap<>();

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
            Run latest = null;
            for (var run : runs.values()) {
                if (run.subject().key().equals(subjectKey)
                        && (latest == null || !run.createdAt().isBefore(latest.createdAt()))) {
                    latest = run;
                }
            }
            return Optional.ofNullable(latest).map(Run::headSha);
        }

        @Override
        public List<Run> active(String subjectKey) {
            return runs.values().stream()
                    .filter(r -> r.subject().key().equals(subjectKey) && !r.state().isTerminal()).toList();
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
        public void updateNote(String id, String note) {
            var run = runs.get(id);
            runs.put(id, copy(run, run.state(), run.attempt(), run.labRun(), note, run.deadline(), run.finalReported()));
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
            var finished = new ArrayList<Run>();
            runs.values().stream().filter(r -> r.subject().repo().equals(repo) && r.headSha().equals(headSha)
                    && (r.state() == RunState.PASSED || r.state() == RunState.FAILED)).forEach(finished::add);
            finished.sort(Comparator.comparing(Run::updatedAt).reversed());
            return finished;
        }

        @Override
        public Map<String, String> whys(String subjectKey, String headSha) {
            var found = new LinkedHashMap<String, String>();
            runs.values().stream().filter(r -> r.subject().key().equals(subjectKey) && r.headSha().equals(headSha)
                    && whys.containsKey(r.id())).forEach(r -> found.put(r.id(), whys.get(r.id())));
            return found;
        }

        List<Run> all() {
            return new ArrayList<>(runs.values());
        }

        private Run copy(Run run, RunState state, int attempt, LabRun labRun, String note, Instant deadline,
                         boolean finalReported) {
            return new Run(run.id(), run.subject(), run.lab(), run.headSha(), run.baseSha(), run.cloneUrl(),
                    run.fetchRef(), run.tests(), run.round(), state, attempt, labRun, note, deadline, finalReported,
                    run.deliveryId(), run.createdAt(), clock.instant());
        }
    }

    static final class Results implements ResultStore {
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

    static final class Summaries implements SummaryStore {
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
}
