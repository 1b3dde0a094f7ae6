import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { requireAbility } from '../access/abilities.js';
import * as service from './service.js';
import { CHANNEL_KINDS } from './webhooks.js';

const NotificationOut = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  data: z.unknown(),
  createdAt: z.date(),
  readAt: z.date().nullable(),
  read: z.boolean(),
});

const Abilities = z.object({ update: z.boolean(), delete: z.boolean(), writable: z.array(z.string()), masked: z.array(z.string()) });
const ChannelOut = z.object({
  id: z.string(),
  kind: z.enum(CHANNEL_KINDS).optional(),
  name: z.string().optional(),
  webhookUrl: z.string().optional(),
  hasSecret: z.boolean().optional(),
  regionId: z.string().nullable().optional(),
  enabled: z.boolean().optional(),
  version: z.number().optional(),
  createdAt: z.date().optional(),
  _abilities: Abilities,
});

const OutboundOut = z.object({
  id: z.string(),
  channel: z.enum(['email', ...CHANNEL_KINDS]),
  target: z.string(),
  targetName: z.string().nullable(),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date().nullable(),
  sentAt: z.date().nullable(),
  createdAt: z.date(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string() })),
});

const Id = z.object({ id: z.uuid() });
const Paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};
const Flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => /^https?:\/\/[^\s/]+/i.test(u) && URL.canParse(u), { message: 'invalid_webhook_url' });
const ChannelFields = {
  kind: z.enum(CHANNEL_KINDS),
  name: z.string().trim().min(1).max(100),
  webhookUrl,
  secret: z.string().trim().max(500).nullable(),
  regionId: z.uuid().nullable(),
  enabled: z.boolean(),
};
const CreateChannel = z.object(ChannelFields).partial({ secret: true, regionId: true, enabled: true }).strict();
const UpdateChannel = z
  .object(ChannelFields)
  .partial()
  .extend({ version: z.number().int().min(1) })
  .strict();

export async function notifyRoutes(app: App, { db, notify, now }: Deps) {
  // ---- own inbox ----
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: '我的通知 My notifications, newest first (?unread=true for unread only)',
        querystring: z.object({ unread: Flag.optional(), ...Paging }).strict(),
        response: { 200: z.object({ items: z.array(NotificationOut), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'Notification');
      return service.listInbox(db, req.ctx, req.query);
    },
  );

  app.get(
    '/notifications/unread-count',
    { schema: { tags: ['notifications'], summary: '未读通知数 Number of my unread notifications', response: { 200: z.object({ count: z.number() }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'Notification');
      return { count: await service.unreadCount(db, req.ctx) };
    },
  );

  app.post(
    '/notifications/:id/read',
    { schema: { tags: ['notifications'], summary: '标记已读 Mark one of my notifications read', params: Id, response: { 200: NotificationOut } } },
    async (req) => {
      requireAbility(req.ability, 'update', 'Notification');
      return service.markRead(db, req.ctx, req.params.id, now());
    },
  );

  app.post(
    '/notifications/read-all',
    { schema: { tags: ['notifications'], summary: '全部标记已读 Mark all my notifications read', response: { 200: z.object({ updated: z.number() }) } } },
    async (req) => {
      requireAbility(req.ability, 'update', 'Notification');
      return { updated: await service.markAllRead(db, req.ctx, now()) };
    },
  );

  // ---- outbox (admin) ----
  app.get(
    '/admin/outbox',
    {
      schema: {
        tags: ['notifications'],
        summary: '外发消息队列 Outbound e-mails and robot messages with status, attempts, last error and next attempt',
        querystring: z
          .object({ status: z.enum(['pending', 'sent', 'dead']).optional(), channel: z.enum(['email', ...CHANNEL_KINDS]).optional(), ...Paging })
          .strict(),
        response: { 200: z.object({ items: z.array(OutboundOut), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'NotificationChannel');
      return service.listOutbox(db, req.ctx, req.query);
    },
  );

  app.post(
    '/admin/outbox/:id/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: '立即重试 Retry a pending or dead message now (fresh attempt budget); returns its state afterwards',
        params: Id,
        response: { 200: OutboundOut },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'update', 'NotificationChannel');
      return notify.retry(req.ctx, req.params.id);
    },
  );

  // ---- robot channels (admin) ----
  app.get(
    '/admin/channels',
    { schema: { tags: ['notifications'], summary: '群机器人通道 Group-robot channels (WeCom, DingTalk, Feishu)', response: { 200: z.object({ items: z.array(ChannelOut) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'NotificationChannel');
      return { items: await service.listChannels(db, req.ctx) };
    },
  );

  app.get(
    '/admin/channels/:id',
    { schema: { tags: ['notifications'], summary: '通道详情 Channel detail', params: Id, response: { 200: ChannelOut } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'NotificationChannel');
      return service.getChannel(db, req.ctx, req.params.id);
    },
  );

  app.post(
    '/admin/channels',
    { schema: { tags: ['notifications'], summary: '新建通道 Create a channel', body: CreateChannel, response: { 201: ChannelOut } } },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'NotificationChannel');
      return reply.status(201).send(await service.createChannel(db, req.ctx, req.body));
    },
  );

  app.patch(
    '/admin/channels/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: '修改通道 Update a channel (send the version you read; secret: null or "" clears it, absent keeps it)',
        params: Id,
        body: UpdateChannel,
        response: { 200: ChannelOut },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'update', 'NotificationChannel');
      const { version, ...patch } = req.body;
      return service.updateChannel(db, req.ctx, req.params.id, version, patch);
    },
  );

  app.delete(
    '/admin/channels/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: '删除通道 Delete a channel (pending messages to it fail)',
        params: Id,
        querystring: z.object({ version: z.coerce.number().int().min(1) }).strict(),
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'delete', 'NotificationChannel');
      await service.deleteChannel(db, req.ctx, req.params.id, req.query.version);
      return reply.status(204).send();
    },
  );

  app.post(
    '/admin/channels/:id/test',
    {
      schema: {
        tags: ['notifications'],
        summary: '发送测试消息 Send a test message to the channel now and report whether the robot accepted it',
        params: Id,
        response: { 200: z.object({ ok: z.boolean(), error: z.string().nullable() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'update', 'NotificationChannel');
      return notify.testChannel(req.ctx, req.params.id);
    },
  );
}
