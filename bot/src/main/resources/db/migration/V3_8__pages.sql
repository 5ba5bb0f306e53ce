-- Run pages (issue 8): why the plan chose each run, and indexes for the pages' lookups.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.
-- Versioned 3.8 rather than 3 so that it cannot collide with a V3 written at the same time.

-- The policy's plan rules (and matched paths) that chose the run's lab and tests; null for older runs.
alter table runs add column plan_why varchar(1000);

-- /runs lists the newest runs; /labs counts what finished recently.
create index runs_created on runs (created_at);
create index runs_updated on runs (updated_at);
-- A run page lists the other heads of its change.
create index runs_subject_created on runs (subject_key, created_at);
-- A run page shows the trust decisions of its head; /runs?author= finds runs by the audited author.
create index audit_head on audit (subject_key, head_sha);
create index audit_run on audit (run_id);
