// SQL for job_runs (and the platform housekeeping jobs). Every function takes tenantId.
import type { Sql } from '../db/db.js';

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRunRow {
  job_id: string;
  period_key: string;
  status: RunStatus;
  attempts: number;
  scheduled_for: Date;
  started_at: Date;
  finished_at: Date | null;
  instance: string | null;
  output: unknown;
  error: string | null;
  trigger: 'schedule' | 'manual';
  triggered_by: string | null;
}

const COLS = 'job_id, period_key, status, attempts, scheduled_for, started_at, finished_at, instance, output, error, trigger, triggered_by';

/**
 * Transaction-scoped lock on (tenant, job): two instances sharing one PostgreSQL never claim
 * the same job at once. false = someone else holds it right now.
 */
export async function tryLock(tx: Sql, tenantId: string, jobId: string): Promise<boolean> {
  const r = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok', [`job:${tenantId}:${jobId}`]);
  return r.rows[0].ok === true;
}

export interface Claim {
  jobId: string;
  periodKey: string;
  scheduledFor: Date;
  at: Date;
  instance: string;
  trigger: 'schedule' | 'manual';
  triggeredBy: string | null;
}

/** First claim of a period; false when a row for it exists already (the primary key decides). */
export async function insertClaim(tx: Sql, tenantId: string, c: Claim): Promise<boolean> {
  const r = await tx.query(
    `insert into job_runs (tenant_id, job_id, period_key, status, attempts, scheduled_for, started_at, instance, trigger, triggered_by)
     values ($1,$2,$3,'running',1,$4,$5,$6,$7,$8)
     on conflict (tenant_id, job_id, period_key) do nothing`,
    [tenantId, c.jobId, c.periodKey, c.scheduledFor, c.at, c.instance, c.trigger, c.triggeredBy],
  );
  return r.affectedRows === 1;
}

export async function runRow(db: Sql, tenantId: string, jobId: string, periodKey: string, forUpdate = false): Promise<JobRunRow | undefined> {
  return (
    await db.query<JobRunRow>(
      `select ${COLS} from job_runs where tenant_id = $1 and job_id = $2 and period_key = $3${forUpdate ? ' for update' : ''}`,
      [tenantId, jobId, periodKey],
    )
  ).rows[0];
}

/** Claims an existing row again (retry, forced re-run, abandoned run); returns the new attempt number. */
export async function reclaim(tx: Sql, tenantId: string, c: Claim): Promise<number> {
  const r = await tx.query<{ attempts: number }>(
    `update job_runs set status = 'running', attempts = attempts + 1, started_at = $4, finished_at = null, output = null, error = null,
            instance = $5, trigger = $6, triggered_by = $7
      where tenant_id = $1 and job_id = $2 and period_key = $3
      returning attempts`,
    [tenantId, c.jobId, c.periodKey, c.at, c.instance, c.trigger, c.triggeredBy],
  );
  return Number(r.rows[0].attempts);
}

/**
 * Records the outcome of the attempt this instance claimed. Guarded by attempt and instance, so a
 * run that was given up as abandoned and claimed again cannot overwrite the newer attempt.
 */
export async function finish(
  db: Sql,
  tenantId: string,
  k: { jobId: string; periodKey: string; attempt: number; instance: string },
  o: { status: 'succeeded' | 'failed'; at: Date; output: string | null; error: string | null },
): Promise<boolean> {
  const r = await db.query(
    `update job_runs set status = $6, finished_at = $7, output = $8::jsonb, error = $9
      where tenant_id = $1 and job_id = $2 and period_key = $3 and attempts = $4 and instance = $5 and status = 'running'`,
    [tenantId, k.jobId, k.periodKey, k.attempt, k.instance, o.status, o.at, o.output, o.error],
  );
  return r.affectedRows === 1;
}

/** A 'running' row nobody finished in time and with no attempts left: recorded as failed. */
export async function abandon(tx: Sql, tenantId: string, jobId: string, periodKey: string, at: Date, error: string): Promise<void> {
  await tx.query(
    `update job_runs set status = 'failed', finished_at = $4, error = $5 where tenant_id = $1 and job_id = $2 and period_key = $3 and status = 'running'`,
    [tenantId, jobId, periodKey, at, error],
  );
}

/** The latest run of each job (by start time). */
export async function lastRuns(db: Sql, tenantId: string): Promise<JobRunRow[]> {
  return (
    await db.query<JobRunRow>(
      `select distinct on (job_id) ${COLS} from job_runs where tenant_id = $1 order by job_id, started_at desc, period_key desc`,
      [tenantId],
    )
  ).rows;
}

export async function listRuns(
  db: Sql,
  tenantId: string,
  f: { jobId?: string; status?: RunStatus; limit: number; offset: number },
): Promise<{ rows: JobRunRow[]; total: number }> {
  const params: unknown[] = [tenantId];
  const conds = ['tenant_id = $1'];
  if (f.jobId) {
    params.push(f.jobId);
    conds.push(`job_id = $${params.length}`);
  }
  if (f.status) {
    params.push(f.status);
    conds.push(`status = $${params.length}`);
  }
  const where = conds.join(' and ');
  const total = Number((await db.query<{ n: number }>(`select count(*)::int as n from job_runs where ${where}`, params)).rows[0].n);
  params.push(f.limit, f.offset);
  const rows = (
    await db.query<JobRunRow>(
      `select ${COLS} from job_runs where ${where} order by started_at desc, job_id, period_key desc limit $${params.length - 1} offset $${params.length}`,
      params,
    )
  ).rows;
  return { rows, total };
}

/**
 * Deletes up to `limit` sessions that expired before `before`; returns how many. Bounded so a
 * large backlog never holds locks (or, on PGlite, the single session) for long.
 */
export async function deleteExpiredSessions(db: Sql, tenantId: string, before: Date, limit: number): Promise<number> {
  const r = await db.query(
    `delete from sessions where tenant_id = $1 and id in (
       select id from sessions where tenant_id = $1 and expires_at < $2 order by expires_at limit $3)`,
    [tenantId, before, limit],
  );
  return r.affectedRows;
}
