package dev.labgate.core.lab;

import dev.labgate.core.kcidb.KcidbData;

import java.util.Objects;

/** What a lab says about a run when polled. */
public sealed interface LabProgress {

    /** Accepted but waiting for hardware; {@code position} is -1 when the lab does not say. */
    record Queued(int position) implements LabProgress {
    }

    record Running(String note) implements LabProgress {
        public Running {
            Objects.requireNonNull(note, "note");
        }
    }

    /** Done; the results (checkout, builds, tests) in KCIDB form. */
    record Finished(KcidbData results) implements LabProgress {
        public Finished {
            Objects.requireNonNull(results, "results");
        }
    }

    /**
     * The lab no longer knows the run (it was lost with a restart, or expired): an
     * infrastructure failure, never a verdict on the code.
     */
    record Lost(String reason) implements LabProgress {
        public Lost {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
