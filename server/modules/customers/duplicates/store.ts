// SQL for duplicate candidates and merges (tables of the customers module). Every function takes
// tenantId; customer scope arrives as SQL fragments built by the service with accessWhere.
import type { Sql } from '../../../platform/db/db.js';
import type { Candidate, MatchRecord, Reason } from './match.js';

export interface CandidateRow {
  id: string;
  customer_a: string;
  customer_b: string;
  score: string | number;
  reasons: Reason[];
  rule_version: string;
  status: 'open' | 'dismissed' | 'merged' | 'superseded';
  found_at: Date;
  scanned_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  version: number;
}

export interface MergeRow {
  id: string;
  survivor_id: string;
  merged_id: string;
  candidate_id: string | null;
  survivor_before: Record<string, unknown>;
  merged_before: Record<string, unknown>;
  survivor_after: Record<string, unknown>;
  fields_taken: string[];
  moved: Record<string, string[]>;
  superseded: string[];
  status: 'done' | 'undone';
  merged_by: string | null;
  merged_at: Date;
  undone_by: string | null;
  undone_at: Date | null;
}

/** Active customers for matching, in keyset pages (the scan streams the whole tenant). */
export async function* matchRecords(db: Sql, tenantId: string, pageSize = 5000): AsyncGenerator<MatchRecord[]> {
  let after: string | null = null;
  for (;;) {
    // Two shapes, not "($2 is null or id > $2)": that OR keeps the planner off the primary-key range scan.
    const r: { rows: MatchRecord[] } = await db.query(
      `select id, kind, name, mobile, contact_name as "contactName", province, city, address
         from customers
        where tenant_id = $1 and status = 'active'${after ? ' and id > $2::uuid' : ''}
        order by id limit ${Number(pageSize)}`,
      after ? [tenantId, after] : [tenantId],
    );
    if (!r.rows.length) return;
    yield r.rows;
    if (r.rows.length < pageSize) return;
    after = r.rows[r.rows.length - 1].id;
  }
}

/**
 * Existing active customers that could match a new record: same mobile, name containing the
 * normalised trade name, same address tail, or same contact in the same city. Scored by the caller.
 */
export async function possibleMatches(
  db: Sql,
  tenantId: string,
  q: { mobile: string | null; core: string; addressTail: string; contact: string; city: string | null },
  access: { sql: string; params: unknown[] },
  limit = 200,
) {
  const params: unknown[] = [...access.params, tenantId];
  const ors: string[] = [];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  if (q.mobile) ors.push(`mobile = ${add(q.mobile)}`);
  if (q.core.length >= 2) ors.push(`name ilike ${add(like(q.core))}`);
  if (q.addressTail.length >= 6) ors.push(`address ilike ${add(like(q.addressTail))}`);
  if (q.contact && q.city) ors.push(`(contact_name = ${add(q.contact)} and city = ${add(q.city)})`);
  if (!ors.length) return [] as (MatchRecord & { ownerId: string | null; teamId: string | null; regionId: string | null })[];
  const r = await db.query<MatchRecord & { ownerId: string | null; teamId: string | null; regionId: string | null }>(
    `select id, kind, name, mobile, contact_name as "contactName", province, city, address,
            owner_id as "ownerId", team_id as "teamId", region_id as "regionId"
       from customers
      where ${access.sql} and tenant_id = $${access.params.length + 1} and status = 'active' and (${ors.join(' or ')})
      limit ${Number(limit)}`,
    params,
  );
  return r.rows;
}

/** Pairs a reviewer decided on (dismissed, merged): the scan does not propose them again. */
export async function decidedPairs(db: Sql, tenantId: string): Promise<Set<string>> {
  const r = await db.query<{ a: string; b: string }>(
    `select customer_a as a, customer_b as b from duplicate_candidates where tenant_id = $1 and status in ('dismissed','merged')`,
    [tenantId],
  );
  return new Set(r.rows.map((x) => `${x.a}|${x.b}`));
}

/**
 * Writes the scan's pairs: new pairs are inserted open, open pairs get the new score and reasons;
 * decided pairs are left alone. Batched (one statement per `batch` pairs).
 */
export async function upsertCandidates(db: Sql, tenantId: string, candidates: (Candidate & { id: string })[], scannedAt: Date, batch = 500) {
  let written = 0;
  for (let i = 0; i < candidates.length; i += batch) {
    const part = candidates.slice(i, i + batch);
    const params: unknown[] = [tenantId, scannedAt];
    const rows = part.map((c) => {
      params.push(c.id, c.aId, c.bId, c.score, JSON.stringify(c.reasons), c.ruleVersion);
      const n = params.length;
      return `($1, $${n - 5}::uuid, $${n - 4}::uuid, $${n - 3}::uuid, $${n - 2}::numeric, $${n - 1}::jsonb, $${n}, $2::timestamptz, $2::timestamptz)`;
    });
    const r = await db.query(
      `insert into duplicate_candidates (tenant_id, id, customer_a, customer_b, score, reasons, rule_version, found_at, scanned_at)
       values ${rows.join(', ')}
       on conflict (tenant_id, customer_a, customer_b) do update
         set score = excluded.score, reasons = excluded.reasons, rule_version = excluded.rule_version, scanned_at = excluded.scanned_at
         where duplicate_candidates.status = 'open'`,
      params,
    );
    written += r.affectedRows;
  }
  return written;
}

/** Open pairs the latest scan no longer found (records changed since): removed from review. */
export async function dropStale(db: Sql, tenantId: string, scannedAt: Date) {
  const r = await db.query(`delete from duplicate_candidates where tenant_id = $1 and status = 'open' and scanned_at < $2`, [tenantId, scannedAt]);
  return r.affectedRows;
}

export async function insertCandidate(db: Sql, tenantId: string, id: string, c: Candidate) {
  await db.query(
    `insert into duplicate_candidates (tenant_id, id, customer_a, customer_b, score, reasons, rule_version)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, customer_a, customer_b) do nothing`,
    [tenantId, id, c.aId, c.bId, c.score, JSON.stringify(c.reasons), c.ruleVersion],
  );
}

export interface CandidateQuery {
  status: CandidateRow['status'];
  /** Access fragments over customer columns prefixed a. and b. (both must be readable). */
  access: { sql: string; params: unknown[] };
  customerId?: string;
  limit: number;
  offset: number;
}

export async function listCandidates(db: Sql, tenantId: string, q: CandidateQuery) {
  const params = [...q.access.params, tenantId, q.status];
  let where = `d.tenant_id = $${params.length - 1} and d.status = $${params.length} and ${q.access.sql}`;
  if (q.status === 'open') where += ` and a.status = 'active' and b.status = 'active'`;
  if (q.customerId) {
    params.push(q.customerId);
    where += ` and (d.customer_a = $${params.length} or d.customer_b = $${params.length})`;
  }
  const from = `duplicate_candidates d
    join customers a on a.tenant_id = d.tenant_id and a.id = d.customer_a
    join customers b on b.tenant_id = d.tenant_id and b.id = d.customer_b`;
  const [count, rows] = await Promise.all([
    db.query<{ n: number }>(`select count(*)::int as n from ${from} where ${where}`, params),
    db.query<CandidateRow>(`select d.* from ${from} where ${where} order by d.score desc, d.found_at desc, d.id limit ${Number(q.limit)} offset ${Number(q.offset)}`, params),
  ]);
  return { rows: rows.rows, total: count.rows[0].n };
}

export async function candidateById(db: Sql, tenantId: string, id: string, forUpdate = false) {
  const r = await db.query<CandidateRow>(`select * from duplicate_candidates where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [tenantId, id]);
  return r.rows[0];
}

export async function candidateForPair(db: Sql, tenantId: string, x: string, y: string) {
  const [a, b] = x < y ? [x, y] : [y, x];
  const r = await db.query<CandidateRow>(`select * from duplicate_candidates where tenant_id = $1 and customer_a = $2 and customer_b = $3`, [tenantId, a, b]);
  return r.rows[0];
}

export async function decideCandidate(db: Sql, tenantId: string, id: string, status: CandidateRow['status'], by: string | null, note: string | null) {
  const r = await db.query<CandidateRow>(
    `update duplicate_candidates set status = $3, decided_by = $4, decided_at = case when $3 = 'open' then null else now() end, note = $5, version = version + 1
      where tenant_id = $1 and id = $2 returning *`,
    [tenantId, id, status, by, note],
  );
  return r.rows[0];
}

/** Closes the other open pairs of a merged-away record; returns their ids (reopened on undo). */
export async function supersedeOpen(db: Sql, tenantId: string, customerId: string, exceptId: string | null) {
  const r = await db.query<{ id: string }>(
    `update duplicate_candidates set status = 'superseded', version = version + 1
      where tenant_id = $1 and status = 'open' and (customer_a = $2 or customer_b = $2) and ($3::uuid is null or id <> $3::uuid) returning id`,
    [tenantId, customerId, exceptId],
  );
  return r.rows.map((x) => x.id);
}

export async function reopen(db: Sql, tenantId: string, ids: string[]) {
  if (!ids.length) return;
  await db.query(`update duplicate_candidates set status = 'open', decided_by = null, decided_at = null, version = version + 1 where tenant_id = $1 and id = any($2::uuid[])`, [
    tenantId,
    ids,
  ]);
}

export async function insertMerge(db: Sql, tenantId: string, m: Omit<MergeRow, 'status' | 'merged_at' | 'undone_by' | 'undone_at'>) {
  const r = await db.query<MergeRow>(
    `insert into customer_merges (tenant_id, id, survivor_id, merged_id, candidate_id, survivor_before, merged_before, survivor_after, fields_taken, moved, superseded, merged_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *`,
    [
      tenantId,
      m.id,
      m.survivor_id,
      m.merged_id,
      m.candidate_id,
      JSON.stringify(m.survivor_before),
      JSON.stringify(m.merged_before),
      JSON.stringify(m.survivor_after),
      m.fields_taken,
      JSON.stringify(m.moved),
      m.superseded,
      m.merged_by,
    ],
  );
  return r.rows[0];
}

export async function mergeById(db: Sql, tenantId: string, id: string, forUpdate = false) {
  return (await db.query<MergeRow>(`select * from customer_merges where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [tenantId, id])).rows[0];
}

/** The merge that took this record away (latest, still in effect). */
export async function activeMergeOf(db: Sql, tenantId: string, mergedId: string) {
  return (
    await db.query<MergeRow>(`select * from customer_merges where tenant_id = $1 and merged_id = $2 and status = 'done' order by merged_at desc limit 1`, [tenantId, mergedId])
  ).rows[0];
}

export async function markUndone(db: Sql, tenantId: string, id: string, by: string | null) {
  await db.query(`update customer_merges set status = 'undone', undone_by = $3, undone_at = now() where tenant_id = $1 and id = $2`, [tenantId, id, by]);
}
