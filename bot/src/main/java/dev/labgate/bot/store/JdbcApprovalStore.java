package dev.labgate.bot.store;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.Person;
import dev.labgate.core.store.ApprovalStore;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.ApprovalRequest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Approval requests and approvals in the {@code approval_requests} and {@code approvals} tables. */
public final class JdbcApprovalStore implements ApprovalStore {

    private final Database db;

    public JdbcApprovalStore(Database db) {
        this.db = db;
    }

    @Override
    public void request(ApprovalRequest r) {
        var change = r.change();
        db.update("insert into approval_requests (subject_key, head_sha, forge, repo, change_number, base_sha, "
                        + "base_ref, author, from_fork, clone_url, fetch_ref, requested_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                change.key(), r.headSha(), change.repo().forge(), change.repo().fullName(), change.number(),
                r.baseSha(), r.baseRef(), r.author().login(), r.fromFork(), r.cloneUrl(), r.fetchRef(), r.at());
    }

    @Override
    public Optional<ApprovalRequest> request(ChangeRef change, String headSha) {
        return db.queryOne("select head_sha, base_sha, base_ref, author, from_fork, clone_url, fetch_ref, requested_at "
                        + "from approval_requests where subject_key = ? and head_sha = ?",
                rs -> new ApprovalRequest(change, rs.getString("head_sha"), rs.getString("base_sha"),
                        rs.getString("base_ref"), new Person(rs.getString("author")), rs.getBoolean("from_fork"),
                        rs.getString("clone_url"), rs.getString("fetch_ref"), Database.instant(rs, "requested_at")),
                change.key(), headSha);
    }

    @Override
    public void record(Approval a) {
        var change = a.change();
        db.update("insert into approvals (subject_key, head_sha, forge, repo, change_number, base_sha, approver, "
                        + "policy_version, approved_at, patch_ids, carried_from) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                change.key(), a.headSha(), change.repo().forge(), change.repo().fullName(), change.number(),
                a.baseSha(), a.approver().login(), a.policyVersion(), a.at(), String.join("\n", a.patchIds()),
                a.carriedFrom());
    }

    @Override
    public Optional<Approval> latest(ChangeRef change) {
        return db.queryOne("select head_sha, base_sha, approver, policy_version, approved_at, patch_ids, carried_from "
                        + "from approvals where subject_key = ? order by approved_at desc, head_sha limit 1",
                rs -> approval(change, rs), change.key());
    }

    /** The approval of one head, if it has one (given directly or carried over after a pure rebase). */
    public Optional<Approval> forHead(ChangeRef change, String headSha) {
        return db.queryOne("select head_sha, base_sha, approver, policy_version, approved_at, patch_ids, carried_from "
                        + "from approvals where subject_key = ? and head_sha = ?", rs -> approval(change, rs),
                change.key(), headSha);
    }

    private static Approval approval(ChangeRef change, ResultSet rs) throws SQLException {
        var patchIds = rs.getString("patch_ids");
        return new Approval(change, rs.getString("head_sha"), rs.getString("base_sha"),
                new Person(rs.getString("approver")), rs.getString("policy_version"),
                Database.instant(rs, "approved_at"), patchIds.isEmpty() ? List.of() : List.of(patchIds.split("\n")),
                rs.getString("carried_from"));
    }
}
