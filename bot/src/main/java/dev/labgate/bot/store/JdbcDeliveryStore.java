package dev.labgate.bot.store;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.store.DeliveryStore;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deliveries in the {@code deliveries} table. */
public final class JdbcDeliveryStore implements DeliveryStore {

    private static final int MAX_OUTCOME = 2000;

    private final Database db;
    private final Clock clock;

    public JdbcDeliveryStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A delivery with its body encoded for storage (encoding is the costly part: do it off the writer). */
    public record Encoded(Delivery delivery, DeliveryBodies.Encoded body) {
        public static Encoded of(Delivery delivery) {
            return new Encoded(delivery, DeliveryBodies.encode(delivery.body()));
        }
    }

    /**
     * Stores deliveries in one batch, skipping those already stored. Call inside a transaction.
     *
     * @return for each delivery, in order, whether it was new
     */
    public boolean[] insertNew(List<Encoded> deliveries) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement("insert into deliveries (forge, delivery_id, event, body, body_encoding, "
                    + "received_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing")) {
                for (var e : deliveries) {
                    var d = e.delivery();
                    Database.bind(ps, d.key().forge(), d.key().id(), d.event(), e.body().bytes(), e.body().encoding(),
                            d.receivedAt());
                    ps.addBatch();
                }
                var counts = ps.executeBatch();
                var fresh = new boolean[deliveries.size()];
                for (int i = 0; i < counts.length; i++) {
                    fresh[i] = counts[i] > 0;
                }
                return fresh;
            }
        }, "insert deliveries");
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
                    var outcome = entry.getValue();
                    Database.bind(ps, now, outcome.length() > MAX_OUTCOME ? outcome.substring(0, MAX_OUTCOME) : outcome,
                            entry.getKey().forge(), entry.getKey().id());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        }, "update deliveries");
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
