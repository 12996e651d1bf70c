import { reportUrlSchema, streamChunkSchema, type StreamChunk } from './contract';
import { isRecord } from './errors';

/**
 * Progress and log lines as RunPod relays them from a worker. Our worker sends the contract's
 * shapes; other workers send whatever their author chose (`"4/10"`, `"40%"`, `{ progress: … }`,
 * a bare number), so everything here reads leniently and answers null rather than guessing.
 */

export interface ParsedProgress {
  step: number | null;
  total: number | null;
  /** 0–1; from step/total when both are known, else from a percentage or fraction. */
  fraction: number | null;
  loss: number | null;
  lr: number | null;
  epoch: number | null;
  checkpoint: { ref: string; step: number | null } | null;
  /** Where the worker keeps its durable JobReport (contract.ts). */
  report: string | null;
}

export interface StreamItem {
  /** The chunk's number within the attempt, or null when the worker does not number its chunks. */
  seq: number | null;
  lines: string[];
  /** A checkpoint the chunk names (ours: the first chunk after an upload). */
  checkpoint?: { ref: string; step: number | null };
  /** Where the worker keeps its durable JobReport (ours: in chunk 1). */
  report?: string;
}

/** Wrappers nest rarely more than once (`{ progress: "{\"step\":…}" }`); the cap stops pathological input. */
const MAX_DEPTH = 4;
/** A progress string longer than this is a log line or a blob, not a progress report. */
const MAX_TEXT = 10_000;

export function parseProgress(output: unknown): ParsedProgress | null {
  return read(output, 0);
}

function read(v: unknown, depth: number): ParsedProgress | null {
  if (depth > MAX_DEPTH) return null;
  if (typeof v === 'number') return fromNumber(v);
  if (typeof v === 'string') return fromText(v, depth);
  if (isRecord(v)) return fromObject(v, depth);
  return null;
}

const EMPTY: ParsedProgress = { step: null, total: null, fraction: null, loss: null, lr: null, epoch: null, checkpoint: null, report: null };

/** A bare number: 0–1 is a fraction, up to 100 a percentage; anything else means nothing we know. */
function fromNumber(n: number): ParsedProgress | null {
  if (!Number.isFinite(n) || n < 0 || n > 100) return null;
  return { ...EMPTY, fraction: n <= 1 ? n + 0 : n / 100 };
}

// Bounded repetitions only: these run on text from a remote worker.
const RATIO = /^(?:[a-z][a-z _-]{0,20}?\s*[:=]?\s*)?(\d{1,15})\s*\/\s*(\d{1,15})(?:\s*[a-z][a-z ]{0,20})?\.?$/i;
const PERCENT = /^(\d{1,3}(?:\.\d{1,6})?)\s*%$/;
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,15})?(?:e[-+]?\d{1,3})?$/i;

function fromText(s: string, depth: number): ParsedProgress | null {
  const t = s.trim();
  if (!t || t.length > MAX_TEXT) return null;
  if (t.startsWith('{')) {
    try {
      return read(JSON.parse(t), depth + 1);
    } catch {
      return null;
    }
  }
  const ratio = RATIO.exec(t);
  if (ratio) return fromRatio(Number(ratio[1]), Number(ratio[2]));
  const percent = PERCENT.exec(t);
  if (percent) {
    const p = Number(percent[1]);
    return p <= 100 ? { ...EMPTY, fraction: p / 100 } : null;
  }
  if (DECIMAL.test(t)) return fromNumber(Number(t));
  return null;
}

function fromRatio(step: number, total: number): ParsedProgress | null {
  if (!isCount(step) || !isCount(total) || total === 0) return null;
  return { ...EMPTY, step, total, fraction: Math.min(1, step / total) };
}

function fromObject(r: Record<string, unknown>, depth: number): ParsedProgress | null {
  const inner = 'progress' in r ? read(r.progress, depth + 1) : null;
  const step = count(first(r, 'step', 'global_step', 'current_step')) ?? inner?.step ?? null;
  const totalRaw = count(first(r, 'total', 'total_steps', 'max_steps', 'max_train_steps'));
  const total = (totalRaw !== null && totalRaw > 0 ? totalRaw : null) ?? inner?.total ?? null;
  const percent = finite(first(r, 'percent', 'percentage'));
  const fractionField = finite(r.fraction);
  const fraction =
    step !== null && total !== null
      ? Math.min(1, step / total)
      : inner?.fraction ?? (percent !== null && percent >= 0 && percent <= 100 ? percent / 100 : null) ?? (fractionField !== null && fractionField >= 0 && fractionField <= 1 ? fractionField + 0 : null);
  const out: ParsedProgress = {
    step,
    total,
    fraction,
    loss: finite(r.loss) ?? inner?.loss ?? null,
    lr: finite(first(r, 'lr', 'learning_rate')) ?? inner?.lr ?? null,
    epoch: nonNegative(r.epoch) ?? inner?.epoch ?? null,
    checkpoint: checkpointOf(r.checkpoint) ?? inner?.checkpoint ?? null,
    report: reportOf(r.report) ?? inner?.report ?? null,
  };
  return Object.values(out).some((v) => v !== null) ? out : null;
}

function first(r: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (r[k] !== undefined && r[k] !== null) return r[k];
  return undefined;
}

/** Numbers, and numeric strings: some workers stringify every value they report. */
function finite(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && DECIMAL.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function count(v: unknown): number | null {
  const n = finite(v);
  return n !== null && isCount(n) ? n + 0 : null;
}

function nonNegative(v: unknown): number | null {
  const n = finite(v);
  return n !== null && n >= 0 ? n + 0 : null;
}

/** The ref is kept exactly as sent: Resume hands it back to the worker. */
function checkpointOf(v: unknown): ParsedProgress['checkpoint'] {
  if (typeof v === 'string') return v.trim() ? { ref: v, step: null } : null;
  if (!isRecord(v) || typeof v.ref !== 'string' || !v.ref.trim()) return null;
  return { ref: v.ref, step: count(v.step) };
}

function reportOf(v: unknown): string | null {
  const url = reportUrlSchema.safeParse(v);
  return url.success ? url.data : null;
}

/**
 * `/stream` items, in order. Ours are `{ seq, lines }` chunks; RunPod wraps each yielded value
 * as `{ output }`; other workers yield plain text. Values that are not text (a yielded progress
 * dict, a final result) are skipped: they are not log lines.
 */
export function parseStreamItems(raw: unknown[]): StreamItem[] {
  const out: StreamItem[] = [];
  for (const item of raw) {
    const parsed = streamItem(item, 0);
    if (parsed && (parsed.lines.length || parsed.checkpoint || parsed.report)) out.push(parsed);
  }
  return out;
}

function streamItem(v: unknown, depth: number): StreamItem | null {
  if (depth > MAX_DEPTH) return null;
  if (typeof v === 'string') return { seq: null, lines: splitLines(v) };
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? { seq: null, lines: v.flatMap(splitLines) } : null;
  if (!isRecord(v)) return null;
  const chunk = streamChunkSchema.safeParse(v);
  if (chunk.success) {
    return chunkItem(chunk.data);
  }
  if ('output' in v) return streamItem(v.output, depth + 1);
  if (Array.isArray(v.lines) && v.lines.every((x) => typeof x === 'string')) return { seq: null, lines: v.lines as string[] };
  return null;
}

/** A contract chunk as a StreamItem (from /stream, or from a JobReport's `chunks`). */
export function chunkItem(chunk: StreamChunk): StreamItem {
  const { seq, lines, checkpoint, report } = chunk;
  return { seq, lines, ...(checkpoint ? { checkpoint: { ref: checkpoint.ref, step: checkpoint.step } } : {}), ...(report ? { report } : {}) };
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
