-- Plans with stages (issue 18): the lab whose run of the same head and round must pass before this
-- run starts, and whose artifacts it takes; null for a first stage.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.
-- Versioned 20.1: above every migration main holds or other branches have taken (Flyway refuses a
-- version lower than one already applied).
alter table runs add column after_lab varchar(64);
