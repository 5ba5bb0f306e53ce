package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.labgate.bot.store.DatabaseException;
import dev.labgate.core.retry.OutsideCallFailure;
import dev.labgate.core.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What happens when a durable task fails, by {@link RetryPolicy#OUTSIDE_CALLS}: an outside call
 * that can be tried again is, after the policy's backoff or the wait the other side asked for; a
 * wait that was asked for is not counted as a failure, so it never makes a later error wait longer.
 * A task that fails for good (refused, or out of patience) is handed to {@code giveUp}, which
 * records it for an operator to see and retry.
 *
 * <p>Each failure is one log line naming the cause and the next attempt. Only an error that is no
 * outside call's (a bug) carries its stack trace, and only the first time.
 */
final class TaskRetries<T> implements FailureHandler<T> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRetries.class);

    /** What to do with a task that failed for good. */
    interface GiveUp<T> {
        void accept(TaskInstance<T> instance, Throwable cause, int failures);
    }

    /** Told of each retry, for the metrics. */
    interface Retried {
        void retried(String task, String kind);
    }

    private final RetryPolicy policy;
    private final GiveUp<T> giveUp;
    private final Retried retried;

    TaskRetries(RetryPolicy policy, GiveUp<T> giveUp, Retried retried) {
        this.policy = policy;
        this.giveUp = giveUp;
        this.retried = retried;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onFailure(ExecutionComplete complete, ExecutionOperations<T> operations) {
        var execution = complete.getExecution();
        var instance = (TaskInstance<T>) execution.taskInstance;
        var name = instance.getTaskAndInstance();
        var cause = complete.getCause().orElse(null);
        var failures = execution.consecutiveFailures + 1;
        var done = complete.getTimeDone();
        if (cause instanceof OutsideCallFailure outside && outside.retryable() && outside.retryAfter().isPresent()) {
            var at = done.plus(outside.retryAfter().get());
            LOG.warn("{}: {}; next attempt at {} ({} as asked)", name, outside.getMessage(), at,
                    seconds(outside.retryAfter().get()));
            retried.retried(instance.getTaskName(), "asked-wait");
            // Rescheduled as a success: the wait was the other side's, not a failure to back off from.
            operations.reschedule(ExecutionComplete.success(execution, done.minus(complete.getDuration()), done), at);
            return;
        }
        var outside = cause instanceof OutsideCallFailure || cause instanceof DatabaseException;
        var refused = cause instanceof OutsideCallFailure o && !o.retryable();
        if (refused || policy.exhausted(failures)) {
            var why = refused ? "refused" : "still failing after " + failures + " attempts";
            if (outside || cause == null) {
                LOG.error("{}: {} ({}); giving up: listed at /api/deliveries?state=failed for an operator to retry",
                        name, message(cause), why);
            } else {
                LOG.error("{}: unexpected error ({}); giving up: listed at /api/deliveries?state=failed", name, why,
                        cause);
            }
            giveUp.accept(instance, cause, failures);
            operations.stop();
            return;
        }
        var wait = policy.backoff(failures);
        var at = done.plus(wait);
        if (outside || cause == null) {
            LOG.warn("{}: {}; attempt {} failed, next at {} (in {})", name, message(cause), failures, at, seconds(wait));
        } else if (failures == 1) {
            LOG.error("{}: unexpected error; next attempt at {} (in {})", name, at, seconds(wait), cause);
        } else {
            LOG.error("{}: unexpected error again ({}); attempt {} failed, next at {} (in {})", name, message(cause),
                    failures, at, seconds(wait));
        }
        retried.retried(instance.getTaskName(), outside ? "backoff" : "bug");
        operations.reschedule(complete, at);
    }

    private static String seconds(Duration wait) {
        return wait.toMillis() < 10_000 ? String.format(Locale.ROOT, "%.1fs", wait.toMillis() / 1000.0) : wait.toSeconds() + "s";
    }

    static String message(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** When a batch member that failed should be tried again on its own. */
    Instant retryAt(Instant now, Throwable cause) {
        return now.plus(cause instanceof OutsideCallFailure o ? policy.next(1, o.retryAfter()) : policy.backoff(1));
    }
}
