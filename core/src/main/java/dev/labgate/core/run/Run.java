package dev.labgate.core.run;

import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.LabRun;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One lab run of one head commit of a subject, as stored.
 *
 * @param id labgate's id; also the lab's idempotency key
 * @param round 0 for the first run of this head on this lab; {@code /labgate retest} adds one
 * @param attempt how many times the run was handed to the lab (infrastructure retries add one)
 * @param labRun the lab's handle, once submitted
 * @param note the last thing worth telling a human (queue position, error reason)
 * @param deadline when the lab's time is up; set when the run is submitted, null before
 * @param finalReported whether the terminal status of the run has reached the forge
 * @param deliveryId the delivery that caused the run, for log correlation
 * @param after the lab of the stage this run comes after (its run of the same head and round must
 *              pass first, and its artifacts are this run's input); empty for a first stage
 */
public record Run(String id, Subject subject, String lab, String headSha, String baseSha, String cloneUrl,
                  String fetchRef, List<String> tests, int round, RunState state, int attempt, LabRun labRun,
                  String note, Instant deadline, boolean finalReported, String deliveryId, Instant createdAt,
                  Instant updatedAt, Optional<String> after) {

    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(lab, "lab");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(state, "state");
        tests = List.copyOf(tests);
        note = note == null ? "" : note;
        Objects.requireNonNull(after, "after");
    }

    /** The commit status context of this run. */
    public String statusContext() {
        return "labgate/" + lab;
    }
}
