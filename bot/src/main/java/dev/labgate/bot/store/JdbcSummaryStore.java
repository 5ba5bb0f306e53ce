package dev.labgate.bot.store;

import dev.labgate.core.store.SummaryStore;

import java.time.Clock;
import java.util.Optional;

/** Summary fingerprints in the {@code summaries} table; its rows are locked with {@code select ... for update}. */
public final class JdbcSummaryStore implements SummaryStore {

    private final Database db;
    private final Clock clock;

    public JdbcSummaryStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<String> lockLastPosted(String subjectKey) {
        db.update("insert into summaries (subject_key) values (?) on conflict do nothing", subjectKey);
        return db.queryOne("select fingerprint from summaries where subject_key = ? for update",
                rs -> Optional.ofNullable(rs.getString(1)), subjectKey).flatMap(f -> f);
    }

    @Override
    public void savePosted(String subjectKey, String fingerprint) {
        db.update("update summaries set fingerprint = ?, posted_at = ? where subject_key = ?", fingerprint,
                clock.instant(), subjectKey);
    }
}
