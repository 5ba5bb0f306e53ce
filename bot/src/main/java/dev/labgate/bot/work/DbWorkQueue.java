package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.labgate.bot.store.Database;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@link WorkQueue} on db-scheduler's table. Scheduling joins the caller's transaction; once it
 * commits, the local scheduler is told to look for due work at once instead of at its next poll.
 */
public final class DbWorkQueue implements WorkQueue {

    private final SchedulerClient client;
    private final Database db;
    private final Clock clock;
    private final Runnable wakeUp;

    public DbWorkQueue(SchedulerClient client, Database db, Clock clock, Runnable wakeUp) {
        this.client = client;
        this.db = db;
        this.clock = clock;
        this.wakeUp = wakeUp;
    }

    @Override
    public void enqueue(Work work, Instant notBefore) {
        var at = notBefore.isBefore(clock.instant()) ? clock.instant() : notBefore;
        client.scheduleIfNotExists(instance(work), at);
        if (!at.isAfter(clock.instant())) {
            db.afterCommit(wakeUp);
        }
    }

    @Override
    public void reschedule(Work work, Instant at) {
        try {
            client.schedule(instance(work), at, SchedulerClient.ScheduleOptions.WHEN_EXISTS_RESCHEDULE);
        } catch (TaskInstanceCurrentlyExecutingException e) {
            // Running now: it sets its own next time when it ends.
            return;
        }
        if (!at.isAfter(clock.instant())) {
            db.afterCommit(wakeUp);
        }
    }

    /**
     * Schedules the processing of deliveries stored together as one task: one row for the batch
     * instead of one per delivery, which is what lets the intake keep up with a burst.
     */
    public void enqueueNewDeliveries(List<DeliveryKey> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        var ids = deliveries.stream().map(DeliveryKey::toString).toList();
        client.scheduleIfNotExists(WorkTasks.PROCESS_DELIVERIES.instance(ids.get(0) + "+" + ids.size())
                .data(new WorkTasks.DeliveryBatch(ids)).build(), clock.instant());
        db.afterCommit(wakeUp);
    }

    private static TaskInstance<?> instance(Work work) {
        if (work instanceof Work.ProcessDelivery) {
            return WorkTasks.PROCESS_DELIVERY.instance(work.id()).build();
        }
        if (work instanceof Work.AdvanceRun) {
            return WorkTasks.ADVANCE_RUN.instance(work.id()).build();
        }
        if (work instanceof Work.ReviewHead review) {
            return WorkTasks.REVIEW.instance(work.id()).data(WorkTasks.ReportData.of(review.subject(),
                    review.headSha())).build();
        }
        if (work instanceof Work.ShareResults) {
            return WorkTasks.SHARE_RESULTS.instance(work.id()).build();
        }
        var report = (Work.Report) work;
        return WorkTasks.REPORT.instance(work.id()).data(WorkTasks.ReportData.of(report.subject(),
                report.headSha())).build();
    }
}
