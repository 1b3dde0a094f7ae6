// Versioned rule configuration (X2) with the two-sign-off workflow G7 needs.
// A proposal for an ordinary key takes effect at once; one for a dual-sign-off key stays
// pending until an administrator and a business owner (director), two different people,
// have both approved it. Every step is audited in the same transaction as the change.
// Modules subscribe with onActivated() to recompute when a definition changes.
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Sql } from '../db/db.js';
import type { Ctx } from '../context.js';
import { Problem, notFound, registerMessages } from '../http/problem.js';
import { describeIssues, type IssueLike } from '../http/issues.js';
import { writeAudit } from '../audit/audit.js';
import { defineAbilityFor, requireAbility } from '../access/abilities.js';
import { namesOf } from '../../modules/org/service.js';
import './defaults.js'; // the platform's keys are registered whenever the service exists
import { inputJsonSchema, listConfigKeys, resolveConfigKey, type Bilingual, type ConfigKey, type ResolvedKey } from './registry.js';
import * as store from './store.js';
import type { Approval, ConfigRow, ConfigStatus } from './store.js';

registerMessages({
  config_key_unknown: { 'zh-CN': '没有名为 {key} 的配置项', 'en-US': 'There is no configuration key {key}' },
  config_not_set: { 'zh-CN': '配置项 {key} 尚未设置', 'en-US': 'Configuration key {key} has not been set' },
  config_invalid_value: { 'zh-CN': '配置项 {key} 的值不合法：{detail}', 'en-US': 'The value for {key} is invalid: {detail}' },
  config_stored_invalid: {
    'zh-CN': '配置项 {key} 的生效版本 v{version} 不再符合规则格式，请管理员重新设置',
    'en-US': 'The active version v{version} of {key} no longer matches its rule format; an administrator must set it again',
  },
  config_unchanged: { 'zh-CN': '新值与配置项 {key} 当前生效的值相同', 'en-US': 'The new value equals the active value of {key}' },
  config_pending_exists: {
    'zh-CN': '配置项 {key} 已有待审批的版本 v{version}，请先审批、驳回或撤回它',
    'en-US': '{key} already has a pending version v{version}; approve, reject or withdraw it first',
  },
  config_not_pending: {
    'zh-CN': '配置项 {key} 的版本 v{version} 状态为 {status}，不能再审批、驳回或撤回',
    'en-US': 'Version v{version} of {key} is {status}; it can no longer be approved, rejected or withdrawn',
  },
  config_signer_role: {
    'zh-CN': '只有管理员或业务负责人（总监）可以签署配置变更',
    'en-US': 'Only an administrator or a business owner (director) may sign off a configuration change',
  },
  config_same_signer: {
    'zh-CN': '你已经签署过该版本；双签需要两个不同的人（管理员和业务负责人各一人）',
    'en-US': 'You have already signed this version; dual sign-off needs two different people (an administrator and a business owner)',
  },
  config_admin_signed: {
    'zh-CN': '已有管理员签署该版本，另一签须由业务负责人（总监）完成',
    'en-US': 'An administrator has already signed this version; the other sign-off must come from a business owner (director)',
  },
  config_director_signed: {
    'zh-CN': '已有业务负责人（总监）签署该版本，另一签须由管理员完成',
    'en-US': 'A business owner (director) has already signed this version; the other sign-off must come from an administrator',
  },
  config_withdraw_forbidden: {
    'zh-CN': '只有提议人或管理员可以撤回待审批的配置变更',
    'en-US': 'Only the proposer or an administrator may withdraw a pending change',
  },
});

export interface ConfigValue<T> {
  version: number;
  value: T;
}

export interface ConfigVersion {
  key: string;
  version: number;
  status: ConfigStatus;
  value: unknown;
  reason: string | null;
  proposedById: string | null;
  proposedByName: string | null;
  proposedAt: Date;
  approvals: Approval[];
  decidedAt: Date | null;
  decidedById: string | null;
  decidedByName: string | null;
  decisionNote: string | null;
}

export interface ConfigSummary {
  key: string;
  title: Bilingual;
  description: Bilingual;
  dualSignoff: boolean;
  /** Prefix of the family the key belongs to ('goals.metrics.'), or null. */
  family: string | null;
  default: unknown;
  /** JSON Schema of an acceptable value, for the admin form. */
  jsonSchema: unknown;
  /** Version 0 is the registered default (nothing saved yet); null for a family member never set. */
  active: { version: number; value: unknown; activatedAt: Date | null; valid: boolean } | null;
  pending: ConfigVersion | null;
}

export interface ConfigDetail extends ConfigSummary {
  versions: ConfigVersion[];
}

export interface ConfigActivated {
  tenantId: string;
  key: string;
  version: number;
  value: unknown;
  /** What was in force before (version 0 = the default; null = nothing). */
  previous: ConfigValue<unknown> | null;
  activatedAt: Date;
  actorId: string | null;
}

export type ConfigListener = (e: ConfigActivated) => void | Promise<void>;

export interface ConfigService {
  /** The version in force for the tenant; the registered default as version 0 when nothing was saved. */
  get<T = unknown>(tenantId: string, key: string | ConfigKey<T>): Promise<ConfigValue<T>>;
  /** Just the value, typed by the key handle from defaults.ts or the module that defined it. */
  value<T>(tenantId: string, key: ConfigKey<T>): Promise<T>;
  list(ctx: Ctx): Promise<ConfigSummary[]>;
  history(ctx: Ctx, key: string): Promise<ConfigDetail>;
  propose(ctx: Ctx, key: string, value: unknown, reason: string): Promise<ConfigVersion>;
  approve(ctx: Ctx, key: string, version: number): Promise<ConfigVersion>;
  reject(ctx: Ctx, key: string, version: number, reason: string): Promise<ConfigVersion>;
  withdraw(ctx: Ctx, key: string, version: number): Promise<ConfigVersion>;
  /**
   * Called after a version becomes active (committed), awaited before propose/approve return.
   * pattern: an exact key, 'prefix.*' or '*'. A listener's error is logged, never undoes the change.
   * Returns an unsubscribe function.
   */
  onActivated(pattern: string, listener: ConfigListener): () => void;
}

const SIGNER_ROLES = ['admin', 'director'] as const;
type SignerRole = (typeof SIGNER_ROLES)[number];

/** Key-order-independent JSON, to tell "no change" from a change. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function isUniqueViolation(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { code?: string }).code === '23505';
}

export function createConfigService(o: { db: Db; now: () => Date; log?: Pick<FastifyBaseLogger, 'error'> }): ConfigService {
  const { db, now } = o;
  const listeners = new Map<string, Set<ConfigListener>>();

  function resolve(key: string): ResolvedKey {
    const def = resolveConfigKey(key);
    if (!def) throw new Problem(404, 'config_key_unknown', { key });
    return def;
  }

  function parseStored(def: ResolvedKey, row: ConfigRow): { ok: true; value: unknown } | { ok: false } {
    const r = def.schema.safeParse(row.value);
    return r.success ? { ok: true, value: r.data } : { ok: false };
  }

  function inForce(def: ResolvedKey, row: ConfigRow | undefined): ConfigValue<unknown> | null {
    if (row) {
      const p = parseStored(def, row);
      if (!p.ok) throw new Problem(500, 'config_stored_invalid', { key: def.key, version: row.version });
      return { version: row.version, value: p.value };
    }
    return def.hasDefault ? { version: 0, value: structuredClone(def.default) } : null;
  }

  async function present(tenantId: string, rows: ConfigRow[]): Promise<ConfigVersion[]> {
    const names = await namesOf(db, tenantId, rows.flatMap((r) => [r.proposed_by, r.decided_by]));
    return rows.map((r) => ({
      key: r.key,
      version: r.version,
      status: r.status,
      value: r.value,
      reason: r.reason,
      proposedById: r.proposed_by,
      proposedByName: r.proposed_by ? (names.get(r.proposed_by) ?? null) : null,
      proposedAt: r.proposed_at,
      approvals: r.approvals ?? [],
      decidedAt: r.decided_at,
      decidedById: r.decided_by,
      decidedByName: r.decided_by ? (names.get(r.decided_by) ?? null) : null,
      decisionNote: r.decision_note,
    }));
  }

  async function presentOne(tenantId: string, row: ConfigRow): Promise<ConfigVersion> {
    return (await present(tenantId, [row]))[0];
  }

  function summary(def: ResolvedKey, active: ConfigRow | undefined, pending: ConfigVersion | null): ConfigSummary {
    let activeOut: ConfigSummary['active'] = null;
    if (active) {
      const p = parseStored(def, active);
      activeOut = { version: active.version, value: p.ok ? p.value : active.value, activatedAt: active.decided_at, valid: p.ok };
    } else if (def.hasDefault) {
      activeOut = { version: 0, value: def.default, activatedAt: null, valid: true };
    }
    return {
      key: def.key,
      title: def.title,
      description: def.description,
      dualSignoff: def.dualSignoff,
      family: def.family ?? null,
      default: def.hasDefault ? def.default : null,
      jsonSchema: inputJsonSchema(def.schema),
      active: activeOut,
      pending,
    };
  }

  async function emit(e: ConfigActivated): Promise<void> {
    for (const [pattern, set] of listeners) {
      const hit = pattern === '*' || pattern === e.key || (pattern.endsWith('.*') && e.key.startsWith(pattern.slice(0, -1)));
      if (!hit) continue;
      for (const l of set) {
        try {
          await l(e);
        } catch (err) {
          (o.log ?? { error: (obj: unknown, msg: string) => console.error(msg, obj) }).error({ err, key: e.key, version: e.version }, 'config listener failed');
        }
      }
    }
  }

  function ability(ctx: Ctx) {
    return defineAbilityFor(ctx.actor);
  }

  function signerRole(ctx: Ctx): SignerRole {
    const role = ctx.actor.role as SignerRole;
    if (!ctx.actor.userId || !SIGNER_ROLES.includes(role)) throw new Problem(403, 'config_signer_role');
    return role;
  }

  /** Loads a version for a decision under the key's lock; refuses anything not pending. */
  async function pendingForDecision(tx: Sql, tenantId: string, key: string, version: number) {
    await store.lockKey(tx, tenantId, key);
    const row = await store.versionRow(tx, tenantId, key, version);
    if (!row) throw notFound();
    if (row.status !== 'pending') throw new Problem(409, 'config_not_pending', { key, version, status: row.status }, { status: row.status });
    return row;
  }

  /** Makes `row` the active version; returns the event to emit after commit. */
  async function activate(tx: Sql, ctx: Ctx, def: ResolvedKey, version: number, value: unknown, at: Date): Promise<ConfigActivated> {
    const tenantId = ctx.actor.tenantId;
    const prevRow = await store.activeRow(tx, tenantId, def.key);
    const previous: ConfigValue<unknown> | null = prevRow
      ? { version: prevRow.version, value: prevRow.value }
      : def.hasDefault
        ? { version: 0, value: def.default }
        : null;
    await store.supersedeActive(tx, tenantId, def.key);
    await writeAudit(tx, ctx, {
      action: 'config.activate',
      resource: 'Config',
      recordId: def.key,
      before: previous ?? undefined,
      after: { version, value },
    });
    return { tenantId, key: def.key, version, value, previous, activatedAt: at, actorId: ctx.actor.userId };
  }

  const service: ConfigService = {
    async get<T>(tenantId: string, key: string | ConfigKey<T>) {
      const def = resolve(typeof key === 'string' ? key : key.key);
      const v = inForce(def, await store.activeRow(db, tenantId, def.key));
      if (!v) throw new Problem(404, 'config_not_set', { key: def.key });
      return v as ConfigValue<T>;
    },

    async value<T>(tenantId: string, key: ConfigKey<T>) {
      return (await service.get<T>(tenantId, key)).value;
    },

    async list(ctx) {
      requireAbility(ability(ctx), 'read', 'Config');
      const tenantId = ctx.actor.tenantId;
      const rows = await store.openRows(db, tenantId);
      const pendingViews = await present(
        tenantId,
        rows.filter((r) => r.status === 'pending'),
      );
      const pendingBy = new Map(pendingViews.map((p) => [p.key, p]));
      const activeBy = new Map(rows.filter((r) => r.status === 'active').map((r) => [r.key, r]));
      const keys = new Set([...listConfigKeys().map((k) => k.key), ...rows.map((r) => r.key)]);
      const out: ConfigSummary[] = [];
      for (const key of [...keys].sort()) {
        const def = resolveConfigKey(key);
        if (!def) continue; // a key no module defines any more: its rows stay in history only
        out.push(summary(def, activeBy.get(key), pendingBy.get(key) ?? null));
      }
      return out;
    },

    async history(ctx, key) {
      requireAbility(ability(ctx), 'read', 'Config');
      const def = resolve(key);
      const rows = await store.versions(db, ctx.actor.tenantId, key);
      const views = await present(ctx.actor.tenantId, rows);
      return {
        ...summary(
          def,
          rows.find((r) => r.status === 'active'),
          views.find((v) => v.status === 'pending') ?? null,
        ),
        versions: views,
      };
    },

    async propose(ctx, key, value, reason) {
      requireAbility(ability(ctx), 'update', 'Config');
      const def = resolve(key);
      const parsed = def.schema.safeParse(value);
      if (!parsed.success) {
        const errors = describeIssues(parsed.error.issues as unknown as IssueLike[], ctx.locale, 'value');
        throw new Problem(400, 'config_invalid_value', { key, detail: errors.map((e) => `${e.path || '—'}：${e.message}`).join('；') }, { errors });
      }
      const tenantId = ctx.actor.tenantId;
      const at = now();
      let activated: ConfigActivated | null = null;
      const row = await db
        .transaction(async (tx) => {
          await store.lockKey(tx, tenantId, key);
          const pending = await store.pendingRow(tx, tenantId, key);
          if (pending) throw new Problem(409, 'config_pending_exists', { key, version: pending.version }, { pendingVersion: pending.version });
          const current = inForce(def, await store.activeRow(tx, tenantId, key));
          if (current && canonical(current.value) === canonical(parsed.data)) throw new Problem(400, 'config_unchanged', { key });
          const version = await store.nextVersion(tx, tenantId, key);
          const status = def.dualSignoff ? 'pending' : 'active';
          await writeAudit(tx, ctx, {
            action: 'config.propose',
            resource: 'Config',
            recordId: key,
            before: current ?? undefined,
            after: { version, value: parsed.data, status, reason, dualSignoff: def.dualSignoff },
          });
          if (status === 'active') activated = await activate(tx, ctx, def, version, parsed.data, at);
          await store.insertVersion(tx, tenantId, { key, version, value: parsed.data, status, reason, proposedBy: ctx.actor.userId, at });
          return (await store.versionRow(tx, tenantId, key, version))!;
        })
        .catch((e) => {
          // The partial unique index is the last word if two instances race past the lock.
          if (isUniqueViolation(e)) throw new Problem(409, 'config_pending_exists', { key, version: '?' });
          throw e;
        });
      if (activated) await emit(activated);
      return presentOne(tenantId, row);
    },

    async approve(ctx, key, version) {
      requireAbility(ability(ctx), 'approve', 'Config');
      const role = signerRole(ctx);
      const def = resolve(key);
      const tenantId = ctx.actor.tenantId;
      const userId = ctx.actor.userId!;
      const at = now();
      let activated: ConfigActivated | null = null;
      const row = await db.transaction(async (tx) => {
        const row = await pendingForDecision(tx, tenantId, key, version);
        const approvals = row.approvals ?? [];
        if (approvals.some((a) => a.userId === userId)) throw new Problem(409, 'config_same_signer');
        if (approvals.some((a) => a.role === role)) throw new Problem(409, role === 'admin' ? 'config_admin_signed' : 'config_director_signed');
        const next: Approval[] = [...approvals, { userId, name: ctx.actor.displayName, role, at: at.toISOString() }];
        await store.setApprovals(tx, tenantId, key, version, next);
        await writeAudit(tx, ctx, { action: 'config.approve', resource: 'Config', recordId: key, after: { version, role, approvals: next.length } });
        if (SIGNER_ROLES.every((r) => next.some((a) => a.role === r))) {
          activated = await activate(tx, ctx, def, version, row.value, at);
          await store.decide(tx, tenantId, key, version, { status: 'active', at, by: userId });
        }
        return (await store.versionRow(tx, tenantId, key, version))!;
      });
      if (activated) await emit(activated);
      return presentOne(tenantId, row);
    },

    async reject(ctx, key, version, reason) {
      requireAbility(ability(ctx), 'approve', 'Config');
      signerRole(ctx);
      resolve(key);
      const tenantId = ctx.actor.tenantId;
      const at = now();
      const row = await db.transaction(async (tx) => {
        await pendingForDecision(tx, tenantId, key, version);
        await store.decide(tx, tenantId, key, version, { status: 'rejected', at, by: ctx.actor.userId, note: reason });
        await writeAudit(tx, ctx, { action: 'config.reject', resource: 'Config', recordId: key, after: { version, reason } });
        return (await store.versionRow(tx, tenantId, key, version))!;
      });
      return presentOne(tenantId, row);
    },

    async withdraw(ctx, key, version) {
      requireAbility(ability(ctx), 'update', 'Config');
      resolve(key);
      const tenantId = ctx.actor.tenantId;
      const at = now();
      const row = await db.transaction(async (tx) => {
        const row = await pendingForDecision(tx, tenantId, key, version);
        if (row.proposed_by !== ctx.actor.userId && ctx.actor.role !== 'admin') throw new Problem(403, 'config_withdraw_forbidden');
        await store.decide(tx, tenantId, key, version, { status: 'withdrawn', at, by: ctx.actor.userId });
        await writeAudit(tx, ctx, { action: 'config.withdraw', resource: 'Config', recordId: key, after: { version } });
        return (await store.versionRow(tx, tenantId, key, version))!;
      });
      return presentOne(tenantId, row);
    },

    onActivated(pattern, listener) {
      let set = listeners.get(pattern);
      if (!set) listeners.set(pattern, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
  return service;
}
