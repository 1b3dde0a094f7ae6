// What can arrive by file import (CSV/XLSX) and by the JSON integration API (C2): customer
// master data, service tickets, marketing touchpoints, contracts … Each owning module registers a
// target from its own service file; the import pipeline (customers/sources) parses, maps columns,
// validates each row with the target's schema, resolves the customer by its key and hands the
// valid rows to the target inside one transaction. The target writes only its own tables.
import type { z } from 'zod';
import type { Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import type { Resource } from '../../platform/access/policies.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface ImportColumn {
  /** Field key in the row object handed to the schema. */
  key: string;
  label: Bilingual;
  required: boolean;
  /** Header spellings recognised when suggesting a column mapping (Chinese and English). */
  aliases: readonly string[];
}

export interface ImportRow<Row> {
  /** 1-based row number in the file (header row = 1), for error reports. */
  rowNo: number;
  /** Resolved customer (null only for targets with resolvesCustomer = false). */
  customerId: string | null;
  data: Row;
}

export interface ImportSource {
  /** 'import' (file) or 'api' (integration API). */
  channel: 'import' | 'api';
  /** Import batch id or API request id. */
  batchId: string;
  /** Source system name (e.g. '工商登记', 'CRM-客服', 'marketing-automation'). */
  system: string;
  receivedAt: Date;
}

export interface ImportTarget<Row = Record<string, unknown>> {
  kind: string;
  label: Bilingual;
  /** The ability needed to import into this target (checked per row's record where it applies). */
  resource: Resource;
  columns: readonly ImportColumn[];
  /** Validates and coerces one mapped row (cells arrive as strings, numbers or dates). */
  schema: z.ZodType<Row>;
  /** false: rows need no existing customer (e.g. customer master data creating customers). */
  resolvesCustomer: boolean;
  /**
   * Writes the rows, idempotently: re-importing the same rows changes nothing (upsert on the
   * row's external id). Returns how many rows were created, updated and left unchanged.
   */
  apply(tx: Sql, ctx: Ctx, rows: ImportRow<Row>[], source: ImportSource): Promise<{ created: number; updated: number; unchanged: number }>;
}

const targets = new Map<string, ImportTarget<never>>();

export function registerImportTarget<Row>(t: ImportTarget<Row>): void {
  targets.set(t.kind, t as unknown as ImportTarget<never>);
}

export function importTarget(kind: string): ImportTarget | undefined {
  return targets.get(kind) as ImportTarget | undefined;
}

export function importTargets(): ImportTarget[] {
  return [...targets.values()] as unknown as ImportTarget[];
}
