package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The reconciler ({@code labgate.reconcile.*}): how often it looks for what the webhooks missed,
 * whether it also does so as the service starts, and how much one pass may do.
 */
@ConfigurationProperties("labgate.reconcile")
public record ReconcileSettings(@Bindable(defaultValue = "10m") Duration interval,
                                @Bindable(defaultValue = "true") boolean atStart,
                                @Bindable(defaultValue = "100") int calls,
                                @Bindable(defaultValue = "20") int starts,
                                @Bindable(defaultValue = "50") int changesPerRepository,
                                @Bindable(defaultValue = "20") int redeliveries) {
}
