-- A verdict a contributor can act on (issue 16): the change's title for the pages, and what became
-- of each run's results submitted to KCIDB.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.
-- Versioned 22.1 so that it cannot collide with a migration written at the same time, and comes
-- after every migration already released (Flyway refuses a lower version added later).

-- The title of the change a run tests, as the forge said it when the run was planned; null for branches.
alter table runs add column title varchar(512);

-- A run's results as submitted to kcidb-ng, one row per submission (large results are split), with
-- the state kcidb-ng last gave: inprogress, ready, processed, failed; or a refusal before any submission.
create table kcidb_submissions (
    run_id        varchar(40)              not null,
    part          integer                  not null,
    submission_id varchar(64)              not null,
    objects       integer                  not null,
    state         varchar(16)              not null,
    message       varchar(1000)            not null,
    updated_at    timestamp with time zone not null,
    primary key (run_id, part)
);
