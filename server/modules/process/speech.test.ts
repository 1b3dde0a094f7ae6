// The speech-recognition adapter against a REAL local HTTP server (node:http) playing the speech
// service. This is the one test double in the process module, and it is unavoidable: no offline
// Mandarin speech-to-text exists on this machine (no model ships in any Debian or npm package,
// and models may not be downloaded), so the service's side is played by this server, which
// checks the multipart request it receives exactly as OpenAI's /v1/audio/transcriptions would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniff } from '../../platform/files/sniff.js';
import { MAX_SPEECH_BYTES, SpeechError, speechFileName, transcribe, transcriptionUrl } from './speech.js';
import { checkVoiceNote, VOICE_SNIFFED_TYPES, voiceExtension } from './voice.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  form: FormData;
}

const received: Received[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      if (path.startsWith('/hang')) return; // never answers: the client must give up
      // Parse the multipart body with the platform's own (undici) parser.
      const form = await new Response(body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      received.push({ method: req.method ?? '', url: path, headers: req.headers, form });
      if (path.startsWith('/broken')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'model overloaded, key sk-test-secret' } }));
      } else if (path.startsWith('/html')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      } else if (path.startsWith('/notext')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ segments: [] }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: ' 客户今年预算有限，希望交付周期控制在三个月。 ' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A real WAV file: 16 kHz mono 16-bit PCM, half a second of a 440 Hz tone. */
function wav(): Buffer {
  const n = 8000;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(16000, 24);
  b.writeUInt32LE(32000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), 44 + i * 2);
  return b;
}

const settings = (path: string, over: Partial<{ apiKey: string; timeoutMs: number; model: string }> = {}) => ({ url: `${base}${path}`, apiKey: 'sk-test-secret', model: 'whisper-1', timeoutMs: 10_000, ...over });

async function speechError(p: Promise<unknown>): Promise<SpeechError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SpeechError);
    return e as SpeechError;
  }
  throw new Error('expected a SpeechError');
}

describe('speech recognition adapter', () => {
  it('[P3] sends the voice note as OpenAI-style multipart (file, model, language=zh, json) and returns the text', async () => {
    const audio = wav();
    const r = await transcribe(settings('/'), { buffer: audio, mime: 'audio/wav', fileName: 'note-1.wav' });
    expect(r).toEqual({ text: '客户今年预算有限，希望交付周期控制在三个月。', provider: `openai-compatible:whisper-1@${new URL(base).host}` });
    const got = received.at(-1)!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/v1/audio/transcriptions');
    expect(got.headers.authorization).toBe('Bearer sk-test-secret');
    expect(got.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(got.form.get('model')).toBe('whisper-1');
    expect(got.form.get('language')).toBe('zh');
    expect(got.form.get('response_format')).toBe('json');
    const file = got.form.get('file') as File;
    expect(file.name).toBe('note-1.wav');
    expect(file.type).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(audio)).toBe(true);
  });

  it('[P3] names the file by its real type (the speech service checks the extension) and needs no key', async () => {
    // What the analysis job passes for an m4a recorded on an iPhone, and for Opus from Firefox.
    await transcribe(settings('/base/v1/', { apiKey: '' }), { buffer: wav(), mime: 'audio/x-m4a', fileName: 'c0ffee.x-m4a' });
    const got = received.at(-1)!;
    expect(got.url).toBe('/base/v1/audio/transcriptions');
    expect(got.headers.authorization).toBeUndefined();
    expect((got.form.get('file') as File).name).toBe('c0ffee.m4a');
    expect((got.form.get('file') as File).type).toBe('audio/mp4');
    expect(speechFileName('abc.ogg; codecs=opus', 'audio/ogg; codecs=opus')).toBe('abc.ogg');
    expect(speechFileName(undefined, 'video/webm')).toBe('voice.webm');
    expect(transcriptionUrl('https://asr.example.com').href).toBe('https://asr.example.com/v1/audio/transcriptions');
  });

  it('[P3] without a configured URL the note is skipped, not sent', async () => {
    const before = received.length;
    expect(await transcribe({ model: 'whisper-1', timeoutMs: 1000 }, { buffer: wav(), mime: 'audio/wav' })).toEqual({ skipped: 'not_configured' });
    expect(received.length).toBe(before);
  });

  it('[P3] an HTTP 500 is a clear error with the status and the answer, never the API key', async () => {
    const e = await speechError(transcribe(settings('/broken'), { buffer: wav(), mime: 'audio/wav' }));
    expect(e.code).toBe('speech_http_error');
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/^speech_http_error: speech service answered 500/);
    expect(e.message).toContain('model overloaded');
    expect(e.message).not.toContain('sk-test-secret');
  });

  it('[P3] a service that does not answer within timeoutMs is abandoned with speech_timeout', async () => {
    const e = await speechError(transcribe(settings('/hang', { timeoutMs: 300 }), { buffer: wav(), mime: 'audio/wav' }));
    expect(e.code).toBe('speech_timeout');
    expect(e.message).toContain('300 ms');
  });

  it('[P3] a non-JSON answer, an answer without text, a refused connection, a bad URL and a huge note are clear errors', async () => {
    expect((await speechError(transcribe(settings('/html'), { buffer: wav(), mime: 'audio/wav' }))).code).toBe('speech_bad_response');
    expect((await speechError(transcribe(settings('/notext'), { buffer: wav(), mime: 'audio/wav' }))).code).toBe('speech_bad_response');
    // A port nothing listens on: bind one, note it, close it.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await speechError(transcribe({ url: `http://127.0.0.1:${port}`, model: 'whisper-1', timeoutMs: 5000 }, { buffer: wav(), mime: 'audio/wav' }));
    expect(refused.code).toBe('speech_unreachable');
    expect(refused.message).toContain('ECONNREFUSED');
    expect((await speechError(transcribe({ url: 'ftp://asr.example.com', model: 'w', timeoutMs: 1000 }, { buffer: wav(), mime: 'audio/wav' }))).code).toBe('speech_misconfigured');
    expect((await speechError(transcribe({ url: 'not a url', model: 'w', timeoutMs: 1000 }, { buffer: wav(), mime: 'audio/wav' }))).code).toBe('speech_misconfigured');
    const before = received.length;
    expect((await speechError(transcribe(settings('/'), { buffer: Buffer.alloc(MAX_SPEECH_BYTES + 1), mime: 'audio/wav' }))).code).toBe('speech_too_large');
    expect(received.length).toBe(before);
  });
});

// Container headers as phones write them (enough bytes for the platform's sniffer to decide).
const ogg = (codec: string) => {
  const h = Buffer.alloc(28);
  h.write('OggS', 0, 'latin1');
  h[5] = 2;
  h[26] = 1;
  h[27] = 19;
  return Buffer.concat([h, Buffer.from(codec, 'latin1'), Buffer.alloc(64)]);
};
/** An ISO-BMFF file with the given brand and one track handler ('soun' audio or 'vide' video). */
const mp4 = (brand: string, handler: 'soun' | 'vide') => {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftyp', 4, 'latin1');
  ftyp.write(brand.padEnd(4), 8, 'latin1');
  ftyp.write(brand.padEnd(4), 16, 'latin1');
  ftyp.write('isom', 20, 'latin1');
  const hdlr = Buffer.alloc(33);
  hdlr.writeUInt32BE(33, 0);
  hdlr.write('hdlr', 4, 'latin1');
  hdlr.write(handler, 16, 'latin1');
  const moov = Buffer.concat([Buffer.from([0, 0, 0, 8 + 33]), Buffer.from('moov', 'latin1'), hdlr]);
  return Buffer.concat([ftyp, moov, Buffer.from([0, 0, 0, 16]), Buffer.from('mdat', 'latin1'), Buffer.alloc(8, 0x21)]);
};
const webm = (codec: string) =>
  Buffer.concat([
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | 31, 0x42, 0x86, 0x81, 1, 0x42, 0xf7, 0x81, 1, 0x42, 0xf2, 0x81, 4, 0x42, 0xf3, 0x81, 8, 0x42, 0x82, 0x84]),
    Buffer.from('webm', 'latin1'),
    Buffer.from([0x42, 0x87, 0x81, 4, 0x42, 0x85, 0x81, 2]),
    Buffer.from([0x86, 0x80 | codec.length]),
    Buffer.from(codec, 'latin1'),
    Buffer.alloc(64),
  ]);
const mp3 = Buffer.concat(Array.from({ length: 4 }, () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)])));

describe('voice note types', () => {
  it('[P3] phone recordings (m4a, mp4 from Safari, WebM from Chrome, Ogg Opus, WAV, MP3, AMR) are voice notes; what they sniff as', async () => {
    const cases: [string, Buffer, string, string][] = [
      ['iPhone Voice Memos m4a', mp4('M4A', 'soun'), 'audio/x-m4a', 'audio/mp4'],
      ['Safari MediaRecorder mp4', mp4('iso5', 'soun'), 'video/mp4', 'audio/mp4'],
      ['Android recorder 3gp', mp4('3gp4', 'soun'), 'video/3gpp', 'audio/3gpp'],
      ['Chrome MediaRecorder webm/opus', webm('A_OPUS'), 'video/webm', 'audio/webm'],
      ['Firefox MediaRecorder ogg/opus', ogg('OpusHead'), 'audio/ogg; codecs=opus', 'audio/ogg'],
      ['Ogg Vorbis', ogg('\x01vorbis'), 'audio/ogg', 'audio/ogg'],
      ['WAV', wav(), 'audio/wav', 'audio/wav'],
      ['MP3', mp3, 'audio/mpeg', 'audio/mpeg'],
      ['AMR', Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(64)]), 'audio/amr', 'audio/amr'],
    ];
    for (const [what, bytes, sniffed, stored] of cases) {
      const s = await sniff(bytes);
      expect(s.mime, what).toBe(sniffed);
      expect(VOICE_SNIFFED_TYPES, what).toContain(sniffed);
      const v = checkVoiceNote(bytes, s.mime);
      expect(v, what).toMatchObject({ ok: true, mime: stored });
      if (v.ok) expect(voiceExtension(v.mime), what).not.toBe('bin');
    }
  });

  it('[P3] a video, a photo or a text file is not a voice note', async () => {
    expect(checkVoiceNote(mp4('isom', 'vide'), (await sniff(mp4('isom', 'vide'))).mime)).toEqual({ ok: false, reason: 'has_video' });
    expect(checkVoiceNote(webm('V_VP8'), (await sniff(webm('V_VP8'))).mime)).toEqual({ ok: false, reason: 'has_video' });
    const { PNG } = await import('../../platform/files/test-fixtures.js');
    expect(checkVoiceNote(PNG, (await sniff(PNG)).mime)).toEqual({ ok: false, reason: 'not_audio' });
    const text = Buffer.from('语音.m4a 其实是文字');
    expect(checkVoiceNote(text, (await sniff(text)).mime)).toEqual({ ok: false, reason: 'not_audio' });
  });
});
