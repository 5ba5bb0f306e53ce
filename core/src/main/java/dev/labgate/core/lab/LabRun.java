package dev.labgate.core.lab;

import java.util.Objects;

/**
 * A lab's handle on a submitted run, stored by labgate so that any replica can poll it.
 *
 * @param externalId the lab's own id (a KernelCI tree id, a LAVA job id, a work directory)
 * @param url the lab's page for the run, if it has one (may be null)
 */
public record LabRun(String lab, String externalId, String url) {
    public LabRun {
        Objects.requireNonNull(lab, "lab");
        Objects.requireNonNull(externalId, "externalId");
    }
}
