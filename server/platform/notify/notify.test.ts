import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, login, makeTenant, type TestTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';
import type { Deps } from '../deps.js';
import { systemCtx } from '../context.js';
import { backoffMs, createNotifier, MAX_ATTEMPTS } from './service.js';
import { decodeWords, leafParts, splitMessage, startReceiver, startSmtp } from './test-support.js';

let app: App;
let deps: Deps;
let db: Db;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let robot: Awaited<ReturnType<typeof startReceiver>>;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

beforeAll(async () => {
  smtp = await startSmtp({ reject: (rcpt) => (rcpt.startsWith('bounce@') ? { code: 550, message: 'No such user here' } : undefined) });
  robot = await startReceiver();
  ({ app, deps, db } = await createTestApp({
    settings: {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: 'Trueline 通知 <notify@trueline.test>' },
      publicUrl: 'https://crm.example.cn',
    },
  }));
});
afterAll(async () => {
  await app.close();
  await smtp.close();
  await robot.close();
});

/** Delivers what is due for this tenant only (other tests share the database). */
const deliver = (t: TestTenant, at = new Date()) => deps.notify.deliverDue(at, { tenantId: t.id });

async function outbound(t: TestTenant, id: string) {
  return (await db.query('select * from outbound_messages where tenant_id = $1 and id = $2', [t.id, id])).rows[0];
}

async function as(t: TestTenant, user: string) {
  const s = await login(app, t, user);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as any, headers: s.headers });
  return { call, get: (url: string) => call('GET', url) };
}

async function createChannel(t: TestTenant, body: Record<string, unknown>) {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/admin/channels', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number };
}

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

describe('[X3] e-mail', () => {
  it('[X3] e-mails arrive at a real SMTP server with a Chinese subject intact and PDF attachments (inline and from the file store)', async () => {
    const t = await makeTenant(db);
    const stored = await deps.files.save(systemCtx(t.id), { buffer: PDF, originalName: 'stored.pdf', allowed: ['application/pdf'] });
    const to = `director@${t.slug}.test`;
    const subject = '【月报】2026年1月 华东区销售业绩报告：回款率 98.5%';
    const id = await db.transaction((tx) =>
      deps.notify.enqueueEmail(tx, t.id, {
        to,
        subject,
        text: '各位总监好，附件是本月销售月报。',
        html: '<p>各位总监好，附件是本月<b>销售月报</b>。</p>',
        attachments: [
          { filename: '华东区月报.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') },
          { filename: 'stored.pdf', contentType: 'application/pdf', sha256: stored.sha256 },
        ],
      }),
    );
    expect(id).toBeTruthy();
    const results = await deliver(t);
    expect(results).toEqual([{ id, tenantId: t.id, status: 'sent' }]);

    const [mail] = mailsTo(to);
    expect(mail).toBeDefined();
    const { headers } = splitMessage(mail.raw);
    expect(headers.subject).toMatch(/=\?UTF-8\?/i); // RFC 2047 on the wire
    expect(decodeWords(headers.subject)).toBe(subject);
    expect(headers['message-id']).toBe(`<${id}@trueline.test>`);
    const parts = leafParts(mail.raw);
    expect(parts.find((p) => p.headers['content-type'].startsWith('text/plain'))!.body.toString('utf8')).toBe('各位总监好，附件是本月销售月报。');
    expect(parts.find((p) => p.headers['content-type'].startsWith('text/html'))!.body.toString('utf8')).toContain('<b>销售月报</b>');
    const pdfs = parts.filter((p) => p.headers['content-type'].startsWith('application/pdf'));
    expect(pdfs.map((p) => decodeWords(/name="?([^";]+)"?/.exec(p.headers['content-type'])![1]))).toEqual(['华东区月报.pdf', 'stored.pdf']);
    for (const p of pdfs) expect(p.body.equals(PDF)).toBe(true);

    const row = await outbound(t, id!);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('[X3] an attachment naming a file of another tenant is refused at enqueue time', async () => {
    const t1 = await makeTenant(db);
    const t2 = await makeTenant(db);
    const other = await deps.files.save(systemCtx(t2.id), { buffer: Buffer.concat([PDF, Buffer.from(t2.id)]), originalName: 'x.pdf' });
    await expect(
      db.transaction((tx) =>
        deps.notify.enqueueEmail(tx, t1.id, { to: 'a@b.cn', subject: 's', text: 't', attachments: [{ filename: 'x.pdf', contentType: 'application/pdf', sha256: other.sha256 }] }),
      ),
    ).rejects.toMatchObject({ status: 400, code: 'attachment_not_found' });
  });

  it('[X3] a permanent SMTP refusal (550) makes the message dead at once, with the server’s answer as the last error', async () => {
    const t = await makeTenant(db);
    const id = await db.transaction((tx) => deps.notify.enqueueEmail(tx, t.id, { to: 'bounce@nowhere.test', subject: '测试退信', text: 'x' }));
    const [r] = await deliver(t);
    expect(r.status).toBe('dead');
    const row = await outbound(t, id!);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/550.*No such user here/);
  });

  it('[X3] with no SMTP configured, each e-mail is written as an RFC 822 .eml file under DATA_DIR/outbox and marked sent', async () => {
    const local = await createTestApp();
    try {
      expect(local.deps.settings.smtp).toBeUndefined();
      const t = await makeTenant(local.db);
      const subject = '客户拜访提醒：明天 10:00 上海恒瑞精密';
      const id = await local.db.transaction((tx) =>
        local.deps.notify.enqueueEmail(tx, t.id, {
          to: ['rep@example.cn'],
          subject,
          text: '请准时到达。',
          attachments: [{ filename: '路线.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') }],
        }),
      );
      const results = await local.deps.notify.deliverDue(new Date(), { tenantId: t.id });
      expect(results).toEqual([{ id, tenantId: t.id, status: 'sent' }]);
      const file = path.join(local.deps.settings.dataDir, 'outbox', `${id}.eml`);
      const raw = fs.readFileSync(file, 'utf8');
      expect(raw).toContain('\r\n'); // RFC 822 line ends
      const { headers } = splitMessage(raw);
      expect(decodeWords(headers.subject)).toBe(subject);
      expect(headers.to).toBe('rep@example.cn');
      const parts = leafParts(raw);
      expect(parts[0].body.toString('utf8')).toBe('请准时到达。');
      expect(parts.find((p) => p.headers['content-type'].startsWith('application/pdf'))!.body.equals(PDF)).toBe(true);
      expect((await local.db.query('select status from outbound_messages where tenant_id = $1 and id = $2', [t.id, id])).rows[0].status).toBe('sent');
    } finally {
      await local.app.close();
    }
  });
});

describe('[X3] in-app inbox', () => {
  it('[X3] notify() writes inbox rows in the caller’s transaction (rolled back with it) and e-mails each user with an absolute link', async () => {
    const t = await makeTenant(db);
    const input = {
      userIds: [t.users.rep.id, t.users.rep2.id],
      kind: 'customer.assigned',
      title: '新客户分配给你：上海恒瑞精密机械',
      body: '经理王芳把客户分配给了你，请在 3 天内首次拜访。',
      link: '/customers/42',
      data: { customerId: '42' },
      email: true,
    };
    await expect(
      db.transaction(async (tx) => {
        await deps.notify.notify(tx, t.id, input);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect((await db.query('select count(*)::int as n from notifications where tenant_id = $1', [t.id])).rows[0].n).toBe(0);
    expect((await db.query('select count(*)::int as n from outbound_messages where tenant_id = $1', [t.id])).rows[0].n).toBe(0);

    const res = await db.transaction((tx) => deps.notify.notify(tx, t.id, input));
    expect(res.notificationIds).toHaveLength(2);
    expect(res.emailIds).toHaveLength(2);
    await deliver(t);
    for (const u of ['rep', 'rep2']) {
      const [mail] = mailsTo(`${u}@${t.slug}.test`);
      expect(decodeWords(splitMessage(mail.raw).headers.subject)).toBe(input.title);
      expect(leafParts(mail.raw)[0].body.toString('utf8')).toContain('https://crm.example.cn/customers/42');
    }
  });

  it('[X3] the same dedupe key twice notifies and e-mails each user once; unknown or other-tenant users are skipped', async () => {
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const input = {
      userIds: [t.users.manager.id, other.users.manager.id, 'not-a-uuid'],
      kind: 'visit.overdue',
      title: '拜访逾期',
      body: '你的团队有 3 个客户超过 30 天未拜访。',
      dedupeKey: 'visit-overdue:2026-01-05',
      email: true,
    };
    const first = await db.transaction((tx) => deps.notify.notify(tx, t.id, input));
    const second = await db.transaction((tx) => deps.notify.notify(tx, t.id, input));
    expect(first.notificationIds).toHaveLength(1);
    expect(first.skippedUserIds.sort()).toEqual([other.users.manager.id, 'not-a-uuid'].sort());
    expect(second.notificationIds).toEqual([]);
    expect(second.deduplicated).toEqual([t.users.manager.id]);
    expect((await db.query('select count(*)::int as n from notifications where tenant_id = $1', [t.id])).rows[0].n).toBe(1);
    expect((await db.query('select count(*)::int as n from notifications where tenant_id = $1', [other.id])).rows[0].n).toBe(0);
    expect((await db.query(`select count(*)::int as n from outbound_messages where tenant_id = $1 and channel = 'email'`, [t.id])).rows[0].n).toBe(1);
    // A dedupe key is per user: another user still gets it.
    const third = await db.transaction((tx) => deps.notify.notify(tx, t.id, { ...input, userIds: [t.users.manager2.id] }));
    expect(third.notificationIds).toHaveLength(1);
  });

  it('[X3] only http(s) links travel in e-mails; a javascript: link is left out', async () => {
    const t = await makeTenant(db);
    await db.transaction((tx) => deps.notify.notify(tx, t.id, { userIds: [t.users.qa.id], kind: 'k', title: '链接检查', body: '正文', link: 'javascript:alert(1)', email: true }));
    await deliver(t);
    const [mail] = mailsTo(`qa@${t.slug}.test`);
    expect(leafParts(mail.raw)[0].body.toString('utf8')).toBe('正文');
  });

  it('[X3] inbox API: each user sees only own notifications, unread filter and count, mark one and all read', async () => {
    const t = await makeTenant(db);
    await db.transaction(async (tx) => {
      for (const title of ['第一条', '第二条', '第三条']) await deps.notify.notify(tx, t.id, { userIds: [t.users.rep.id], kind: 'k', title, body: '' });
      await deps.notify.notify(tx, t.id, { userIds: [t.users.rep2.id], kind: 'k', title: '别人的', body: '' });
    });
    const rep = await as(t, 'rep');
    const list = (await rep.get('/api/v1/notifications?pageSize=2')).json();
    expect(list.total).toBe(3);
    expect(list.items).toHaveLength(2);
    expect(list.items.every((n: { read: boolean }) => !n.read)).toBe(true);
    expect((await rep.get('/api/v1/notifications/unread-count')).json()).toEqual({ count: 3 });

    const rep2 = await as(t, 'rep2');
    const othersId = (await rep2.get('/api/v1/notifications')).json().items[0].id;
    expect((await rep.call('POST', `/api/v1/notifications/${othersId}/read`)).statusCode).toBe(404);

    const mark = await rep.call('POST', `/api/v1/notifications/${list.items[0].id}/read`);
    expect(mark.statusCode, mark.body).toBe(200);
    expect(mark.json().read).toBe(true);
    expect((await rep.get('/api/v1/notifications/unread-count')).json()).toEqual({ count: 2 });
    expect((await rep.get('/api/v1/notifications?unread=true')).json().total).toBe(2);

    expect((await rep.call('POST', '/api/v1/notifications/read-all')).json()).toEqual({ updated: 2 });
    expect((await rep.get('/api/v1/notifications/unread-count')).json()).toEqual({ count: 0 });
    expect((await rep2.get('/api/v1/notifications/unread-count')).json()).toEqual({ count: 1 });
    expect((await rep.get('/api/v1/notifications?unread=maybe')).statusCode).toBe(400);
  });
});

describe('[X3] group robots', () => {
  it('[X3] WeCom robot receives {"msgtype":"markdown","markdown":{"content"}}', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '华东销售群', webhookUrl: `${robot.base}/cgi-bin/webhook/send?key=wecom-${t.id}` });
    robot.onRequest(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    await db.transaction((tx) => deps.notify.notify(tx, t.id, { userIds: [], kind: 'deal.won', title: '赢单喜报', body: '王芳签下 120 万订单', link: '/opportunities/7', channelIds: [ch.id] }));
    expect(await deliver(t)).toMatchObject([{ status: 'sent' }]);
    const req = robot.requests.find((r) => r.url.searchParams.get('key') === `wecom-${t.id}`)!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(req.json)).toEqual(['msgtype', 'markdown']);
    expect(req.json.msgtype).toBe('markdown');
    expect(req.json.markdown.content).toContain('赢单喜报');
    expect(req.json.markdown.content).toContain('王芳签下 120 万订单');
    expect(req.json.markdown.content).toContain('https://crm.example.cn/opportunities/7');
  });

  it('[X3] DingTalk robot receives markdown {title,text} with timestamp and a URL-encoded HMAC-SHA256 sign the receiver verifies', async () => {
    const t = await makeTenant(db);
    const secret = `SEC${crypto.randomBytes(24).toString('hex')}`;
    const ch = await createChannel(t, { kind: 'dingtalk', name: '钉钉群', webhookUrl: `${robot.base}/robot/send?access_token=ding-${t.id}`, secret });
    const verdicts: boolean[] = [];
    robot.onRequest((r) => {
      const ts = r.url.searchParams.get('timestamp')!;
      const expected = crypto.createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
      const ok = r.url.searchParams.get('sign') === expected && Math.abs(Date.now() - Number(ts)) < 3_600_000;
      verdicts.push(ok);
      return { status: 200, body: ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' } };
    });
    await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: '回款提醒', text: '本周有 5 笔回款到期' }));
    expect(await deliver(t)).toMatchObject([{ status: 'sent' }]);
    const req = robot.requests.find((r) => r.url.searchParams.get('access_token') === `ding-${t.id}`)!;
    expect(verdicts).toEqual([true]);
    // Sent URL-encoded: base64's + / = never appear raw in the query string.
    expect(req.url.search).toMatch(/[?&]sign=[A-Za-z0-9%]+(&|$)/);
    expect(req.json).toEqual({ msgtype: 'markdown', markdown: { title: '回款提醒', text: '### 回款提醒\n\n本周有 5 笔回款到期' } });
  });

  it('[X3] a DingTalk answer with errcode ≠ 0 (bad sign) is a failure that is recorded and retried', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'dingtalk', name: '钉钉群', webhookUrl: `${robot.base}/robot/send?access_token=bad-${t.id}`, secret: 'SECwrong' });
    robot.onRequest(() => ({ status: 200, body: { errcode: 310000, errmsg: 'sign not match' } }));
    const id = await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: 't', text: 'x' }));
    const at = new Date();
    expect(await deliver(t, at)).toMatchObject([{ status: 'pending' }]);
    const row = await outbound(t, id!);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toContain('310000');
    expect(row.next_attempt_at.getTime()).toBe(at.getTime() + 30_000);
  });

  it('[X3] Feishu robot receives post/text messages with timestamp and sign (HMAC key = timestamp\\nsecret over empty) in the body', async () => {
    const t = await makeTenant(db);
    const secret = crypto.randomBytes(16).toString('base64url');
    const ch = await createChannel(t, { kind: 'feishu', name: '飞书群', webhookUrl: `${robot.base}/open-apis/bot/v2/hook/fs-${t.id}`, secret });
    const verdicts: boolean[] = [];
    robot.onRequest((r) => {
      const expected = crypto.createHmac('sha256', `${r.json.timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
      const ok = r.json.sign === expected && Math.abs(Date.now() / 1000 - Number(r.json.timestamp)) < 3600;
      verdicts.push(ok);
      return { status: 200, body: ok ? { code: 0, msg: 'success', data: {} } : { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } };
    });
    await db.transaction(async (tx) => {
      await deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: '周报已生成', text: '第一行\n第二行' });
      await deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: '', text: '纯文本消息' });
    });
    expect((await deliver(t)).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(verdicts).toEqual([true, true]);
    const reqs = robot.requests.filter((r) => r.url.pathname === `/open-apis/bot/v2/hook/fs-${t.id}`);
    const post = reqs.find((r) => r.json.msg_type === 'post')!;
    expect(typeof post.json.timestamp).toBe('string');
    expect(post.json.content.post.zh_cn).toEqual({ title: '周报已生成', content: [[{ tag: 'text', text: '第一行' }], [{ tag: 'text', text: '第二行' }]] });
    const text = reqs.find((r) => r.json.msg_type === 'text')!;
    expect(text.json.content).toEqual({ text: '纯文本消息' });
  });

  it('[X3] a receiver answering 500 then 200 is retried after a 30 s back-off and delivered; attempts and last error show in the admin outbox', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '不稳定的群', webhookUrl: `${robot.base}/flaky/${t.id}` });
    let calls = 0;
    robot.onRequest((r) => {
      if (r.url.pathname !== `/flaky/${t.id}`) return { status: 404, body: {} };
      calls++;
      return calls === 1 ? { status: 500, body: 'upstream exploded' } : { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    });
    const id = await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: '重试测试', text: 'x' }));
    const t0 = new Date();
    expect(await deliver(t, t0)).toMatchObject([{ status: 'pending', error: expect.stringContaining('HTTP 500') }]);

    const admin = await as(t, 'admin');
    const pending = (await admin.get('/api/v1/admin/outbox')).json().items[0];
    expect(pending).toMatchObject({ id, status: 'pending', attempts: 1, channel: 'wecom', targetName: '不稳定的群' });
    expect(pending.lastError).toContain('HTTP 500: upstream exploded');
    expect(new Date(pending.nextAttemptAt).getTime()).toBe(t0.getTime() + 30_000);

    expect(await deliver(t, new Date(t0.getTime() + 29_000))).toEqual([]); // not due yet
    expect(calls).toBe(1);
    expect(await deliver(t, new Date(t0.getTime() + 30_000))).toMatchObject([{ status: 'sent' }]);
    expect(calls).toBe(2);
    const sent = (await admin.get('/api/v1/admin/outbox?status=sent')).json().items[0];
    expect(sent).toMatchObject({ id, status: 'sent', attempts: 2, nextAttemptAt: null });
    expect(sent.lastError).toContain('HTTP 500');
  });

  it('[X3] a message that keeps failing goes dead after 6 attempts with exponential back-off; an admin retry sends it now', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '坏群', webhookUrl: `${robot.base}/down/${t.id}` });
    let up = false;
    robot.onRequest(() => (up ? { status: 200, body: { errcode: 0, errmsg: 'ok' } } : { status: 502, body: 'bad gateway' }));
    const id = await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: '必达消息', text: 'x' }));
    let at = new Date();
    const gaps: number[] = [];
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      const [r] = await deliver(t, at);
      expect(r.status).toBe(i < MAX_ATTEMPTS ? 'pending' : 'dead');
      const row = await outbound(t, id!);
      expect(row.attempts).toBe(i);
      if (i < MAX_ATTEMPTS) {
        gaps.push(row.next_attempt_at.getTime() - at.getTime());
        at = row.next_attempt_at;
      }
    }
    expect(gaps).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect(gaps).toEqual([1, 2, 3, 4, 5].map(backoffMs));
    expect(await deliver(t, new Date(at.getTime() + 86_400_000))).toEqual([]); // dead stays dead

    const admin = await as(t, 'admin');
    const dead = (await admin.get('/api/v1/admin/outbox?status=dead')).json();
    expect(dead.items).toMatchObject([{ id, status: 'dead', attempts: 6, lastError: expect.stringContaining('HTTP 502') }]);
    up = true;
    const retried = await admin.call('POST', `/api/v1/admin/outbox/${id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id, status: 'sent', attempts: 1 });
    expect((await admin.call('POST', `/api/v1/admin/outbox/${id}/retry`)).json().code).toBe('outbox_already_sent');
    const audit = await db.query(`select action from audit_log where tenant_id = $1 and record_id = $2`, [t.id, id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['outbound_message.retry']);
    expect((await (await as(t, 'director')).call('POST', `/api/v1/admin/outbox/${id}/retry`)).statusCode).toBe(403);
    expect((await (await as(t, 'director')).get('/api/v1/admin/outbox')).statusCode).toBe(403);
  });

  it('[X3] two delivery rounds at the same time send each message once', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '并发群', webhookUrl: `${robot.base}/once/${t.id}` });
    robot.onRequest(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    await db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: `消息 ${i}`, text: 'x' });
    });
    const [a, b] = await Promise.all([deliver(t), deliver(t)]);
    expect(a.length + b.length).toBe(5);
    expect(robot.requests.filter((r) => r.url.pathname === `/once/${t.id}`)).toHaveLength(5);
  });

  it('[X3] messages to a channel that is disabled when sending go dead instead of being retried forever', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '将停用', webhookUrl: `${robot.base}/off/${t.id}` });
    const id = await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: 't', text: 'x' }));
    const admin = await as(t, 'admin');
    expect((await admin.call('PATCH', `/api/v1/admin/channels/${ch.id}`, { enabled: false, version: ch.version })).statusCode).toBe(200);
    expect(await deliver(t)).toMatchObject([{ status: 'dead', error: 'the channel is disabled' }]);
    expect((await outbound(t, id!)).status).toBe('dead');
    // And new messages are not queued for it at all.
    expect(await db.transaction((tx) => deps.notify.enqueueWebhook(tx, t.id, { channelId: ch.id, title: 't', text: 'x' }))).toBeNull();
  });
});

describe('[X3] delivery worker', () => {
  it('[X3] start() delivers due messages in the background; stop() ends the worker', async () => {
    const t = await makeTenant(db);
    const to = `worker@${t.slug}.test`;
    const id = await db.transaction((tx) => deps.notify.enqueueEmail(tx, t.id, { to, subject: '后台发送', text: 'x' }));
    // Its own notifier limited to this tenant: the test database may be shared with other test files.
    const worker = createNotifier({ db, settings: deps.settings, log: deps.log, now: () => new Date(), workerTenantId: t.id, intervalMs: 50 });
    worker.start();
    try {
      await vi.waitFor(async () => expect((await outbound(t, id!)).status).toBe('sent'), { timeout: 20_000, interval: 50 });
    } finally {
      await worker.stop();
    }
    expect(mailsTo(to)).toHaveLength(1);
  });

  it('[X3] stop() during a round hands claimed messages back at once instead of leaving them leased', async () => {
    const t = await makeTenant(db);
    const id = await db.transaction((tx) => deps.notify.enqueueEmail(tx, t.id, { to: `halt@${t.slug}.test`, subject: '停机', text: 'x' }));
    const worker = createNotifier({ db, settings: deps.settings, log: deps.log, now: () => new Date(), workerTenantId: t.id, intervalMs: 60_000 });
    worker.start(); // the first round has claimed nothing yet when stop() is called
    await worker.stop();
    const row = await outbound(t, id!);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(mailsTo(`halt@${t.slug}.test`)).toHaveLength(0);
    expect(await deliver(t)).toMatchObject([{ id, status: 'sent' }]);
  });
});

describe('[X3] channel administration', () => {
  it('[X3] admin CRUD: secret never returned (hasSecret), URL must be http(s), stale version → 409, audited; others → 403', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const created = await admin.call('POST', '/api/v1/admin/channels', { kind: 'dingtalk', name: '华北群', webhookUrl: `${robot.base}/crud?access_token=x`, secret: 'SECtopsecret' });
    expect(created.statusCode, created.body).toBe(201);
    const ch = created.json();
    expect(ch).toMatchObject({ kind: 'dingtalk', name: '华北群', hasSecret: true, enabled: true, version: 1 });
    expect(created.body).not.toContain('SECtopsecret');
    expect(ch).not.toHaveProperty('secret');

    const list = await admin.get('/api/v1/admin/channels');
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([ch.id]);
    expect(list.body).not.toContain('SECtopsecret');

    for (const webhookUrl of ['ftp://example.com/hook', 'javascript:alert(1)', 'not a url', 'http://']) {
      const bad = await admin.call('POST', '/api/v1/admin/channels', { kind: 'wecom', name: 'x', webhookUrl });
      expect(bad.statusCode, webhookUrl).toBe(400);
    }
    expect((await admin.call('POST', '/api/v1/admin/channels', { kind: 'slack', name: 'x', webhookUrl: 'https://x.cn' })).statusCode).toBe(400);

    const upd = await admin.call('PATCH', `/api/v1/admin/channels/${ch.id}`, { name: '华北销售群', secret: null, version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ name: '华北销售群', hasSecret: false, version: 2 });
    const stale = await admin.call('PATCH', `/api/v1/admin/channels/${ch.id}`, { name: '旧版本', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });

    const manager = await as(t, 'manager');
    expect((await manager.get('/api/v1/admin/channels')).statusCode).toBe(403);
    expect((await manager.call('POST', '/api/v1/admin/channels', { kind: 'wecom', name: 'x', webhookUrl: 'https://x.cn' })).statusCode).toBe(403);

    const other = await makeTenant(db);
    expect((await (await as(other, 'admin')).get(`/api/v1/admin/channels/${ch.id}`)).statusCode).toBe(404);

    expect((await admin.call('DELETE', `/api/v1/admin/channels/${ch.id}?version=1`)).statusCode).toBe(409);
    expect((await admin.call('DELETE', `/api/v1/admin/channels/${ch.id}?version=2`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/admin/channels/${ch.id}`)).statusCode).toBe(404);

    const audit = await db.query(`select action, before, after from audit_log where tenant_id = $1 and resource = 'NotificationChannel' order by id`, [t.id]);
    const actions = audit.rows.map((r) => r.action);
    expect(actions.filter((a) => a !== 'sensitive_read')).toEqual(['notification_channel.create', 'notification_channel.update', 'notification_channel.delete']);
    expect(JSON.stringify(audit.rows)).not.toContain('SECtopsecret');
    expect(audit.rows.find((r) => r.action === 'notification_channel.update').after).toMatchObject({ name: '华北销售群', hasSecret: false, secretChanged: true });
  });

  it('[X3] "send test" posts a test message to the robot now and reports the robot’s verdict', async () => {
    const t = await makeTenant(db);
    const ch = await createChannel(t, { kind: 'wecom', name: '测试群', webhookUrl: `${robot.base}/test/${t.id}` });
    const admin = await as(t, 'admin');
    robot.onRequest(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    const ok = await admin.call('POST', `/api/v1/admin/channels/${ch.id}/test`);
    expect(ok.json()).toEqual({ ok: true, error: null });
    const req = robot.requests.filter((r) => r.url.pathname === `/test/${t.id}`);
    expect(req).toHaveLength(1);
    expect(req[0].json.markdown.content).toContain('测试群');
    robot.onRequest(() => ({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } }));
    expect((await admin.call('POST', `/api/v1/admin/channels/${ch.id}/test`)).json()).toEqual({ ok: false, error: 'errcode 93000: invalid webhook url' });
  });
});
