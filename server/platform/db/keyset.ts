// Keyset paging across several tables merged into one time line (newest first), e.g. a
// customer's visits, tickets, touchpoints and activities. Order: (at desc, kind desc, id desc).

/** Position after which the next page starts. */
export interface Before {
  at: Date;
  kind: string;
  id: string;
}

/** The WHERE fragment for one source table whose rows all have kind `kind` (pushes its params). */
export function beforeSql(kind: string, timeCol: string, before: Before | undefined, params: unknown[]): string {
  if (!before) return 'true';
  params.push(before.at);
  const at = `$${params.length}::timestamptz`;
  if (kind === before.kind) {
    params.push(before.id);
    return `(${timeCol} < ${at} or (${timeCol} = ${at} and id < $${params.length}::uuid))`;
  }
  return kind < before.kind ? `${timeCol} <= ${at}` : `${timeCol} < ${at}`;
}
