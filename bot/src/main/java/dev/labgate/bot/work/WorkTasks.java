package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.store.Work;

import java.util.List;

/**
 * The names and data of labgate's durable tasks in db-scheduler's table. The task instance id is
 * {@link Work#id()}, so scheduling the same work twice while it is pending has no effect.
 */
final class WorkTasks {

    static final TaskDescriptor<Void> PROCESS_DELIVERY = TaskDescriptor.of("process-delivery");
    static final TaskDescriptor<DeliveryBatch> PROCESS_DELIVERIES = TaskDescriptor.of("process-deliveries",
            DeliveryBatch.class);
    static final TaskDescriptor<Void> ADVANCE_RUN = TaskDescriptor.of("advance-run");
    static final TaskDescriptor<ReportData> REPORT = TaskDescriptor.of("report", ReportData.class);
    static final TaskDescriptor<ReportData> REVIEW = TaskDescriptor.of("review", ReportData.class);
    static final TaskDescriptor<Void> SHARE_RESULTS = TaskDescriptor.of("share-results");
    static final TaskDescriptor<Void> RECONCILE = TaskDescriptor.of("reconcile");
    static final TaskDescriptor<Void> RECONCILE_NOW = TaskDescriptor.of("reconcile-now");
    static final TaskDescriptor<Void> ARTIFACT_RETENTION = TaskDescriptor.of("artifact-retention");

    /** What a report or review task needs beyond its id: the subject and its head. */
    record ReportData(String forge, String repo, Long changeNumber, String branchRef, String headSha) {

        static ReportData of(Subject subject, String headSha) {
            return new ReportData(subject.repo().forge(), subject.repo().fullName(),
                    subject instanceof Subject.Change c ? c.change().number() : null,
                    subject instanceof Subject.Branch b ? b.ref() : null, headSha);
        }

        Subject subject() {
            var repo = new RepoRef(forge, this.repo);
            return changeNumber != null ? new Subject.Change(new ChangeRef(repo, changeNumber))
                    : new Subject.Branch(repo, branchRef);
        }
    }

    /** Deliveries stored in one intake transaction, as {@code forge/id} keys in arrival order. */
    record DeliveryBatch(List<String> deliveries) {

        List<DeliveryKey> keys() {
            return deliveries.stream().map(WorkTasks::deliveryKey).toList();
        }
    }

    /** A task instance rebuilt from its name, id and serialized data (as {@link FailedWork} keeps them). */
    static TaskInstance<?> instance(String task, String id, byte[] data, Serializer serializer) {
        for (var descriptor : List.of(PROCESS_DELIVERY, PROCESS_DELIVERIES, ADVANCE_RUN, REPORT, REVIEW)) {
            if (descriptor.getTaskName().equals(task)) {
                return build(descriptor, id, data, serializer);
            }
        }
        throw new IllegalArgumentException("no task named " + task + " can be retried");
    }

    private static <T> TaskInstance<T> build(TaskDescriptor<T> descriptor, String id, byte[] data,
                                             Serializer serializer) {
        var builder = descriptor.instance(id);
        return data == null || descriptor.getDataClass() == Void.class ? builder.build()
                : builder.data(serializer.deserialize(descriptor.getDataClass(), data)).build();
    }

    static DeliveryKey deliveryKey(String instanceId) {
        var slash = instanceId.indexOf('/');
        return new DeliveryKey(instanceId.substring(0, slash), instanceId.substring(slash + 1));
    }

    private WorkTasks() {
    }
}
