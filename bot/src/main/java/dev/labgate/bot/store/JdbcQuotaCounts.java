package dev.labgate.bot.store;

import dev.labgate.config.TrustRules;
import dev.labgate.core.event.Person;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.QuotaCounts;

import java.time.Instant;

/**
 * The quota counts: runs admitted per author from the audit (each admission names its run), and
 * active runs per lab from the {@code runs} table.
 */
public final class JdbcQuotaCounts implements QuotaCounts {

    private final Database db;

    public JdbcQuotaCounts(Database db) {
        this.db = db;
    }

    @Override
    public int runsAdmittedSince(Person author, Instant since) {
        return db.queryOne("select count(distinct run_id) from audit where who = ? and rule = ? and outcome = ? "
                        + "and run_id <> '' and at >= ?", rs -> rs.getInt(1), author.login(),
                TrustRules.LAB_ADMISSION, "TRUSTED", since).orElse(0);
    }

    @Override
    public int activeRuns(String lab) {
        return db.queryOne("select count(*) from runs where lab = ? and state in (?, ?, ?)", rs -> rs.getInt(1), lab,
                RunState.PLANNED.name(), RunState.SUBMITTED.name(), RunState.RUNNING.name()).orElse(0);
    }
}
