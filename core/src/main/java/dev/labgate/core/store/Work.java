package dev.labgate.core.store;

import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.Subject;

import java.util.Objects;

/**
 * A unit of durable work. Each has a stable {@link #id()}: enqueuing the same work twice while it
 * is pending has no effect.
 */
public sealed interface Work {

    String id();

    /** Parse a stored delivery and act on it. */
    record ProcessDelivery(DeliveryKey delivery) implements Work {
        public ProcessDelivery {
            Objects.requireNonNull(delivery, "delivery");
        }

        @Override
        public String id() {
            return delivery.toString();
        }
    }

    /** Take the next step of a run: submit it, poll it, or finish it. */
    record AdvanceRun(String runId) implements Work {
        public AdvanceRun {
            Objects.requireNonNull(runId, "runId");
        }

        @Override
        public String id() {
            return runId;
        }
    }

    /**
     * Share a finished run's own results with KCIDB and follow the submission until kcidb-ng
     * settles it (when the policy names a kcidb-ng).
     */
    record ShareResults(String runId) implements Work {
        public ShareResults {
            Objects.requireNonNull(runId, "runId");
        }

        @Override
        public String id() {
            return runId;
        }
    }

    /**
     * Write the summary of a subject at a head commit, because {@code cause} happened
     * (a run id and its new state). Distinct causes are distinct work, so none is lost.
     */
    record Report(Subject subject, String headSha, String cause) implements Work {
        public Report {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String id() {
            return subject.key() + "|" + headSha + "|" + cause;
        }
    }

    /**
     * Review a change at a head commit: put the findings of its runs on the lines of its diff. One
     * per head, whatever caused it, so that two reports of the same head (two labs ending together,
     * on two replicas) never review it at the same time, which could post the same comments twice.
     */
    record ReviewHead(Subject.Change subject, String headSha) implements Work {
        public ReviewHead {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(headSha, "headSha");
        }

        @Override
        public String id() {
            return subject.key() + "|" + headSha + "|review";
        }
    }
}
