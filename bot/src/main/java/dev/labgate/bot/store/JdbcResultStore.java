package dev.labgate.bot.store;

import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.store.ResultStore;
import dev.labgate.kcidb.KcidbJson;

import java.time.Clock;
import java.util.Optional;

/** Run results as KCIDB JSON in the {@code run_results} table. */
public final class JdbcResultStore implements ResultStore {

    private final Database db;
    private final Clock clock;

    public JdbcResultStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void save(String runId, KcidbData results) {
        var json = KcidbJson.write(results);
        db.inTransaction(() -> {
            db.update("delete from run_results where run_id = ?", runId);
            db.update("insert into run_results (run_id, kcidb, saved_at) values (?, ?, ?)", runId, json,
                    clock.instant());
        });
    }

    @Override
    public Optional<KcidbData> find(String runId) {
        return db.queryOne("select kcidb from run_results where run_id = ?", rs -> KcidbJson.read(rs.getBytes(1)),
                runId);
    }
}
