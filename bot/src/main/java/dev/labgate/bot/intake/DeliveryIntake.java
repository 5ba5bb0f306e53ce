package dev.labgate.bot.intake;

import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.bot.work.DbWorkQueue;
import dev.labgate.bot.work.WorkRunner;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.flow.DeliveryProcessor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stores verified deliveries durably, with group commit: deliveries that arrive together are
 * written in one transaction, with the task that will process them, and every sender is answered
 * only after that transaction committed. A redelivery of a stored id is recognized and schedules
 * nothing. A delivery whose outcome is certain as it arrives (an event labgate does not act on, a
 * repository the policy does not name: {@link Screen}) is stored already processed, with that
 * outcome, and schedules nothing either.
 */
public final class DeliveryIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryIntake.class);

    /** The outcome for one delivery: stored now, or already stored by an earlier request. */
    public enum Stored { NEW, DUPLICATE }

    /** Thrown to the sender's future when the intake cannot take more right now. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What processing certainly comes to for a delivery, told as it arrives without reading any
     * store or asking the forge ({@code DeliveryProcessor.screen}); empty when only processing can tell.
     */
    @FunctionalInterface
    public interface Screen {
        /** For a process that runs no work: its deliveries are all left to the processing of another. */
        Screen NONE = delivery -> Optional.empty();

        Optional<String> outcome(Delivery delivery);
    }

    private record Pending(JdbcDeliveryStore.Encoded delivery, CompletableFuture<Stored> answer) {
    }

    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final Duration linger;
    private final Database db;
    private final JdbcDeliveryStore store;
    private final DbWorkQueue work;
    private final Screen screen;
    private final Thread writer;
    private volatile boolean running = true;

    private final Counter stored;
    private final Counter duplicates;
    private final Counter processed;
    private final DistributionSummary batchSizes;

    public DeliveryIntake(Database db, JdbcDeliveryStore store, DbWorkQueue work, Screen screen, int capacity,
                          int maxBatch, Duration linger, MeterRegistry metrics) {
        this.linger = linger;
        this.stored = Counter.builder("labgate.deliveries.stored")
                .description("Webhook deliveries stored durably (then answered 202)").register(metrics);
        this.duplicates = Counter.builder("labgate.deliveries.duplicate")
                .description("Webhook deliveries already stored under the same id (answered 200, nothing done)")
                .register(metrics);
        this.processed = WorkRunner.processedCounter(metrics);
        this.batchSizes = DistributionSummary.builder("labgate.intake.batch.size")
                .description("deliveries committed together").register(metrics);
        this.db = db;
        this.store = store;
        this.work = work;
        this.screen = screen;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.writer = new Thread(this::writeLoop, "labgate-intake");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Stores a delivery; the answer completes once it is committed. Screens the delivery and
     * compresses its body in the caller's thread.
     */
    public CompletableFuture<Stored> store(Delivery delivery) {
        var pending = new Pending(JdbcDeliveryStore.Encoded.of(delivery, screen.outcome(delivery)),
                new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            pending.answer().completeExceptionally(new Busy("labgate is not accepting deliveries right now"));
        }
        return pending.answer();
    }

    private void writeLoop() {
        var batch = new ArrayList<Pending>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                lingerForMore(batch);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(new Busy("labgate is shutting down"));
        }
    }

    /**
     * Waits up to the linger time for more deliveries to join the batch. One commit is the costly
     * part of storing; under load a fuller batch answers everyone sooner.
     */
    private void lingerForMore(List<Pending> batch) throws InterruptedException {
        if (linger.isZero()) {
            return;
        }
        long until = System.nanoTime() + linger.toNanos();
        long left;
        while (batch.size() < maxBatch && (left = until - System.nanoTime()) > 0) {
            var more = queue.poll(left, TimeUnit.NANOSECONDS);
            if (more == null) {
                return;
            }
            batch.add(more);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void write(List<Pending> batch) {
        try {
            var fresh = db.inTransaction(() -> {
                var isNew = store.insertNew(batch.stream().map(Pending::delivery).toList());
                var toProcess = new ArrayList<DeliveryKey>();
                for (int i = 0; i < batch.size(); i++) {
                    if (isNew[i] && batch.get(i).delivery().outcome() == null) {
                        toProcess.add(batch.get(i).delivery().delivery().key());
                    }
                }
                work.enqueueNewDeliveries(toProcess);
                return isNew;
            });
            batchSizes.record(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                (fresh[i] ? stored : duplicates).increment();
                batch.get(i).answer().complete(fresh[i] ? Stored.NEW : Stored.DUPLICATE);
            }
            for (int i = 0; i < batch.size(); i++) {
                var screened = batch.get(i).delivery();
                if (fresh[i] && screened.outcome() != null) {
                    processed.increment();
                    try (var ignored = MDC.putCloseable("delivery", screened.delivery().key().id())) {
                        DeliveryProcessor.logOutcome(screened.delivery(), screened.outcome());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("could not store {} deliveries: {}", batch.size(), e.getMessage());
            batch.forEach(p -> p.answer().completeExceptionally(e));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}
