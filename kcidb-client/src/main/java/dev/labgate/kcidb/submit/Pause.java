package dev.labgate.kcidb.submit;

import java.time.Duration;

/** Waiting between tries and polls; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Pause {

    Pause SLEEP = duration -> Thread.sleep(duration.toMillis());

    void pause(Duration duration) throws InterruptedException;
}
