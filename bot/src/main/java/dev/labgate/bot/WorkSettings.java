package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Tuning of the durable work ({@code labgate.work.*}).
 *
 * @param enabled whether this process runs tasks; a process that only takes deliveries sets it false
 * @param heartbeatInterval how often a process says it still holds the work it runs
 * @param missedHeartbeats after how many missed heartbeats its work is taken over by another process
 *                         (4 × 4 s: a crashed process's work moves on within about 30 s)
 * @param intakeBatch the most deliveries stored in one transaction
 * @param intakeLinger how long the intake waits for more deliveries to store in the same transaction
 */
@ConfigurationProperties("labgate.work")
public record WorkSettings(@Bindable(defaultValue = "true") boolean enabled,
                           @Bindable(defaultValue = "8") int threads,
                           @Bindable(defaultValue = "2s") Duration pollingInterval,
                           @Bindable(defaultValue = "4s") Duration heartbeatInterval,
                           @Bindable(defaultValue = "4") int missedHeartbeats,
                           @Bindable(defaultValue = "128") int intakeBatch,
                           @Bindable(defaultValue = "8192") int intakeQueue,
                           @Bindable(defaultValue = "PT0.0005S") Duration intakeLinger) {
}
