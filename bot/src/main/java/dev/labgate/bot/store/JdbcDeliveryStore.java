package dev.labgate.bot.store;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.store.DeliveryStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deliveries in the {@code deliveries} table. What this process has just stored is also kept in
 * memory until its processing takes it ({@link #handOver}), so that processing neither reads the
 * row back nor inflates the body; after a restart, on another replica, or once dropped for room,
 * a delivery is read from the table as before.
 */
public final class JdbcDeliveryStore implements DeliveryStore {

    /**
     * Bodies kept for processing in a process that runs it: enough for bursts, with the oldest
     * dropped first (a backlog is read from the table).
     */
    public static final long KEEP_FOR_PROCESSING = 16L << 20;
    private static final int MAX_OUTCOME = 2000;

    private final Database db;
    private final Clock clock;
    private final long keep;
    /** Stored by this process, not handed over yet, oldest first; guarded by itself. */
    private final Map<DeliveryKey, Delivery> kept = new LinkedHashMap<>();
    private long keptBytes;

    /** @param keep the most body bytes kept for processing: 0 in a process that runs no work */
    public JdbcDeliveryStore(Database db, Clock clock, long keep) {
        this.db = db;
        this.clock = clock;
        this.keep = keep;
    }

    /**
     * A delivery with its body encoded for storage (encoding is the costly part: do it off the writer).
     *
     * @param outcome what processing comes to when that is known as it is stored (it is then stored
     *                processed), else null
     */
    public record Encoded(Delivery delivery, DeliveryBodies.Encoded body, String outcome) {
        public static Encoded of(Delivery delivery, Optional<String> outcome) {
            return new Encoded(delivery, DeliveryBodies.encode(delivery.body()), outcome.orElse(null));
        }
    }

    /**
     * Stores deliveries in one batch, skipping those already stored. Call inside a transaction.
     *
     * @return for each delivery, in order, whether it was new
     */
    public boolean[] insertNew(List<Encoded> deliveries) {
        var now = clock.instant();
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement("insert into deliveries (forge, delivery_id, event, body, body_encoding, "
                    + "received_at, processed_at, outcome) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
                for (var e : deliveries) {
                    var d = e.delivery();
                    Database.bind(ps, d.key().forge(), d.key().id(), d.event(), e.body().bytes(), e.body().encoding(),
                            d.receivedAt(), e.outcome() == null ? null : now, e.outcome() == null ? null : cut(e.outcome()));
                    ps.addBatch();
                }
                var counts = ps.executeBatch();
                var fresh = new boolean[deliveries.size()];
                var stored = new ArrayList<Delivery>();
                for (int i = 0; i < counts.length; i++) {
                    fresh[i] = counts[i] > 0;
                    if (fresh[i] && deliveries.get(i).outcome() == null) {
                        stored.add(deliveries.get(i).delivery());
                    }
                }
                if (keep > 0) {
                    // Kept only once committed: what processing is handed must be what the table holds.
                    db.afterCommit(() -> remember(stored));
                }
                return fresh;
            }
        }, "insert deliveries");
    }

    private void remember(List<Delivery> stored) {
        synchronized (kept) {
            for (var delivery : stored) {
                if (delivery.body().length <= keep) {
                    kept.put(delivery.key(), delivery);
                    keptBytes += delivery.body().length;
                }
            }
            var oldest = kept.values().iterator();
            while (keptBytes > keep) {
                keptBytes -= oldest.next().body().length;
                oldest.remove();
            }
        }
    }

    /**
     * Of these deliveries, those this process stored and kept in memory that are still not
     * processed, each handed over once, with one query for the lot. The others (stored by another
     * process, dropped for room, handed over before) are for {@link #findUnprocessed} to read.
     */
    public Map<DeliveryKey, Delivery> handOver(List<DeliveryKey> keys) {
        var taken = new LinkedHashMap<DeliveryKey, Delivery>();
        synchronized (kept) {
            for (var key : keys) {
                var delivery = kept.remove(key);
                if (delivery != null) {
                    taken.put(key, delivery);
                    keptBytes -= delivery.body().length;
                }
            }
        }
        if (taken.isEmpty()) {
            return taken;
        }
        // Another replica may have processed one (it took the batch, settled it, and died before removing the task).
        var params = new ArrayList<Object>();
        taken.keySet().forEach(key -> {
            params.add(key.forge());
            params.add(key.id());
        });
        var open = new HashSet<>(db.query("select forge, delivery_id from deliveries where (forge, delivery_id) in ("
                        + String.join(", ", Collections.nCopies(taken.size(), "(?, ?)")) + ") and outcome is null",
                rs -> new DeliveryKey(rs.getString("forge"), rs.getString("delivery_id")), params.toArray()));
        taken.keySet().retainAll(open);
        return taken;
    }

    @Override
    public Optional<Delivery> find(DeliveryKey key) {
        return db.queryOne("select event, body, body_encoding, received_at from deliveries "
                        + "where forge = ? and delivery_id = ?",
                rs -> new Delivery(key, rs.getString("event"),
                        DeliveryBodies.decode(rs.getString("body_encoding"), rs.getBytes("body")),
                        Database.instant(rs, "received_at")),
                key.forge(), key.id());
    }

    /** Records what processing each delivery led to, in words, in one batch. */
    public void markProcessed(Map<DeliveryKey, String> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        var now = clock.instant();
        db.withConnection(c -> {
            try (var ps = c.prepareStatement(
                    "update deliveries set processed_at = ?, outcome = ? where forge = ? and delivery_id = ?")) {
                for (var entry : outcomes.entrySet()) {
                    Database.bind(ps, now, cut(entry.getValue()), entry.getKey().forge(), entry.getKey().id());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        }, "update deliveries");
    }

    /** An outcome as its column holds it. */
    private static String cut(String outcome) {
        return outcome.length() > MAX_OUTCOME ? outcome.substring(0, MAX_OUTCOME) : outcome;
    }

    public void markProcessed(DeliveryKey key, String outcome) {
        markProcessed(Map.of(key, outcome));
    }

    /**
     * The delivery while it is not processed yet, empty once it is (or when it is not stored): one
     * primary-key lookup that both skips settled work and reads the body to process.
     */
    public Optional<Delivery> findUnprocessed(DeliveryKey key) {
        return db.queryOne("select event, body, body_encoding, received_at from deliveries "
                        + "where forge = ? and delivery_id = ? and outcome is null",
                rs -> new Delivery(key, rs.getString("event"),
                        DeliveryBodies.decode(rs.getString("body_encoding"), rs.getBytes("body")),
                        Database.instant(rs, "received_at")),
                key.forge(), key.id());
    }

    /** What processing a delivery led to, empty while it is not processed yet. */
    public Optional<String> outcome(DeliveryKey key) {
        return db.queryOne("select outcome from deliveries where forge = ? and delivery_id = ?",
                rs -> Optional.ofNullable(rs.getString("outcome")), key.forge(), key.id()).flatMap(o -> o);
    }
}
