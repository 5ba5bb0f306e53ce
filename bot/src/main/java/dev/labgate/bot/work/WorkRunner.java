package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.jdbc.AutodetectJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import dev.labgate.bot.ArtifactRetention;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.core.retry.OutsideCallFailure;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.Subject;
import dev.labgate.flow.DeliveryProcessor;
import dev.labgate.flow.KcidbSharing;
import dev.labgate.flow.Next;
import dev.labgate.flow.Reconciler;
import dev.labgate.flow.RunAdvancer;
import dev.labgate.flow.ReviewReporter;
import dev.labgate.flow.SummaryReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs labgate's durable tasks with db-scheduler: any replica on the same database picks up any
 * due task, and a task is executed by one replica at a time.
 */
public final class WorkRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkRunner.class);

    /**
     * How the runner is tuned; see {@code labgate.work.*} and {@code labgate.reconcile.interval}. Work
     * held by a process that died is taken over once it missed {@code missedHeartbeats} heartbeats.
     */
    public record Tuning(int threads, Duration pollingInterval, Duration heartbeatInterval, int missedHeartbeats,
                         Duration reconcileInterval) {
    }

    /** How often expired artifacts are looked for. */
    static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

    /** Deliveries processed: by a task, or as they were stored when their outcome was certain then. */
    public static Counter processedCounter(MeterRegistry metrics) {
        return Counter.builder("labgate.deliveries.processed")
                .description("Deliveries processed (acted on or ignored)").register(metrics);
    }

    private final Scheduler scheduler;
    private final HeldWorkWatch heldWork;

    public WorkRunner(Database db, Tuning tuning, DeliveryProcessor deliveries, JdbcDeliveryStore deliveryStore,
                      RunAdvancer runs, SummaryReporter summaries, ReviewReporter reviews, KcidbSharing sharing,
                      Reconciler reconciler, FailedWork failed, ArtifactRetention retention, MeterRegistry metrics) {
        var processed = processedCounter(metrics);
        TaskRetries.Retried retried = (task, kind) -> Counter.builder("labgate.retries")
                .description("Durable tasks scheduled again after a failure; kind: backoff (an outside call "
                        + "failed), asked-wait (the other side said when), bug (an unexpected error)")
                .tag("task", task).tag("kind", kind).register(metrics).increment();
        var policy = RetryPolicy.OUTSIDE_CALLS;
        var batchRetries = new TaskRetries<Void>(policy, (i, c, n) -> { }, retried);
        TaskRetries.GiveUp<Void> deliveryFailed = (instance, cause, failures) -> {
            var key = WorkTasks.deliveryKey(instance.getId());
            var error = TaskRetries.message(cause);
            failed.record(instance, error, failures);
            deliveryStore.markProcessed(key, "failed: " + error);
            try (var ignored = MDC.putCloseable("delivery", key.id())) {
                deliveries.failedForGood(key, error, FailedWork.idOf(instance.getTaskName(), instance.getId()));
            }
        };
        Task<Void> processDelivery = Tasks.custom(WorkTasks.PROCESS_DELIVERY)
                .onFailure(new TaskRetries<>(policy, deliveryFailed, retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    var key = WorkTasks.deliveryKey(instance.getId());
                    String outcome;
                    try (var ignored = MDC.putCloseable("delivery", key.id())) {
                        outcome = deliveries.process(key);
                    }
                    processed.increment();
                    return settle(db, deliveryStore, Map.of(key, outcome));
                });
        Task<WorkTasks.DeliveryBatch> processDeliveries = Tasks.custom(WorkTasks.PROCESS_DELIVERIES)
                .onFailure(new TaskRetries<>(policy, (instance, cause, failures) -> failed.record(instance,
                        TaskRetries.message(cause), failures), retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    // After a crash the batch runs again: what was settled then is skipped now, and
                    // what was processed but not settled is processed again (every step is idempotent).
                    var outcomes = new LinkedHashMap<DeliveryKey, String>();
                    var keys = instance.getData().keys();
                    var handed = deliveryStore.handOver(keys);
                    for (var key : keys) {
                        try (var ignored = MDC.putCloseable("delivery", key.id())) {
                            var delivery = Optional.ofNullable(handed.get(key))
                                    .or(() -> deliveryStore.findUnprocessed(key));
                            if (delivery.isEmpty()) {
                                continue;
                            }
                            outcomes.put(key, deliveries.process(delivery.get()));
                            processed.increment();
                        } catch (RuntimeException e) {
                            // One delivery's trouble must not hold the others back: it is retried on
                            // its own, or, refused for good, kept as failed work at once.
                            var single = WorkTasks.PROCESS_DELIVERY.instance(key.toString()).build();
                            if (e instanceof OutsideCallFailure refused && !refused.retryable()) {
                                LOG.error("delivery {}: {} (refused); giving up: listed at "
                                        + "/api/deliveries?state=failed for an operator to retry", key, e.getMessage());
                                deliveryFailed.accept(single, e, 1);
                                continue;
                            }
                            var at = batchRetries.retryAt(Instant.now(), e);
                            LOG.warn("delivery {}: {}; retrying it on its own at {}", key, TaskRetries.message(e), at);
                            context.getSchedulerClient().scheduleIfNotExists(single, at);
                        }
                    }
                    return settle(db, deliveryStore, outcomes);
                });
        Task<Void> advanceRun = Tasks.custom(WorkTasks.ADVANCE_RUN)
                .onFailure(new TaskRetries<>(policy, (instance, cause, failures) -> failed.record(instance,
                        TaskRetries.message(cause), failures), retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    var next = runs.advance(instance.getId());
                    if (next instanceof Next.Again again) {
                        return (complete, operations) -> operations.reschedule(complete, again.at());
                    }
                    return new CompletionHandler.OnCompleteRemove<>();
                });
        Task<WorkTasks.ReportData> report = Tasks.custom(WorkTasks.REPORT)
                .onFailure(new TaskRetries<>(policy, (instance, cause, failures) -> failed.record(instance,
                        TaskRetries.message(cause), failures), retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    var data = instance.getData();
                    summaries.report(data.subject(), data.headSha());
                    reviews.report(data.subject(), data.headSha());
                    return new CompletionHandler.OnCompleteRemove<>();
                });
        Task<WorkTasks.ReportData> review = Tasks.custom(WorkTasks.REVIEW)
                .onFailure(new TaskRetries<>(policy, (instance, cause, failures) -> failed.record(instance,
                        TaskRetries.message(cause), failures), retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    var data = instance.getData();
                    reviews.review((Subject.Change) data.subject(), data.headSha());
                    return new CompletionHandler.OnCompleteRemove<>();
                });
        Task<Void> shareResults = Tasks.custom(WorkTasks.SHARE_RESULTS)
                .onFailure(new TaskRetries<>(policy, (instance, cause, failures) -> failed.record(instance,
                        TaskRetries.message(cause), failures), retried))
                .onDeadExecution(new TakeOver<>())
                .execute((instance, context) -> {
                    var next = sharing.share(instance.getId());
                    if (next instanceof Next.Again again) {
                        return (complete, operations) -> operations.reschedule(complete, again.at());
                    }
                    return new CompletionHandler.OnCompleteRemove<>();
                });
        // One replica at a time runs a pass; a failed pass is simply the next one's work.
        RecurringTask<Void> reconcile = Tasks.recurring(WorkTasks.RECONCILE, new Every(tuning.reconcileInterval()))
                .execute((instance, context) -> reconciler.pass());
        Task<Void> reconcileNow = Tasks.oneTime(WorkTasks.RECONCILE_NOW)
                .execute((instance, context) -> reconciler.pass());
        RecurringTask<Void> expireArtifacts = Tasks.recurring(WorkTasks.ARTIFACT_RETENTION,
                        new Every(RETENTION_INTERVAL))
                .execute((instance, context) -> retention.sweep());
        var name = name();
        this.scheduler = Scheduler.create(db.joiningDataSource(),
                        List.of(processDeliveries, processDelivery, advanceRun, report, review, shareResults,
                                reconcileNow))
                .startTasks(reconcile, expireArtifacts)
                .serializer(new JacksonSerializer())
                .schedulerName(new SchedulerName.Fixed(name))
                .threads(tuning.threads())
                .pollingInterval(tuning.pollingInterval())
                .heartbeatInterval(tuning.heartbeatInterval())
                .missedHeartbeatsLimit(tuning.missedHeartbeats())
                .shutdownMaxWait(Duration.ofSeconds(30))
                .enableImmediateExecution()
                // TaskRetries logs each failure in one line; db-scheduler would add a stack trace to each.
                .failureLogging(LogLevel.DEBUG, false)
                .jdbcCustomization(jdbcCustomization(db))
                .build();
        this.heldWork = new HeldWorkWatch(db, name, tuning.heartbeatInterval(),
                tuning.heartbeatInterval().multipliedBy(tuning.missedHeartbeats()));
    }

    /**
     * Ends a delivery task: its deliveries' outcomes recorded and the task removed in one
     * transaction (db-scheduler removes it through {@link Database#joiningDataSource()}, which joins
     * it). One commit where there were two; and if the task was taken over meanwhile, its removal
     * fails and the outcomes are not recorded either, for the process that took it to record.
     */
    private static <T> CompletionHandler<T> settle(Database db, JdbcDeliveryStore store,
                                                   Map<DeliveryKey, String> outcomes) {
        return (complete, operations) -> db.inTransaction(() -> {
            store.markProcessed(outcomes);
            operations.stop();
        });
    }

    public void start() {
        scheduler.start();
        heldWork.start();
        LOG.info("durable work started");
    }

    /**
     * Has the reconciler run a pass now besides its regular ones (at start): replicas starting
     * together schedule it once.
     */
    public void reconcileSoon() {
        scheduler.scheduleIfNotExists(WorkTasks.RECONCILE_NOW.instance("now").build(), Instant.now());
    }

    /** Asks the scheduler to look for due work now rather than at its next poll. */
    public void wakeUp() {
        scheduler.triggerCheckForDueExecutions();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        heldWork.close();
        scheduler.stop();
    }

    /**
     * db-scheduler's JDBC dialect with timestamps always in UTC. H2 needs no overrides; telling
     * db-scheduler so keeps it from warning about an unknown database at every start.
     */
    public static JdbcCustomization jdbcCustomization(Database db) {
        var product = db.withConnection(c -> c.getMetaData().getDatabaseProductName(), "database product");
        return "H2".equals(product) ? new DefaultJdbcCustomization(true)
                : new AutodetectJdbcCustomization(db.pool(), true);
    }

    /**
     * Every {@code interval} after the last pass ended; the first one interval after the task is
     * first known, since the pass at start is {@link #reconcileSoon()}'s to decide.
     */
    private record Every(Duration interval) implements Schedule {
        @Override
        public Instant getNextExecutionTime(ExecutionComplete executionComplete) {
            return executionComplete.getTimeDone().plus(interval);
        }

        @Override
        public Instant getInitialExecutionTime(Instant now) {
            return now.plus(interval);
        }

        @Override
        public boolean isDeterministic() {
            return false;
        }
    }

    /** A task held by a process that stopped sending heartbeats: taken over now, and said so. */
    private static final class TakeOver<T> implements DeadExecutionHandler<T> {
        @Override
        public void deadExecution(ExecutionComplete complete, ExecutionOperations<T> operations) {
            var execution = complete.getExecution();
            LOG.warn("taking over {} from {}: its last heartbeat was at {}", execution.taskInstance.getTaskAndInstance(),
                    execution.pickedBy, execution.lastHeartbeat);
            operations.reschedule(complete, Instant.now());
        }
    }

    private static String name() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        var name = host + "-" + ProcessHandle.current().pid();
        return name.length() > 50 ? name.substring(name.length() - 50) : name;
    }
}
