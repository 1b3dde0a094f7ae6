// Admin screen's API: search the audit log.
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { requireAbility } from '../access/abilities.js';
import { namesOf } from '../../modules/org/service.js';

const Entry = z.object({
  id: z.number(),
  at: z.date(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorKind: z.string(),
  action: z.string(),
  resource: z.string(),
  recordId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});

export async function auditRoutes(app: App, { db }: Deps) {
  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: '审计日志 Search the audit log',
        querystring: z
          .object({
            actorId: z.uuid().optional(),
            action: z.string().max(80).optional(),
            resource: z.string().max(80).optional(),
            recordId: z.string().max(80).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(Entry), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'AuditLog');
      const q = req.query;
      const params: unknown[] = [req.ctx.actor.tenantId];
      const conds = ['tenant_id = $1'];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        conds.push(sql.replace('?', `$${params.length}`));
      };
      if (q.actorId) add('actor_id = ?', q.actorId);
      if (q.action) add('action like ?', q.action.replace(/[%_]/g, '') + '%');
      if (q.resource) add('resource = ?', q.resource);
      if (q.recordId) add('record_id = ?', q.recordId);
      if (q.from) add('at >= ?', q.from);
      if (q.to) add('at < ?', q.to);
      const where = conds.join(' and ');
      const total = (await db.query<{ n: number }>(`select count(*)::int as n from audit_log where ${where}`, params)).rows[0].n;
      const rows = (
        await db.query(
          `select id, at, actor_id, actor_kind, action, resource, record_id, before, after, request_id, ip from audit_log
            where ${where} order by at desc, id desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`,
          params,
        )
      ).rows;
      const names = await namesOf(db, req.ctx.actor.tenantId, rows.map((r: any) => r.actor_id));
      return {
        items: rows.map((r: any) => ({
          id: Number(r.id),
          at: r.at,
          actorId: r.actor_id,
          actorName: r.actor_id ? (names.get(r.actor_id) ?? null) : null,
          actorKind: r.actor_kind,
          action: r.action,
          resource: r.resource,
          recordId: r.record_id,
          before: r.before,
          after: r.after,
          requestId: r.request_id,
          ip: r.ip,
        })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );
}
