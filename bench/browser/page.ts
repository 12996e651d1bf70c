/**
 * The browser benchmark's side of the page, bundled by run.ts and injected (a Playwright init
 * script) before the panel's own dist/webview.js runs. It plays VS Code and the extension:
 *
 * - `acquireVsCodeApi()` with getState/setState/postMessage, as VS Code's webview preload
 *   provides it; what the panel posts is parsed with the shared contract and answered by a
 *   stand-in host (init on ready, the requests, the Console tab's subscription), and the host
 *   sends with `window.postMessage`, which is how the panel receives the real extension's
 *   messages (a message event, structured clone included);
 * - the measurements, taken from outside the panel's code: MutationObservers on its elements
 *   and a hook on the canvas' drawing calls say when it changed; a frame counter says which
 *   frame will paint a change, so every time here is "until painted" (see `paintOf`);
 * - the floors, built in the same page from the same messages: a plain table set with one
 *   innerHTML, one canvas path of lineTo, text nodes appended to a pre. They get their data
 *   through a MessageChannel (the same structured clone, without the panel parsing it too).
 */
import './jitless';
import { describeDropped, parseMessage, type ToWebviewMessage } from '../../src/shared/panel-protocol';
import { buildRows, DASH, DEFAULT_SORT, formatDate, formatDuration, formatLoss, formatSteps, sortRows, type HistoryRow } from '../../webview-ui/history-tab/logic';
import type { BenchApi, BenchWindow, ChartTimes, ConsoleRun, HistoryTimes } from './api';
import * as fx from './fixtures';

const w = window as unknown as BenchWindow;
const cfg = w.__trainlabBenchConfig;
if (!cfg) throw new Error('bench page: no configuration');
const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A change is over once nothing under watch moved for this long. What a component defers (to a
 * microtask, the next frame, a ResizeObserver) follows within a frame or two, well inside it.
 */
const QUIET_MS = 250;
const SETTLE_TIMEOUT_MS = 60_000;

// ------------------------------------------------------------------ frames and paints
// A change made inside a frame (in a requestAnimationFrame or ResizeObserver callback, or a
// microtask of one) is painted at the end of that frame; one made in any other task is painted
// by the next frame. Frames are numbered by the first requestAnimationFrame callback that runs in
// them (all callbacks of a frame get the same timestamp); a ticker keeps one in every frame. That
// callback posts a task, which runs once the frame's rendering (style, layout, paint) is done: its
// time is the frame's paint time. The panel's own callbacks go through the same wrappers, so a
// change it makes in a frame is known to be in that frame.

let frame = 0;
let frameStamp = -1;
/** Inside a frame callback (or its microtasks). */
let inCallback = 0;
const paintedAt = new Map<number, number>();
const paintWaiters: { f: number; resolve: (t: number) => void }[] = [];
const frameEnd = new MessageChannel();
frameEnd.port1.onmessage = (e: MessageEvent<number>) => {
  const f = e.data;
  const t = now();
  paintedAt.set(f, t);
  for (let i = paintWaiters.length - 1; i >= 0; i--) {
    if (paintWaiters[i]!.f <= f) paintWaiters.splice(i, 1)[0]!.resolve(t);
  }
};
function inFrame<T>(fn: () => T): T {
  inCallback++;
  try {
    return fn();
  } finally {
    // After the callback's own microtasks (MutationObserver records, promise reactions) ran.
    queueMicrotask(() => inCallback--);
  }
}
const nativeRaf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb: FrameRequestCallback) =>
  nativeRaf((stamp) => {
    if (stamp !== frameStamp) {
      frameStamp = stamp;
      frameEnd.port2.postMessage(++frame);
    }
    inFrame(() => cb(stamp));
  });
const NativeResizeObserver = window.ResizeObserver;
window.ResizeObserver = class extends NativeResizeObserver {
  constructor(cb: ResizeObserverCallback) {
    super((entries, observer) => inFrame(() => cb(entries, observer)));
  }
};
const tick = () => requestAnimationFrame(tick);
tick();

/** The frame that paints the DOM as it is now. */
const frameOfNow = () => (inCallback > 0 ? frame : frame + 1);

/** When frame `f` was painted (waits for it). */
function paintOf(f: number): Promise<number> {
  const t = paintedAt.get(f);
  if (t !== undefined) return Promise.resolve(t);
  return new Promise((resolve) => paintWaiters.push({ f, resolve }));
}

// ------------------------------------------------------------------ settling

/** Activity of what is measured: DOM mutations under a root, drawing on any canvas. */
class Settle {
  marks = 0;
  lastAt = now();
  lastFrame = 0;
  mark(): void {
    this.marks++;
    this.lastAt = now();
    this.lastFrame = Math.max(this.lastFrame, frameOfNow());
  }
}

const drawing = new Set<Settle>();
// Drawing leaves no trace in the DOM: the calls uPlot and the floor make are counted instead.
const proto = CanvasRenderingContext2D.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of ['stroke', 'fill', 'fillText', 'clearRect', 'drawImage']) {
  const original = proto[name]!;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    for (const s of drawing) s.mark();
    return original.apply(this, args);
  };
}

function watch(root: Node, s: Settle): () => void {
  const mo = new MutationObserver(() => s.mark());
  mo.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  drawing.add(s);
  return () => {
    mo.disconnect();
    drawing.delete(s);
  };
}

/**
 * Time from `t0` until the last change under watch was painted: waits until `done()` holds and
 * nothing moved for QUIET_MS (work a component defers to a later frame is included).
 */
async function settled(s: Settle, t0: number, done: () => boolean, what: string): Promise<number> {
  for (;;) {
    await sleep(20);
    if (s.marks > 0 && done() && now() - s.lastAt >= QUIET_MS) break;
    if (now() - t0 > SETTLE_TIMEOUT_MS) throw new Error(`${what}: not done after ${SETTLE_TIMEOUT_MS / 1000} s (${s.marks} changes seen)`);
  }
  return (await paintOf(s.lastFrame)) - t0;
}

/** Waits until the whole page has been still for QUIET_MS (so one measurement does not start inside another's tail). */
async function quiet(): Promise<void> {
  const s = new Settle();
  const stop = watch(document.documentElement, s);
  const start = now();
  try {
    while (now() - s.lastAt < QUIET_MS && now() - start < SETTLE_TIMEOUT_MS) await sleep(20);
  } finally {
    stop();
  }
}

// ------------------------------------------------------------------ the stand-in host

const style = fx.styleFixture();
const history = fx.historyResult(style);
const init = fx.initMessage(style, { params: cfg.params as never, newParameters: cfg.newParameters }, cfg.kind === 'history' ? 'history' : 'console');
const violations: string[] = [];
/**
 * Refusals the panel's own libraries cause on purpose, once, and handle (as in the harness's
 * watchCsp): FAST probes for :focus-visible with an empty <style>; zod tests `new Function("")`.
 */
const PROBES = [
  (e: SecurityPolicyViolationEvent) => e.effectiveDirective === 'style-src-elem' && e.blockedURI === 'inline' && e.sample === '',
  (e: SecurityPolicyViolationEvent) => e.effectiveDirective === 'script-src' && e.blockedURI === 'eval' && e.sample === '',
];
const malformed: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => {
  if (!PROBES.some((p) => p(e))) violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`.trim());
});

function send(m: ToWebviewMessage): void {
  window.postMessage(m, '*');
}

function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const started = deferred();
const historyRequests: string[] = [];
let historyWaiter: ((id: string) => void) | undefined;
let consoleSeq = -1;
let pickerMs: number | undefined;

function nextHistoryRequest(): Promise<string> {
  const id = historyRequests.shift();
  if (id) return Promise.resolve(id);
  return new Promise((r) => (historyWaiter = r));
}

function fromPanel(raw: unknown): void {
  const m = parseMessage('toExtension', raw);
  if (!m) {
    malformed.push(describeDropped(raw));
    return;
  }
  if (m.type === 'ready') {
    send(init);
  } else if (m.type === 'request') {
    if (m.action === 'getHistory' && cfg!.kind === 'history') {
      // The History page answers these itself, timed.
      if (historyWaiter) {
        const wake = historyWaiter;
        historyWaiter = undefined;
        wake(m.id);
      } else historyRequests.push(m.id);
      started.resolve();
      return;
    }
    send({ type: 'response', id: m.id, ok: true, result: m.action === 'getHistory' ? history : m.action === 'validate' ? { errors: [] } : null });
  } else if (m.type === 'consoleSubscribe') {
    consoleSeq = m.seq;
    void subscribed(m.seq);
  } else consoleSeq = -1;
}

/** The first data of a subscription, as ConsoleFeed sends it: the session (and picker), then the log's tail. */
async function subscribed(seq: number): Promise<void> {
  if (cfg!.kind === 'console') {
    // Timed on the way: the picker of 1,000 sessions (sent again on every store event of the style's sessions).
    await quiet();
    const picker = document.querySelector('.console-picker')!;
    const s = new Settle();
    const stop = watch(picker, s);
    const t0 = now();
    send(fx.consoleSessionMessage(style, seq));
    try {
      pickerMs = await settled(s, t0, () => picker.querySelectorAll('vscode-option').length === fx.SESSIONS + 1, 'session picker');
    } finally {
      stop();
    }
  } else send(fx.consoleSessionMessage(style, seq));
  // The console page starts with a full console (a long run opened late); the chart page with a short one.
  send(fx.consoleData(seq, 'console', true, fx.consoleBacklog(cfg!.kind === 'console' ? fx.CONSOLE_MAX_LINES : 200)));
  started.resolve();
}

let state: unknown;
w.acquireVsCodeApi = () => ({
  // VS Code delivers the page's messages asynchronously, as a copy.
  postMessage: (m: unknown) => void setTimeout(() => fromPanel(structuredClone(m)), 0),
  getState: () => state,
  setState: (s: unknown) => void (state = s),
});

// ------------------------------------------------------------------ the floors' corner of the page

const floor = document.createElement('div');
floor.id = 'bench-floor';
floor.style.display = 'none';
const floorChannel = new MessageChannel();
type FloorMessage = { kind: 'history'; sessions: typeof history.sessions } | { kind: 'metrics'; text: string } | { kind: 'console'; text: string };
let onFloorMessage: (m: FloorMessage) => void = () => undefined;
floorChannel.port1.onmessage = (e: MessageEvent<FloorMessage>) => onFloorMessage(e.data);
const toFloor = (m: FloorMessage) => floorChannel.port2.postMessage(m);

function app(): HTMLElement {
  return document.getElementById('app')!;
}

/** Only the floor on the page (the panel is display: none, so it is neither laid out nor painted). */
async function showFloor(): Promise<void> {
  if (!floor.isConnected) document.body.insertBefore(floor, app());
  app().style.display = 'none';
  floor.style.display = '';
  await quiet();
}

async function showApp(): Promise<void> {
  floor.replaceChildren();
  floor.style.display = 'none';
  app().style.display = '';
  await quiet();
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ESC[c]!);

/** The History table's rows and columns (same texts, same style sheet) as plain markup. */
function floorTable(rows: readonly HistoryRow[]): string {
  const heads = ['Version', 'Status', 'Started', 'Ended', 'Steps', 'Final loss', 'Best loss', 'Duration', 'Backend', 'Tags'];
  const num = (t: string) => `<td class="num">${esc(t)}</td>`;
  const body = rows.map(
    (r) =>
      `<tr tabindex="0" data-key="${esc(r.key)}"><td class="history-tick"><input type="checkbox" aria-label="Compare ${esc(r.versionName)}"></td>` +
      `<td><span class="history-version">${esc(r.versionName)}</span>${r.sessionId ? `<span class="history-session-id">${esc(r.sessionId)}</span>` : ''}</td>` +
      `<td><span class="status status-${esc(r.status)}">${esc(r.status)}</span></td><td>${esc(formatDate(r.startedAt))}</td><td>${esc(formatDate(r.endedAt))}</td>` +
      num(formatSteps(r.step, r.totalSteps)) + num(formatLoss(r.finalLoss)) + num(formatLoss(r.bestLoss)) + num(formatDuration(r.durationSeconds)) +
      `<td>${esc(r.backend ?? DASH)}</td><td>${r.tags.map((t) => `<span class="history-tag">${esc(t)}</span>`).join('')}</td></tr>`,
  );
  return `<section class="history"><div class="history-table-wrap"><table class="history-table"><thead><tr><th class="history-tick"></th>${heads.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div></section>`;
}

// ------------------------------------------------------------------ 1. history of 1,000 sessions

async function historyBench(runs: number): Promise<HistoryTimes> {
  const view = document.querySelector<HTMLElement>('section.history')!;
  const table = view.querySelector<HTMLTableElement>('table.history-table')!;
  const rowCount = (t: HTMLTableElement | null) => t?.tBodies[0]?.rows.length ?? 0;
  const answer = async (id: string) => {
    await quiet();
    const s = new Settle();
    const stop = watch(view, s);
    const t0 = now();
    send({ type: 'response', id, ok: true, result: history });
    try {
      return await settled(s, t0, () => rowCount(table) === fx.SESSIONS, 'History table');
    } finally {
      stop();
    }
  };
  const floorRun = async () => {
    await showFloor();
    onFloorMessage = (m) => {
      if (m.kind === 'history') floor.innerHTML = floorTable(sortRows(buildRows(style.versions, m.sessions), DEFAULT_SORT));
    };
    const s = new Settle();
    const stop = watch(floor, s);
    const t0 = now();
    toFloor({ kind: 'history', sessions: history.sessions });
    try {
      return await settled(s, t0, () => rowCount(floor.querySelector('table')) === fx.SESSIONS, 'floor table');
    } finally {
      stop();
      await showApp();
    }
  };
  // The table at panel open: the request the panel made on init.
  const cold = await answer(await nextHistoryRequest());
  const out: HistoryTimes = { cold, app: [], floor: [], rows: rowCount(table) };
  for (let i = 0; i < runs; i++) {
    out.floor.push(await floorRun());
    // A change on disk: the extension sends the versions, the tab asks for the sessions again.
    send({ type: 'update', versions: style.versions });
    out.app.push(await answer(await nextHistoryRequest()));
  }
  return out;
}

// ------------------------------------------------------------------ 2. chart of 100,000 points

async function chartBench(runs: number): Promise<ChartTimes> {
  const text = fx.metricsText();
  const box = document.querySelector<HTMLElement>('.console-chart')!;
  const html = document.documentElement;
  const appRun = async () => {
    await quiet();
    const s = new Settle();
    const stop = watch(box, s);
    const t0 = now();
    // The whole metrics.jsonl, as the extension sends it when the tab subscribes (or the file was replaced).
    send(fx.consoleData(consoleSeq, 'metrics', true, text));
    try {
      return await settled(s, t0, () => !!box.querySelector('canvas'), 'loss chart');
    } finally {
      stop();
    }
  };
  const resize = async (root: Node, what: string) => {
    await quiet();
    const s = new Settle();
    const stop = watch(root, s);
    const t0 = now();
    html.style.width = html.style.width ? '' : `${fx.NARROW_PX}px`;
    try {
      return await settled(s, t0, () => true, what);
    } finally {
      stop();
    }
  };

  // The floor: the same text, each line JSON.parse'd, one path of lineTo through every point.
  let xs: number[] = [];
  let ys: number[] = [];
  let canvas: HTMLCanvasElement | undefined;
  const draw = () => {
    if (!canvas?.isConnected || !xs.length) return;
    canvas.width = Math.floor(floor.clientWidth);
    canvas.height = 200;
    const ctx = canvas.getContext('2d')!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const y of ys) {
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    const x0 = xs[0]!;
    const sx = canvas.width / (xs[xs.length - 1]! - x0 || 1);
    const sy = canvas.height / (hi - lo || 1);
    ctx.strokeStyle = getComputedStyle(html).getPropertyValue('--vscode-charts-blue') || '#3794ff';
    ctx.beginPath();
    ctx.moveTo(0, canvas.height - (ys[0]! - lo) * sy);
    for (let i = 1; i < xs.length; i++) ctx.lineTo((xs[i]! - x0) * sx, canvas.height - (ys[i]! - lo) * sy);
    ctx.stroke();
  };
  // Redraws when the width changed (not when the canvas first gives the box its height).
  const ro = new ResizeObserver(() => canvas?.isConnected && canvas.width !== Math.floor(floor.clientWidth) && draw());
  ro.observe(floor);
  const floorRun = async () => {
    await showFloor();
    onFloorMessage = (m) => {
      if (m.kind !== 'metrics') return;
      xs = [];
      ys = [];
      for (const line of m.text.split('\n')) {
        if (!line) continue;
        const o = JSON.parse(line) as { step: number; loss: number };
        xs.push(o.step);
        ys.push(o.loss);
      }
      canvas = document.createElement('canvas');
      canvas.style.display = 'block';
      floor.replaceChildren(canvas);
      draw();
    };
    const s = new Settle();
    const stop = watch(floor, s);
    const t0 = now();
    toFloor({ kind: 'metrics', text });
    try {
      return await settled(s, t0, () => !!canvas?.isConnected, 'floor chart');
    } finally {
      stop();
    }
  };

  const out: ChartTimes = { cold: await appRun(), app: [], floor: [], appResize: [], floorResize: [], points: fx.METRIC_POINTS, floorCanvas: '', appCanvas: '' };
  // The floor is as wide as the chart.
  floor.style.maxWidth = `${box.clientWidth}px`;
  for (let i = 0; i < runs; i++) {
    out.floor.push(await floorRun());
    out.floorCanvas = `${canvas!.width}×${canvas!.height}`;
    // Narrower and back: both directions in every list.
    for (let j = 0; j < 2; j++) out.floorResize.push(await resize(floor, 'floor redraw after a resize'));
    await showApp();
    out.app.push(await appRun());
    const c = box.querySelector('canvas');
    out.appCanvas = c ? `${c.width}×${c.height}` : '?';
    for (let j = 0; j < 2; j++) out.appResize.push(await resize(box, 'chart redraw after a resize'));
  }
  ro.disconnect();
  html.style.width = '';
  return out;
}

// ------------------------------------------------------------------ 3. console at 10,000 lines a second

/**
 * Sends CHUNKS chunks, one every CHUNK_MS, each due at a fixed time (a late timer sends every
 * chunk that is due at once, so a busy page cannot slow the sender down and hide its lag).
 * `shown` is filled by the caller's observer; the run ends when every chunk was shown or 30 s
 * after the last one was due.
 */
async function stream(sendChunk: (k: number) => void, shownFrame: (number | undefined)[]): Promise<ConsoleRun> {
  const long: number[] = [];
  const po = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push(e.duration);
  });
  po.observe({ type: 'long-animation-frame' });
  const start = now() + 50;
  const due = Array.from({ length: fx.CHUNKS }, (_, k) => start + k * fx.CHUNK_MS);
  const sent: number[] = [];
  await new Promise<void>((resolve) => {
    let next = 0;
    const step = () => {
      while (next < fx.CHUNKS && now() >= due[next]! - 0.5) {
        sent[next] = now();
        sendChunk(next++);
      }
      if (next < fx.CHUNKS) setTimeout(step, Math.max(0, due[next]! - now()));
      else resolve();
    };
    setTimeout(step, Math.max(0, start - now()));
  });
  const limit = now() + 30_000;
  while (shownFrame[fx.CHUNKS - 1] === undefined && now() < limit) await sleep(20);
  const shown = await Promise.all(shownFrame.map((f) => (f === undefined ? null : paintOf(f))));
  for (const e of po.takeRecords()) long.push(e.duration);
  po.disconnect();
  return {
    due: due.map((t) => t - start),
    sent: sent.map((t) => t - start),
    shown: shown.map((t) => (t === null ? null : t - start)),
    linesPerChunk: fx.CHUNK_LINES,
    screenLines: 0,
    longFrames: long.length,
    longestFrame: long.length ? Math.max(...long) : 0,
  };
}

/** Marks chunks 0..k shown in the frame that paints the DOM as it is now. */
function markShown(shownFrame: (number | undefined)[], k: number): void {
  const f = frameOfNow();
  for (let j = k; j >= 0 && shownFrame[j] === undefined; j--) shownFrame[j] = f;
}

async function consoleApp(): Promise<ConsoleRun> {
  const log = document.querySelector<HTMLElement>('.tl-console-log')!;
  const chunks = Array.from({ length: fx.CHUNKS }, (_, k) => fx.consoleChunk(k));
  await quiet();
  const shownFrame: (number | undefined)[] = new Array(fx.CHUNKS).fill(undefined);
  // A chunk's last line is its marker: the newest marker on screen is among the last lines. New
  // lines go into the log's layout blocks (filled in the same frame), so childList of the log's
  // subtree tells of them.
  const mo = new MutationObserver(() => {
    const lines = log.querySelectorAll('.tl-console-line');
    for (let i = lines.length - 1; i >= Math.max(0, lines.length - 4); i--) {
      const m = fx.MARKER.exec(lines[i]!.textContent ?? '');
      if (m) return markShown(shownFrame, Number(m[1]) - 1);
    }
  });
  mo.observe(log, { childList: true, subtree: true });
  try {
    const run = await stream((k) => send(fx.consoleData(consoleSeq, 'console', false, chunks[k]!)), shownFrame);
    return { ...run, screenLines: log.querySelectorAll('.tl-console-line').length };
  } finally {
    mo.disconnect();
  }
}

async function consoleFloor(): Promise<ConsoleRun> {
  const log = document.querySelector<HTMLElement>('.tl-console-log')!;
  const box = log.getBoundingClientRect();
  const chunks = Array.from({ length: fx.CHUNKS }, (_, k) => fx.consoleChunk(k));
  // A pre of the log's size and font, holding as much as the panel keeps (its backlog, then about maxLines lines).
  const keep = Math.ceil(fx.CONSOLE_MAX_LINES / ((fx.CHUNK_LINES / 10) * fx.SCREEN_LINES_PER_GROUP));
  const pre = document.createElement('pre');
  Object.assign(pre.style, { width: `${box.width}px`, height: `${box.height}px`, boxSizing: 'border-box', margin: '0', padding: '4px 8px', overflow: 'auto', fontFamily: 'var(--vscode-editor-font-family, monospace)', fontSize: 'var(--vscode-editor-font-size, 13px)', lineHeight: '1.4' });
  pre.append(document.createTextNode(fx.consoleBacklog(fx.CONSOLE_MAX_LINES)));
  floor.replaceChildren(pre);
  await showFloor();
  pre.scrollTop = pre.scrollHeight;
  const shownFrame: (number | undefined)[] = new Array(fx.CHUNKS).fill(undefined);
  const tail = new RegExp(`epoch (\\d+)/${fx.CHUNKS}\\n$`);
  const mo = new MutationObserver(() => {
    const m = tail.exec((pre.lastChild?.textContent ?? '').slice(-40));
    if (m) markShown(shownFrame, Number(m[1]) - 1);
  });
  mo.observe(pre, { childList: true });
  onFloorMessage = (m) => {
    if (m.kind !== 'console') return;
    pre.appendChild(document.createTextNode(m.text));
    while (pre.childNodes.length > keep) pre.removeChild(pre.firstChild!);
    pre.scrollTop = pre.scrollHeight;
  };
  try {
    const run = await stream((k) => toFloor({ kind: 'console', text: chunks[k]! }), shownFrame);
    return { ...run, screenLines: keep * (fx.CHUNK_LINES / 10) * fx.SCREEN_LINES_PER_GROUP };
  } finally {
    mo.disconnect();
    await showApp();
  }
}

// ------------------------------------------------------------------ what Node calls

const api: BenchApi = {
  async ready() {
    await started.promise;
    await quiet();
  },
  pickerTime: () => pickerMs,
  history: historyBench,
  chart: chartBench,
  consoleApp,
  consoleFloor,
  violations: () => [...violations],
  malformed: () => [...malformed],
};
w.__trainlabBench = api;
