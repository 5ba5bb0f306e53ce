package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.labgate.bot.store.Database;
import dev.labgate.core.Sha256;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable work that failed for good (refused by the other side, or failing for the retry policy's
 * whole patience), in the {@code failed_work} table: listed for an operator with its error, and
 * scheduled again, afresh, when the operator retries it. Nothing is lost: the task's data is kept.
 */
public final class FailedWork {

    private static final int MAX_ERROR = 2000;

    /**
     * One piece of failed work.
     *
     * @param id a short id for the operator ({@code labgate replay --retry ID})
     * @param task the durable task ({@code process-delivery}, {@code advance-run}, {@code report}, ...)
     * @param instance which one: a delivery ({@code forge/id}), a run id, a summary
     * @param delivery the delivery the work came from, when it is a delivery's processing; else empty
     */
    public record Entry(String id, String task, String instance, String delivery, String error, int failures,
                        Instant failedAt) {
    }

    private final Database db;
    private final SchedulerClient scheduler;
    private final Serializer serializer;
    private final Clock clock;

    public FailedWork(Database db, SchedulerClient scheduler, Serializer serializer, Clock clock) {
        this.db = db;
        this.scheduler = scheduler;
        this.serializer = serializer;
        this.clock = clock;
    }

    /** Records a task that gave up; a later failure of the same task replaces the earlier record. */
    void record(TaskInstance<?> instance, String error, int failures) {
        var id = idOf(instance.getTaskName(), instance.getId());
        var data = instance.getData() == null ? null : serializer.serialize(instance.getData());
        var delivery = WorkTasks.PROCESS_DELIVERY.getTaskName().equals(instance.getTaskName())
                ? WorkTasks.deliveryKey(instance.getId()).id() : null;
        var text = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR - 1) + "…" : error;
        db.inTransaction(() -> {
            db.update("delete from failed_work where id = ?", id);
            return db.update("insert into failed_work (id, task, instance_id, task_data, delivery_id, error, failures, "
                            + "failed_at) values (?, ?, ?, ?, ?, ?, ?, ?)", id, instance.getTaskName(), instance.getId(),
                    data, delivery, text, failures, clock.instant());
        });
    }

    /** The failed work, most recent first. */
    public List<Entry> list(int limit) {
        return db.query("select id, task, instance_id, delivery_id, error, failures, failed_at from failed_work "
                + "order by failed_at desc, id limit ?", rs -> new Entry(rs.getString("id"), rs.getString("task"),
                rs.getString("instance_id"), rs.getString("delivery_id") == null ? "" : rs.getString("delivery_id"),
                rs.getString("error"), rs.getInt("failures"), Database.instant(rs, "failed_at")), limit);
    }

    /** How many pieces of work are failed. */
    public long count() {
        return db.queryOne("select count(*) as n from failed_work", rs -> rs.getLong("n")).orElse(0L);
    }

    /**
     * Schedules the failed work {@code id} to run now, with a fresh retry budget, and forgets the
     * failure, in one transaction; empty when there is no such failed work.
     */
    public Optional<Entry> retry(String id) {
        return db.inTransaction(() -> {
            var found = db.queryOne("select id, task, instance_id, task_data, delivery_id, error, failures, failed_at "
                    + "from failed_work where id = ? for update", rs -> new Object[] {
                        new Entry(rs.getString("id"), rs.getString("task"), rs.getString("instance_id"),
                                rs.getString("delivery_id") == null ? "" : rs.getString("delivery_id"),
                                rs.getString("error"), rs.getInt("failures"), Database.instant(rs, "failed_at")),
                        rs.getBytes("task_data")}, id);
            if (found.isEmpty()) {
                return Optional.<Entry>empty();
            }
            var entry = (Entry) found.get()[0];
            scheduler.scheduleIfNotExists(WorkTasks.instance(entry.task(), entry.instance(), (byte[]) found.get()[1],
                    serializer), clock.instant());
            db.update("delete from failed_work where id = ?", id);
            return Optional.of(entry);
        });
    }

    static String idOf(String task, String instance) {
        return Sha256.hex(task + "/" + instance, 6);
    }
}
