-- Config sign-off decisions and manual job runs (X2, jobs). 0001 created both tables.
alter table config_versions add column decided_by uuid;
alter table config_versions add column decision_note text;

-- 'schedule' runs come from the scheduler's tick; 'manual' ones from an admin (runNow).
alter table job_runs add column trigger text not null default 'schedule' check (trigger in ('schedule','manual'));
alter table job_runs add column triggered_by uuid;
create index job_runs_job on job_runs (tenant_id, job_id, started_at desc);
