import { z } from 'zod';
import { jobOutputSchema, type JobOutput } from './contract';
import { isRecord, parseJobError, type JobError } from './errors';
import { parseProgress, type ParsedProgress } from './progress';

/** RunPod's job statuses and what a status answer means for a session. Pure. */

export const RUNPOD_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type RunPodStatus = (typeof RUNPOD_STATUSES)[number];
export const FINAL_STATUSES: readonly RunPodStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

export function isFinalStatus(s: RunPodStatus | null): boolean {
  return s !== null && FINAL_STATUSES.includes(s);
}

/**
 * A known status, or null. RunPod's docs also list RUNNING (reported never to appear): it means
 * IN_PROGRESS. Anything else is reported as unrecognized rather than mapped to a guess.
 */
export function normalizeStatus(raw: string): RunPodStatus | null {
  if (raw === 'RUNNING') return 'IN_PROGRESS';
  return (RUNPOD_STATUSES as readonly string[]).includes(raw) ? (raw as RunPodStatus) : null;
}

export interface JobStatus {
  id: string;
  /** null when RunPod sent a status Trainlab does not know; `rawStatus` holds it. */
  status: RunPodStatus | null;
  rawStatus: string;
  /** Milliseconds in the queue, as RunPod measures them. */
  delayTime: number | null;
  executionTime: number | null;
  output: unknown;
  error: JobError | null;
  workerId: string | null;
}

const optionalNumber = z.number().nullish().catch(null);
const optionalString = z.string().nullish().catch(null);

/** A status answer (`/run`, `/status`, `/cancel`, `/retry`); fields beyond id and status are optional. */
export const statusBodySchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  delayTime: optionalNumber,
  executionTime: optionalNumber,
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  workerId: optionalString,
});

/** null when the body lacks a job id or a status: the caller reports it as malformed. */
export function parseJobStatus(body: unknown): JobStatus | null {
  const parsed = statusBodySchema.safeParse(body);
  if (!parsed.success) return null;
  const b = parsed.data;
  return {
    id: b.id,
    status: normalizeStatus(b.status),
    rawStatus: b.status,
    delayTime: b.delayTime ?? null,
    executionTime: b.executionTime ?? null,
    output: b.output ?? null,
    error: parseJobError(b.error),
    workerId: b.workerId ?? null,
  };
}

/**
 * A job's output read against the contract. Lenient: a field that does not match is dropped and
 * named in `problems` while the others are kept, since a model path is worth having even when
 * the metrics are odd.
 */
export interface ParsedOutput {
  value: JobOutput | null;
  raw: unknown;
  problems: string[];
}

export function parseOutput(raw: unknown): ParsedOutput {
  const candidate = finalOf(raw);
  if (!isRecord(candidate)) {
    const problem = Array.isArray(raw) ? 'the streamed output holds no final result' : raw === null || raw === undefined ? 'the job returned no output' : 'the output is not an object';
    return { value: null, raw, problems: [problem] };
  }
  const whole = jobOutputSchema.safeParse(candidate);
  if (whole.success) return { value: whole.data, raw, problems: [] };
  const value: Record<string, unknown> = { ...candidate };
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(jobOutputSchema.shape)) {
    if (!(key in value)) continue;
    const field = (schema as z.ZodType).safeParse(value[key]);
    if (field.success) value[key] = field.data;
    else {
      delete value[key];
      problems.push(`"${key}" does not match the job contract`);
    }
  }
  const retried = jobOutputSchema.safeParse(value);
  return retried.success ? { value: retried.data, raw, problems } : { value: null, raw, problems: [...problems, 'the output does not match the job contract'] };
}

/**
 * With `return_aggregate_stream`, RunPod's output is the list of yielded items; the last one
 * holding a `result` (or `final`) object is the outcome. A JSON string is read as JSON.
 */
function finalOf(raw: unknown): unknown {
  let v = raw;
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      v = JSON.parse(v);
    } catch {
      return v;
    }
  }
  if (Array.isArray(v)) {
    for (let i = v.length - 1; i >= 0; i--) {
      const found = wrapped(unwrapOutput(v[i]));
      if (found) return found;
    }
    return undefined;
  }
  return wrapped(v) ?? v;
}

function unwrapOutput(v: unknown): unknown {
  return isRecord(v) && 'output' in v ? v.output : v;
}

function wrapped(v: unknown): Record<string, unknown> | null {
  if (!isRecord(v)) return null;
  if (isRecord(v.result)) return v.result;
  if (isRecord(v.final)) return v.final;
  return null;
}

export type Interpretation =
  | { kind: 'queued'; delayMs: number | null }
  | { kind: 'running'; progress: ParsedProgress | null; executionMs: number | null }
  | { kind: 'completed'; output: ParsedOutput }
  | { kind: 'failed'; error: JobError | null; message: string; output: ParsedOutput | null }
  | { kind: 'cancelled' }
  | { kind: 'timed-out'; message: string }
  | { kind: 'unrecognized'; raw: string };

export interface InterpretContext {
  /** The `policy.executionTimeout` the job was sent with, to name it when RunPod stops the job. */
  executionTimeoutMs: number | null;
}

export function interpretStatus(js: JobStatus, ctx: InterpretContext): Interpretation {
  switch (js.status) {
    case 'IN_QUEUE':
      return { kind: 'queued', delayMs: js.delayTime };
    case 'IN_PROGRESS':
      return { kind: 'running', progress: parseProgress(js.output), executionMs: js.executionTime };
    case 'COMPLETED':
      return { kind: 'completed', output: parseOutput(js.output) };
    case 'FAILED':
      return { kind: 'failed', error: js.error, message: failureMessage(js.error), output: hasValue(js.output) ? parseOutput(js.output) : null };
    case 'CANCELLED':
      return { kind: 'cancelled' };
    case 'TIMED_OUT':
      return { kind: 'timed-out', message: timedOutMessage(ctx.executionTimeoutMs) };
    case null:
      return { kind: 'unrecognized', raw: js.rawStatus };
  }
}

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);
}

function failureMessage(error: JobError | null): string {
  if (!error) return 'The job failed on RunPod without saying why.';
  const text = error.message.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
  const short = text.length > 300 ? `${text.slice(0, 299)}…` : text;
  const what = error.type && !short.startsWith(error.type) ? `${error.type}: ${short}` : short;
  return /[.!?…]$/.test(what) ? `The job failed on RunPod: ${what}` : `The job failed on RunPod: ${what}.`;
}

function timedOutMessage(executionTimeoutMs: number | null): string {
  if (executionTimeoutMs !== null && executionTimeoutMs > 0) {
    return `RunPod stopped the job when its execution timeout of ${formatDuration(executionTimeoutMs)} ran out.`;
  }
  return "RunPod stopped the job when its execution timeout ran out (RunPod's default is 10 minutes when a job sets none).";
}

/** `90 minutes` reads worse than `1 hour 30 minutes`; seconds only under a minute. */
export function formatDuration(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < 60_000) return plural(Math.max(0, Math.round(ms / 1000)), 'second');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour');
}

export interface NotFoundContext {
  jobId: string;
  submittedAt: Date | string | number;
  /** The `policy.ttl` sent with the job; null means RunPod's default of 24 hours. */
  ttlMs: number | null;
  lastSeenAt: Date | string | number | null;
  /** The raw status last seen, if any. */
  lastStatus: string | null;
  now: Date | number;
}

/** RunPod's ttl when a job sets none (runpod.md). */
export const DEFAULT_TTL_MS = 24 * 3600_000;

/**
 * RunPod answered 404 for a job whose final state was never seen. That is not a failure: either
 * the ttl ran out (RunPod deletes the job, even one still running) or the job ended and its
 * result outlived RunPod's 30-minute retention before Trainlab looked again.
 */
export function explainNotFound(c: NotFoundContext): string {
  const now = toMs(c.now) ?? Date.now();
  const submitted = toMs(c.submittedAt);
  const ttl = c.ttlMs !== null && c.ttlMs > 0 ? c.ttlMs : DEFAULT_TTL_MS;
  const ttlName = c.ttlMs !== null && c.ttlMs > 0 ? `its ttl of ${formatDuration(ttl)}` : "RunPod's default ttl of 24 hours";
  const head = `RunPod no longer knows job "${c.jobId}", so its outcome is unknown (not necessarily a failure).`;
  const reason =
    submitted !== null && submitted + ttl <= now
      ? `It was submitted at ${formatTime(submitted)} and ${ttlName} has passed, after which RunPod deletes a job even while it runs.`
      : 'RunPod keeps a finished job for only 30 minutes, so the job probably ended after it was last seen and its result has since been removed.';
  const seen = toMs(c.lastSeenAt);
  const last =
    seen !== null
      ? `It was last seen${c.lastStatus ? ` ${c.lastStatus}` : ''} at ${formatTime(seen)} (${formatDuration(Math.max(0, now - seen))} ago).`
      : 'Trainlab never saw its status after submitting it.';
  return `${head} ${reason} ${last}`;
}

function toMs(v: Date | string | number | null): number | null {
  if (v === null) return null;
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** UTC, so the text is the same on every machine and in tests. */
function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
