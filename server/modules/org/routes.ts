import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { ROLES } from '../../platform/context.js';
import { requireAbility } from '../../platform/access/abilities.js';
import * as service from './service.js';

const Abilities = z.object({ update: z.boolean(), delete: z.boolean(), writable: z.array(z.string()), masked: z.array(z.string()) });
const UserOut = z
  .object({
    id: z.string(),
    username: z.string().optional(),
    displayName: z.string().optional(),
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    role: z.string().optional(),
    regionId: z.string().nullable().optional(),
    teamId: z.string().nullable().optional(),
    managerId: z.string().nullable().optional(),
    isMentor: z.boolean().optional(),
    hiredOn: z.string().nullable().optional(),
    active: z.boolean().optional(),
    version: z.number().optional(),
    _abilities: Abilities,
  })
  .passthrough();

export async function orgRoutes(app: App, { db }: Deps) {
  app.get(
    '/org/regions',
    { schema: { tags: ['org'], summary: '区域 Regions', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), code: z.string(), directorId: z.string().nullable() })) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'OrgUnit');
      const { regions } = await service.orgUnits(db, req.ctx.actor.tenantId);
      return { items: regions.map((r) => ({ id: r.id, name: r.name, code: r.code, directorId: r.director_id })) };
    },
  );

  app.get(
    '/org/teams',
    { schema: { tags: ['org'], summary: '团队 Teams', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), regionId: z.string(), managerId: z.string().nullable() })) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'OrgUnit');
      const { teams } = await service.orgUnits(db, req.ctx.actor.tenantId);
      return { items: teams.map((t) => ({ id: t.id, name: t.name, regionId: t.region_id, managerId: t.manager_id })) };
    },
  );

  app.get(
    '/org/users',
    {
      schema: {
        tags: ['org'],
        summary: '用户 Users (limited to what the role may see)',
        querystring: z
          .object({
            q: z.string().max(64).optional(),
            role: z.enum(ROLES).optional(),
            teamId: z.uuid().optional(),
            regionId: z.uuid().optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(UserOut), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => service.listUsers(db, req.ctx, req.query),
  );

  app.post(
    '/org/users',
    {
      schema: {
        tags: ['org'],
        summary: '创建用户 Create a user',
        body: z
          .object({
            username: z.string().trim().regex(/^[a-z0-9._-]{2,40}$/i),
            displayName: z.string().trim().min(1).max(40),
            role: z.enum(ROLES),
            password: z.string().min(10).max(200),
            email: z.email().optional(),
            phone: z.string().max(20).optional(),
            teamId: z.uuid().nullable().optional(),
            isMentor: z.boolean().optional(),
          })
          .strict(),
        response: { 201: UserOut },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createUser(db, req.ctx, req.body)),
  );

  app.patch(
    '/org/users/:id',
    {
      schema: {
        tags: ['org'],
        summary: '修改用户 Update a user',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            version: z.number().int().min(1),
            displayName: z.string().trim().min(1).max(40).optional(),
            email: z.email().nullable().optional(),
            phone: z.string().max(20).nullable().optional(),
            role: z.enum(ROLES).optional(),
            isMentor: z.boolean().optional(),
            active: z.boolean().optional(),
          })
          .strict(),
        response: { 200: UserOut },
      },
    },
    async (req) => {
      const { version, ...patch } = req.body;
      return service.updateUser(db, req.ctx, req.params.id, version, patch);
    },
  );
}
