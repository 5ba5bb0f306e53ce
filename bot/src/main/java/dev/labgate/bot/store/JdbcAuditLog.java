package dev.labgate.bot.store;

import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.store.AuditLog;
import dev.labgate.core.trust.AuditEntry;
import dev.labgate.core.trust.TrustDecision;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The audit in the {@code audit} table. */
public final class JdbcAuditLog implements AuditLog {

    private static final int MAX_REASON = 2000;
    private static final String COLUMNS = "id, at, forge, repo, subject_key, head_sha, who, lab, run_id, rule, outcome, "
            + "reason, policy_version, cause";

    private final Database db;

    public JdbcAuditLog(Database db) {
        this.db = db;
    }

    @Override
    public void record(AuditEntry e) {
        var reason = e.reason().length() > MAX_REASON ? e.reason().substring(0, MAX_REASON - 1) + "…" : e.reason();
        db.update("insert into audit (id, at, forge, repo, subject_key, head_sha, who, lab, run_id, rule, outcome, "
                        + "reason, policy_version, cause) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "on conflict do nothing",
                e.id(), e.at(), e.repo().forge(), e.repo().fullName(), e.subjectKey(), e.headSha(), e.who().login(),
                e.lab(), e.runId(), e.rule(), e.outcome().name(), reason, e.policyVersion(), e.deliveryId());
    }

    @Override
    public List<AuditEntry> forRepository(RepoRef repo, int limit) {
        return db.query("select " + COLUMNS + " from audit where forge = ? and lower(repo) = lower(?) "
                + "order by at desc, id limit ?", JdbcAuditLog::read, repo.forge(), repo.fullName(), limit);
    }

    /** The decisions about one head of a subject (the commit's, each lab's, each approver's), oldest first. */
    public List<AuditEntry> forHead(String subjectKey, String headSha) {
        return db.query("select " + COLUMNS + " from audit where subject_key = ? and head_sha = ? order by at, id",
                JdbcAuditLog::read, subjectKey, headSha);
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getString("id"), Database.instant(rs, "at"),
                new RepoRef(rs.getString("forge"), rs.getString("repo")), rs.getString("subject_key"),
                rs.getString("head_sha"), new Person(rs.getString("who")), rs.getString("lab"), rs.getString("run_id"),
                rs.getString("rule"), TrustDecision.Outcome.valueOf(rs.getString("outcome")), rs.getString("reason"),
                rs.getString("policy_version"), rs.getString("cause"));
    }
}
