// Group-robot webhooks in each vendor's own message format and signature scheme:
// WeCom (企业微信), DingTalk (钉钉) and Feishu/Lark (飞书).
import crypto from 'node:crypto';

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface RobotTarget {
  kind: ChannelKind;
  webhookUrl: string;
  secret?: string | null;
}

export interface RobotMessage {
  title: string;
  text: string;
}

/** Thrown for failures a retry will not fix (bad URL, channel gone). */
export class PermanentError extends Error {}

// WeCom limits markdown content to 4096 bytes; DingTalk and Feishu accept more but a group message should stay short.
const MAX_BYTES = 4000;

export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes - 3) break;
    out += ch;
    bytes += n;
  }
  return out + '…';
}

/** DingTalk: sign = urlencode(base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`))), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return crypto.createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** Feishu/Lark: sign = base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, empty message)), timestamp in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return crypto.createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

export interface RobotRequest {
  url: string;
  body: Record<string, unknown>;
}

export function buildRobotRequest(target: RobotTarget, msg: RobotMessage, now: Date): RobotRequest {
  const title = msg.title.trim();
  const text = msg.text.trim();
  switch (target.kind) {
    case 'wecom': {
      const content = truncateUtf8(title ? `### ${title}\n${text}` : text, MAX_BYTES);
      return { url: target.webhookUrl, body: { msgtype: 'markdown', markdown: { content } } };
    }
    case 'dingtalk': {
      const url = new URL(target.webhookUrl);
      if (target.secret) {
        const ts = now.getTime();
        // URLSearchParams percent-encodes + / = of the base64 signature, which is the URL-encoding DingTalk verifies.
        url.searchParams.set('timestamp', String(ts));
        url.searchParams.set('sign', dingtalkSign(target.secret, ts));
      }
      const body = truncateUtf8(title ? `### ${title}\n\n${text}` : text, MAX_BYTES);
      return { url: url.toString(), body: { msgtype: 'markdown', markdown: { title: title || truncateUtf8(text, 60), text: body } } };
    }
    case 'feishu': {
      const body: Record<string, unknown> = title
        ? {
            msg_type: 'post',
            content: {
              post: {
                zh_cn: {
                  title,
                  content: truncateUtf8(text, MAX_BYTES)
                    .split('\n')
                    .map((line) => [{ tag: 'text', text: line }]),
                },
              },
            },
          }
        : { msg_type: 'text', content: { text: truncateUtf8(text, MAX_BYTES) } };
      if (target.secret) {
        const ts = Math.floor(now.getTime() / 1000);
        body.timestamp = String(ts);
        body.sign = feishuSign(target.secret, ts);
      }
      return { url: target.webhookUrl, body };
    }
  }
}

/** null when the robot accepted the message; otherwise why not. All three answer JSON with a zero code on success. */
export function robotResponseError(kind: ChannelKind, status: number, bodyText: string): string | null {
  const snippet = bodyText.slice(0, 300);
  if (status >= 400) return `HTTP ${status}: ${snippet}`;
  let json: any;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return `HTTP ${status}: unexpected non-JSON response: ${snippet}`;
  }
  if (kind === 'feishu') {
    const code = json?.code ?? json?.StatusCode;
    if (code === 0) return null;
    return `code ${code ?? '?'}: ${json?.msg ?? json?.StatusMessage ?? snippet}`;
  }
  if (json?.errcode === 0) return null;
  return `errcode ${json?.errcode ?? '?'}: ${json?.errmsg ?? snippet}`;
}

export function describeFetchError(e: any): string {
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout: ${e.message}`;
  const cause = e?.cause;
  const detail = cause ? ` (${cause.code ?? ''}${cause.code && cause.message ? ' ' : ''}${cause.message ?? ''})` : '';
  return `${e?.message ?? String(e)}${detail}`;
}

export async function sendRobot(target: RobotTarget, msg: RobotMessage, now: Date, timeoutMs = 10_000): Promise<void> {
  let req: RobotRequest;
  try {
    req = buildRobotRequest(target, msg, now);
  } catch (e: any) {
    throw new PermanentError(`invalid webhook URL: ${e?.message ?? e}`);
  }
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    throw new Error(describeFetchError(e));
  }
  const text = await res.text().catch((e) => `<unreadable body: ${describeFetchError(e)}>`);
  const err = robotResponseError(target.kind, res.status, text);
  if (err) throw new Error(err);
}
