// P3: voice notes transcribed by a configured speech-recognition service speaking the OpenAI
// audio API (`POST {url}/v1/audio/transcriptions`, multipart: file, model, language, response_format
// → `{ "text": … }`): OpenAI itself, or a self-hosted Whisper server (faster-whisper-server,
// whisper.cpp server, LocalAI, vLLM…). No offline Mandarin speech-to-text can be installed on
// these machines, so without a configured URL the note is stored and the rep's typed or
// keyboard-dictated text is used instead (`{ skipped: 'not_configured' }`).
import type { Settings } from '../../platform/settings.js';
import { voiceExtension, voiceMime } from './voice.js';

export type SpeechSettings = Settings['speech'];

export const SPEECH_ADAPTER = 'openai-compatible';
/** OpenAI's upload limit; larger notes are refused before sending. */
export const MAX_SPEECH_BYTES = 25 * 1024 * 1024;

export type SpeechErrorCode = 'speech_misconfigured' | 'speech_too_large' | 'speech_timeout' | 'speech_unreachable' | 'speech_http_error' | 'speech_bad_response';

/** A failed transcription; `message` starts with the code and never contains the API key. */
export class SpeechError extends Error {
  constructor(
    readonly code: SpeechErrorCode,
    detail: string,
    readonly status?: number,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'SpeechError';
  }
}

export interface Transcript {
  text: string;
  /** Which service and model produced it, e.g. 'openai-compatible:whisper-1@asr.example.com'. */
  provider: string;
}

/** `{url}/v1/audio/transcriptions`; a configured URL that already ends in /v1 is not doubled. */
export function transcriptionUrl(base: string): URL {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new SpeechError('speech_misconfigured', 'SPEECH_URL is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SpeechError('speech_misconfigured', 'SPEECH_URL must be http(s)');
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = `${path.endsWith('/v1') ? path : `${path}/v1`}/audio/transcriptions`;
  u.search = '';
  u.hash = '';
  return u;
}

/**
 * Sends one voice note to the speech service and returns its text. Chinese (language=zh) is
 * asked for. Without `settings.url` → `{ skipped: 'not_configured' }`. Throws a SpeechError on
 * a bad URL, a note over 25 MB, a timeout (settings.timeoutMs, covering the answer's body too),
 * a refused connection, an HTTP error status (with the first 200 characters of the answer) or
 * an answer without a `text` string.
 */
export async function transcribe(settings: SpeechSettings, input: { buffer: Buffer; mime: string; fileName?: string }): Promise<Transcript | { skipped: 'not_configured' }> {
  if (!settings.url) return { skipped: 'not_configured' };
  const url = transcriptionUrl(settings.url);
  if (input.buffer.length > MAX_SPEECH_BYTES) throw new SpeechError('speech_too_large', `voice note is ${input.buffer.length} bytes, the limit is ${MAX_SPEECH_BYTES}`);
  const mime = voiceMime(input.mime);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(input.buffer)], { type: mime }), speechFileName(input.fileName, input.mime));
  form.append('model', settings.model);
  form.append('language', 'zh');
  form.append('response_format', 'json');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const provider = `${SPEECH_ADAPTER}:${settings.model}@${url.host}`;
  let status = 0;
  let body: string;
  try {
    const res = await fetch(url, { method: 'POST', body: form, headers, signal, redirect: 'error' });
    status = res.status;
    body = await res.text();
    if (!res.ok) throw new SpeechError('speech_http_error', `speech service answered ${res.status} ${res.statusText}: ${snippet(body, settings.apiKey)}`, res.status);
  } catch (e) {
    if (e instanceof SpeechError) throw e;
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new SpeechError('speech_timeout', `no answer from ${url.host} within ${settings.timeoutMs} ms`);
    throw new SpeechError('speech_unreachable', `${url.host}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SpeechError('speech_bad_response', `answer ${status} is not JSON: ${snippet(body, settings.apiKey)}`, status);
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') throw new SpeechError('speech_bad_response', `answer has no "text" string: ${snippet(body, settings.apiKey)}`, status);
  return { text: text.trim(), provider };
}

/** A file name whose extension the service recognises: the given base name with the extension of the real type. */
export function speechFileName(fileName: string | undefined, mime: string): string {
  const base = (fileName ?? 'voice').replace(/[\\/]/g, '_').replace(/\.[^.]*$/, '') || 'voice';
  return `${base.slice(0, 100)}.${voiceExtension(mime)}`;
}

function snippet(body: string, apiKey?: string): string {
  let s = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (apiKey) s = s.split(apiKey).join('***');
  return s || '(empty)';
}
