// Log parsing performance, as ratios against a floor measured in the same run:
// - a generated kohya console.log (~200 MB, BENCH_LOG_MB): reading it in chunks and splitting
//   it on \r/\n (the floor) vs the full pipeline (LineSplitter + kohya parser + ProgressTracker);
// - a generated 1 GB log (BENCH_LOG_GB): readLastLines(path, 10000) time and peak RSS above the
//   baseline (targets: ≤ 100 ms, ≤ 50 MB).
// The temporary files are removed afterwards.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createParser, LogFollower, ProgressTracker, readLastLines } from '../src/core/logs';

const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 200);
const LOG_GB = Number(process.env.BENCH_LOG_GB ?? 1);
const RUNS = Number(process.env.BENCH_LOG_RUNS ?? 3);
const CHUNK = 1024 * 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => bytes / 1024 / 1024;

const pad2 = (n: number) => String(n).padStart(2, '0');
function fmtTime(sec: number): string {
  const s = Math.floor(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${pad2(m)}:${pad2(s % 60)}`;
}
const BLOCKS = ' ▏▎▍▌▋▊▉█';
function bar(frac: number): string {
  const cells = frac * 10;
  const full = Math.floor(cells);
  return ('█'.repeat(full) + (full < 10 ? BLOCKS[Math.floor((cells - full) * 8)] : '')).padEnd(10, ' ');
}

/**
 * A kohya run as sd-scripts prints it: header, `\r` bar updates with avr_loss, `epoch E/N`
 * lines every `perEpoch` steps, a save (checkpoint and state lines) every 500 steps.
 */
class KohyaLog {
  private step = 0;
  constructor(
    private readonly total: number,
    private readonly perEpoch = 100,
  ) {}

  header(): string {
    return [
      '2025-06-29 11:50:01 INFO     Loading settings from /data/run/session/dataset.toml...      train_util.py:4410',
      'running training / 学習開始',
      '  num train images * repeats / 学習画像の数×繰り返し回数: 1000',
      `  num epochs / epoch数: ${Math.ceil(this.total / this.perEpoch)}`,
      `  total optimization steps / 学習ステップ数: ${this.total}`,
      '',
    ].join('\n');
  }

  /** The next `n` steps of output (wraps around the total, so any length can be made). */
  next(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const step = (this.step % this.total) + 1;
      this.step++;
      if ((step - 1) % this.perEpoch === 0) s += `\nepoch ${Math.floor((step - 1) / this.perEpoch) + 1}/${Math.ceil(this.total / this.perEpoch)}\n\n2025-06-29 12:10:05 INFO     epoch is incremented. current_epoch: 0, epoch: 1     train_util.py:779\n`;
      const loss = (0.1 + ((step * 7919) % 1000) / 10000).toPrecision(3);
      s += `\rsteps: ${String(Math.round((step / this.total) * 100)).padStart(3)}%|${bar(step / this.total)}| ${step}/${this.total} [${fmtTime(step * 1.5)}<${fmtTime((this.total - step) * 1.5)},  1.50s/it, avr_loss=${loss}]`;
      if (step % 500 === 0) s += `\nsaving checkpoint: /data/run/session/output/neon-step${String(step).padStart(8, '0')}.safetensors\n                    INFO     saving state at step ${step}        train_util.py:5186\n`;
    }
    return s;
  }
}

/** Writes about `bytes` of kohya log to `path`. */
function writeKohyaLog(path: string, bytes: number): number {
  const log = new KohyaLog(1_000_000);
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    written += writeSync(fd, log.header());
    while (written < bytes) written += writeSync(fd, Buffer.from(log.next(20_000)));
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Writes `bytes` by repeating one ~4 MB block of log: fast, and realistic enough to tail. */
function writeRepeatedLog(path: string, bytes: number): number {
  const log = new KohyaLog(100_000);
  let text = log.header();
  while (Buffer.byteLength(text) < 4 * 1024 * 1024) text += log.next(2000);
  const block = Buffer.from(text);
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    while (written < bytes) written += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Reads the file in chunks, calling `fn` on each. */
function readChunks(path: string, fn: (chunk: Buffer) => void): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      fn(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** The floor: chunks decoded and split into segment strings on \r and \n, nothing else. */
function floor(path: string): number {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let segments = 0;
  readChunks(path, (chunk) => {
    const s = tail + decoder.write(chunk);
    let start = 0;
    let cr = s.indexOf('\r');
    let lf = s.indexOf('\n');
    for (;;) {
      const sep = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (sep < 0) break;
      const seg = s.slice(start, sep);
      if (seg.length > 0) segments++;
      start = sep + 1;
      if (sep === cr) cr = s.indexOf('\r', start);
      else lf = s.indexOf('\n', start);
    }
    tail = s.slice(start);
  });
  return segments;
}

/** The full pipeline: what following a session's console.log does. */
function full(path: string): { step: number; points: number } {
  const follower = new LogFollower({ parser: createParser('kohya'), tracker: new ProgressTracker({ trainer: 'kohya', attemptStartStep: 0, barCountsFromResume: true }) });
  let points = 0;
  readChunks(path, (chunk) => {
    points += follower.push(chunk).length;
  });
  points += follower.end().length;
  return { step: follower.tracker.state.step, points };
}

/** Wall and CPU time (user + system) of fn; CPU time is steadier on a busy machine. */
function time<T>(fn: () => T): [number, number, T] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return [wall, (cpu.user + cpu.system) / 1000, r];
}

async function tailBench(dir: string): Promise<[string, string, string][]> {
  const path = join(dir, 'big.log');
  const t0 = process.hrtime.bigint();
  const size = writeRepeatedLog(path, Math.round(LOG_GB * 1024 * 1024 * 1024));
  const genMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await readLastLines(path, 10_000); // warm up code and page cache
  const times: number[] = [];
  let deltaPeak = 0;
  let result = { lines: [] as string[], startOffset: 0 };
  for (let i = 0; i < Math.max(3, RUNS); i++) {
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    const maxBefore = process.resourceUsage().maxRSS * 1024;
    let sampled = baseline;
    const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 1);
    const s0 = process.hrtime.bigint();
    result = await readLastLines(path, 10_000);
    times.push(Number(process.hrtime.bigint() - s0) / 1e6);
    clearInterval(sampler);
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    const peak = Math.max(sampled, process.memoryUsage().rss, maxAfter > maxBefore ? maxAfter : 0);
    deltaPeak = Math.max(deltaPeak, peak - baseline);
  }
  const t = median(times);
  const d = mb(deltaPeak);
  return [
    [`generated log for readLastLines (4 MB block repeated)`, `${mb(size).toFixed(0)} MB`, `${(genMs / 1000).toFixed(1)} s to write`],
    ['readLastLines(path, 10000)', `${t.toFixed(1)} ms`, t <= 100 ? 'target ≤ 100 ms' : 'target ≤ 100 ms (over)'],
    ['  lines returned / bytes read from the end', `${result.lines.length} / ${mb(size - result.startOffset).toFixed(1)} MB`, ''],
    ['  peak RSS above baseline', `${d.toFixed(1)} MB`, d <= 50 ? 'target ≤ 50 MB' : 'target ≤ 50 MB (over)'],
  ];
}

export async function benchLogs(): Promise<{ rows: [string, string, string][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-bench-logs-'));
  try {
    // The tail first, so its RSS is not hidden behind the parse's peak.
    const tailRows = await tailBench(dir);
    rmSync(join(dir, 'big.log'), { force: true });

    const path = join(dir, 'console.log');
    const size = writeKohyaLog(path, LOG_MB * 1024 * 1024);
    floor(path); // page cache and JIT warm for both
    full(path);
    const floors: number[] = [];
    const fulls: number[] = [];
    const floorCpu: number[] = [];
    const fullCpu: number[] = [];
    let segments = 0;
    let last = { step: 0, points: 0 };
    for (let i = 0; i < RUNS; i++) {
      const [f, fc, n] = time(() => floor(path));
      floors.push(f);
      floorCpu.push(fc);
      segments = n;
      const [p, pc, r] = time(() => full(path));
      fulls.push(p);
      fullCpu.push(pc);
      last = r;
    }
    if (last.step <= 0) throw new Error('the parse found no progress');
    const f = median(floors);
    const p = median(fulls);
    const ratio = median(fullCpu) / median(floorCpu);
    const rows: [string, string, string][] = [
      [`kohya log`, `${mb(statSync(path).size).toFixed(0)} MB`, `${segments} segments`],
      ['floor: read in chunks + split on \\r/\\n', `${f.toFixed(0)} ms`, `${(mb(size) / (f / 1000)).toFixed(0)} MB/s (CPU ${median(floorCpu).toFixed(0)} ms)`],
      ['full: LineSplitter + kohya parser + tracker', `${p.toFixed(0)} ms`, `${(mb(size) / (p / 1000)).toFixed(0)} MB/s (CPU ${median(fullCpu).toFixed(0)} ms), ${last.points} metric points`],
      ['ratio full / floor (CPU time)', `${ratio.toFixed(2)}`, `wall: ${(p / f).toFixed(2)}`],
      ...tailRows,
    ];
    return { rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
