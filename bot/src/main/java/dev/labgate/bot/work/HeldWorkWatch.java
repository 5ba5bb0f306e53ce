package dev.labgate.bot.work;

import dev.labgate.bot.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Says when work is held by another process that has gone silent: which process, how many tasks,
 * since when, and when this one will take them over (db-scheduler does that once the holder missed
 * its heartbeats; {@code WorkRunner}'s take-over logs each task). Said once per silent process.
 */
final class HeldWorkWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeldWorkWatch.class);

    private record Holder(String name, long tasks, Instant lastHeartbeat) {
    }

    private final Database db;
    private final String self;
    private final Duration heartbeat;
    private final Duration deadAfter;
    private final Set<String> told = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "labgate-held-work");
        thread.setDaemon(true);
        return thread;
    });

    HeldWorkWatch(Database db, String self, Duration heartbeat, Duration deadAfter) {
        this.db = db;
        this.self = self;
        this.heartbeat = heartbeat;
        this.deadAfter = deadAfter;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::look, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            var silentSince = Instant.now().minus(heartbeat.multipliedBy(2));
            var holders = db.query("select picked_by, count(*) as n, max(last_heartbeat) as last from scheduled_tasks "
                            + "where picked = true and picked_by <> ? group by picked_by having max(last_heartbeat) < ?",
                    rs -> new Holder(rs.getString("picked_by"), rs.getLong("n"), Database.instant(rs, "last")),
                    self, silentSince);
            var now = new HashSet<String>();
            for (var holder : holders) {
                now.add(holder.name());
                if (told.add(holder.name())) {
                    LOG.warn("{} {} held by {}, silent since {}: waiting for it to miss its heartbeats; taken over "
                                    + "from {} on", holder.tasks(), holder.tasks() == 1 ? "task is" : "tasks are",
                            holder.name(), holder.lastHeartbeat(), holder.lastHeartbeat().plus(deadAfter));
                }
            }
            told.retainAll(now);
        } catch (RuntimeException e) {
            LOG.debug("could not look for held work: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
