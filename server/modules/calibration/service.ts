// Calibration meeting use cases (C6): build each month's customer cards from the registered item
// providers, list and open them (record scope via the ability layer), and take each party's
// confirmation or correction, which the owning module writes back to the master record.
import crypto from 'node:crypto';
import type { Db } from '../../platform/db/db.js';
import type { Ctx, Role } from '../../platform/context.js';
import type { JobDefinition } from '../../platform/jobs/scheduler.js';
import type { Deps } from '../../platform/deps.js';
import { periods } from '../../platform/jobs/periods.js';
import { accessWhere } from '../../platform/access/sql.js';
import { defineAbilityFor, requireAbility, requireRecord, subject } from '../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../platform/http/problem.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { notify } from '../../platform/notify/service.js';
import * as org from '../org/service.js';
import { customerUnits } from '../customers/lookup.js';
import { registerMergeParticipant } from '../customers/merge-participants.js';
import { itemProvider, itemProviders, type ItemCandidate, type Party } from './providers.js';
import { cardDone, selectItems, SELECT_RULE_VERSION, type Tagged } from './select.js';
import * as store from './store.js';

registerMessages({
  calibration_not_a_party: {
    'zh-CN': '校准卡由销售、客服、交付三方确认；你的角色不是其中一方',
    'en-US': 'Calibration cards are confirmed by sales, service and delivery; your role is none of them',
  },
  calibration_item_unknown: { 'zh-CN': '该校准卡没有此条目：{ref}', 'en-US': 'This card has no item {ref}' },
  calibration_already_answered: {
    'zh-CN': '{party}已确认过此条目，不能重复提交',
    'en-US': '{party} has already answered this item',
  },
  calibration_card_done: { 'zh-CN': '该校准卡已全部确认完毕', 'en-US': 'This card is already complete' },
  calibration_value_required: { 'zh-CN': '更正时必须填写正确的值', 'en-US': 'A correction needs the correct value' },
  calibration_provider_missing: {
    'zh-CN': '条目来源模块 {provider} 当前不可用，暂时无法写回',
    'en-US': 'The module behind this item ({provider}) is not available; the answer cannot be written back now',
  },
});

export const PARTIES: readonly Party[] = ['sales', 'service', 'delivery'];
const PARTY_LABEL: Record<Party, { 'zh-CN': string; 'en-US': string }> = {
  sales: { 'zh-CN': '销售', 'en-US': 'Sales' },
  service: { 'zh-CN': '客服', 'en-US': 'Service' },
  delivery: { 'zh-CN': '交付', 'en-US': 'Delivery' },
};

export function partyOf(role: Role): Party | null {
  if (role === 'rep' || role === 'manager' || role === 'director') return 'sales';
  if (role === 'service') return 'service';
  if (role === 'delivery') return 'delivery';
  return null;
}

const record = (c: store.CardRow) => ({ id: c.id, ownerId: c.owner_id, teamId: c.team_id, regionId: c.region_id });

/**
 * Builds the cards of a period (idempotent: a customer gets one card per period). Returns what it
 * did, with the numbers the job run keeps.
 */
export async function generateCards(db: Db, tenantId: string, period: string, asOf: Date, o: { max?: number } = {}) {
  const perCustomer = new Map<string, Tagged[]>();
  for (const p of itemProviders()) {
    const found = await p.candidates(db, tenantId, asOf);
    for (const [customerId, items] of found) {
      const list = perCustomer.get(customerId) ?? [];
      for (const it of items) list.push({ ...it, provider: p.name });
      perCustomer.set(customerId, list);
    }
  }
  const ids = [...perCustomer.keys()];
  let created = 0;
  let items = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const units = await customerUnits(db, tenantId, chunk);
    created += await db.transaction(async (tx) => {
      let n = 0;
      for (const id of chunk) {
        const u = units.get(id);
        if (!u) continue; // merged away or deleted since the provider looked
        const chosen = selectItems(perCustomer.get(id)!, o.max ?? 3);
        const ok = await store.insertCard(tx, tenantId, {
          id: crypto.randomUUID(),
          period,
          customer_id: id,
          customer_name: u.name,
          owner_id: u.ownerId,
          team_id: u.teamId,
          region_id: u.regionId,
          items: chosen,
          rule_version: SELECT_RULE_VERSION,
          parties: [...PARTIES],
        });
        if (ok) {
          n++;
          items += chosen.length;
        }
      }
      return n;
    });
  }
  return { period, customersWithItems: ids.length, cardsCreated: created, items, ruleVersion: SELECT_RULE_VERSION };
}

/** Tells each owner how many cards wait for them, and service and delivery how many in all (once per period). */
async function remind(db: Db, deps: Deps, tenantId: string, period: string) {
  const owners = await store.openCountsByOwner(db, tenantId, period);
  const total = owners.reduce((s, o) => s + o.n, 0);
  if (!total) return { notified: 0 };
  const staff = await org.activeUserIdsByRole(db, tenantId, ['service', 'delivery']);
  return db.transaction(async (tx) => {
    let notified = 0;
    for (const o of owners) {
      const r = await notify(
        tx,
        tenantId,
        {
          userIds: [o.owner_id],
          kind: 'calibration.cards',
          title: `${period} 客户校准卡：${o.n} 张待确认`,
          body: `本月联席校准会有 ${o.n} 张你负责客户的校准卡，每张最多 3 项，请确认或更正。`,
          link: `/customers/calibration?period=${period}`,
          data: { period, cards: o.n },
          dedupeKey: `calibration:${period}:owner`,
        },
        { publicUrl: deps.settings.publicUrl },
      );
      notified += r.notificationIds.length;
    }
    if (staff.length) {
      const r = await notify(
        tx,
        tenantId,
        {
          userIds: staff.map((s) => s.id),
          kind: 'calibration.cards',
          title: `${period} 客户校准卡：${total} 张待三方确认`,
          body: `本月联席校准会共 ${total} 张客户校准卡，请按本部门掌握的信息确认或更正。`,
          link: `/customers/calibration?period=${period}`,
          data: { period, cards: total },
          dedupeKey: `calibration:${period}:staff`,
        },
        { publicUrl: deps.settings.publicUrl },
      );
      notified += r.notificationIds.length;
    }
    return { notified };
  });
}

export const CALIBRATION_JOB = 'calibration.monthly-cards';

/** On the 1st of each month, 06:00 tenant time: the month's cards, then the reminders. */
export function calibrationJob(): JobDefinition<Awaited<ReturnType<typeof generateCards>> & { notified: number }> {
  return {
    id: CALIBRATION_JOB,
    title: { 'zh-CN': '生成月度客户校准卡', 'en-US': 'Build the monthly customer calibration cards' },
    cron: '0 6 1 * *',
    period: periods.month,
    async run(jc) {
      const out = await generateCards(jc.db, jc.tenantId, jc.periodKey, jc.now());
      const r = jc.deps ? await remind(jc.db, jc.deps, jc.tenantId, jc.periodKey) : { notified: 0 };
      return { ...out, notified: r.notified };
    },
  };
}

export function registerCalibration(deps: Deps): void {
  deps.jobs.register(calibrationJob());
  // A merge moves the merged-away customer's cards to the survivor, except for a month where the
  // survivor already has its own card (one card per customer and month); undo moves them back.
  registerMergeParticipant({
    name: 'calibration',
    move: (tx, tenantId, fromId, toId) => store.moveCards(tx, tenantId, fromId, toId),
    restore: (tx, tenantId, ids, toId) => store.restoreCards(tx, tenantId, ids, toId),
  });
}

export async function listCards(db: Db, ctx: Ctx, q: { period: string; status?: 'open' | 'done'; page: number; pageSize: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CalibrationCard');
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'CalibrationCard', store.CARD_COLUMNS, params);
  const { rows, total } = await store.listCards(db, ctx.actor.tenantId, {
    period: q.period,
    status: q.status,
    access: { sql, params },
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const names = await org.namesOf(db, ctx.actor.tenantId, rows.map((r) => r.owner_id));
  return {
    items: rows.map((r) => ({
      id: r.id,
      period: r.period,
      customerId: r.customer_id,
      customerName: r.customer_name,
      ownerId: r.owner_id,
      ownerName: r.owner_id ? (names.get(r.owner_id) ?? null) : null,
      status: r.status,
      itemCount: r.items.length,
      answers: r.answered,
      answersNeeded: r.items.length * r.parties.length,
      kinds: r.items.map((i) => i.kind),
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function loadCard(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CalibrationCard');
  const card = await store.cardById(db, ctx.actor.tenantId, id);
  if (!card) throw new Problem(404, 'not_found');
  requireRecord(ability, 'read', 'CalibrationCard', record(card));
  return { ability, card };
}

export async function getCard(db: Db, ctx: Ctx, id: string) {
  const { ability, card } = await loadCard(db, ctx, id);
  const responses = await store.responsesOf(db, ctx.actor.tenantId, id);
  const names = await org.namesOf(db, ctx.actor.tenantId, [card.owner_id, ...responses.map((r) => r.user_id)]);
  const myParty = partyOf(ctx.actor.role);
  const canAnswer = card.status === 'open' && !!myParty && ability.can('update', subject('CalibrationCard', record(card)));
  return {
    id: card.id,
    period: card.period,
    customerId: card.customer_id,
    customerName: card.customer_name,
    ownerId: card.owner_id,
    ownerName: card.owner_id ? (names.get(card.owner_id) ?? null) : null,
    status: card.status,
    ruleVersion: card.rule_version,
    createdAt: card.created_at,
    completedAt: card.completed_at,
    parties: card.parties.map((p) => ({ party: p, label: PARTY_LABEL[p as Party] })),
    myParty: canAnswer ? myParty : null,
    items: card.items.map((it) => ({
      ref: it.ref,
      provider: it.provider,
      kind: it.kind,
      label: it.label,
      current: it.current,
      options: it.options ?? [],
      evidence: it.evidence,
      answers: responses
        .filter((r) => r.item_ref === it.ref)
        .map((r) => ({
          party: r.party,
          action: r.action,
          value: r.value,
          note: r.note,
          userId: r.user_id,
          userName: names.get(r.user_id) ?? null,
          at: r.created_at,
        })),
    })),
  };
}

export async function answerItem(
  db: Db,
  ctx: Ctx,
  id: string,
  ref: string,
  input: { action: 'confirm' | 'correct'; value?: unknown; note?: string },
  now: Date,
) {
  const party = partyOf(ctx.actor.role);
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'CalibrationCard');
  if (!party) throw new Problem(403, 'calibration_not_a_party');
  if (input.action === 'correct' && (input.value === undefined || input.value === null || input.value === '')) {
    throw new Problem(400, 'calibration_value_required', {}, { field: 'value' });
  }
  await db.transaction(async (tx) => {
    const card = await store.cardById(tx, ctx.actor.tenantId, id, true);
    if (!card) throw new Problem(404, 'not_found');
    requireRecord(ability, 'update', 'CalibrationCard', record(card));
    if (card.status === 'done') throw new Problem(409, 'calibration_card_done');
    const item = card.items.find((i) => i.ref === ref);
    if (!item) throw new Problem(404, 'calibration_item_unknown', { ref });
    const responses = await store.responsesOf(tx, ctx.actor.tenantId, id);
    if (responses.some((r) => r.item_ref === ref && r.party === party)) {
      throw new Problem(409, 'calibration_already_answered', { party: PARTY_LABEL[party][ctx.locale] });
    }
    const provider = itemProvider(item.provider);
    if (!provider) throw new Problem(503, 'calibration_provider_missing', { provider: item.provider });
    await store.insertResponse(
      tx,
      ctx.actor.tenantId,
      { id: crypto.randomUUID(), card_id: id, item_ref: ref, party, user_id: ctx.actor.userId!, action: input.action, value: input.value ?? null, note: input.note ?? null },
      now,
    );
    await provider.apply(tx, ctx, card.customer_id, item as ItemCandidate, { action: input.action, value: input.value, note: input.note, party });
    await writeAudit(tx, ctx, {
      action: `calibration.${input.action}`,
      resource: 'CalibrationCard',
      recordId: id,
      before: { ref, current: item.current },
      after: { ref, party, action: input.action, value: input.value ?? null, note: input.note ?? null },
    });
    const answered = new Set([...responses.map((r) => `${r.item_ref}|${r.party}`), `${ref}|${party}`]);
    if (cardDone(card.items.map((i) => i.ref), card.parties, answered)) await store.completeCard(tx, ctx.actor.tenantId, id, now);
  });
  return getCard(db, ctx, id);
}

/** This month in the tenant's time zone ('2026-11'). */
export async function currentPeriod(db: Db, ctx: Ctx, now: Date): Promise<string> {
  return periods.month(now, await org.tenantTimeZone(db, ctx.actor.tenantId));
}

/** Manual build of a period's cards (admin), e.g. for a meeting called mid-month. */
export async function generateNow(db: Db, ctx: Ctx, period: string, now: Date) {
  requireAbility(defineAbilityFor(ctx.actor), 'create', 'CalibrationCard');
  const out = await generateCards(db, ctx.actor.tenantId, period, now);
  await db.transaction((tx) => writeAudit(tx, ctx, { action: 'calibration.generate', resource: 'CalibrationCard', after: out }));
  return out;
}
