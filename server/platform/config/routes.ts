// Admin screen's API for rule configuration (X2): list, history, propose, sign off, reject, withdraw.
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { requireAbility } from '../access/abilities.js';

const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const Approval = z.object({ userId: z.string(), name: z.string(), role: z.string(), at: z.string() });
const Version = z.object({
  key: z.string(),
  version: z.number(),
  status: z.enum(['pending', 'active', 'superseded', 'rejected', 'withdrawn']),
  value: z.unknown(),
  reason: z.string().nullable(),
  proposedById: z.string().nullable(),
  proposedByName: z.string().nullable(),
  proposedAt: z.date(),
  approvals: z.array(Approval),
  decidedAt: z.date().nullable(),
  decidedById: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
const Summary = z.object({
  key: z.string(),
  title: Bilingual,
  description: Bilingual,
  dualSignoff: z.boolean(),
  family: z.string().nullable(),
  default: z.unknown(),
  jsonSchema: z.unknown(),
  active: z.object({ version: z.number(), value: z.unknown(), activatedAt: z.date().nullable(), valid: z.boolean() }).nullable(),
  pending: Version.nullable(),
});

const KeyParams = z.object({ key: z.string().regex(/^[a-zA-Z0-9._-]{1,120}$/) }).strict();
const VersionParams = KeyParams.extend({ version: z.coerce.number().int().min(1) }).strict();
const Reason = z.string().trim().min(1).max(2000);

export async function configRoutes(app: App, { config }: Deps) {
  app.get(
    '/admin/config',
    {
      schema: {
        tags: ['admin'],
        summary: '规则配置列表 List configurable rules with their active version and pending proposal',
        response: { 200: z.object({ items: z.array(Summary) }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'Config');
      return { items: await config.list(req.ctx) };
    },
  );

  app.get(
    '/admin/config/:key',
    {
      schema: {
        tags: ['admin'],
        summary: '规则配置历史 One rule with all its versions',
        params: KeyParams,
        response: { 200: Summary.extend({ versions: z.array(Version) }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'Config');
      return config.history(req.ctx, req.params.key);
    },
  );

  app.post(
    '/admin/config/:key/proposals',
    {
      schema: {
        tags: ['admin'],
        summary: '提议新版本 Propose a new version (active at once, or pending dual sign-off)',
        params: KeyParams,
        body: z.object({ value: z.unknown(), reason: Reason }).strict(),
        response: { 201: Version },
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'update', 'Config');
      const v = await config.propose(req.ctx, req.params.key, req.body.value, req.body.reason);
      return reply.status(201).send(v);
    },
  );

  app.post(
    '/admin/config/:key/versions/:version/approve',
    {
      schema: {
        tags: ['admin'],
        summary: '签署 Sign off a pending version (administrator or business owner)',
        params: VersionParams,
        response: { 200: Version },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'approve', 'Config');
      return config.approve(req.ctx, req.params.key, req.params.version);
    },
  );

  app.post(
    '/admin/config/:key/versions/:version/reject',
    {
      schema: {
        tags: ['admin'],
        summary: '驳回 Reject a pending version',
        params: VersionParams,
        body: z.object({ reason: Reason }).strict(),
        response: { 200: Version },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'approve', 'Config');
      return config.reject(req.ctx, req.params.key, req.params.version, req.body.reason);
    },
  );

  app.post(
    '/admin/config/:key/versions/:version/withdraw',
    {
      schema: {
        tags: ['admin'],
        summary: '撤回 Withdraw a pending version (its proposer or an administrator)',
        params: VersionParams,
        response: { 200: Version },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'update', 'Config');
      return config.withdraw(req.ctx, req.params.key, req.params.version);
    },
  );
}
