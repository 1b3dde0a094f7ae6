// Calibration meeting API (C6): the month's cards, one card with its items and answers, a party's
// confirmation or correction, and a manual build of a period's cards.
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import * as service from './service.js';

const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const Answer = z.object({
  party: z.string(),
  action: z.enum(['confirm', 'correct']),
  value: z.unknown(),
  note: z.string().nullable(),
  userId: z.string(),
  userName: z.string().nullable(),
  at: z.date(),
});
const Card = z.object({
  id: z.string(),
  period: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  status: z.enum(['open', 'done']),
  ruleVersion: z.number(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  parties: z.array(z.object({ party: z.string(), label: Bilingual })),
  myParty: z.string().nullable(),
  items: z.array(
    z.object({
      ref: z.string(),
      provider: z.string(),
      kind: z.string(),
      label: Bilingual,
      current: z.unknown(),
      options: z.array(z.unknown()),
      evidence: z.record(z.string(), z.unknown()),
      answers: z.array(Answer),
    }),
  ),
});
const Id = z.object({ id: z.uuid() }).strict();

export async function calibrationRoutes(app: App, { db, now }: Deps) {
  app.get(
    '/calibration/cards',
    {
      schema: {
        tags: ['customers'],
        summary: '客户校准卡 Calibration cards of a month',
        querystring: z
          .object({
            period: Period.optional(),
            status: z.enum(['open', 'done']).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: {
          200: z.object({
            period: z.string(),
            items: z.array(
              z.object({
                id: z.string(),
                period: z.string(),
                customerId: z.string(),
                customerName: z.string(),
                ownerId: z.string().nullable(),
                ownerName: z.string().nullable(),
                status: z.enum(['open', 'done']),
                itemCount: z.number(),
                answers: z.number(),
                answersNeeded: z.number(),
                kinds: z.array(z.string()),
              }),
            ),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const period = req.query.period ?? (await service.currentPeriod(db, req.ctx, now()));
      return { period, ...(await service.listCards(db, req.ctx, { ...req.query, period })) };
    },
  );

  app.get(
    '/calibration/cards/:id',
    { schema: { tags: ['customers'], summary: '一张校准卡 One calibration card', params: Id, response: { 200: Card } } },
    async (req) => service.getCard(db, req.ctx, req.params.id),
  );

  app.post(
    '/calibration/cards/:id/items/:ref/answers',
    {
      schema: {
        tags: ['customers'],
        summary: '确认或更正一项 Confirm or correct one item',
        params: z.object({ id: z.uuid(), ref: z.string().min(1).max(200) }).strict(),
        body: z
          .object({
            action: z.enum(['confirm', 'correct']),
            value: z.union([z.string().trim().max(2000), z.number(), z.boolean()]).optional(),
            note: z.string().trim().max(1000).optional(),
          })
          .strict(),
        response: { 200: Card },
      },
    },
    async (req) => service.answerItem(db, req.ctx, req.params.id, req.params.ref, req.body, now()),
  );

  app.post(
    '/calibration/generate',
    {
      schema: {
        tags: ['customers'],
        summary: '生成某月校准卡 Build the cards of a month now',
        body: z.object({ period: Period }).strict(),
        response: {
          200: z.object({ period: z.string(), customersWithItems: z.number(), cardsCreated: z.number(), items: z.number(), ruleVersion: z.number() }),
        },
      },
    },
    async (req) => service.generateNow(db, req.ctx, req.body.period, now()),
  );
}
