import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeTenant, type TestTenant, signedIn, creditCode } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';

import { importTarget } from '../customers/import-targets.js';
import { mergeParticipant } from '../customers/merge-participants.js';

let app: App;
let db: Db;
let seq = 0;


beforeAll(async () => {
  ({ app, db } = await createTestApp());
});
afterAll(async () => {
  await app.close();
});

const as = (t: TestTenant, user: string) => signedIn(app, t, user);

async function seedCustomer(t: TestTenant, ownerName: string, over: Record<string, unknown> = {}) {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org',
    name: `互动客户${++seq}有限公司`,
    creditCode: creditCode(),
    contactName: '王芳',
    industry: '制造业',
    tier: 'A',
    stage: 'delivery',
    ownerId: t.users[ownerName].id,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

function ctxOf(t: TestTenant, user: string): Ctx {
  const u = t.users[user];
  return {
    actor: { tenantId: t.id, userId: u.id, kind: 'user', role: u.role, teamId: u.teamId, regionId: u.regionId, displayName: user, isMentor: false },
    requestId: crypto.randomUUID(),
    locale: 'zh-CN',
  };
}

describe('engagement API', () => {
  it('[C4] sales read the service history of their customers but cannot create or edit tickets (403); customer service can', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const service = await as(t, 'service');
    const created = await service.call('POST', `/api/v1/customers/${c.id}/tickets`, {
      title: '设备异响', category: 'complaint', severity: 'high', contactName: '李强', openedAt: hoursAgo(48), slaDueAt: hoursAgo(24),
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json();
    expect(ticket._abilities.update).toBe(true);
    expect(ticket.slaState).toBe('missed');

    const rep = await as(t, 'rep');
    const list = await rep.get(`/api/v1/customers/${c.id}/tickets`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({ id: ticket.id, title: '设备异响', contactName: '李强', _abilities: { update: false } });

    const edit = await rep.call('PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, status: 'closed' });
    expect(edit.statusCode).toBe(403);
    const create = await rep.call('POST', `/api/v1/customers/${c.id}/tickets`, { title: '代填', category: 'request', severity: 'low' });
    expect(create.statusCode).toBe(403);
    const manager = await as(t, 'manager');
    expect((await manager.get(`/api/v1/customers/${c.id}/tickets`)).json().items).toHaveLength(1);
    expect((await manager.call('PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, status: 'closed' })).statusCode).toBe(403);

    const closed = await service.call('PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', version: 2, slaState: 'missed' });
    expect(closed.json().closedAt).toBeTruthy();
    const stale = await service.call('PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, severity: 'low' });
    expect(stale.statusCode).toBe(409);
  });

  it("[C4] a rep cannot read the tickets of a customer outside their scope (404), and a foreign tenant's ids are 404", async () => {
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const theirs = await seedCustomer(t, 'rep2');
    const foreign = await seedCustomer(other, 'rep');
    const fService = await as(other, 'service');
    const fTicket = (await fService.call('POST', `/api/v1/customers/${foreign.id}/tickets`, { title: 'x', category: 'fault', severity: 'low' })).json();
    const rep = await as(t, 'rep');
    expect((await rep.get(`/api/v1/customers/${theirs.id}/tickets`)).statusCode).toBe(404);
    const service = await as(t, 'service');
    expect((await service.get(`/api/v1/customers/${foreign.id}/tickets`)).statusCode).toBe(404);
    expect((await service.get(`/api/v1/customers/${foreign.id}/timeline`)).statusCode).toBe(404);
    expect((await service.call('PATCH', `/api/v1/tickets/${fTicket.id}`, { version: 1, status: 'closed' })).statusCode).toBe(404);
    expect((await service.call('POST', `/api/v1/customers/${foreign.id}/tickets`, { title: 'x', category: 'fault', severity: 'low' })).statusCode).toBe(404);
  });

  it('[C4] marketing sees touchpoint paths with contact names masked, and no tickets or contact activities', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const marketing = await as(t, 'marketing');
    const tp = await marketing.call('POST', `/api/v1/customers/${c.id}/touchpoints`, { channel: '展会', campaign: '2025 工博会', action: '到访展台', contactName: '张伟', occurredAt: hoursAgo(5) });
    expect(tp.statusCode, tp.body).toBe(201);
    expect(tp.json().contactName).toBe('张*');
    const list = await marketing.get(`/api/v1/customers/${c.id}/touchpoints`);
    expect(list.json().items[0]).toMatchObject({ channel: '展会', campaign: '2025 工博会', contactName: '张*' });
    expect(list.json().items[0]._abilities.masked).toEqual(['contactName']);
    expect((await marketing.get(`/api/v1/customers/${c.id}/tickets`)).statusCode).toBe(403);
    expect((await marketing.get(`/api/v1/customers/${c.id}/contact-activities`)).statusCode).toBe(403);
    expect((await marketing.get(`/api/v1/customers/${c.id}/health`)).statusCode).toBe(403);
    const rep = await as(t, 'rep');
    await rep.call('POST', `/api/v1/customers/${c.id}/contact-activities`, { kind: 'call', contactName: '王芳', occurredAt: hoursAgo(3) });
    const tl = (await marketing.get(`/api/v1/customers/${c.id}/timeline`)).json();
    expect(tl.items.map((i: { kind: string }) => i.kind)).toEqual(['touchpoint']);
    expect(tl.items[0].data.contactName).toBe('张*');
    // The rep reads the same touchpoint unmasked.
    expect((await rep.get(`/api/v1/customers/${c.id}/touchpoints`)).json().items[0].contactName).toBe('张伟');
  });

  it('[C4] every unmasked read of a contact name is audited as a sensitive read; masked reads are not', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const service = await as(t, 'service');
    const tk = (await service.call('POST', `/api/v1/customers/${c.id}/tickets`, { title: '开票问题', category: 'request', severity: 'low', contactName: '赵敏' })).json();
    const rep = await as(t, 'rep');
    await rep.get(`/api/v1/customers/${c.id}/tickets`);
    const rows = await db.query<{ actor_id: string; record_id: string | null; after: { fields: string[]; recordIds: string[] } }>(
      `select actor_id, record_id, after from audit_log where tenant_id = $1 and action = 'sensitive_read' and resource = 'Ticket'`,
      [t.id],
    );
    const byRep = rows.rows.filter((r) => r.actor_id === t.users.rep.id);
    expect(byRep).toHaveLength(1);
    expect(byRep[0].after.fields).toEqual(['contactName']);
    expect(byRep[0].record_id).toBe(tk.id);

    const marketing = await as(t, 'marketing');
    await marketing.call('POST', `/api/v1/customers/${c.id}/touchpoints`, { channel: '邮件', contactName: '赵敏', occurredAt: hoursAgo(1) });
    await marketing.get(`/api/v1/customers/${c.id}/touchpoints`);
    const mk = await db.query(`select 1 from audit_log where tenant_id = $1 and action = 'sensitive_read' and actor_id = $2`, [t.id, t.users.marketing.id]);
    expect(mk.rows).toHaveLength(0);
  });

  it('[C3] reps record key-contact activities for their own customers only; other roles are refused', async () => {
    const t = await makeTenant(db);
    const mine = await seedCustomer(t, 'rep');
    const theirs = await seedCustomer(t, 'rep2');
    const rep = await as(t, 'rep');
    const ok = await rep.call('POST', `/api/v1/customers/${mine.id}/contact-activities`, { kind: 'meeting', contactName: '王芳', contactRole: '采购总监', subject: '年度框架', occurredAt: hoursAgo(2) });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'meeting', contactRole: '采购总监', repName: 'rep 测试' });
    expect((await rep.call('POST', `/api/v1/customers/${theirs.id}/contact-activities`, { kind: 'call', contactName: 'x', occurredAt: hoursAgo(1) })).statusCode).toBe(404);
    const qa = await as(t, 'qa');
    expect((await qa.call('POST', `/api/v1/customers/${mine.id}/contact-activities`, { kind: 'call', contactName: 'x', occurredAt: hoursAgo(1) })).statusCode).toBe(403);
    expect((await rep.call('POST', `/api/v1/customers/${mine.id}/touchpoints`, { channel: 'x', occurredAt: hoursAgo(1) })).statusCode).toBe(403);
    const future = await rep.call('POST', `/api/v1/customers/${mine.id}/contact-activities`, { kind: 'call', contactName: 'x', occurredAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.statusCode).toBe(400);
    const service = await as(t, 'service');
    const bad = await service.call('POST', `/api/v1/customers/${mine.id}/tickets`, { title: 'x', category: 'fault', severity: 'low', openedAt: hoursAgo(1), closedAt: hoursAgo(5) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('关闭时间');
    const unknown = await service.call('POST', `/api/v1/customers/${mine.id}/tickets`, { title: 'x', category: 'fault', severity: 'low', secret: 1 });
    expect(unknown.statusCode).toBe(400);
  });

  it('[C3] the timeline reaches every visit, however many (keyset pages over the visits too, including equal times)', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    // 130 visits (a fixture written straight into the process module's table), 10 of them at one moment.
    for (let i = 0; i < 130; i++) {
      await db.query(
        `insert into visits (tenant_id, id, customer_id, rep_id, team_id, region_id, purpose, occurred_at) values ($1, gen_random_uuid(), $2, $3, $4, $5, '例行拜访', $6)`,
        [t.id, c.id, t.users.rep.id, t.users.rep.teamId, t.users.rep.regionId, i < 10 ? hoursAgo(500) : hoursAgo(i)],
      );
    }
    const ids = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: { items: { kind: string; id: string }[]; nextCursor: string | null } = (await rep.get(`/api/v1/customers/${c.id}/timeline?pageSize=25${cursor ? `&cursor=${cursor}` : ''}`)).json();
      for (const i of body.items) ids.add(`${i.kind}:${i.id}`);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(ids.size).toBe(130);
    expect(pages).toBe(6);
  });

  it('[C3] the timeline merges visits, tickets, touchpoints and activities by time and pages without gaps or repeats', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    const service = await as(t, 'service');
    const marketing = await as(t, 'marketing');
    const tie = hoursAgo(10); // several items at the very same moment
    for (let i = 0; i < 7; i++) {
      const res = await service.call('POST', `/api/v1/customers/${c.id}/tickets`, { title: `工单${i}`, category: i % 3 ? 'fault' : 'complaint', severity: 'medium', openedAt: i < 2 ? tie : hoursAgo(20 + i) });
      expect(res.statusCode).toBe(201);
    }
    for (let i = 0; i < 6; i++) {
      await marketing.call('POST', `/api/v1/customers/${c.id}/touchpoints`, { channel: '邮件', campaign: `活动${i}`, occurredAt: i < 2 ? tie : hoursAgo(3 + i * 7) });
    }
    for (let i = 0; i < 8; i++) {
      await rep.call('POST', `/api/v1/customers/${c.id}/contact-activities`, { kind: (['email', 'meeting', 'call'] as const)[i % 3], contactName: '王芳', occurredAt: i < 2 ? tie : hoursAgo(1 + i * 5) });
    }
    const seen: { kind: string; id: string; at: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await rep.get(`/api/v1/customers/${c.id}/timeline?pageSize=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.items.length).toBeLessThanOrEqual(4);
      seen.push(...body.items.map((i: { kind: string; id: string; at: string }) => ({ kind: i.kind, id: i.id, at: i.at })));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toHaveLength(21);
    expect(new Set(seen.map((s) => `${s.kind}:${s.id}`)).size).toBe(21);
    const times = seen.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(seen.map((s) => s.kind))).toEqual(new Set(['ticket', 'touchpoint', 'activity']));
    // A rep sees tickets in the timeline, without the right to edit them.
    const first = (await rep.get(`/api/v1/customers/${c.id}/timeline?pageSize=100`)).json();
    const tk = first.items.find((i: { kind: string }) => i.kind === 'ticket');
    expect(tk.data._abilities.update).toBe(false);
    expect((await rep.get(`/api/v1/customers/${c.id}/timeline?cursor=not-a-cursor`)).statusCode).toBe(400);
  });

  it('[C2] the tickets and touchpoints import targets upsert on the external id: re-importing changes nothing', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const target = importTarget('tickets')!;
    expect(target).toBeTruthy();
    const raw = [
      { ticketNo: 'KF-0001', title: '发票抬头错误', category: '投诉', severity: '高', status: '已关闭', contactName: '刘洋', openedAt: '2025-03-01 09:00', closedAt: '2025-03-02 10:00', slaDueAt: '2025-03-01 17:00', slaMet: '否' },
      { ticketNo: 'KF-0002', title: '安装预约', category: 'request', openedAt: new Date('2025-03-05T02:00:00Z') },
    ];
    const parsed = raw.map((r, i) => ({ rowNo: i + 2, customerId: c.id, data: target.schema.parse(r) as Record<string, unknown> }));
    expect(parsed[0].data).toMatchObject({ category: 'complaint', severity: 'high', status: 'closed', slaMet: false });
    expect((parsed[0].data.openedAt as Date).toISOString()).toBe('2025-03-01T01:00:00.000Z');
    const source = { channel: 'import' as const, batchId: crypto.randomUUID(), system: 'CRM-客服', receivedAt: new Date() };
    const ctx = ctxOf(t, 'service');
    expect(await db.transaction((tx) => target.apply(tx, ctx, parsed, source))).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await db.transaction((tx) => target.apply(tx, ctx, parsed, source))).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const changed = [{ ...parsed[1], data: { ...parsed[1].data, status: 'resolved' } }];
    expect(await db.transaction((tx) => target.apply(tx, ctx, changed, source))).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const service = await as(t, 'service');
    const items = (await service.get(`/api/v1/customers/${c.id}/tickets`)).json().items;
    expect(items).toHaveLength(2);
    expect(items.find((i: { ticketNo: string }) => i.ticketNo === 'KF-0001')).toMatchObject({ slaState: 'missed', source: 'import:CRM-客服' });
    expect(target.schema.safeParse({ ticketNo: 'x', title: 'y', category: '未知类别', openedAt: '2025-01-01' }).success).toBe(false);
    // A role without the ticket write right cannot import them.
    await expect(db.transaction((tx) => target.apply(tx, ctxOf(t, 'rep'), parsed, source))).rejects.toMatchObject({ status: 403 });

    const tpTarget = importTarget('touchpoints')!;
    const tps = [{ touchpointId: 'MA-1', channel: '公众号', campaign: '新品发布', action: '阅读', contactName: '陈晨', occurredAt: '2025-04-01' }].map((r, i) => ({
      rowNo: i + 2,
      customerId: c.id,
      data: tpTarget.schema.parse(r) as Record<string, unknown>,
    }));
    const mctx = ctxOf(t, 'marketing');
    expect(await db.transaction((tx) => tpTarget.apply(tx, mctx, tps, source))).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await db.transaction((tx) => tpTarget.apply(tx, mctx, tps, source))).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });

  it('[C1] the merge participant moves tickets, touchpoints and activities to the surviving customer and restores exactly them', async () => {
    const t = await makeTenant(db);
    const keep = await seedCustomer(t, 'rep');
    const gone = await seedCustomer(t, 'rep');
    const service = await as(t, 'service');
    const rep = await as(t, 'rep');
    const marketing = await as(t, 'marketing');
    await service.call('POST', `/api/v1/customers/${keep.id}/tickets`, { title: '留存工单', category: 'fault', severity: 'low' });
    await service.call('POST', `/api/v1/customers/${gone.id}/tickets`, { title: '被合并工单', category: 'complaint', severity: 'high' });
    await marketing.call('POST', `/api/v1/customers/${gone.id}/touchpoints`, { channel: '展会', occurredAt: hoursAgo(2) });
    await rep.call('POST', `/api/v1/customers/${gone.id}/contact-activities`, { kind: 'call', contactName: '王芳', occurredAt: hoursAgo(2) });
    const p = mergeParticipant('engagement')!;
    const moved = await db.transaction((tx) => p.move(tx, t.id, gone.id, keep.id));
    expect(moved).toHaveLength(3);
    const count = async (id: string) => (await rep.get(`/api/v1/customers/${id}/timeline?pageSize=100`)).json().items.length;
    expect(await count(keep.id)).toBe(4);
    expect(await count(gone.id)).toBe(0);
    await db.transaction((tx) => p.restore(tx, t.id, moved, gone.id));
    expect(await count(keep.id)).toBe(1);
    expect(await count(gone.id)).toBe(3);
    expect((await rep.get(`/api/v1/customers/${gone.id}/tickets`)).json().items[0].title).toBe('被合并工单');
  });
});
