package dev.labgate.bot.store;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.RunStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** Runs in the {@code runs} table, each state change also written to {@code run_transitions}. */
public final class JdbcRunStore implements RunStore {

    private static final int MAX_NOTE = 1000;
    private static final int MAX_TITLE = 512;
    private static final String COLUMNS = "id, subject_kind, forge, repo, change_number, branch_ref, lab, head_sha, "
            + "base_sha, clone_url, fetch_ref, tests, round, state, attempt, lab_run_id, lab_run_url, note, deadline, "
            + "final_reported, delivery_id, created_at, updated_at, after_lab";
    private static final String ACTIVE = Arrays.stream(RunState.values()).filter(s -> !s.isTerminal())
            .map(s -> "'" + s.name() + "'").reduce((a, b) -> a + ", " + b).orElseThrow();

    /** Told of every state change once it is stored (for the metrics). */
    @FunctionalInterface
    public interface Moves {
        /** The run moved from {@code from} to {@code moved.state()}; {@code submittedAt} is when it last went to a lab. */
        void moved(Run moved, RunState from, Optional<Instant> submittedAt);
    }

    private final Database db;
    private final Clock clock;
    private final Moves moves;

    public JdbcRunStore(Database db, Clock clock) {
        this(db, clock, (moved, from, submittedAt) -> { });
    }

    public JdbcRunStore(Database db, Clock clock, Moves moves) {
        this.db = db;
        this.clock = clock;
        this.moves = moves;
    }

    @Override
    public Run createIfAbsent(Run run) {
        return db.inTransaction(() -> {
            var subject = run.subject();
            Long number = subject instanceof Subject.Change c ? c.change().number() : null;
            String ref = subject instanceof Subject.Branch b ? b.ref() : subject instanceof Subject.Base b ? b.ref() : null;
            db.update("insert into runs (id, subject_key, subject_kind, forge, repo, change_number, branch_ref, lab, "
                            + "head_sha, base_sha, clone_url, fetch_ref, tests, round, state, attempt, note, "
                            + "final_reported, delivery_id, created_at, updated_at, after_lab) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                    run.id(), subject.key(), kind(subject), subject.repo().forge(),
                    subject.repo().fullName(), number, ref, run.lab(), run.headSha(), run.baseSha(), run.cloneUrl(),
                    run.fetchRef(), String.join("\n", run.tests()), run.round(), run.state().name(), run.attempt(),
                    note(run.note()), run.finalReported(), run.deliveryId(), run.createdAt(), run.updatedAt(),
                    run.after().orElse(null));
            return db.queryOne("select " + COLUMNS + " from runs where subject_key = ? and head_sha = ? and lab = ? "
                            + "and round = ?", JdbcRunStore::read, subject.key(), run.headSha(), run.lab(), run.round())
                    .orElseThrow(() -> new IllegalStateException("run " + run.id() + " vanished after insert"));
        });
    }

    @Override
    public Optional<Run> find(String id) {
        return db.queryOne("select " + COLUMNS + " from runs where id = ?", JdbcRunStore::read, id);
    }

    @Override
    public List<Run> forHead(String subjectKey, String headSha) {
        return db.query("select " + COLUMNS + " from runs where subject_key = ? and head_sha = ? "
                + "order by created_at, lab, round", JdbcRunStore::read, subjectKey, headSha);
    }

    @Override
    public List<Run> atCommit(RepoRef repo, String sha) {
        return db.query("select " + COLUMNS + " from runs where forge = ? and repo = ? and head_sha = ? "
                + "order by updated_at desc, id", JdbcRunStore::read, repo.forge(), repo.fullName(), sha);
    }

    @Override
    public Optional<String> latestHead(String subjectKey) {
        return db.queryOne("select head_sha from runs where subject_key = ? order by created_at desc, id limit 1",
                rs -> rs.getString("head_sha"), subjectKey);
    }

    @Override
    public List<Run> active(String subjectKey) {
        return db.query("select " + COLUMNS + " from runs where subject_key = ? and state in (" + ACTIVE + ") "
                + "order by created_at", JdbcRunStore::read, subjectKey);
    }

    @Override
    public List<Run> activeOnBase(RepoRef repo, String baseSha) {
        return db.query("select " + COLUMNS + " from runs where forge = ? and repo = ? and base_sha = ? and state in ("
                + ACTIVE + ") order by created_at, id", JdbcRunStore::read, repo.forge(), repo.fullName(), baseSha);
    }

    private record Planned(boolean slotTaken, Instant createdAt) {
    }

    @Override
    public int takeSlot(String runId, String lab, int limit) {
        return db.inTransaction(() -> {
            db.update("insert into lab_slots (lab) values (?) on conflict do nothing", lab);
            // The lab's row lock, held to the end of the transaction: another replica taking a slot of
            // this lab waits here and then counts the slot this one took.
            db.queryOne("select lab from lab_slots where lab = ? for update", rs -> rs.getString(1), lab);
            var planned = db.queryOne("select slot_taken, created_at from runs where id = ? and state = ?",
                    rs -> new Planned(rs.getBoolean("slot_taken"), Database.instant(rs, "created_at")), runId,
                    RunState.PLANNED.name());
            if (planned.isEmpty() || planned.get().slotTaken()) {
                return 0;
            }
            var created = planned.get().createdAt();
            long holding = db.queryOne("select count(*) from runs where lab = ? and (state in (?, ?) "
                    + "or state = ? and slot_taken)", rs -> rs.getLong(1), lab, RunState.SUBMITTED.name(),
                    RunState.RUNNING.name(), RunState.PLANNED.name()).orElseThrow();
            long ahead = db.queryOne("select count(*) from runs where lab = ? and state = ? and not slot_taken "
                    + "and (created_at < ? or created_at = ? and id < ?)", rs -> rs.getLong(1), lab,
                    RunState.PLANNED.name(), created, created, runId).orElseThrow();
            long place = ahead + holding - limit + 1;
            if (place > 0) {
                return (int) place;
            }
            db.update("update runs set slot_taken = true where id = ?", runId);
            return 0;
        });
    }

    @Override
    public Optional<Run> transition(String id, RunState from, RunState to, String note, LabRun labRun, int attempt,
                                    Instant deadline) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("a run cannot go from " + from.label() + " to " + to.label());
        }
        return db.inTransaction(() -> {
            var now = clock.instant();
            int changed = db.update("update runs set state = ?, note = ?, attempt = ?, "
                            + "lab_run_id = coalesce(?, lab_run_id), lab_run_url = coalesce(?, lab_run_url), "
                            + "deadline = coalesce(?, deadline), updated_at = ? where id = ? and state = ?",
                    to.name(), note(note), attempt, labRun == null ? null : labRun.externalId(),
                    labRun == null ? null : labRun.url(), deadline, now, id, from.name());
            if (changed == 0) {
                return Optional.<Run>empty();
            }
            db.update("insert into run_transitions (run_id, from_state, to_state, note, at) values (?, ?, ?, ?, ?)",
                    id, from.name(), to.name(), note(note), now);
            var moved = find(id);
            if (moved.isPresent()) {
                var submittedAt = to.isTerminal() ? db.queryOne("select max(at) as at from run_transitions where "
                        + "run_id = ? and to_state = 'SUBMITTED'", rs -> Optional.ofNullable(Database.instant(rs, "at")),
                        id).flatMap(a -> a) : Optional.<Instant>empty();
                db.afterCommit(() -> moves.moved(moved.get(), from, submittedAt));
            }
            return moved;
        });
    }

    @Override
    public void updateNote(String id, String note) {
        db.update("update runs set note = ?, updated_at = ? where id = ?", note(note), clock.instant(), id);
    }

    @Override
    public void markFinalReported(String id) {
        db.update("update runs set final_reported = true, updated_at = ? where id = ?", clock.instant(), id);
    }

    @Override
    public List<Run> reportedSince(Instant since, int limit) {
        return db.query("select " + COLUMNS + " from runs where final_reported = true and updated_at >= ? "
                + "order by updated_at desc, id limit ?", JdbcRunStore::read, since, limit);
    }

    @Override
    public void markStatusInDoubt(String id, Instant since) {
        db.update("update runs set status_in_doubt_since = ? where id = ? and status_in_doubt_since is null", since, id);
    }

    @Override
    public Optional<Instant> statusInDoubtSince(String id) {
        return db.queryOne("select status_in_doubt_since from runs where id = ?",
                rs -> Optional.ofNullable(Database.instant(rs, "status_in_doubt_since")), id).flatMap(d -> d);
    }

    @Override
    public void clearStatusDoubt(String id) {
        db.update("update runs set status_in_doubt_since = null where id = ?", id);
    }

    @Override
    public void recordWhy(String id, String why) {
        db.update("update runs set plan_why = ? where id = ? and plan_why is null", note(why), id);
    }

    @Override
    public void recordTitle(String id, String title) {
        var cut = title.length() > MAX_TITLE ? title.substring(0, MAX_TITLE - 1) + "…" : title;
        db.update("update runs set title = ? where id = ? and title is null", cut, id);
    }

    /** The title recorded for a run's change; empty when none was. */
    public Optional<String> title(String id) {
        return db.queryOne("select coalesce(title, '') as title from runs where id = ?", rs -> rs.getString("title"), id)
                .filter(t -> !t.isBlank());
    }

    /** One recorded state change of a run. */
    public record Transition(RunState from, RunState to, String note, Instant at) {
    }

    /**
     * What the run pages filter the run list by; an empty filter matches every run.
     *
     * @param forge with {@code repo}, the forge of the repository; empty for every forge
     * @param repo the repository path, compared without regard to case
     * @param author the author or pusher the audit recorded for the run, compared without regard to case
     */
    public record Filter(Optional<String> forge, Optional<String> repo, Optional<RunState> state,
                         Optional<String> author) {
        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** A run as the run list shows it, with the author the audit recorded for it and its change's title (empty when none). */
    public record Listed(Run run, String author, String title) {
    }

    /** How many runs of a lab are in one state. */
    public record LabCount(String lab, RunState state, long count) {
    }

    /** The newest runs that match the filter, newest first. */
    public List<Listed> recent(Filter filter, int limit) {
        var where = new StringBuilder(" where 1 = 1");
        var params = new ArrayList<Object>();
        filter.forge().ifPresent(f -> {
            where.append(" and forge = ?");
            params.add(f);
        });
        filter.repo().ifPresent(r -> {
            where.append(" and lower(repo) = lower(?)");
            params.add(r);
        });
        filter.state().ifPresent(s -> {
            where.append(" and state = ?");
            params.add(s.name());
        });
        filter.author().ifPresent(a -> {
            where.append(" and exists (select 1 from audit a where a.run_id = runs.id and lower(a.who) = lower(?))");
            params.add(a);
        });
        params.add(limit);
        return db.query("select " + COLUMNS + ", title, (select min(a.who) from audit a where a.run_id = runs.id) "
                        + "as author from runs" + where + " order by created_at desc, id limit ?",
                rs -> new Listed(read(rs), Objects.requireNonNullElse(rs.getString("author"), ""),
                        Objects.requireNonNullElse(rs.getString("title"), "")), params.toArray());
    }

    /** Every run of a subject, at every head, newest first. */
    public List<Run> forSubject(String subjectKey, int limit) {
        return db.query("select " + COLUMNS + " from runs where subject_key = ? order by created_at desc, id limit ?",
                JdbcRunStore::read, subjectKey, limit);
    }

    /** The state changes of a run, oldest first. */
    public List<Transition> transitions(String id) {
        return db.query("select from_state, to_state, note, at from run_transitions where run_id = ? order by id",
                rs -> new Transition(RunState.valueOf(rs.getString("from_state")),
                        RunState.valueOf(rs.getString("to_state")), rs.getString("note"), Database.instant(rs, "at")),
                id);
    }

    @Override
    public Map<String, String> whys(String subjectKey, String headSha) {
        return db.query("select id, plan_why from runs where subject_key = ? and head_sha = ? and plan_why is not null",
                        rs -> Map.entry(rs.getString("id"), rs.getString("plan_why")), subjectKey, headSha)
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** How many runs of each lab are in each state that is not terminal. */
    public List<LabCount> activeByLab() {
        return db.query("select lab, state, count(*) as n from runs where state in (" + ACTIVE + ") group by lab, state",
                JdbcRunStore::labCount);
    }

    /** How many runs of each lab ended in each terminal state since {@code since}. */
    public List<LabCount> finishedByLabSince(Instant since) {
        return db.query("select lab, state, count(*) as n from runs where updated_at >= ? and state not in (" + ACTIVE
                + ") group by lab, state", JdbcRunStore::labCount, since);
    }

    private static LabCount labCount(ResultSet rs) throws SQLException {
        return new LabCount(rs.getString("lab"), RunState.valueOf(rs.getString("state")), rs.getLong("n"));
    }

    private static String note(String note) {
        return note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 1) + "…" : note;
    }

    private static String kind(Subject subject) {
        return subject instanceof Subject.Change ? "change" : subject instanceof Subject.Base ? "base" : "branch";
    }

    private static Run read(ResultSet rs) throws SQLException {
        var repo = new RepoRef(rs.getString("forge"), rs.getString("repo"));
        Subject subject = switch (rs.getString("subject_kind")) {
            case "change" -> new Subject.Change(new ChangeRef(repo, rs.getLong("change_number")));
            case "base" -> new Subject.Base(repo, rs.getString("branch_ref"));
            default -> new Subject.Branch(repo, rs.getString("branch_ref"));
        };
        var lab = rs.getString("lab");
        var labRunId = rs.getString("lab_run_id");
        var tests = rs.getString("tests");
        return new Run(rs.getString("id"), subject, lab, rs.getString("head_sha"), rs.getString("base_sha"),
                rs.getString("clone_url"), rs.getString("fetch_ref"),
                tests.isEmpty() ? List.of() : List.of(tests.split("\n")), rs.getInt("round"),
                RunState.valueOf(rs.getString("state")), rs.getInt("attempt"),
                labRunId == null ? null : new LabRun(lab, labRunId, rs.getString("lab_run_url")),
                rs.getString("note"), Database.instant(rs, "deadline"), rs.getBoolean("final_reported"),
                rs.getString("delivery_id"), Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"),
                Optional.ofNullable(rs.getString("after_lab")));
    }
}
