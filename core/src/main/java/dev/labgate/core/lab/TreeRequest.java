package dev.labgate.core.lab;

import dev.labgate.core.event.Subject;

import java.util.List;
import java.util.Objects;

/**
 * A kernel tree to test: where to fetch it and which commit.
 *
 * @param runId labgate's run id; the lab's idempotency key
 * @param subject the change or branch this tree comes from
 * @param cloneUrl the base repository's clone URL on the configured forge host
 * @param fetchRef the ref of that repository that holds {@code commit}
 * @param commit the head commit, 40 lowercase hex
 * @param baseCommit the commit the change is based on (may be null for a new branch)
 * @param tests the test selection from the plan
 * @param inputs the artifacts of the stage this run comes after (the kernel it boots); empty for a first stage
 */
public record TreeRequest(String runId, Subject subject, String cloneUrl, String fetchRef, String commit,
                          String baseCommit, List<String> tests, List<Artifact> inputs) {
    public TreeRequest {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(cloneUrl, "cloneUrl");
        Objects.requireNonNull(fetchRef, "fetchRef");
        Objects.requireNonNull(commit, "commit");
        tests = List.copyOf(tests);
        inputs = List.copyOf(inputs);
    }
}
