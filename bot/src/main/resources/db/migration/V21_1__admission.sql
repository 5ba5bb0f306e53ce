-- Admission (issue 13): the daily quota is checked and counted in one atomic step.
-- The same file serves H2 (in PostgreSQL mode) and PostgreSQL: keep to their common SQL.
-- Versioned 21.1: above every migration already on main (20.1), since Flyway refuses to apply a
-- lower version to a database that has a higher one, and decimal so that it cannot collide.

-- One row per author and UTC day. Its row lock serializes that author's admissions across workers
-- and replicas, and `admitted` is raised only by a conditional UPDATE (admitted < quota).
create table quota_days (
    who      varchar(255) not null,
    utc_day  date         not null,
    admitted integer      not null,
    primary key (who, utc_day)
);

-- Each run counted against a quota, with its place in the author's day: a repeated step finds it
-- and counts nothing twice.
create table quota_runs (
    run_id  varchar(40)  not null primary key,
    who     varchar(255) not null,
    utc_day date         not null,
    place   integer      not null
);

-- Until now the audit's admissions were the count: carry them over, so that an upgrade in the
-- middle of a day does not hand out that day's quota again.
insert into quota_runs (run_id, who, utc_day, place)
select run_id, who, utc_day, cast(row_number() over (partition by who, utc_day order by first_at, run_id) as integer)
from (select run_id, min(who) as who, cast((min(at) at time zone 'UTC') as date) as utc_day, min(at) as first_at
      from audit where rule = 'lab-admission' and outcome = 'TRUSTED' and run_id <> '' group by run_id) admitted;
insert into quota_days (who, utc_day, admitted)
select who, utc_day, count(*) from quota_runs group by who, utc_day;

-- Nothing counts admissions from the audit any more.
drop index audit_admissions;

-- The lab queue (max-concurrent): a planned run takes a slot before it is submitted, and keeps it
-- while it is submitted, running, or planned again for another attempt.
alter table runs add column slot_taken boolean default false not null;
-- One row per lab whose row lock serializes the taking of its slots across workers and replicas.
create table lab_slots (
    lab varchar(64) not null primary key
);
