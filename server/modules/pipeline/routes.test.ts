import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeTenant, type TestTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { systemCtx } from '../../platform/context.js';
import { importTarget } from '../customers/import-targets.js';
import { mergeParticipant } from '../customers/merge-participants.js';
import { as, contractNo, NOW, seedCustomer, seedTeam } from './test-support.js';

let app: App;
let db: Db;

beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => NOW }));
});
afterAll(async () => {
  await app.close();
});

async function seedOpp(t: TestTenant, owner: string, over: Record<string, unknown> = {}) {
  const c = await seedCustomer(app, t, owner);
  const res = await (await as(app, t, owner)).call('POST', '/opportunities', {
    customerId: c.id,
    name: `商机-${owner}`,
    amount: 100_000,
    expectedClose: '2027-01-15',
    products: ['MES'],
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; customerId: string; version: number; stage: string };
}

describe('opportunities API', () => {
  it('[C8] the stage board is scoped: rep own, manager team, director region, admin all; columns carry counts and amounts', async () => {
    const t = await makeTenant(db);
    await seedOpp(t, 'rep', { stage: 'proposal', amount: 200_000 });
    await seedOpp(t, 'rep2', { stage: 'proposal', amount: 50_000 });
    await seedOpp(t, 'rep3', { stage: 'discovery', amount: 30_000 });
    await seedOpp(t, 'rep4', { stage: 'negotiation', amount: 400_000 });
    const count = async (user: string) => (await (await as(app, t, user)).get('/opportunities/board')).json().totals.count;
    expect(await count('rep')).toBe(1);
    expect(await count('manager')).toBe(2);
    expect(await count('director')).toBe(3);
    expect(await count('director2')).toBe(1);
    expect(await count('admin')).toBe(4);
    const b = (await (await as(app, t, 'manager')).get('/opportunities/board')).json();
    const proposal = b.columns.find((c: { stage: string }) => c.stage === 'proposal');
    expect(proposal).toMatchObject({ count: 2, amount: 250_000, weighted: 125_000 });
    expect(proposal.items).toHaveLength(2);
    expect(b.columns.map((c: { stage: string }) => c.stage)).toEqual(['discovery', 'qualified', 'proposal', 'negotiation', 'won', 'lost']);
    expect(b.rule).toMatchObject({ key: 'pipeline.stageWeights', version: 0, weights: { proposal: 0.5 } });
  });

  it('[C8] [X2] weighted amounts follow the configured stage weights, and the board names the rule version it used', async () => {
    const t = await makeTenant(db);
    await seedOpp(t, 'rep', { stage: 'proposal', amount: 200_000 });
    const admin = await as(app, t, 'admin');
    const proposed = await admin.call('POST', '/admin/config/pipeline.stageWeights/proposals', {
      value: { discovery: 0.05, qualified: 0.2, proposal: 0.4, negotiation: 0.8 },
      reason: '按去年实际转化率校准',
    });
    expect(proposed.statusCode, proposed.body).toBeLessThan(300);
    const b = (await (await as(app, t, 'rep')).get('/opportunities/board')).json();
    expect(b.rule).toMatchObject({ version: 1, weights: { proposal: 0.4, won: 1, lost: 0 } });
    expect(b.columns.find((c: { stage: string }) => c.stage === 'proposal')).toMatchObject({ amount: 200_000, weighted: 80_000 });
    expect(b.columns.find((c: { stage: string }) => c.stage === 'proposal').items[0].weightedAmount).toBe(80_000);
  });

  it('[C8] stage moves follow the transition rules and are recorded in an append-only history with who and when; won needs a reason', async () => {
    const t = await makeTenant(db);
    const o = await seedOpp(t, 'rep');
    const rep = await as(app, t, 'rep');
    const tooEarly = await rep.call('PATCH', `/opportunities/${o.id}`, { version: 1, stage: 'won', closeReason: '签约' });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json()).toMatchObject({ code: 'stage_transition_refused', allowed: ['qualified', 'proposal', 'negotiation', 'lost'] });
    const moved = await rep.call('PATCH', `/opportunities/${o.id}`, { version: 1, stage: 'negotiation' });
    expect(moved.statusCode, moved.body).toBe(200);
    const noReason = await rep.call('PATCH', `/opportunities/${o.id}`, { version: 2, stage: 'won' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().code).toBe('close_reason_required');
    const won = await rep.call('PATCH', `/opportunities/${o.id}`, { version: 2, stage: 'won', closeReason: '价格与交期均满足' });
    expect(won.json()).toMatchObject({ stage: 'won', closeReason: '价格与交期均满足', nextStages: [] });
    const detail = (await rep.get(`/opportunities/${o.id}`)).json();
    expect(detail.history.map((h: { fromStage: string | null; toStage: string }) => [h.fromStage, h.toStage])).toEqual([
      [null, 'discovery'],
      ['discovery', 'negotiation'],
      ['negotiation', 'won'],
    ]);
    expect(detail.history[2]).toMatchObject({ changedBy: t.users.rep.id, reason: '价格与交期均满足' });
    await expect(db.query('delete from opportunity_stage_history where tenant_id = $1', [t.id])).rejects.toThrow(/append-only/);
  });

  it('[C8] bad input is refused with the field named, and a stale update is a 409 with the current version', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const rep = await as(app, t, 'rep');
    const neg = await rep.call('POST', '/opportunities', { customerId: c.id, name: 'x', amount: -1, expectedClose: '2027-01-01' });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().errors[0].path).toBe('amount');
    const badDate = await rep.call('POST', '/opportunities', { customerId: c.id, name: 'x', amount: 1, expectedClose: '2027-02-30' });
    expect(badDate.statusCode).toBe(400);
    const o = await seedOpp(t, 'rep');
    expect((await rep.call('PATCH', `/opportunities/${o.id}`, { version: 1, amount: 120_000 })).statusCode).toBe(200);
    const stale = await rep.call('PATCH', `/opportunities/${o.id}`, { version: 1, amount: 130_000 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
  });

  it('[C8] refused roles: marketing and bp read no pipeline; service and delivery cannot create opportunities or contracts', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    for (const user of ['marketing', 'bp']) {
      expect((await (await as(app, t, user)).get('/opportunities/board')).statusCode).toBe(403);
      expect((await (await as(app, t, user)).get('/opportunities')).statusCode).toBe(403);
    }
    for (const user of ['service', 'delivery']) {
      const s = await as(app, t, user);
      expect((await s.call('POST', '/opportunities', { customerId: c.id, name: 'x', amount: 1, expectedClose: '2027-01-01' })).statusCode).toBe(403);
      expect((await s.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1 })).statusCode).toBe(403);
    }
    expect((await (await as(app, t, 'rep')).call('POST', '/delivery/teams', { name: 'x', weeklyCapacity: 1 })).statusCode).toBe(403);
  });

  it("[C8] another tenant's opportunities and contracts are not found (404) on read and write", async () => {
    const t1 = await makeTenant(db);
    const t2 = await makeTenant(db);
    const o = await seedOpp(t1, 'rep');
    const admin1 = await as(app, t1, 'admin');
    const contract = (await admin1.call('POST', '/contracts', { customerId: o.customerId, number: contractNo(), amount: 10 })).json();
    const admin2 = await as(app, t2, 'admin');
    expect((await admin2.get(`/opportunities/${o.id}`)).statusCode).toBe(404);
    expect((await admin2.call('PATCH', `/opportunities/${o.id}`, { version: 1, amount: 1 })).statusCode).toBe(404);
    expect((await admin2.get(`/contracts/${contract.id}`)).statusCode).toBe(404);
    expect((await admin2.call('PATCH', `/contracts/${contract.id}`, { version: 1, amount: 1 })).statusCode).toBe(404);
    expect((await admin2.get(`/customers/${o.customerId}/contracts`)).statusCode).toBe(404);
    expect((await admin2.get('/opportunities/board')).json().totals.count).toBe(0);
    // Within a tenant, a teammate's opportunity is not found for a rep either.
    expect((await (await as(app, t1, 'rep2')).get(`/opportunities/${o.id}`)).statusCode).toBe(404);
  });

  it('[C4] customer service reads sales commitments and published quotes, never a draft quote', async () => {
    const t = await makeTenant(db);
    const o = await seedOpp(t, 'rep', { stage: 'proposal', quoteAmount: 95_000, quoteStatus: 'draft' });
    const rep = await as(app, t, 'rep');
    expect((await rep.get(`/opportunities/${o.id}`)).json().draftQuote).toEqual({ amount: 95_000, status: 'draft' });
    const service = await as(app, t, 'service');
    const seen = (await service.get(`/opportunities/${o.id}`)).json();
    expect(seen.stage).toBe('proposal');
    expect(seen).not.toHaveProperty('draftQuote');
    expect(JSON.stringify(seen)).not.toContain('95000');
    const listed = (await service.get(`/opportunities?customerId=${o.customerId}`)).json().items[0];
    expect(listed).not.toHaveProperty('draftQuote');
    const board = JSON.stringify((await service.get('/opportunities/board')).json());
    expect(board).not.toContain('draftQuote');
    await rep.call('PATCH', `/opportunities/${o.id}`, { version: 1, quoteStatus: 'published' });
    expect((await service.get(`/opportunities/${o.id}`)).json().quote).toMatchObject({ amount: 95_000, status: 'published' });
    // Sales commitments (contracts with promised dates) are readable by service.
    const team = await seedTeam(app, t, 10);
    await rep.call('PATCH', `/opportunities/${o.id}`, { version: 2, stage: 'won', closeReason: '中标' });
    const made = await rep.call('POST', '/contracts', {
      customerId: o.customerId,
      opportunityId: o.id,
      number: contractNo(),
      amount: 95_000,
      milestones: [{ promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: team.id, load: 2 }],
    });
    expect(made.statusCode, made.body).toBe(201);
    const contracts = (await service.get(`/customers/${o.customerId}/contracts`)).json().items;
    expect(contracts[0].milestones[0]).toMatchObject({ promisedDate: '2026-12-10', week: '2026-W50' });
    expect((await service.call('PATCH', `/contracts/${contracts[0].id}`, { version: 1, amount: 1 })).statusCode).toBe(403);
  });
});

describe('contracts and the promise check', () => {
  it('[C8] a contract keeps its terms: prepayment amount follows the ratio, disagreeing terms are refused, duplicate numbers 409', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const rep = await as(app, t, 'rep');
    const number = contractNo();
    const res = await rep.call('POST', '/contracts', { customerId: c.id, number, amount: 500_000, signedOn: '2026-11-20', status: 'signed', paymentTerms: '30% 预付，验收后付 70%', prepaymentRatio: 0.3, prepaidReceived: 150_000 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ prepaymentAmount: 150_000, prepaymentRatio: 0.3, prepaymentStatus: 'received', ownerId: t.users.rep.id });
    const mismatch = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 100, prepaymentRatio: 0.5, prepaymentAmount: 10 });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().code).toBe('prepayment_mismatch');
    const dup = await rep.call('POST', '/contracts', { customerId: c.id, number, amount: 1 });
    expect(dup.statusCode).toBe(409);
    const notWon = await seedOpp(t, 'rep');
    const linked = await rep.call('POST', '/contracts', { customerId: notWon.customerId, opportunityId: notWon.id, number: contractNo(), amount: 1 });
    expect(linked.json().code).toBe('contract_opportunity_invalid');
  });

  it('[C7] a promise in a full week is refused with the nearest dates that have room, and nothing is written', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 10);
    const admin = await as(app, t, 'admin');
    expect((await admin.call('PUT', `/delivery/teams/${team.id}/weeks/2026-W51`, { capacity: 2 })).statusCode).toBe(200);
    const rep = await as(app, t, 'rep');
    const first = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-09', scope: '一期', deliveryTeamId: team.id, load: 8 }] });
    expect(first.statusCode, first.body).toBe(201);
    const number = contractNo();
    const refused = await rep.call('POST', '/contracts', {
      customerId: c.id,
      number,
      amount: 1,
      milestones: [{ promisedDate: '2026-12-10', scope: '二期', deliveryTeamId: team.id, load: 5 }],
    });
    expect(refused.statusCode).toBe(409);
    const p = refused.json();
    expect(p).toMatchObject({ code: 'promise_exceeds_capacity', week: '2026-W50', capacity: 10, booked: 8, free: 2, load: 5, milestoneIndex: 0 });
    expect(p.alternatives).toEqual([
      { date: '2026-12-03', week: '2026-W49', free: 10, direction: 'before' },
      { date: '2026-12-24', week: '2026-W52', free: 10, direction: 'after' },
      { date: '2026-12-31', week: '2026-W53', free: 10, direction: 'after' },
    ]);
    expect(p.detail).toContain('2026-W50');
    expect((await rep.get(`/customers/${c.id}/contracts`)).json().items).toHaveLength(1);
    const check = (await rep.call('POST', '/delivery/promise-check', { deliveryTeamId: team.id, promisedDate: '2026-12-10', load: 5 })).json();
    expect(check).toMatchObject({ ok: false, source: 'internal', alternatives: p.alternatives });
    const ok = await rep.call('POST', '/contracts', { customerId: c.id, number, amount: 1, milestones: [{ promisedDate: p.alternatives[1].date, scope: '二期', deliveryTeamId: team.id, load: 5 }] });
    expect(ok.statusCode, ok.body).toBe(201);
    const cal = (await rep.get('/delivery/calendar?from=2026-W49&weeks=4')).json();
    const row = cal.teams.find((x: { id: string }) => x.id === team.id);
    expect(row.weeks).toEqual([
      { week: '2026-W49', capacity: 10, booked: 0, free: 10 },
      { week: '2026-W50', capacity: 10, booked: 8, free: 2 },
      { week: '2026-W51', capacity: 2, booked: 0, free: 2 },
      { week: '2026-W52', capacity: 10, booked: 5, free: 5 },
    ]);
    // Capacity cannot be cut below what is promised.
    expect((await admin.call('PUT', `/delivery/teams/${team.id}/weeks/2026-W50`, { capacity: 5 })).json().code).toBe('capacity_below_booked');
    // A date before today is refused outright.
    const past = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-11-25', scope: 'x', deliveryTeamId: team.id, load: 1 }] });
    expect(past.json().code).toBe('promise_in_past');
  });

  it('[C7] moving a contract milestone gives back its own load first; terminating frees the week', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 10);
    const rep = await as(app, t, 'rep');
    const made = (await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-09', scope: '一期', deliveryTeamId: team.id, load: 8 }] })).json();
    const moved = await rep.call('PATCH', `/contracts/${made.id}`, { version: 1, milestones: [{ promisedDate: '2026-12-11', scope: '一期', deliveryTeamId: team.id, load: 9 }] });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().milestones).toHaveLength(1);
    const stale = await rep.call('PATCH', `/contracts/${made.id}`, { version: 1, amount: 2 });
    expect(stale.statusCode).toBe(409);
    await rep.call('PATCH', `/contracts/${made.id}`, { version: 2, status: 'terminated' });
    const check = (await rep.call('POST', '/delivery/promise-check', { deliveryTeamId: team.id, promisedDate: '2026-12-10', load: 10 })).json();
    expect(check).toMatchObject({ ok: true, booked: 0, free: 10 });
  });

  it('[C7] two concurrent promises for the last room cannot both be booked', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 10);
    const rep = await as(app, t, 'rep');
    const promise = () =>
      rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-16', scope: '交付', deliveryTeamId: team.id, load: 6 }] });
    const results = await Promise.all([promise(), promise(), promise()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const cal = (await rep.get('/delivery/calendar?from=2026-W51&weeks=1')).json();
    expect(cal.teams.find((x: { id: string }) => x.id === team.id).weeks[0]).toMatchObject({ booked: 6, free: 4 });
  });

  it('[C8] [C2] the contracts import target upserts on the contract number and is idempotent', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    await seedOpp(t, 'rep');
    const target = importTarget('contracts')!;
    expect(target.columns.map((x) => x.key)).toContain('prepaymentRatio');
    const raw = [
      { number: 'HT-2026-001', title: '产线改造', signedOn: '2026/11/02', amount: '1,200,000', paymentTerms: '预付30%', prepaymentRatio: '30%', prepaidReceived: '360000', status: '已签订' },
      { number: 'HT-2026-002', amount: 80_000 },
    ];
    const rows = raw.map((r, i) => ({ rowNo: i + 2, customerId: c.id, data: target.schema.parse(r) }));
    const ctx = { ...systemCtx(t.id), actor: { ...systemCtx(t.id).actor, userId: t.users.admin.id } };
    const source = { channel: 'import' as const, batchId: 'b1', system: 'ERP', receivedAt: NOW };
    expect(await db.transaction((tx) => target.apply(tx, ctx, rows, source))).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await db.transaction((tx) => target.apply(tx, ctx, rows, source))).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const changed = [{ ...rows[1], data: target.schema.parse({ number: 'HT-2026-002', amount: 90_000 }) }];
    expect(await db.transaction((tx) => target.apply(tx, ctx, changed, source))).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const list = (await (await as(app, t, 'admin')).get(`/customers/${c.id}/contracts`)).json().items;
    const first = list.find((x: { number: string }) => x.number === 'HT-2026-001');
    expect(first).toMatchObject({ signedOn: '2026-11-02', amount: 1_200_000, prepaymentAmount: 360_000, prepaymentStatus: 'received', status: 'signed', source: 'import' });
    expect(() => target.schema.parse({ number: 'X', amount: 'abc' })).toThrow();
  });

  it('[C8] [C2] contract terms arrive through the JSON integration API; the same rows again change nothing', async () => {
    const t = await makeTenant(db);
    const c = (await seedCustomer(app, t, 'rep')) as { id: string; creditCode?: string };
    // The imported contract goes to the owner of the customer's opportunity (the rep).
    await (await as(app, t, 'rep')).call('POST', '/opportunities', { customerId: c.id, name: '年度框架', amount: 300_000, expectedClose: '2026-12-31' });
    const admin = await as(app, t, 'admin');
    const customer = (await admin.get(`/customers/${c.id}`)).json();
    const rows = [{ customerCreditCode: customer.creditCode, number: 'API-HT-1', amount: '300000', prepaymentRatio: '0.2', signedOn: '2026-11-20', status: 'signed' }];
    const first = await admin.call('POST', '/integrations/contracts?source=ERP', rows);
    expect(first.statusCode, first.body).toBe(201);
    const again = await admin.call('POST', '/integrations/contracts?source=ERP', rows);
    expect(again.statusCode, again.body).toBe(201);
    expect(JSON.stringify(again.json())).toMatch(/"unchanged":1/);
    const list = (await admin.get(`/customers/${c.id}/contracts`)).json().items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ number: 'API-HT-1', amount: 300_000, prepaymentAmount: 60_000, prepaymentStatus: 'pending', source: 'api', ownerId: t.users.rep.id });
    // A rep may not push contract terms through the integration API for a customer outside their scope.
    const other = (await seedCustomer(app, t, 'rep2')) as { id: string };
    const otherCode = (await admin.get(`/customers/${other.id}`)).json().creditCode;
    const refused = await (await as(app, t, 'rep')).call('POST', '/integrations/contracts', [{ customerCreditCode: otherCode, number: 'API-HT-2', amount: 1 }]);
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect((await admin.get(`/customers/${other.id}/contracts`)).json().items).toHaveLength(0);
  });

  it('[C8] the merge participant moves opportunities and contracts to the surviving customer and restores exactly those', async () => {
    const t = await makeTenant(db);
    const o = await seedOpp(t, 'rep');
    const survivor = await seedCustomer(app, t, 'rep');
    const admin = await as(app, t, 'admin');
    const k = (await admin.call('POST', '/contracts', { customerId: o.customerId, number: contractNo(), amount: 5 })).json();
    const p = mergeParticipant('pipeline')!;
    const moved = await db.transaction((tx) => p.move(tx, t.id, o.customerId, survivor.id));
    expect(moved.sort()).toEqual([`contract:${k.id}`, `opportunity:${o.id}`]);
    expect((await admin.get(`/opportunities?customerId=${survivor.id}`)).json().total).toBe(1);
    expect((await admin.get(`/customers/${survivor.id}/contracts`)).json().items).toHaveLength(1);
    await db.transaction((tx) => p.restore(tx, t.id, moved, o.customerId));
    expect((await admin.get(`/opportunities?customerId=${o.customerId}`)).json().total).toBe(1);
    expect((await admin.get(`/customers/${survivor.id}/contracts`)).json().items).toHaveLength(0);
  });
});

describe('contracts over time', () => {
  it('[C7] a milestone promised earlier stays valid once its date has passed; only new or changed dates are checked again', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 10);
    const rep = await as(app, t, 'rep');
    const ms = [{ promisedDate: '2026-12-09', scope: '一期', deliveryTeamId: team.id, load: 4 }];
    const made = (await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 100, milestones: ms })).json();
    const later = await createTestApp({ now: () => new Date('2026-12-20T04:00:00Z') });
    try {
      const rep2 = await as(later.app, t, 'rep');
      const kept = await rep2.call('PATCH', `/contracts/${made.id}`, { version: 1, prepaidReceived: 50, milestones: ms });
      expect(kept.statusCode, kept.body).toBe(200);
      expect(kept.json().milestones[0]).toMatchObject({ promisedDate: '2026-12-09', load: 4 });
      const moved = await rep2.call('PATCH', `/contracts/${made.id}`, { version: 2, milestones: [{ ...ms[0], promisedDate: '2026-12-10' }] });
      expect(moved.json().code).toBe('promise_in_past');
    } finally {
      await later.app.close();
    }
  });
});

describe('business dates in the tenant time zone', () => {
  it("[C7] 'today' for a promise is the tenant's date (Asia/Shanghai), not the server's UTC date", async () => {
    // 17:00 UTC on 25 November is already 01:00 on 26 November in Shanghai.
    const late = await createTestApp({ now: () => new Date('2026-11-25T17:00:00Z') });
    try {
      const t = await makeTenant(db);
      const c = await seedCustomer(late.app, t, 'rep');
      const team = await seedTeam(late.app, t, 10);
      const rep = await as(late.app, t, 'rep');
      const past = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-11-25', scope: 'x', deliveryTeamId: team.id, load: 1 }] });
      expect(past.statusCode).toBe(400);
      expect(past.json()).toMatchObject({ code: 'promise_in_past' });
      expect(past.json().detail).toContain('2026-11-26');
      expect((await rep.get('/delivery/calendar?weeks=1')).json()).toMatchObject({ today: '2026-11-26', from: '2026-W48' });
    } finally {
      await late.app.close();
    }
  });
});
