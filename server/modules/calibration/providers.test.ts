// Calibration cards built from the real modules' providers (no stand-ins): delivery promises from
// the pipeline, conflicts and stale key fields from the customer sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { createTestApp, makeTenant } from '../../test/harness.js';
import { as, contractNo, NOW, seedCustomer, seedTeam } from '../pipeline/test-support.js';

let app: App;
let db: Db;
beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => NOW }));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('calibration items from the pipeline', () => {
  it('[C6] [C7] a promise due within 60 days goes on the card; a correction asks the contract owner to change it through the capacity check', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 10);
    const rep = await as(app, t, 'rep');
    const number = contractNo();
    const made = await rep.call('POST', '/contracts', {
      customerId: c.id,
      number,
      amount: 100_000,
      status: 'signed',
      signedOn: '2026-11-20',
      milestones: [{ promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: team.id, load: 2 }],
    });
    expect(made.statusCode, made.body).toBe(201);
    const far = await rep.call('POST', '/contracts', {
      customerId: c.id,
      number: contractNo(),
      amount: 1,
      status: 'signed',
      milestones: [{ promisedDate: '2027-06-10', scope: '远期', deliveryTeamId: team.id, load: 1 }],
    });
    expect(far.statusCode, far.body).toBe(201);

    const admin = await as(app, t, 'admin');
    const gen = await admin.call('POST', '/calibration/generate', { period: '2026-11' });
    expect(gen.json()).toMatchObject({ cardsCreated: 1, items: 1 });
    const list = (await rep.get('/calibration/cards?period=2026-11')).json();
    const card = (await rep.get(`/calibration/cards/${list.items[0].id}`)).json();
    expect(card.items).toHaveLength(1);
    expect(card.items[0]).toMatchObject({ kind: 'commitment', current: '2026-12-10 · 上线', evidence: { contract: number, daysFromNow: 14 } });

    const delivery = await as(app, t, 'delivery');
    const ans = await delivery.call('POST', `/calibration/cards/${card.id}/items/${encodeURIComponent(card.items[0].ref)}/answers`, {
      action: 'correct',
      value: '2026-12-24',
      note: '硬件到货推迟',
    });
    expect(ans.statusCode, ans.body).toBe(200);
    const inbox = await db.query(`select user_id, body from notifications where tenant_id = $1 and kind = 'calibration.commitment'`, [t.id]);
    expect(inbox.rows).toHaveLength(1);
    expect(inbox.rows[0].user_id).toBe(t.users.rep.id);
    expect(inbox.rows[0].body).toContain('2026-12-24');
    // The promised date itself is unchanged until the owner changes it through the checked form.
    const contract = (await rep.get(`/contracts/${made.json().id}`)).json();
    expect(contract.milestones[0].promisedDate).toBe('2026-12-10');
  });
});
