// Test helpers for the process sub-modules (P6 lights, P7 blind checks, P11 pilots): visits and
// actions written straight into the process module's own tables (the ingest API is tested on its
// own), customers through the customers API, and poppler's pdftotext / pdftoppm to read back and
// look at generated reports.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Db } from '../../platform/db/db.js';
import { creditCode, type TestUser } from '../../test/harness.js';

type Client = { post: (url: string, payload?: unknown, lang?: string) => Promise<{ statusCode: number; body: string; json: () => any }> };

/** A customer owned by `owner`, created by an admin through the customers API. */
export async function makeCustomer(admin: Client, owner: TestUser, name?: string): Promise<string> {
  const r = await admin.post('/api/v1/customers', {
    kind: 'org',
    name: name ?? `过程测试客户${crypto.randomInt(1e6)}有限公司`,
    creditCode: creditCode(),
    ownerId: owner.id,
  });
  if (r.statusCode !== 201) throw new Error(`customer not created: ${r.statusCode} ${r.body}`);
  return r.json().id as string;
}

export const ACTION_TYPES_ALL = ['appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up'] as const;
export type ActionTypeName = (typeof ACTION_TYPES_ALL)[number];

export interface SeedAction {
  type: ActionTypeName;
  occurredAt: Date;
  /** Default: occurredAt (recorded at once). */
  recordedAt?: Date;
  fields?: Record<string, unknown>;
  note?: string;
  superseded?: boolean;
}

export interface SeedVisit {
  customerId: string;
  rep: TestUser;
  occurredAt: Date;
  purpose?: string;
  flags?: string[];
  missing?: unknown;
  compliant?: boolean | null;
  actions?: SeedAction[];
}

/** Writes a visit and its actions into the process tables (team and region from the rep). Returns the visit id. */
export async function insertVisit(db: Db, tenantId: string, v: SeedVisit): Promise<string> {
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into visits (tenant_id, id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at, flags, missing, compliant, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, '', $8, $8, $9, $10::jsonb, $11, $8)`,
      [tenantId, id, v.customerId, v.rep.id, v.rep.teamId, v.rep.regionId, v.purpose ?? '需求沟通', v.occurredAt, v.flags ?? [], JSON.stringify(v.missing ?? []), v.compliant ?? null],
    );
    for (const a of v.actions ?? []) {
      await tx.query(
        `insert into visit_actions (tenant_id, id, visit_id, rep_id, type, occurred_at, recorded_at, fields, note, superseded)
         values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
        [tenantId, crypto.randomUUID(), id, v.rep.id, a.type, a.occurredAt, a.recordedAt ?? a.occurredAt, JSON.stringify(a.fields ?? {}), a.note ?? '', a.superseded ?? false],
      );
    }
  });
  return id;
}

/** A visit with a check-in at `at` (and, optionally, more actions a few minutes later). */
export function checkInVisit(customerId: string, rep: TestUser, at: Date, more: Omit<SeedAction, 'occurredAt'>[] = []): SeedVisit {
  return {
    customerId,
    rep,
    occurredAt: at,
    actions: [{ type: 'check_in', occurredAt: at, fields: { lat: 31.2, lng: 121.4, accuracyM: 20 } }, ...more.map((m, i) => ({ ...m, occurredAt: new Date(at.getTime() + (i + 1) * 10 * 60_000) }))],
  };
}

/** A P8 flag row on a rep, listing visits. */
export async function insertProcessFlag(db: Db, tenantId: string, f: { rep: TestUser; detector: string; from: string; to: string; visitIds: string[] }) {
  await db.query(
    `insert into process_flags (tenant_id, id, rep_id, team_id, region_id, detector, period_from, period_to, rule_version, numbers, evidence, visit_ids, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'test/1', '{}'::jsonb, '[]'::jsonb, $9::uuid[], now())`,
    [tenantId, crypto.randomUUID(), f.rep.id, f.rep.teamId, f.rep.regionId, f.detector, f.from, f.to, f.visitIds],
  );
}

// ---- PDF ----------------------------------------------------------------------------------

function tmpFile(buf: Buffer, name = 'report.pdf'): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-pdf-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, buf);
  return { dir, file };
}

/** The text of a PDF as poppler's pdftotext reads it (UTF-8). */
export function pdfText(buf: Buffer): string {
  const { dir, file } = tmpFile(buf);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Renders each page to PNG (pdftoppm -png -r 60) under outDir and returns the files, so a person
 * can look at the result: `npx tsx server/modules/process/test-support.ts report.pdf out/`.
 */
export function pdfToPng(buf: Buffer, outDir: string, resolution = 60): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const { dir, file } = tmpFile(buf);
  try {
    execFileSync('pdftoppm', ['-png', '-r', String(resolution), file, path.join(outDir, 'page')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return fs
    .readdirSync(outDir)
    .filter((f) => f.startsWith('page') && f.endsWith('.png'))
    .sort()
    .map((f) => path.join(outDir, f));
}

// `npx tsx server/modules/process/test-support.ts <file.pdf> <outDir>` renders a saved report.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [pdf, out] = process.argv.slice(2);
  if (!pdf || !out) {
    console.error('usage: tsx server/modules/process/test-support.ts <file.pdf> <outDir>');
    process.exit(2);
  }
  for (const f of pdfToPng(fs.readFileSync(pdf), out)) console.log(f);
}
