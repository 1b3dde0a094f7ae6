import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRobotRequest, dingtalkSign, feishuSign, robotResponseError, truncateUtf8 } from './webhooks.js';

const NOW = new Date('2026-01-05T02:00:00.123Z');

describe('[X3] group-robot message formats', () => {
  it('[X3] DingTalk keeps the access_token and adds timestamp (ms) and the base64 HMAC-SHA256 sign, URL-encoded', () => {
    const secret = 'SECabc+/=';
    const r = buildRobotRequest({ kind: 'dingtalk', webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=TOKEN', secret }, { title: '标题', text: '正文' }, NOW);
    const url = new URL(r.url);
    expect(url.searchParams.get('access_token')).toBe('TOKEN');
    expect(url.searchParams.get('timestamp')).toBe(String(NOW.getTime()));
    const sign = crypto.createHmac('sha256', secret).update(`${NOW.getTime()}\n${secret}`).digest('base64');
    expect(url.searchParams.get('sign')).toBe(sign);
    expect(dingtalkSign(secret, NOW.getTime())).toBe(sign);
    expect(r.url).toContain(`sign=${encodeURIComponent(sign)}`);
  });

  it('[X3] Feishu signs with key "timestamp\\nsecret" over an empty message, timestamp in seconds', () => {
    const r = buildRobotRequest({ kind: 'feishu', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: 's3cr3t' }, { title: 'T', text: 'a\nb' }, NOW);
    const ts = Math.floor(NOW.getTime() / 1000);
    expect(r.body.timestamp).toBe(String(ts));
    expect(r.body.sign).toBe(crypto.createHmac('sha256', `${ts}\ns3cr3t`).update('').digest('base64'));
    expect(feishuSign('s3cr3t', ts)).toBe(r.body.sign);
    expect(r.body.msg_type).toBe('post');
  });

  it('[X3] no secret → no signature fields', () => {
    expect(new URL(buildRobotRequest({ kind: 'dingtalk', webhookUrl: 'https://x.cn/robot/send?access_token=a' }, { title: 't', text: 'x' }, NOW).url).searchParams.has('sign')).toBe(false);
    expect(buildRobotRequest({ kind: 'feishu', webhookUrl: 'https://x.cn/h' }, { title: '', text: 'x' }, NOW).body).toEqual({ msg_type: 'text', content: { text: 'x' } });
  });

  it('[X3] WeCom markdown content stays under 4096 bytes without cutting a Chinese character', () => {
    const r = buildRobotRequest({ kind: 'wecom', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }, { title: '长消息', text: '销'.repeat(3000) }, NOW);
    const content = (r.body.markdown as { content: string }).content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content.endsWith('销…')).toBe(true);
    expect(truncateUtf8('你好', 6)).toBe('你好');
    expect(truncateUtf8('你好世界', 8)).toBe('你…');
  });

  it('[X3] errcode/code ≠ 0, HTTP ≥ 400 and non-JSON answers are failures', () => {
    expect(robotResponseError('wecom', 200, '{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(robotResponseError('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toBe('errcode 310000: sign not match');
    expect(robotResponseError('feishu', 200, '{"code":0,"msg":"success"}')).toBeNull();
    expect(robotResponseError('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toBeNull();
    expect(robotResponseError('feishu', 200, '{"code":19021,"msg":"sign match fail"}')).toBe('code 19021: sign match fail');
    expect(robotResponseError('wecom', 503, '{"errcode":0}')).toMatch(/^HTTP 503/);
    expect(robotResponseError('wecom', 200, '<html>proxy</html>')).toMatch(/non-JSON/);
  });
});
