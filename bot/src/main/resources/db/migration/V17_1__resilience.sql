-- Issue 17: work that failed for good, and commit statuses whose last write may land late.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.
-- Versioned 17.1 so that it cannot collide with a migration written at the same time.

-- A durable task that gave up: shown at /api/deliveries?state=failed and /failed until an
-- operator retries it (which schedules the task again from task_data and deletes the row).
create table failed_work (
    id          varchar(16)              not null primary key,
    task        varchar(100)             not null,
    instance_id varchar(250)             not null,
    task_data   bytea,
    delivery_id varchar(64),
    error       varchar(2000)            not null,
    failures    integer                  not null,
    failed_at   timestamp with time zone not null
);
create index failed_work_failed_at on failed_work (failed_at);

-- A status write of the run whose outcome is unknown (it timed out or its connection was reset):
-- the forge may still apply it after a later one. Null when every write was answered.
alter table runs add column status_in_doubt_since timestamp with time zone;
