// P9: printable customer QR codes. A code is `<customerId>.<signature>`: the signature (HMAC of
// tenant and customer with the server's QR secret) means a code cannot be made up for a customer
// id, and a scan can be told apart from a manual check-in. The QR encodes `<publicUrl>/m/c/<code>`,
// so the phone's own camera app opens the field app on that customer too.
import crypto from 'node:crypto';
import QRCode from 'qrcode';

const sig = (secret: string, tenantId: string, customerId: string) =>
  crypto.createHmac('sha256', secret).update(`${tenantId}:${customerId}`).digest('base64url').slice(0, 12);

export function qrCode(secret: string, tenantId: string, customerId: string): string {
  return `${customerId}.${sig(secret, tenantId, customerId)}`;
}

/** The customer id a code stands for, or null when the code is malformed or not signed for this tenant. */
export function verifyQrCode(secret: string, tenantId: string, code: string): string | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{12})$/.exec(code);
  if (!m) return null;
  const expected = Buffer.from(sig(secret, tenantId, m[1]));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? m[1] : null;
}

export const qrUrl = (publicUrl: string, code: string) => `${publicUrl.replace(/\/$/, '')}/m/c/${code}`;

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
