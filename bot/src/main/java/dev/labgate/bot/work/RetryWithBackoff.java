package dev.labgate.bot.work;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.labgate.core.forge.ForgeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Retries a failed task with exponential backoff (capped), honouring a forge's own
 * {@code Retry-After} hint, and gives up after a day or so with a last action that records why.
 */
final class RetryWithBackoff<T> implements FailureHandler<T> {

    private static final Logger LOG = LoggerFactory.getLogger(RetryWithBackoff.class);
    static final int MAX_FAILURES = 60;
    private static final Duration FIRST = Duration.ofSeconds(5);
    private static final Duration LONGEST = Duration.ofMinutes(30);

    private final BiConsumer<TaskInstance<T>, Throwable> giveUp;

    RetryWithBackoff(BiConsumer<TaskInstance<T>, Throwable> giveUp) {
        this.giveUp = giveUp;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onFailure(ExecutionComplete complete, ExecutionOperations<T> operations) {
        var execution = complete.getExecution();
        var failures = execution.consecutiveFailures + 1;
        var cause = complete.getCause().orElse(null);
        var instance = (TaskInstance<T>) execution.taskInstance;
        if (failures >= MAX_FAILURES || cause instanceof ForgeException fe && !fe.retryable()) {
            LOG.error("task {} failed {} times, giving up: {}", instance.getTaskAndInstance(), failures,
                    cause == null ? "unknown cause" : cause.getMessage());
            giveUp.accept(instance, cause);
            operations.stop();
            return;
        }
        var delay = delay(failures, cause);
        LOG.warn("task {} failed (attempt {}), retrying in {}s: {}", instance.getTaskAndInstance(), failures,
                delay.toSeconds(), cause == null ? "unknown cause" : cause.getMessage());
        operations.reschedule(complete, complete.getTimeDone().plus(delay));
    }

    static Duration delay(int failures, Throwable cause) {
        if (cause instanceof ForgeException fe && fe.retryAfter().isPresent()) {
            return fe.retryAfter().get();
        }
        var backoff = FIRST.multipliedBy(1L << Math.min(failures - 1, 20));
        return backoff.compareTo(LONGEST) > 0 ? LONGEST : backoff;
    }
}
