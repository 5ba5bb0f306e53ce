package dev.labgate.bot;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The thread that finishes the service's start once it listens ({@link Startup}). Stopping waits
 * for it before any bean is closed (the shutdown event comes first), so the start never runs into
 * a closing context. A bean of its own, with nothing to inject: being told of the shutdown must not
 * build the service's beans in a context that never started a server.
 */
@Singleton
final class StartThread implements ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(StartThread.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> new Thread(task, "labgate-start"));

    void run(Runnable start) {
        thread.execute(() -> {
            try {
                start.run();
            } catch (RuntimeException e) {
                LOG.error("labgate could not finish starting: {}", e.getMessage(), e);
            }
        });
        thread.shutdown();
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("labgate is stopping while its start has not finished after a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
