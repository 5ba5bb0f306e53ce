package dev.labgate.bot.store;

import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.store.DeliveryStore;

import java.time.Clock;
import java.util.List;
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

    /**
     * Stores deliveries in one batch, skipping those already stored. Call inside a transaction.
     *
     * @return for each delivery, in order, whether it was new
     */
    public boolean[] insertNew(List<Delivery> deliveries) {
        return db.withConnection(c -> {
            try (var ps = c.prepareStatement("insert into deliveries (forge, delivery_id, event, body, received_at) "
                    + "values (?, ?, ?, ?, ?) on conflict do nothing")) {
                for (var d : deliveries) {
                    Database.bind(ps, d.key().forge(), d.key().id(), d.event(), d.body(), d.receivedAt());
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
        return db.queryOne("select event, body, received_at from deliveries where forge = ? and delivery_id = ?",
                rs -> new Delivery(key, rs.getString("event"), rs.getBytes("body"),
                        Database.instant(rs, "received_at")),
                key.forge(), key.id());
    }

    @Override
    public void markProcessed(DeliveryKey key, String outcome) {
        var text = outcome.length() > MAX_OUTCOME ? outcome.substring(0, MAX_OUTCOME) : outcome;
        db.update("update deliveries set processed_at = ?, outcome = ? where forge = ? and delivery_id = ?",
                clock.instant(), text, key.forge(), key.id());
    }

    /** What processing a delivery led to, empty while it is not processed yet. */
    public Optional<String> outcome(DeliveryKey key) {
        return db.queryOne("select outcome from deliveries where forge = ? and delivery_id = ?",
                rs -> Optional.ofNullable(rs.getString("outcome")), key.forge(), key.id()).flatMap(o -> o);
    }
}
