/**
 * The panel's rendering measured in the harness's Chromium (headless, through playwright-core):
 * the History tab with 1,000 sessions, the loss chart with 100,000 points, and the console fed
 * 10,000 lines a second. The page is the panel's own HTML (panelHtml, with its CSP) loading the
 * real dist/webview.js and dist/webview.css; page.ts plays VS Code and the extension in it.
 * Every time is measured in the page up to the paint of the last change, against a floor built
 * in the same page from the same data (ratios, like the rest of `npm run bench`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import type { Style } from '../../src/core/model/schemas';
import { kohyaTrainer, newVersionParameters } from '../../src/core/trainers';
import { panelHtml } from '../../src/extension/panel/html';
import { describeDropped, historyResultSchema, parseMessage } from '../../src/shared/panel-protocol';
import type { BenchApi, BenchPageConfig, BenchPageKind, BenchWindow, ConsoleRun } from './api';
import * as fx from './fixtures';
import { BODY_ATTRIBUTES, themeCss } from './theme';

export type Row = [string, string, string];
export interface Section {
  title: string;
  rows: Row[];
}
export type BrowserBench = { skipped: string } | { header: string; sections: Section[] };

const REPO = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 5);
/** A made-up origin the page is served from (every request to it is answered by route()). */
const ORIGIN = 'https://trainlab-bench.test';
const VIEWPORT = { width: 1280, height: 800 };
/** One test may not hang the benchmark. */
const TEST_TIMEOUT_MS = 240_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const msText = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');

export async function benchBrowser(): Promise<BrowserBench> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM} (install it, or set CHROMIUM to its path)` };
  for (const f of ['dist/webview.js', 'dist/webview.css']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is not built: run \`node esbuild.mjs\` first`);
  }
  const trainer = {
    params: kohyaTrainer.params.map((p) => ({ ...p })),
    // Only the style's defaults and trigger token are read.
    newParameters: newVersionParameters({ defaults: {}, triggerToken: fx.styleFixture().style.triggerToken } as unknown as Style, kohyaTrainer),
  };
  checkFixtures(trainer);
  const script = await pageScript();

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await serve(context);
    const open = (kind: BenchPageKind) => openPage(context, script, { kind, ...trainer });

    const sections: Section[] = [];
    sections.push(await withPage(await open('history'), async (p) => {
      const h = await p.call('history', RUNS);
      if (h.rows !== fx.SESSIONS) throw new Error(`the History table shows ${h.rows} rows, not ${fx.SESSIONS}`);
      const f = median(h.floor);
      const a = median(h.app);
      return {
        title: `Panel history in Chromium (${int(fx.SESSIONS)} sessions in ${fx.VERSIONS} versions)`,
        rows: [
          ['floor: the same rows and columns as a plain table, one innerHTML', msText(f), ''],
          ['History tab: from the sessions sent to the table painted', msText(a), ''],
          ['ratio History tab / floor', ratio(a, f), ''],
          ['  first table, at panel open', msText(h.cold), ''],
          ...(await p.footer()),
        ],
      };
    }));
    sections.push(await withPage(await open('chart'), async (p) => {
      const c = await p.call('chart', RUNS);
      const [f, a, fr, ar] = [median(c.floor), median(c.app), median(c.floorResize), median(c.appResize)];
      return {
        title: `Panel loss chart in Chromium (${int(c.points)} points)`,
        rows: [
          ['floor: JSON.parse each line, one canvas path of lineTo', msText(f), ''],
          ['loss chart: from the metrics message to the chart painted', msText(a), ''],
          ['ratio loss chart / floor', ratio(a, f), ''],
          ['  first chart, at tab open', msText(c.cold), ''],
          [`floor: redraw after a resize (page ${VIEWPORT.width} ↔ ${fx.NARROW_PX} px wide)`, msText(fr), ''],
          ['loss chart: redraw after the same resize', msText(ar), ''],
          ['ratio loss chart / floor', ratio(ar, fr), ''],
          ['  canvas, floor and chart (px)', `${c.floorCanvas}, ${c.appCanvas}`, ''],
          ...(await p.footer()),
        ],
      };
    }));
    sections.push(await withPage(await open('console'), async (p) => {
      const picker = (await p.call('pickerTime')) ?? NaN;
      const app = await p.busy(() => p.call('consoleApp'));
      const floor = await p.busy(() => p.call('consoleFloor'));
      const a = consoleStats(app.result);
      const f = consoleStats(floor.result);
      const rate = `${int(fx.CHUNK_LINES * (1000 / fx.CHUNK_MS))} lines/s for ${(fx.CHUNKS * fx.CHUNK_MS) / 1000} s`;
      return {
        title: `Panel console in Chromium (${rate}: ${fx.CHUNKS} chunks of ${int(fx.CHUNK_LINES)} kohya lines, maxLines ${int(fx.CONSOLE_MAX_LINES)})`,
        rows: [
          ['floor: each chunk a text node in a pre, lines per second shown', f.rate, ''],
          ['  lag behind the sender: max / p95', `${f.max} / ${f.p95}`, ''],
          ['  main thread busy', floor.busy, ''],
          ['Console tab: lines per second shown', a.rate, `target: the sender's ${int(fx.CHUNK_LINES * (1000 / fx.CHUNK_MS))}`],
          ['  lag behind the sender: max / p95', `${a.max} / ${a.p95}`, a.keepsUp ? 'keeps up (max lag < 1 s)' : 'falls behind (max lag ≥ 1 s)'],
          ['  main thread busy', app.busy, ''],
          ['  frames over 50 ms / longest', `${app.result.longFrames} / ${msText(app.result.longestFrame)}`, ''],
          ['  lines on screen at the end', int(app.result.screenLines), ''],
          [`session picker: a consoleSession of ${int(fx.SESSIONS)} sessions, painted`, msText(picker), 'sent on every change of a session'],
          ...(await p.footer()),
        ],
      };
    }));
    return { header: `Chromium ${browser.version()} headless, ${VIEWPORT.width}×${VIEWPORT.height}; dist/webview.js ${int(statSync(join(REPO, 'dist/webview.js')).size / 1024)} KB; times are until painted; history and chart: median of ${RUNS} runs, console: one run each`, sections };
  } finally {
    await browser.close();
  }
}

function consoleStats(r: ConsoleRun): { rate: string; max: string; p95: string; keepsUp: boolean } {
  const shown = r.shown.filter((t): t is number => t !== null);
  const lags = r.shown.map((t, k) => (t === null ? Infinity : t - r.due[k]!));
  const all = shown.length === r.shown.length;
  // Lines between the first chunk on screen and the last, over the time between them; and the
  // same for the sender (its timer slips a little too), so "keeps up" compares like with like.
  const rate = shown.length > 1 ? ((shown.length - 1) * r.linesPerChunk) / ((shown[shown.length - 1]! - shown[0]!) / 1000) : 0;
  const sent = r.due.length > 1 ? ((r.due.length - 1) * r.linesPerChunk) / ((r.due[r.due.length - 1]! - r.due[0]!) / 1000) : 0;
  const max = Math.max(...lags);
  const shownText = `${int(rate)} (sent ${int(sent)})`;
  return {
    rate: all ? shownText : `${shownText}, ${shown.length} of ${r.shown.length} chunks shown`,
    max: Number.isFinite(max) ? msText(max) : 'never',
    p95: Number.isFinite(p95(lags)) ? msText(p95(lags)) : 'never',
    keepsUp: all && max < 1000,
  };
}

/** The messages the page will send, parsed with the contract: a message the panel would drop fails here. */
function checkFixtures(trainer: fx.TrainerFixture): void {
  const f = fx.styleFixture();
  const messages: unknown[] = [
    fx.initMessage(f, trainer, 'history'),
    fx.initMessage(f, trainer, 'console'),
    { type: 'update', versions: f.versions },
    { type: 'response', id: 'r1', ok: true, result: fx.historyResult(f) },
    fx.consoleSessionMessage(f, 1),
    fx.consoleData(1, 'console', true, fx.consoleBacklog(fx.CONSOLE_MAX_LINES)),
    fx.consoleData(1, 'console', false, fx.consoleChunk(fx.CHUNKS - 1)),
    fx.consoleData(1, 'metrics', true, fx.metricsText()),
  ];
  for (const m of messages) if (!parseMessage('toWebview', m)) throw new Error(`bench fixture ${describeDropped(m)} does not fit src/shared/panel-protocol.ts`);
  if (!historyResultSchema.safeParse(fx.historyResult(f)).success) throw new Error('bench fixture: the history does not fit historyResultSchema');
  if (f.sessions.length !== fx.SESSIONS || new Set(f.sessions.map((s) => s.id)).size !== fx.SESSIONS) throw new Error('bench fixture: session ids are not unique');
  const chunk = fx.consoleChunk(0);
  const lines = (chunk.match(/\r/g)?.length ?? 0) + (chunk.match(/\n/g)?.length ?? 0) - fx.CHUNK_LINES / 10;
  if (lines !== fx.CHUNK_LINES) throw new Error(`bench fixture: a console chunk has ${lines} lines, not ${fx.CHUNK_LINES}`);
}

/** page.ts as one script, for addInitScript. */
async function pageScript(): Promise<string> {
  const r = await esbuild.build({
    entryPoints: [join(REPO, 'bench/browser/page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return r.outputFiles[0]!.text;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** The page and the panel's files (dist/, media/), answered from the repository; nothing else exists. */
async function serve(context: BrowserContext): Promise<void> {
  const html = panelHtml({
    cspSource: ORIGIN,
    nonce: randomUUID(),
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUris: [`${ORIGIN}/dist/webview.css`, `${ORIGIN}/media/panel.css`, `${ORIGIN}/bench/theme.css`],
    title: `Trainlab: ${fx.styleFixture().style.id}`,
  });
  if (!html.includes('<body>')) throw new Error('panelHtml has no plain <body> to add the theme attributes to');
  const page = html.replace('<body>', `<body ${BODY_ATTRIBUTES}>`);
  const generated = new Map([
    ['/panel.html', page],
    ['/bench/theme.css', themeCss()],
  ]);
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const text = generated.get(path);
    if (text !== undefined) return route.fulfill({ status: 200, contentType: TYPES[extname(path)] ?? 'text/plain', body: text });
    const file = join(REPO, path);
    const allowed = (path.startsWith('/dist/') || path.startsWith('/media/')) && !path.includes('..');
    if (!allowed || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: TYPES[extname(path)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
}

type Method = Exclude<keyof BenchApi, never>;
type Result<K extends Method> = Awaited<ReturnType<BenchApi[K]>>;

interface BenchPage {
  /** Calls a method of the page's `__trainlabBench` (page.ts) and fails on any problem the page reported meanwhile. */
  call<K extends Method>(method: K, ...args: Parameters<BenchApi[K]>): Promise<Result<K>>;
  /** Runs `fn` and reports the page's main thread busy time over it (CDP Performance metrics). */
  busy<T>(fn: () => Promise<T>): Promise<{ result: T; busy: string }>;
  /** The rows every section ends with: heap after GC, CSP violations. */
  footer(): Promise<Row[]>;
}

async function openPage(context: BrowserContext, script: string, config: BenchPageConfig): Promise<{ page: Page; bench: BenchPage }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The panel logs what it drops ("Trainlab panel: dropped a malformed or unknown message").
    // CSP refusals are counted by the page itself (page.ts tells the libraries' probes apart).
    if (/Content Security Policy/.test(m.text())) return;
    if (m.type() === 'error' || (m.type() === 'warning' && m.text().includes('Trainlab panel'))) problems.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
  });
  await page.addInitScript({ content: `window.__trainlabBenchConfig = ${JSON.stringify(config)};` });
  await page.addInitScript({ content: script });
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${ORIGIN}/panel.html`);
  const call = async <K extends Method>(method: K, ...args: Parameters<BenchApi[K]>): Promise<Result<K>> => {
    const run = page.evaluate(([m, a]) => {
      const b = (window as unknown as BenchWindow).__trainlabBench as unknown as Record<string, (...x: unknown[]) => unknown>;
      return b[m]!(...a);
    }, [method, args] as [string, unknown[]]) as Promise<Result<K>>;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${config.kind} page: ${method} gave no answer within ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS)));
    try {
      const r = await Promise.race([run, timeout]);
      if (problems.length) throw new Error(`${config.kind} page:\n  ${problems.join('\n  ')}`);
      return r;
    } finally {
      clearTimeout(timer);
    }
  };
  await call('ready');
  const metrics = async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(list.map((m) => [m.name, m.value])) as Record<string, number>;
  };
  const bench: BenchPage = {
    call,
    async busy(fn) {
      const before = await metrics();
      const result = await fn();
      const after = await metrics();
      const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
      const wall = d('Timestamp');
      const pct = (k: string) => `${((100 * d(k)) / wall).toFixed(0)}%`;
      const other = (100 * (d('TaskDuration') - d('ScriptDuration') - d('LayoutDuration') - d('RecalcStyleDuration'))) / wall;
      return { result, busy: `${pct('TaskDuration')} (script ${pct('ScriptDuration')}, layout ${pct('LayoutDuration')}, style ${pct('RecalcStyleDuration')}, paint and other ${other.toFixed(0)}%)` };
    },
    async footer() {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const csp = await call('violations');
      const malformed = await call('malformed');
      if (malformed.length) throw new Error(`${config.kind} page: the panel sent messages that do not fit the contract: ${malformed.join(', ')}`);
      return [
        ['JS heap after the test (after GC)', mb(heap.usedSize), ''],
        ['CSP violations (the panel’s own policy)', String(csp.length), csp.length ? csp.slice(0, 3).join('; ') : 'besides FAST’s and zod’s probes'],
      ];
    },
  };
  return { page, bench };
}

async function withPage(p: { page: Page; bench: BenchPage }, fn: (b: BenchPage) => Promise<Section>): Promise<Section> {
  try {
    return await fn(p.bench);
  } finally {
    await p.page.close();
  }
}
