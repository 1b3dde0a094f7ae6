// Every setting is an environment variable (documented in the README's configuration table).
import path from 'node:path';

export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  publicUrl: string;
  logLevel: string;
  sessionTtlHours: number;
  cookieSecure: boolean;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  smtp?: { host: string; port: number; secure: boolean; user?: string; pass?: string; from: string; ignoreTLS: boolean };
  loginMaxFailures: number;
  loginLockMinutes: number;
  loginIpLimitPerMinute: number;
  demo: { enabled: boolean; seed: number; reps: number; customers: number };
  schedulerEnabled: boolean;
  /** C7: external delivery system's JSON API; unset → the internal delivery calendar. */
  delivery: { apiUrl?: string; apiToken?: string; timeoutMs: number };
  /** P3: an OpenAI-compatible speech-recognition service (`POST {url}/v1/audio/transcriptions`); unset → typed text is used. */
  speech: { url?: string; apiKey?: string; model: string; timeoutMs: number };
  /** P9: signs printed customer QR codes, so a code cannot be made up for a customer id. */
  qrSecret: string;
}

const int = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number.parseInt(v, 10));
const bool = (v: string | undefined, d: boolean) => (v === undefined || v === '' ? d : /^(1|true|yes|on)$/i.test(v));

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  const port = int(env.PORT, 3000);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    logLevel: env.LOG_LEVEL ?? 'info',
    sessionTtlHours: int(env.SESSION_TTL_HOURS, 12),
    cookieSecure: bool(env.COOKIE_SECURE, false),
    bodyLimitBytes: int(env.BODY_LIMIT_BYTES, 1_048_576),
    uploadLimitBytes: int(env.UPLOAD_LIMIT_BYTES, 20 * 1_048_576),
    smtp: env.SMTP_HOST
      ? {
          host: env.SMTP_HOST,
          port: int(env.SMTP_PORT, 587),
          secure: bool(env.SMTP_SECURE, false),
          user: env.SMTP_USER || undefined,
          pass: env.SMTP_PASS || undefined,
          from: env.SMTP_FROM ?? 'Trueline <no-reply@trueline.local>',
          ignoreTLS: bool(env.SMTP_IGNORE_TLS, false),
        }
      : undefined,
    loginMaxFailures: int(env.LOGIN_MAX_FAILURES, 5),
    loginLockMinutes: int(env.LOGIN_LOCK_MINUTES, 15),
    loginIpLimitPerMinute: int(env.LOGIN_IP_LIMIT_PER_MINUTE, 30),
    demo: {
      enabled: bool(env.DEMO, true),
      seed: int(env.DEMO_SEED, 20260101),
      reps: int(env.DEMO_REPS, 120),
      customers: int(env.DEMO_CUSTOMERS, 6000),
    },
    schedulerEnabled: bool(env.SCHEDULER, true),
    delivery: { apiUrl: env.DELIVERY_API_URL || undefined, apiToken: env.DELIVERY_API_TOKEN || undefined, timeoutMs: int(env.DELIVERY_API_TIMEOUT_MS, 5000) },
    speech: {
      url: env.SPEECH_URL || undefined,
      apiKey: env.SPEECH_API_KEY || undefined,
      model: env.SPEECH_MODEL ?? 'whisper-1',
      timeoutMs: int(env.SPEECH_TIMEOUT_MS, 30_000),
    },
    qrSecret: env.QR_SECRET ?? 'trueline-demo-qr-secret',
  };
}
