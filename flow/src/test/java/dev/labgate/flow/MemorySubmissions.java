package dev.labgate.flow;

import dev.labgate.kcidb.submit.Submission;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What became of each run's results sent to KCIDB, in memory (the service keeps it in {@code kcidb_submissions}). */
final class MemorySubmissions implements KcidbSharing.Store {

    private final Map<String, List<Submission>> kept = new LinkedHashMap<>();

    @Override
    public List<Submission> submissions(String runId) {
        return kept.getOrDefault(runId, List.of());
    }

    @Override
    public void save(String runId, List<Submission> submissions) {
        kept.put(runId, List.copyOf(submissions));
    }
}
