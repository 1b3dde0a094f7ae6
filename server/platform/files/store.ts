// SQL for file metadata. Content lives in FileStorage; a row says this tenant owns that content.
import type { Sql } from '../db/db.js';

export interface FileRow {
  tenant_id: string;
  sha256: string;
  size: number;
  mime: string;
  ext: string;
  original_name: string | null;
  created_by: string | null;
  created_at: Date;
}

/** Inserts the row unless the tenant already has this content; returns the row as stored (the first upload's name wins). */
export async function upsertFile(
  db: Sql,
  tenantId: string,
  f: { sha256: string; size: number; mime: string; ext: string; originalName: string | null; createdBy: string | null },
): Promise<{ row: FileRow; created: boolean }> {
  const ins = await db.query<FileRow>(
    `insert into files (tenant_id, sha256, size, mime, ext, original_name, created_by)
     values ($1,$2,$3,$4,$5,$6,$7)
     on conflict (tenant_id, sha256) do nothing
     returning *`,
    [tenantId, f.sha256, f.size, f.mime, f.ext, f.originalName, f.createdBy],
  );
  if (ins.rows[0]) return { row: ins.rows[0], created: true };
  return { row: (await fileBySha(db, tenantId, f.sha256))!, created: false };
}

export const fileBySha = async (db: Sql, tenantId: string, sha256: string) =>
  (await db.query<FileRow>('select * from files where tenant_id = $1 and sha256 = $2', [tenantId, sha256])).rows[0];
