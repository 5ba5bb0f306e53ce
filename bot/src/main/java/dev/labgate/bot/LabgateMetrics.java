package dev.labgate.bot;

import dev.labgate.bot.store.Database;
import dev.labgate.bot.work.FailedWork;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.flow.Forges;
import dev.labgate.forge.ForgeUsage;
import dev.labgate.forge.RateBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a lab operator watches, each meter with its help text: runs by state, each lab's queue
 * (depth, oldest wait, wait before submission), lab duration, verdicts, forge calls, errors and
 * remaining rate budget, durable-task lag and failed work (retries are counted where they happen,
 * in {@code WorkRunner}). Gauges that read the database are read at most every few seconds, so a
 * scrape costs a few small queries whatever the scrape interval. The database is reached only when
 * a gauge is read: the meters are bound while the service starts, before the database is open.
 */
public final class LabgateMetrics implements MeterBinder {

    private static final Duration FRESH = Duration.ofSeconds(5);

    private final Supplier<Database> db;
    private final Forges forges;
    private final Supplier<FailedWork> failed;
    private final Clock clock;
    private final Set<String> forgeMeters = Collections.synchronizedSet(new HashSet<>());
    private final Set<String> labMeters = Collections.synchronizedSet(new HashSet<>());
    private volatile MeterRegistry registry;
    private final Cached<Map<RunState, Long>> byState;
    private final Cached<Map<String, long[]>> queues;
    private final Cached<double[]> lag;

    public LabgateMetrics(Supplier<Database> db, Forges forges, Supplier<FailedWork> failed, Clock clock) {
        this.db = db;
        this.forges = forges;
        this.failed = failed;
        this.clock = clock;
        this.byState = new Cached<>(this::countByState);
        this.queues = new Cached<>(this::readQueues);
        this.lag = new Cached<>(this::readLag);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (var state : RunState.values()) {
            Gauge.builder("labgate.runs", () -> byState.get().getOrDefault(state, 0L))
                    .description("Runs in each state (all stored runs)").tag("state", state.label())
                    .register(registry);
        }
        Gauge.builder("labgate.tasks.due", () -> lag.get()[0])
                .description("Durable tasks due now and not yet picked up by any process").register(registry);
        Gauge.builder("labgate.tasks.lag.seconds", () -> lag.get()[1])
                .description("How long the oldest due task has waited to be picked up (0 when none waits)")
                .register(registry);
        Gauge.builder("labgate.failed.work", () -> failed.get().count())
                .description("Deliveries and run steps that failed for good, waiting for an operator "
                        + "(/api/deliveries?state=failed)").register(registry);
        bindForges();
    }

    /** Records a run's move: its wait in the lab's queue, its time at the lab, its verdict. */
    public void moved(Run run, RunState from, Optional<Instant> submittedAt) {
        var meters = registry;
        if (meters == null) {
            return;
        }
        if (run.state() == RunState.SUBMITTED && from == RunState.PLANNED && run.attempt() == 1) {
            Timer.builder("labgate.lab.queue.wait").description("From a run planned to its first submission to "
                            + "the lab (waiting for approval is not counted when approved later)")
                    .tag("lab", run.lab()).register(meters)
                    .record(positive(Duration.between(run.createdAt(), clock.instant())));
        }
        if (run.state().isTerminal()) {
            Counter.builder("labgate.verdicts").description("Runs ended, by lab and outcome")
                    .tag("lab", run.lab()).tag("outcome", run.state().label()).register(meters).increment();
            submittedAt.ifPresent(at -> Timer.builder("labgate.lab.duration")
                    .description("From a run's last submission to the lab to its end").tag("lab", run.lab())
                    .tag("outcome", run.state().label()).register(meters)
                    .record(positive(Duration.between(at, clock.instant()))));
        }
        bindLabs();
    }

    private void bindForges() {
        for (var forge : forges.all()) {
            if (forge instanceof ForgeUsage usage && forgeMeters.add(forge.name())) {
                var name = forge.name();
                FunctionCounter.builder("labgate.forge.calls", usage, u -> sum(u, RateBudget::calls))
                        .description("API calls made to the forge").tag("forge", name).register(registry);
                FunctionCounter.builder("labgate.forge.errors", usage, u -> sum(u, RateBudget::errors))
                        .description("API calls to the forge that failed (an error answer or none)")
                        .tag("forge", name).register(registry);
                Gauge.builder("labgate.forge.rate.remaining", usage, LabgateMetrics::lowestRemaining)
                        .description("Calls left in the forge's rate budget, the lowest of labgate's credentials "
                                + "(-1 while the forge has not said)").tag("forge", name).register(registry);
            }
        }
    }

    /** Gives each lab with runs queued its gauges (labs seen later get theirs as their runs move). */
    public void bindLabs() {
        var meters = registry;
        if (meters == null) {
            return;
        }
        for (var lab : queues.get().keySet()) {
            if (labMeters.add(lab)) {
                Gauge.builder("labgate.lab.queue.depth", () -> queues.get().getOrDefault(lab, new long[2])[0])
                        .description("Runs planned for the lab and not yet submitted (waiting for a slot or a retry)")
                        .tag("lab", lab).register(meters);
                Gauge.builder("labgate.lab.queue.oldest.seconds", () -> queues.get().getOrDefault(lab, new long[2])[1])
                        .description("How long the oldest run planned for the lab has waited (0 when none)")
                        .tag("lab", lab).register(meters);
            }
        }
    }

    private static double sum(ForgeUsage usage, java.util.function.ToLongFunction<RateBudget> what) {
        return usage.budgets().stream().mapToLong(what).sum();
    }

    private static double lowestRemaining(ForgeUsage usage) {
        return usage.budgets().stream().mapToLong(RateBudget::remaining).filter(r -> r >= 0).min().orElse(-1);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Map<RunState, Long> countByState() {
        var counts = new HashMap<RunState, Long>();
        db.get().query("select state, count(*) as n from runs group by state",
                rs -> counts.put(RunState.valueOf(rs.getString("state")), rs.getLong("n")));
        return counts;
    }

    private Map<String, long[]> readQueues() {
        var now = clock.instant();
        var out = new HashMap<String, long[]>();
        db.get().query("select lab, count(*) as n, min(created_at) as oldest from runs where state = 'PLANNED' group by lab",
                rs -> out.put(rs.getString("lab"), new long[] {rs.getLong("n"),
                        Math.max(0, Duration.between(Database.instant(rs, "oldest"), now).toSeconds())}));
        db.get().query("select distinct lab from runs where state in ('SUBMITTED', 'RUNNING')",
                rs -> out.putIfAbsent(rs.getString("lab"), new long[2]));
        return out;
    }

    private double[] readLag() {
        var now = clock.instant();
        return db.get().queryOne("select count(*) as n, min(execution_time) as oldest from scheduled_tasks "
                        + "where picked = false and execution_time <= ?",
                rs -> {
                    var oldest = Database.instant(rs, "oldest");
                    return new double[] {rs.getLong("n"), oldest == null ? 0
                            : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0)};
                }, now).orElse(new double[2]);
    }

    /** A value read again once it is older than {@link #FRESH}. */
    private final class Cached<T> {
        private final Supplier<T> read;
        private volatile T value;
        private volatile Instant at = Instant.MIN;

        Cached(Supplier<T> read) {
            this.read = read;
        }

        T get() {
            var now = clock.instant();
            if (value == null || now.isAfter(at.plus(FRESH))) {
                value = read.get();
                at = now;
            }
            return value;
        }
    }
}
