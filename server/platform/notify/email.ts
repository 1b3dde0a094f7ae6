// E-mail out: SMTP through nodemailer when configured; otherwise each message becomes an
// RFC 822 .eml file under DATA_DIR/outbox, so a server without mail still keeps every message.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Settings } from '../settings.js';
import { PermanentError } from './webhooks.js';

export interface OutgoingEmail {
  /** Outbound message id: also the Message-ID, so a retried message is recognisably the same one. */
  id: string;
  to: string[];
  subject: string;
  text: string;
  html?: string | null;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export interface Mailer {
  readonly kind: 'smtp' | 'eml';
  /** Resolves with where it went (SMTP response or file path); throws on failure. */
  send(m: OutgoingEmail): Promise<string>;
  close(): void;
}

export const DEFAULT_FROM = 'Trueline <no-reply@trueline.local>';

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'trueline.local';

function compose(m: OutgoingEmail, from: string) {
  return {
    from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html ?? undefined,
    messageId: `<${m.id}@${domainOf(from)}>`,
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}

export function createMailer(settings: Settings): Mailer {
  const smtp = settings.smtp;
  if (smtp) {
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ignoreTLS: smtp.ignoreTLS,
      auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    return {
      kind: 'smtp',
      async send(m) {
        try {
          const info = await transport.sendMail(compose(m, smtp.from));
          return String(info.response ?? 'sent');
        } catch (e: any) {
          const msg = `SMTP ${e?.responseCode ?? e?.code ?? ''}: ${e?.response ?? e?.message ?? e}`.trim();
          // 5xx is the server saying "never": a retry would be refused the same way.
          if (typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) throw new PermanentError(msg);
          throw new Error(msg);
        }
      },
      close: () => transport.close(),
    };
  }

  const dir = path.join(settings.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'eml',
    async send(m) {
      const info = await transport.sendMail(compose(m, DEFAULT_FROM));
      const file = path.join(dir, emlFileName(m.id));
      await fs.promises.mkdir(dir, { recursive: true });
      const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      await fs.promises.writeFile(tmp, info.message as Buffer);
      await fs.promises.rename(tmp, file);
      return file;
    },
    close: () => transport.close(),
  };
}

/** One file per message (a retry overwrites the same file rather than adding a second copy). */
export const emlFileName = (id: string) => `${id}.eml`;
