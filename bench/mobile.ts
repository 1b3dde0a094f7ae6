// Benchmark (not a test): the rep's field page at /m/ (P9, P10).
//  1. JavaScript it loads — raw, gzip and brotli — for today's page (the critical path), and what
//     is prefetched once the plan is on screen: the recorder and scanner pages and jsQR.
//  2. Time to interactive in Chromium on a phone (390×844) with a slow network (CDP
//     Network.emulateNetworkConditions: 400 ms RTT, 400 kbit/s both ways) and CPU throttled 4×,
//     cold cache; once as Trueline serves it today (no compression) and once through a gzip proxy
//     (what @fastify/compress or a reverse proxy would send).
//  3. The scan-to-record walk of e2e/field.spec.ts (fake camera + geolocation): the rep's
//     interactions and the machine wall time of the rep's part, on a normal and on the slow profile.
//
//   npx tsx bench/mobile.ts                       # build web/, start a demo server, 3 runs each
//   npx tsx bench/mobile.ts --no-build --runs 5
//   npx tsx bench/mobile.ts --base-url http://127.0.0.1:3000   # an already running demo server
// Writes bench/results/mobile.json.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import * as fx from '../e2e/fixtures/field.js';

const { values: args } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    'base-url': { type: 'string' },
    port: { type: 'string', default: '3941' },
    rtt: { type: 'string', default: '400' },
    kbps: { type: 'string', default: '400' },
    cpu: { type: 'string', default: '4' },
  },
});
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DIST = path.join(ROOT, 'web/dist');
const RUNS = Number(args.runs);
const PROFILE = { rttMs: Number(args.rtt), downKbps: Number(args.kbps), upKbps: Number(args.kbps), cpuSlowdown: Number(args.cpu) };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const r0 = (x: number) => Math.round(x);
const kb = (b: number) => Math.round(b / 102.4) / 10;

// ── 1. sizes ─────────────────────────────────────────────────────────────────────────────────

interface Chunk {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

function chunk(file: string): Chunk {
  const buf = fs.readFileSync(path.join(DIST, file));
  return {
    file,
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
const sum = (cs: Chunk[]) => ({ raw: cs.reduce((a, c) => a + c.raw, 0), gzip: cs.reduce((a, c) => a + c.gzip, 0), brotli: cs.reduce((a, c) => a + c.brotli, 0), files: cs.map((c) => c.file) });

/** `import("./x.js")` or import(`./x.js`) in a built chunk. */
const DYNAMIC = /import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g;

function sizes() {
  const html = fs.readFileSync(path.join(DIST, 'm/index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const staticJs = new Set<string>();
  const lazy = new Set<string>();
  const walk = (file: string) => {
    if (staticJs.has(file)) return;
    staticJs.add(file);
    const code = fs.readFileSync(path.join(DIST, file), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) walk(`assets/${m[1]}`);
    for (const m of code.matchAll(DYNAMIC)) lazy.add(`assets/${m[1]}`);
    // Vite's preload map lists the lazy chunks' own dependencies.
    for (const m of code.matchAll(/"(assets\/[^"]+\.js)"/g)) lazy.add(m[1]);
  };
  for (const r of refs.filter((r) => r.endsWith('.js'))) walk(r);
  const css = refs.filter((r) => r.endsWith('.css')).map(chunk);
  const critical = [...staticJs].map(chunk);
  const later = [...lazy].filter((f) => !staticJs.has(f));
  // Lazy chunks' static imports (not already loaded).
  const lazyAll = new Set(later);
  for (const f of later) {
    const code = fs.readFileSync(path.join(DIST, f), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) if (!staticJs.has(`assets/${m[1]}`)) lazyAll.add(`assets/${m[1]}`);
    for (const m of code.matchAll(DYNAMIC)) if (!staticJs.has(`assets/${m[1]}`)) lazyAll.add(`assets/${m[1]}`);
  }
  const lazyChunks = [...lazyAll].map(chunk);
  const decoder = lazyChunks.filter((c) => /jsQR/i.test(c.file));
  const pages = lazyChunks.filter((c) => !/jsQR/i.test(c.file));
  // Guard: the field page must never pull the main app's UI kit.
  const forbidden = [...staticJs, ...lazyAll].filter((f) => /ant-btn|ant-modal|echarts/.test(fs.readFileSync(path.join(DIST, f), 'utf8')));
  return {
    criticalJs: sum(critical),
    css: sum(css),
    prefetchedPages: sum(pages),
    scanDecoder: sum(decoder),
    allJs: sum([...critical, ...lazyChunks]),
    chunks: [...critical, ...lazyChunks, ...css],
    forbidden,
  };
}

// ── the server ───────────────────────────────────────────────────────────────────────────────

async function waitReady(base: string, proc: ChildProcess | null) {
  const until = Date.now() + 300_000;
  let exited = false;
  proc?.on('exit', () => (exited = true));
  while (Date.now() < until) {
    if (exited) throw new Error('server exited before it was ready');
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server not ready');
}

/** A gzip-compressing reverse proxy in front of the server (Trueline itself sends identity today). */
function gzipProxy(target: string, port: number): Promise<http.Server> {
  const hop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host', 'upgrade', 'accept-encoding']);
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (!hop.has(k) && typeof v === 'string') headers[k] = v;
      const r = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' });
      const buf = Buffer.from(await r.arrayBuffer());
      const out: Record<string, string | string[]> = {};
      r.headers.forEach((v, k) => {
        if (!hop.has(k) && k !== 'set-cookie') out[k] = v;
      });
      const cookies = r.headers.getSetCookie();
      if (cookies.length) out['set-cookie'] = cookies;
      const type = r.headers.get('content-type') ?? '';
      if (/gzip/.test(String(req.headers['accept-encoding'] ?? '')) && /text|javascript|json|css|svg/.test(type) && buf.length > 512) {
        const gz = zlib.gzipSync(buf, { level: 6 });
        res.writeHead(r.status, { ...out, 'content-encoding': 'gzip', 'content-length': String(gz.length), vary: 'accept-encoding' });
        res.end(gz);
      } else {
        res.writeHead(r.status, { ...out, 'content-length': String(buf.length) });
        res.end(buf);
      }
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// ── 2. time to interactive ───────────────────────────────────────────────────────────────────

interface Tti {
  ttiMs: number;
  todayReadyMs: number;
  fcpMs: number | null;
  domContentLoadedMs: number;
  loadMs: number;
  longTasks: number;
  jsTransferBytes: number;
  totalTransferBytes: number;
}

async function measureTti(browser: Browser, base: string, api: fx.RepApi, throttle: boolean): Promise<Tti> {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await context.addCookies(api.cookies.map((c) => ({ name: c.name, value: c.value, url: base })));
  await context.addInitScript(() => {
    const w = window as unknown as { __lt: [number, number][] };
    w.__lt = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lt.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: PROFILE.rttMs,
      downloadThroughput: (PROFILE.downKbps * 1000) / 8,
      uploadThroughput: (PROFILE.upKbps * 1000) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpuSlowdown });
  }
  const types = new Map<string, string>();
  let js = 0;
  let total = 0;
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    total += e.encodedDataLength;
    if (types.get(e.requestId) === 'Script') js += e.encodedDataLength;
  });
  await page.goto('/m/', { waitUntil: 'load', timeout: 180_000 });
  await page.waitForFunction(() => performance.getEntriesByName('tl:today-ready').length > 0, undefined, { timeout: 180_000, polling: 100 });
  // A quiet window of 5 s without long tasks after the plan is on screen.
  let tti = 0;
  for (;;) {
    const r = await page.evaluate(() => {
      const ready = performance.getEntriesByName('tl:today-ready')[0].startTime;
      const lt = ((window as unknown as { __lt: [number, number][] }).__lt ?? []).slice().sort((a, b) => a[0] - b[0]);
      let t = ready;
      for (const [s, d] of lt) if (s < t + 5000 && s + d > t) t = s + d;
      return { t, now: performance.now() };
    });
    tti = r.t;
    if (r.now >= r.t + 5000) break;
    await page.waitForTimeout(500);
  }
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      todayReadyMs: performance.getEntriesByName('tl:today-ready')[0].startTime,
      fcpMs: fcp ? fcp.startTime : null,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      loadMs: nav.loadEventEnd,
      longTasks: ((window as unknown as { __lt: unknown[] }).__lt ?? []).length,
    };
  });
  await context.close();
  return { ttiMs: r0(tti), todayReadyMs: r0(m.todayReadyMs), fcpMs: m.fcpMs === null ? null : r0(m.fcpMs), domContentLoadedMs: r0(m.domContentLoadedMs), loadMs: r0(m.loadMs), longTasks: m.longTasks, jsTransferBytes: js, totalTransferBytes: total };
}

const summarise = (runs: Tti[]) => ({
  ttiMs: median(runs.map((r) => r.ttiMs)),
  todayReadyMs: median(runs.map((r) => r.todayReadyMs)),
  fcpMs: median(runs.map((r) => r.fcpMs ?? NaN)),
  jsTransferKB: kb(median(runs.map((r) => r.jsTransferBytes))),
  totalTransferKB: kb(median(runs.map((r) => r.totalTransferBytes))),
  runs,
});

// ── 3. the walk ──────────────────────────────────────────────────────────────────────────────

async function walkOnce(base: string, api: fx.RepApi, customer: fx.SiteCustomer, dir: string, throttle: boolean) {
  const qr = await fx.customerQr(api, customer.id);
  const video = fx.writeQrY4m(qr.url, path.join(dir, `qr-${customer.id}.y4m`));
  const photo = await fx.writePhoto(path.join(dir, `photo-${customer.id}.jpg`));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...fx.fakeCameraArgs(video)] });
  try {
    const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await context.grantPermissions(['geolocation', 'camera'], { origin: base });
    await context.setGeolocation(fx.nearSite(customer));
    await fx.useSession(context, api);
    const page = await context.newPage();
    await page.goto('/m/');
    await page.getByTestId('scan-button').waitFor();
    // Let the idle prefetch of the recorder finish, as on a phone that has had the page open.
    await page.waitForLoadState('networkidle');
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: PROFILE.rttMs, downloadThroughput: (PROFILE.downKbps * 1000) / 8, uploadThroughput: (PROFILE.upKbps * 1000) / 8 });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpuSlowdown });
    }
    const w = await fx.walkScanToRecord(page, { photo });
    const t = Date.now();
    await fx.outboxDrained(page, 180_000);
    const syncedAfterDoneMs = Date.now() - t;
    const v = await api.get(`/api/v1/process/visits/${w.visitId}`);
    const types = (v.body.actions as { type: string }[]).map((a) => a.type);
    const complete = types.includes('check_in') && types.includes('need_capture') && (v.body.media as { kind: string }[]).some((m) => m.kind === 'photo');
    await context.close();
    return { ...w, syncedAfterDoneMs, complete };
  } finally {
    await browser.close();
  }
}

/**
 * A model of the rep's own time on top of the measured machine time (explicit, so it can be argued
 * with): keystroke-level operators for a one-handed phone user.
 */
function repTimeModel(w: { interactions: number; taps: number; needs: string; ms: number }) {
  const a = { aimAtQrS: 2.0, tapS: 1.2, framePhotoS: 3.0, typeCharsPerS: 1.5, readScreenS: 2.0 };
  const human = a.aimAtQrS + w.taps * a.tapS + a.framePhotoS + w.needs.length / a.typeCharsPerS + a.readScreenS;
  return { assumptions: a, humanS: Math.round(human * 10) / 10, machineS: Math.round(w.ms / 100) / 10, totalS: Math.round((human + w.ms / 1000) * 10) / 10, targetS: 30 };
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────

async function main() {
  if (!args['no-build']) {
    const b = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('web build failed');
  }
  if (!fs.existsSync(path.join(DIST, 'm/index.html'))) throw new Error('web/dist/m/index.html missing: build first');
  const size = sizes();
  console.log(
    `/m/ critical JS: ${kb(size.criticalJs.raw)} KB raw, ${kb(size.criticalJs.gzip)} KB gzip (${size.criticalJs.files.length} files); ` +
      `then prefetched: pages ${kb(size.prefetchedPages.gzip)} KB gzip + jsQR ${kb(size.scanDecoder.gzip)} KB gzip; CSS ${kb(size.css.gzip)} KB gzip`,
  );

  let server: ChildProcess | null = null;
  let dataDir: string | null = null;
  const port = Number(args.port);
  const base = args['base-url'] ?? `http://127.0.0.1:${port}`;
  if (!args['base-url']) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-mobile-'));
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', DEMO_REPS: '24', DEMO_CUSTOMERS: '600', LOG_LEVEL: 'warn', PUBLIC_URL: base, SCHEDULER: 'false' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  const proxy = await gzipProxy(base, port + 1);
  const gzBase = `http://127.0.0.1:${port + 1}`;
  const dir = fx.fixtureDir();
  try {
    await waitReady(base, server);
    const api = await fx.repApi(base);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
    const tti: Record<string, Tti[]> = { slowIdentity: [], slowGzip: [], unthrottled: [] };
    try {
      for (let i = 0; i < RUNS; i++) {
        tti.slowIdentity.push(await measureTti(browser, base, api, true));
        tti.slowGzip.push(await measureTti(browser, gzBase, api, true));
        tti.unthrottled.push(await measureTti(browser, base, api, false));
        console.log(`TTI run ${i + 1}: slow ${tti.slowIdentity[i].ttiMs} ms (identity), ${tti.slowGzip[i].ttiMs} ms (gzip); unthrottled ${tti.unthrottled[i].ttiMs} ms`);
      }
    } finally {
      await browser.close();
    }

    // Customers with no visit today, so every walk starts a fresh visit (also against a used server).
    const pool = await fx.customersWithSite(api, 2 * RUNS);
    const walks: Record<'normal' | 'slow', Awaited<ReturnType<typeof walkOnce>>[]> = { normal: [], slow: [] };
    for (let i = 0; i < RUNS; i++) {
      walks.normal.push(await walkOnce(base, api, pool[2 * i], dir, false));
      walks.slow.push(await walkOnce(base, api, pool[2 * i + 1], dir, true));
      console.log(`walk ${i + 1}: ${walks.normal[i].interactions} interactions; ${walks.normal[i].ms} ms (normal), ${walks.slow[i].ms} ms (slow profile)`);
    }
    const walkSummary = (ws: typeof walks.normal) => ({
      interactions: median(ws.map((w) => w.interactions)),
      machineMs: median(ws.map((w) => w.ms)),
      decodedMs: median(ws.map((w) => w.marks.decoded)),
      checkedInMs: median(ws.map((w) => w.marks.checkedIn)),
      syncedAfterDoneMs: median(ws.map((w) => w.syncedAfterDoneMs)),
      allComplete: ws.every((w) => w.complete),
      runs: ws.map(({ visitId, interactions, taps, textEntries, ms, marks, syncedAfterDoneMs, complete }) => ({ visitId, interactions, taps, textEntries, ms, marks, syncedAfterDoneMs, complete })),
    });

    const result = {
      bench: 'mobile',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, chromium: CHROMIUM },
      page: '/m/',
      profile: { ...PROFILE, viewport: '390x844', cache: 'cold (disabled)' },
      js: {
        criticalKB: { raw: kb(size.criticalJs.raw), gzip: kb(size.criticalJs.gzip), brotli: kb(size.criticalJs.brotli), files: size.criticalJs.files },
        prefetchedPagesKB: { raw: kb(size.prefetchedPages.raw), gzip: kb(size.prefetchedPages.gzip), files: size.prefetchedPages.files },
        scanDecoderKB: { raw: kb(size.scanDecoder.raw), gzip: kb(size.scanDecoder.gzip), files: size.scanDecoder.files },
        allKB: { raw: kb(size.allJs.raw), gzip: kb(size.allJs.gzip), brotli: kb(size.allJs.brotli) },
        cssKB: { raw: kb(size.css.raw), gzip: kb(size.css.gzip) },
        chunks: size.chunks.map((c) => ({ file: c.file, rawKB: kb(c.raw), gzipKB: kb(c.gzip) })),
        antdOrEcharts: size.forbidden,
      },
      tti: {
        note: 'TTI = end of the last long task (>50 ms) before a 5 s quiet window, counted from the moment today’s plan is on screen (performance mark tl:today-ready); times from navigation start. The prefetch of the recorder, scanner and jsQR starts after that mark and is inside the quiet window.',
        slowIdentity: summarise(tti.slowIdentity),
        slowGzip: summarise(tti.slowGzip),
        unthrottled: summarise(tti.unthrottled),
      },
      scanToRecord: {
        note: 'e2e walk: tap scan → fake camera shows the door-plate QR → auto check-in → photo (3 taps) → needs text → one pain-point chip → Done. Machine wall time only (the typing is instant); repTimeModel adds the rep’s own time.',
        normal: walkSummary(walks.normal),
        slow: walkSummary(walks.slow),
        repTimeModel: repTimeModel(walks.normal[0]),
      },
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench/results/mobile.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify({ js: result.js.criticalKB, tti: { slowIdentity: result.tti.slowIdentity.ttiMs, slowGzip: result.tti.slowGzip.ttiMs, unthrottled: result.tti.unthrottled.ttiMs }, walk: { normal: result.scanToRecord.normal.machineMs, slow: result.scanToRecord.slow.machineMs, interactions: result.scanToRecord.normal.interactions }, model: result.scanToRecord.repTimeModel }, null, 2));
    console.log('written bench/results/mobile.json');
  } finally {
    proxy.close();
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => (server!.exitCode !== null ? r(null) : server!.on('exit', r)));
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
