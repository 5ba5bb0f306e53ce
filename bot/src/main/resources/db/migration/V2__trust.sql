-- Trust: heads waiting for approval, approvals, and the audit of every trust decision.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.

-- A head of a change that waits for a maintainer's /labgate ok-to-test, with what its approval needs.
create table approval_requests (
    subject_key   varchar(512)             not null,
    head_sha      varchar(64)              not null,
    forge         varchar(32)              not null,
    repo          varchar(255)             not null,
    change_number bigint                   not null,
    base_sha      varchar(64)              not null,
    base_ref      varchar(255)             not null,
    author        varchar(255)             not null,
    from_fork     boolean                  not null,
    clone_url     varchar(1024)            not null,
    fetch_ref     varchar(255)             not null,
    requested_at  timestamp with time zone not null,
    primary key (subject_key, head_sha)
);

-- One approval of one head: a maintainer's, or one carried over from an earlier head after a pure rebase.
create table approvals (
    subject_key    varchar(512)             not null,
    head_sha       varchar(64)              not null,
    forge          varchar(32)              not null,
    repo           varchar(255)             not null,
    change_number  bigint                   not null,
    base_sha       varchar(64)              not null,
    approver       varchar(255)             not null,
    policy_version varchar(64)              not null,
    approved_at    timestamp with time zone not null,
    -- git patch ids of the approved commits, oldest first, one per line
    patch_ids      varchar(1000000)         not null,
    carried_from   varchar(64)              not null,
    primary key (subject_key, head_sha)
);
create index approvals_latest on approvals (subject_key, approved_at);

-- Every trust decision: who, which change and head, which lab, which rule, allowed or not.
create table audit (
    id             varchar(64)              not null primary key,
    at             timestamp with time zone not null,
    forge          varchar(32)              not null,
    repo           varchar(255)             not null,
    subject_key    varchar(512)             not null,
    head_sha       varchar(64)              not null,
    who            varchar(255)             not null,
    lab            varchar(64)              not null,
    run_id         varchar(40)              not null,
    rule           varchar(64)              not null,
    outcome        varchar(24)              not null,
    reason         varchar(2000)            not null,
    policy_version varchar(64)              not null,
    cause          varchar(255)             not null
);
create index audit_repository on audit (forge, repo, at);
create index audit_admissions on audit (who, rule, at);

-- The concurrent-runs quota counts the active runs of a lab.
create index runs_lab_state on runs (lab, state);
