// Contract-performance deviation (C3) from recorded deliveries: promised milestones of a contract,
// the clock moves past them, delivery staff record what was delivered when, the health board's
// service-risk index takes the share delivered late or still open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { createTestApp, makeTenant } from '../../test/harness.js';
import { as, contractNo, NOW, seedCustomer, seedTeam } from '../pipeline/test-support.js';

let app: App;
let db: Db;
let clock = NOW;
beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => clock }));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const deviationOf = (h: any) => h.serviceRisk.components.find((c: any) => c.key === 'contractDeviation');

describe('contract-performance deviation', () => {
  it('[C3] [C8] late and open milestones raise the deviation; recording deliveries is for the owner side and delivery staff only', async () => {
    clock = NOW; // 2026-11-26
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 20);
    let rep = await as(app, t, 'rep');
    const made = await rep.call('POST', '/contracts', {
      customerId: c.id,
      number: contractNo(),
      amount: 200_000,
      status: 'signed',
      milestones: [
        { promisedDate: '2026-12-02', scope: '到货', deliveryTeamId: team.id, load: 2 },
        { promisedDate: '2026-12-09', scope: '上线', deliveryTeamId: team.id, load: 2 },
      ],
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id;
    let manager = await as(app, t, 'manager');
    const first = await manager.get(`/customers/${c.id}/health`);
    expect(first.statusCode, first.body).toBe(200);
    expect(deviationOf(first.json())).toMatchObject({ value: null, reason: 'no_contract_data' });

    clock = new Date('2026-12-20T04:00:00Z'); // sessions of three weeks ago have expired: sign in again
    manager = await as(app, t, 'manager');
    rep = await as(app, t, 'rep');
    const open = deviationOf((await manager.get(`/customers/${c.id}/health`)).json());
    expect(open.value).toBe(1); // both due, neither delivered
    const delivery = await as(app, t, 'delivery');
    const late = await delivery.call('POST', `/contracts/${id}/milestones/1/delivery`, { deliveredOn: '2026-12-05' });
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json().milestones[0]).toMatchObject({ promisedDate: '2026-12-02', deliveredOn: '2026-12-05' });
    const onTime = await rep.call('POST', `/contracts/${id}/milestones/2/delivery`, { deliveredOn: '2026-12-08' });
    expect(onTime.statusCode, onTime.body).toBe(200);
    const h = (await manager.get(`/customers/${c.id}/health`)).json();
    expect(deviationOf(h).value).toBe(0.5);
    expect(h.serviceRisk.inputs).toMatchObject({ contractDeviation: 0.5, contractDetail: { due: 2, late: 1, overdue: 0, daysLate: 3 } });

    const future = await delivery.call('POST', `/contracts/${id}/milestones/1/delivery`, { deliveredOn: '2026-12-21' });
    expect(future.statusCode).toBe(400);
    expect(future.json().code).toBe('delivery_in_future');
    expect((await delivery.call('POST', `/contracts/${id}/milestones/9/delivery`, { deliveredOn: '2026-12-01' })).statusCode).toBe(404);
    expect((await (await as(app, t, 'rep2')).call('POST', `/contracts/${id}/milestones/1/delivery`, { deliveredOn: '2026-12-01' })).statusCode).toBe(404);
    expect((await (await as(app, t, 'service')).call('POST', `/contracts/${id}/milestones/1/delivery`, { deliveredOn: '2026-12-01' })).statusCode).toBe(403);
    expect((await (await as(app, other, 'admin')).call('POST', `/contracts/${id}/milestones/1/delivery`, { deliveredOn: '2026-12-01' })).statusCode).toBe(404);
    const audit = await db.query(`select after from audit_log where tenant_id = $1 and action = 'contract.delivery' order by id`, [t.id]);
    expect(audit.rows.map((r: any) => r.after.deliveredOn)).toEqual(['2026-12-05', '2026-12-08']);
  });
});
