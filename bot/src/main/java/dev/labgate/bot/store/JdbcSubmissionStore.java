package dev.labgate.bot.store;

import dev.labgate.flow.KcidbSharing;
import dev.labgate.kcidb.submit.Submission;

import java.time.Clock;
import java.util.List;

/** What became of each run's results submitted to KCIDB, in the {@code kcidb_submissions} table. */
public final class JdbcSubmissionStore implements KcidbSharing.Store {

    private static final int MAX_MESSAGE = 1000;

    private final Database db;
    private final Clock clock;

    public JdbcSubmissionStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public List<Submission> submissions(String runId) {
        return db.query("select submission_id, objects, state, message from kcidb_submissions where run_id = ? "
                        + "order by part", rs -> new Submission(rs.getString("submission_id"), rs.getInt("objects"),
                        rs.getString("state"), rs.getString("message")), runId);
    }

    @Override
    public void save(String runId, List<Submission> submissions) {
        db.inTransaction(() -> {
            db.update("delete from kcidb_submissions where run_id = ?", runId);
            for (int part = 0; part < submissions.size(); part++) {
                var s = submissions.get(part);
                var message = s.message().length() > MAX_MESSAGE ? s.message().substring(0, MAX_MESSAGE - 1) + "…"
                        : s.message();
                db.update("insert into kcidb_submissions (run_id, part, submission_id, objects, state, message, "
                        + "updated_at) values (?, ?, ?, ?, ?, ?, ?)", runId, part, s.id(), s.objects(), s.state(),
                        message, clock.instant());
            }
        });
    }
}
