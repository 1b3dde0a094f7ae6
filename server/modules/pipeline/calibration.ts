// The pipeline's items for the monthly calibration cards (C6): delivery promises of active
// contracts falling due in the next weeks (or just missed). A confirmation is recorded; a
// correction does not move the date here, because a new promised date must pass the capacity
// check (C7): the contract's owner is asked to change it in the contract form, which checks it.
import type { Db, Sql } from '../../platform/db/db.js';
import { notify } from '../../platform/notify/service.js';
import { registerItemProvider, type ItemCandidate } from '../calibration/providers.js';
import * as store from './store.js';

const DAY = 86_400_000;
/** Promises due within this many days, or missed within the last 30, are put on the card. */
export const COMMITMENT_WINDOW_DAYS = 60;


async function candidates(db: Db, tenantId: string, asOf: Date): Promise<Map<string, ItemCandidate[]>> {
  const from = new Date(asOf.getTime() - 30 * DAY).toISOString().slice(0, 10);
  const to = new Date(asOf.getTime() + COMMITMENT_WINDOW_DAYS * DAY).toISOString().slice(0, 10);
  const rows = await store.promisesDue(db, tenantId, from, to);
  const out = new Map<string, ItemCandidate[]>();
  const today = asOf.toISOString().slice(0, 10);
  for (const x of rows) {
    const days = Math.round((Date.parse(x.promised_date) - Date.parse(today)) / DAY);
    const list = out.get(x.customer_id) ?? [];
    list.push({
      kind: 'commitment',
      ref: `contract:${x.contract_id}:milestone:${x.seq}`,
      label: { 'zh-CN': `合同 ${x.number} 第 ${x.seq} 期交付承诺`, 'en-US': `Contract ${x.number}, delivery promise ${x.seq}` },
      current: `${x.promised_date} · ${x.scope}`,
      // Sooner (or already missed) is more urgent.
      urgency: COMMITMENT_WINDOW_DAYS - days,
      evidence: { contract: x.number, promisedDate: x.promised_date, daysFromNow: days, contractStatus: x.status, window: COMMITMENT_WINDOW_DAYS },
    });
    out.set(x.customer_id, list);
  }
  return out;
}

export function registerPipelineCalibration(): void {
  registerItemProvider({
    name: 'pipeline.commitments',
    candidates,
    async apply(tx: Sql, ctx, _customerId, item, response) {
      if (response.action !== 'correct') return;
      const contractId = item.ref.split(':')[1];
      const o = await store.contractById(tx, ctx.actor.tenantId, contractId);
      if (!o?.owner_id) return;
      await notify(tx, ctx.actor.tenantId, {
        userIds: [o.owner_id],
        kind: 'calibration.commitment',
        title: `合同 ${o.number} 的交付承诺需要更正`,
        body: `校准会上${ctx.actor.displayName}指出：${item.label['zh-CN']}应为「${String(response.value)}」${response.note ? `（${response.note}）` : ''}。请在合同中修改承诺日期，系统会按交付产能校验。`,
        link: `/customers/${_customerId}?tab=contracts`,
        data: { contractId, ref: item.ref, value: response.value ?? null },
      });
    },
  });
}
