package dev.labgate.core.store;

import dev.labgate.core.event.RepoRef;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stored runs and their transitions. Implementations are safe to use from several replicas at
 * once: creation is idempotent and every state change is a compare-and-set.
 */
public interface RunStore {

    /**
     * Stores the run unless one already exists for the same subject, head, lab and round; either
     * way returns the stored run. A repeated delivery therefore never plans a second run.
     */
    Run createIfAbsent(Run run);

    Optional<Run> find(String id);

    /** Every run of a subject at one head commit, oldest first. */
    List<Run> forHead(String subjectKey, String headSha);

    /**
     * The runs of a repository at one commit, of any subject and in any state, most recently
     * updated first: where the baseline of changes based on that commit comes from.
     */
    List<Run> atCommit(RepoRef repo, String sha);

    /** The head commit of the subject's most recently planned runs, if it has any. */
    Optional<String> latestHead(String subjectKey);

    /** The runs of a subject that are not in a terminal state, at any head. */
    List<Run> active(String subjectKey);

    /**
     * The runs of a repository based on a commit that are not in a terminal state, oldest first:
     * those a run of that commit is the baseline of.
     */
    List<Run> activeOnBase(RepoRef repo, String baseSha);

    /**
     * Takes one of the lab's {@code limit} slots for a planned run when one is free for it: fewer
     * than {@code limit} runs of the lab hold a slot and no older planned run waits ahead of it.
     * The check and the taking are one atomic step, serialized per lab across workers and
     * replicas, so the lab never gets more than {@code limit} runs at once. A run keeps its slot
     * while it is submitted or running, and while it waits to be submitted again after a failed
     * attempt; it frees it when it ends.
     *
     * @return 0 when the run holds a slot (taken now or before), else its place in the lab's queue (1 = next)
     */
    int takeSlot(String runId, String lab, int limit);

    /**
     * Moves a run from {@code from} to {@code to} if it is still in {@code from}, recording the
     * transition; empty when another worker moved it first.
     *
     * @param labRun the lab handle to store (null keeps the current one)
     * @param attempt the attempt number to store
     * @param deadline the deadline to store (null keeps the current one)
     */
    Optional<Run> transition(String id, RunState from, RunState to, String note, LabRun labRun, int attempt,
                             Instant deadline);

    /** Records that the terminal status of the run was written to the forge. */
    void markFinalReported(String id);

    /**
     * Runs whose terminal status was written to the forge and that changed at or after
     * {@code since}, most recently changed first, at most {@code limit}: the statuses the
     * reconciler reads back at the forge.
     */
    List<Run> reportedSince(Instant since, int limit);

    /**
     * Records that a status write of the run got no answer (a timeout, a reset connection), so the
     * forge may still apply it after a later one. The earliest such moment stays until cleared.
     */
    void markStatusInDoubt(String id, Instant since);

    /** Since when a status write of the run is in doubt; empty when every write was answered or the doubt was cleared. */
    Optional<Instant> statusInDoubtSince(String id);

    /** The run's statuses were read back and no late write can land any more. */
    void clearStatusDoubt(String id);

    /** Updates the note of a run without changing its state (queue position, progress). */
    void updateNote(String id, String note);

    /**
     * Records why the plan chose this run's lab and tests (the policy's plan rules and the paths
     * that matched), for the run's page. The first reason recorded stays: a repeated step keeps it.
     */
    void recordWhy(String id, String why);

    /**
     * Records the title of the change a run tests, as the forge said it when the run was planned,
     * for the pages. The first title recorded stays: a repeated step keeps it.
     */
    void recordTitle(String id, String title);

    /** Why the plan chose each run of a head, by run id; runs planned before this was recorded are absent. */
    Map<String, String> whys(String subjectKey, String headSha);
}
