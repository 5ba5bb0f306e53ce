package dev.labgate.bot.store;

import dev.labgate.core.event.Person;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.QuotaCounts;

import java.time.LocalDate;
import java.util.OptionalInt;

/**
 * The quota counts: each author's runs per UTC day in {@code quota_days} (one row per author and
 * day, with the runs it counted in {@code quota_runs}), and the active runs of a lab from the
 * {@code runs} table.
 */
public final class JdbcQuotaCounts implements QuotaCounts {

    private final Database db;

    public JdbcQuotaCounts(Database db) {
        this.db = db;
    }

    @Override
    public OptionalInt admit(Person author, LocalDate day, int limit, String runId) {
        var who = author.login();
        return db.inTransaction(() -> {
            db.update("insert into quota_days (who, utc_day, admitted) values (?, ?, 0) on conflict do nothing", who, day);
            // The author's row lock, held to the end of the caller's transaction: another transaction
            // admitting for this author waits here and then sees what this one counted.
            db.queryOne("select admitted from quota_days where who = ? and utc_day = ? for update", rs -> rs.getInt(1),
                    who, day);
            var counted = place(runId);
            if (counted.isPresent()) {
                return counted;
            }
            // The check and the count in one statement: it raises the count only below the quota.
            if (db.update("update quota_days set admitted = admitted + 1 where who = ? and utc_day = ? and admitted < ?",
                    who, day, limit) == 0) {
                return OptionalInt.empty();
            }
            int place = db.queryOne("select admitted from quota_days where who = ? and utc_day = ?", rs -> rs.getInt(1),
                    who, day).orElseThrow();
            db.update("insert into quota_runs (run_id, who, utc_day, place) values (?, ?, ?, ?)", runId, who, day, place);
            return OptionalInt.of(place);
        });
    }

    private OptionalInt place(String runId) {
        return db.queryOne("select place from quota_runs where run_id = ?", rs -> rs.getInt(1), runId)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    @Override
    public int activeRuns(String lab) {
        return db.queryOne("select count(*) from runs where lab = ? and state in (?, ?, ?)", rs -> rs.getInt(1), lab,
                RunState.PLANNED.name(), RunState.SUBMITTED.name(), RunState.RUNNING.name()).orElse(0);
    }
}
