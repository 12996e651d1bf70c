/**
 * The data the browser benchmark feeds the panel, as the extension would send it: a style with
 * 1,000 sessions across 50 versions, the metrics.jsonl of a 100,000-step run, and kohya-style
 * console output. Pure and deterministic (no DOM, no Node API): the page builds its messages with
 * it, and bench/browser/run.ts parses the same messages with the shared schemas before a run, so
 * a message the panel would drop fails the benchmark instead of timing nothing.
 */
import type {
  ConsoleDataMessage,
  ConsoleSessionMessage,
  HistoryResult,
  HistorySession,
  InitMessage,
  PanelParamSpec,
  PanelTab,
  StyleSummary,
  VersionSummary,
} from '../../src/shared/panel-protocol';

export const SESSIONS = 1_000;
export const VERSIONS = 50;
export const METRIC_POINTS = 100_000;
/** The console run: CHUNKS chunks of CHUNK_LINES lines, one every CHUNK_MS (10,000 lines a second). */
export const CHUNK_LINES = 1_000;
export const CHUNKS = 50;
export const CHUNK_MS = 100;
/** The page width the chart is resized to and back (from the viewport's 1280 px). */
export const NARROW_PX = 900;
/** The setting `trainlab.console.maxLines` (its default). */
export const CONSOLE_MAX_LINES = 10_000;

const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'interrupted', 'completed', 'completed'] as const;
const BASE_TIME = Date.UTC(2026, 1, 1, 8, 0, 0);

/** Same numbers on every run (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** A session id as core `newSessionId` makes them: `20260201-080000-3fa9c1`. */
function sessionId(ms: number, n: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${(0x100000 + n * 7919).toString(16).slice(-6)}`;
}

export interface StyleFixture {
  style: StyleSummary;
  versions: VersionSummary[];
  sessions: HistorySession[];
}

/** The style: SESSIONS sessions spread over VERSIONS versions, both newest first (as the index lists them). */
export function styleFixture(): StyleFixture {
  const rnd = random(1);
  const style: StyleSummary = { id: 'bench-style', name: 'Bench Style', triggerToken: 'SBai_bench', trainer: 'kohya', trainerLabel: 'kohya sd-scripts (LoRA)', description: 'A style with a long history.' };
  const perVersion = SESSIONS / VERSIONS;
  const sessions: HistorySession[] = [];
  const versions: VersionSummary[] = [];
  for (let v = 0; v < VERSIONS; v++) {
    const versionId = `V${v + 1}`;
    const lr = 0.0001 * (1 + (v % 5));
    const parameters = { network_dim: 16 * (1 + (v % 4)), network_alpha: 16, learning_rate: lr, max_train_steps: 1200 + 100 * (v % 7), optimizer_type: 'AdamW8bit', lr_scheduler: 'cosine_with_restarts', train_batch_size: 2, resolution: '1024', mixed_precision: 'bf16', seed: 42 + v };
    const mine: HistorySession[] = [];
    for (let i = 0; i < perVersion; i++) {
      const n = v * perVersion + i;
      const created = BASE_TIME + n * 3_700_000;
      const status = STATUSES[n % STATUSES.length]!;
      const total = parameters.max_train_steps;
      const step = status === 'completed' ? total : Math.floor(total * (0.2 + 0.6 * rnd()));
      const seconds = Math.round(step * (2.8 + rnd()));
      const finalLoss = 0.06 + 0.05 * rnd();
      const resumed = n % 9 === 0;
      const attempts: HistorySession['attempts'] = [{ startedAt: iso(created + 2_000), endedAt: iso(created + 2_000 + seconds * (resumed ? 400 : 1000)), exitCode: status === 'completed' ? 0 : 1, signal: null, resumedFrom: null, startStep: 0 }];
      if (resumed) attempts.push({ startedAt: iso(created + 60_000 + seconds * 400), endedAt: iso(created + 60_000 + seconds * 1000), exitCode: 0, signal: null, resumedFrom: 'output/bench-step00000500-state', startStep: 500 });
      mine.push({
        id: sessionId(created, n),
        versionId,
        status,
        createdAt: iso(created),
        endedAt: attempts[attempts.length - 1]!.endedAt,
        origin: resumed ? 'resume' : 'new',
        backend: n % 3 === 0 ? 'runpod' : 'local',
        step,
        totalSteps: total,
        finalLoss,
        bestLoss: finalLoss - 0.01 * rnd(),
        bestStep: Math.max(0, step - 100),
        durationSeconds: seconds,
        parameters: { ...parameters, class_tokens: style.triggerToken },
        dataset: { id: 'set-1', path: null, imageCount: 100 },
        attempts,
        checkpoints: [500, 1000].filter((c) => c <= step).map((c) => ({ path: `output/bench-step${pad(c, 8)}-state`, step: c, createdAt: iso(created + c * 3000) })),
        outputs: { model: status === 'completed' ? 'output/bench.safetensors' : null, samples: ['output/sample/bench_000500_00.png', 'output/sample/bench_001000_00.png'] },
        error: status === 'failed' ? 'CUDA out of memory. Tried to allocate 2.00 GiB' : null,
        notes: n % 4 === 0 ? 'Looks good at step 1000; slight overfit after.' : '',
        tags: n % 5 === 0 ? ['flux', 'keep'] : n % 5 === 1 ? ['flux'] : [],
      });
    }
    const newest = mine[mine.length - 1]!;
    versions.push({
      id: versionId,
      name: versionId,
      createdAt: iso(BASE_TIME + v * perVersion * 3_700_000 - 60_000),
      status: newest.status,
      imageCount: 100,
      steps: parameters.max_train_steps,
      description: `Rank ${parameters.network_dim}, lr ${lr}`,
      notes: v % 3 === 0 ? 'Baseline for the next round.' : '',
      tags: v % 2 === 0 ? ['baseline'] : [],
      datasetId: 'set-1',
      parameters,
      completedAt: newest.status === 'completed' ? newest.endedAt : null,
      session: { id: newest.id, status: newest.status, local: newest.backend === 'local', checkpoints: newest.checkpoints.length, step: newest.step, totalSteps: newest.totalSteps, progressText: `${newest.status} • ${newest.step}/${newest.totalSteps}`, error: newest.error, canExtend: true },
    });
    sessions.push(...mine);
  }
  return { style, versions: versions.reverse(), sessions: sessions.reverse() };
}

/** The trainer's parameter specs and NEW's parameters (from the real trainer, passed in by run.ts). */
export interface TrainerFixture {
  params: PanelParamSpec[];
  newParameters: Record<string, unknown>;
}

export function initMessage(f: StyleFixture, trainer: TrainerFixture, activeTab: PanelTab): InitMessage {
  return {
    type: 'init',
    style: f.style,
    params: trainer.params,
    newParameters: trainer.newParameters,
    versions: f.versions,
    datasets: [{ id: 'set-1', imageCount: 100, captionCount: 100, url: null }],
    state: { activeTab, selectedVersionId: f.versions[0]!.id },
    trusted: true,
    notice: null,
  };
}

export function historyResult(f: StyleFixture): HistoryResult {
  return { sessions: f.sessions };
}

/** The Console tab's answer to a subscription: the newest session, shown live, and every session in the picker. */
export function consoleSessionMessage(f: StyleFixture, seq: number): ConsoleSessionMessage {
  return {
    type: 'consoleSession',
    seq,
    sessionId: f.sessions[0]!.id,
    status: 'running',
    sessions: f.sessions.map((s) => ({ id: s.id, versionId: s.versionId, status: s.status, createdAt: s.createdAt })),
    maxLines: CONSOLE_MAX_LINES,
  };
}

export function consoleData(seq: number, stream: 'console' | 'metrics', reset: boolean, text: string): ConsoleDataMessage {
  return { type: 'consoleData', seq, stream, reset, text };
}

/** metrics.jsonl of a run of `points` steps, as the session sync writes it. */
export function metricsText(points = METRIC_POINTS): string {
  const rnd = random(2);
  const lines: string[] = [];
  const t0 = BASE_TIME;
  for (let step = 1; step <= points; step++) {
    const loss = 0.06 + 0.12 * Math.exp(-step / 15_000) + 0.03 * (rnd() - 0.5) + (step % 9973 === 0 ? 0.2 : 0);
    const lr = 0.0001 * (0.5 + 0.5 * Math.cos((Math.PI * (step % 25_000)) / 25_000));
    lines.push(JSON.stringify({ t: t0 + step * 340, step, epoch: Math.floor(step / 1000) + 1, loss: Number(loss.toFixed(5)), lr: Number(lr.toPrecision(6)) }));
  }
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------ console output

/** The plain line that ends chunk `k` of the run: kohya's own `epoch k/N` print. */
export function markerLine(k: number): string {
  return `epoch ${k + 1}/${CHUNKS}`;
}
/** Finds a marker line (as text, without its line end); the number is k + 1. */
export const MARKER = new RegExp(`^epoch (\\d+)/${CHUNKS}$`);

const INFO_TEXTS = [
  'caching latents...',
  'prepare optimizer, data loader etc.',
  'loading model for process 0/1',
  'move vae and unet to cpu to save memory',
  'text encoder outputs are cached; text encoders are not used',
  'saving state at step',
  'override steps. steps for 100 epochs is',
];
const PLAIN_TEXTS = [
  'saving checkpoint: output/bench-step',
  'generating sample images at step / サンプル画像生成 ステップ:',
  'prompt: SBai_bench, a lighthouse at dusk, oil painting --w 1024 --h 1024 --s 20',
  'number of trainable parameters: 21,233,664',
];

/**
 * `groups` groups of 10 lines of kohya output (a line is text up to a `\r` or `\n`, as
 * bench/webview.ts counts them): 7 redraws of the tqdm bar (`\r`, the last one ended by `\n`),
 * 2 rich log lines with ANSI colour (dim time, blue INFO or yellow WARNING, dim source), and 1
 * plain print. `first` numbers the groups so bars and times move on from chunk to chunk.
 */
export function kohyaGroups(first: number, groups: number, lastPlain?: string): string {
  const out: string[] = [];
  for (let g = first; g < first + groups; g++) {
    for (let j = 0; j < 7; j++) {
      const step = (g * 7 + j + 1) % 70_000;
      const pct = Math.floor(step / 700);
      const bar = '█'.repeat(Math.floor(pct / 10)).padEnd(10);
      out.push(`\rsteps: ${String(pct).padStart(3)}%|${bar}| ${step}/70000 [${pad(Math.floor(step / 180) % 60)}:${pad(step % 60)}<${pad(59 - (Math.floor(step / 180) % 60))}:07,  2.97it/s, avr_loss=0.0${(812 + step) % 1000}]`);
    }
    out.push('\n');
    const s = g % 60;
    const warn = g % 5 === 4;
    const level = warn ? '\x1b[33mWARNING\x1b[0m ' : '\x1b[34mINFO\x1b[0m    ';
    out.push(`\x1b[2m2026-02-01 11:${pad(Math.floor(g / 60) % 60)}:${pad(s)}\x1b[0m ${level} ${INFO_TEXTS[g % INFO_TEXTS.length]} ${g * 7}              \x1b[2mtrain_network.py\x1b[0m\x1b[2m:\x1b[0m\x1b[2m${1000 + (g % 400)}\x1b[0m\n`);
    out.push(`\x1b[2m2026-02-01 11:${pad(Math.floor(g / 60) % 60)}:${pad(s)}\x1b[0m \x1b[34mINFO\x1b[0m     avr_loss: 0.0${(812 + g) % 1000}, lr: 1.0e-04              \x1b[2mtrain_util.py\x1b[0m\x1b[2m:\x1b[0m\x1b[2m${5000 + (g % 700)}\x1b[0m\n`);
    const plain = g === first + groups - 1 && lastPlain !== undefined ? lastPlain : `${PLAIN_TEXTS[g % PLAIN_TEXTS.length]} ${g * 7}`;
    out.push(`${plain}\n`);
  }
  return out.join('');
}

/** Lines on screen per group: the bar, two log lines, the print. */
export const SCREEN_LINES_PER_GROUP = 4;

/** Console output already in console.log when the tab opens: `screenLines` lines on screen. */
export function consoleBacklog(screenLines: number): string {
  return kohyaGroups(0, Math.ceil(screenLines / SCREEN_LINES_PER_GROUP));
}

/** Chunk `k` of the live run: CHUNK_LINES lines ending with its marker line. */
export function consoleChunk(k: number): string {
  const groups = CHUNK_LINES / 10;
  return kohyaGroups(100_000 + k * groups, groups, markerLine(k));
}
