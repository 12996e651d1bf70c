import { z } from 'zod';
import { runRequestSchema, type RunRequest } from './contract';
import {
  httpError,
  malformedError,
  networkError,
  redact,
  RunPodError,
  runUnconfirmedError,
  type RunPodErrorInit,
  timeoutError,
  describeNetworkError,
  type CallContext,
} from './errors';
import { parseStreamItems, type StreamItem } from './progress';
import { normalizeStatus, parseJobStatus, type JobStatus, type RunPodStatus } from './status';

/**
 * RunPod Serverless queue API (`/run`, `/status`, `/stream`, `/cancel`, `/retry`, `/health`).
 *
 * No official client retries, and a status poll that dies on one 503 would leave a paid job
 * unwatched, so idempotent routes retry with backoff. `/run` and `/retry` never do: both queue
 * paid work, and a lost answer may hide a job that exists.
 */

export interface RunPodClientOptions {
  /** e.g. https://api.runpod.ai/v2, without the endpoint id. */
  baseUrl: string;
  endpointId: string;
  apiKey: string;
  /** Per attempt, body included. */
  timeoutMs?: number;
  /** Retries after the first attempt, on idempotent routes only. */
  maxRetries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** For `Retry-After` given as an HTTP date. */
  now?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  route: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface Health {
  jobs: { completed: number; failed: number; inProgress: number; inQueue: number; retried: number };
  workers: { idle: number; running: number; [state: string]: number };
}

export interface StreamResult {
  /** null for the bare-array shape, which carries no status, or a status Trainlab does not know. */
  status: RunPodStatus | null;
  rawStatus: string | null;
  chunks: StreamItem[];
}

/** RunPod's serverless API; `trainlab.runpod.baseUrl` / `TRAINLAB_RUNPOD_BASE_URL` replace it (a stand-in, a proxy). */
export const DEFAULT_RUNPOD_BASE_URL = 'https://api.runpod.ai/v2';
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RETRIES = 4;
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
export const RETRY_AFTER_CAP_MS = 120_000;
/** RunPod refuses larger `/run` bodies; checking first turns a 400 after a long upload into an instant answer. */
export const MAX_RUN_BODY_BYTES = 10 * 1024 * 1024;

/** Full jitter (a random point below the exponential ceiling) spreads retries of many pollers. */
export function backoffDelay(retry: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * ceiling);
}

/** `Retry-After` as seconds or an HTTP date → ms (capped), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const t = value.trim();
  if (!t) return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) ms = Number(t) * 1000;
  else {
    const date = Date.parse(t);
    if (!Number.isFinite(date)) return null;
    ms = date - now;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.round(ms)));
}

const count = z.number().catch(0).default(0);
const healthSchema = z.looseObject({
  jobs: z.looseObject({ completed: count, failed: count, inProgress: count, inQueue: count, retried: count }).catch({ completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0 }).default({ completed: 0, failed: 0, inProgress: 0, inQueue: 0, retried: 0 }),
  workers: z.record(z.string(), z.unknown()).catch({}).default({}),
});

const streamObjectSchema = z.looseObject({
  status: z.string().nullish().catch(null),
  stream: z.array(z.unknown()).nullish(),
});

type Route = '/run' | '/status' | '/stream' | '/cancel' | '/retry' | '/health';

interface CallSpec {
  route: Route;
  method: 'GET' | 'POST';
  jobId: string | null;
  body?: string;
  idempotent: boolean;
}

/** One attempt's raw outcome: an HTTP answer, or why there was none. */
type Attempt = { kind: 'answer'; status: number; text: string; retryAfter: string | null } | { kind: 'network'; reason: string } | { kind: 'timeout' };

class Expired extends Error {}

export class RunPodClient {
  readonly endpointId: string;
  readonly baseUrl: string;
  // private, so logging the client object never prints the key
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;

  constructor(options: RunPodClientOptions) {
    if (!options.apiKey) throw new Error('No RunPod API key is set.');
    if (!options.endpointId.trim()) throw new Error('No RunPod endpoint id is set.');
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error('The RunPod base URL is not a valid URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The RunPod base URL must start with https:// (or http:// for a local stand-in).');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.endpointId = options.endpointId.trim();
    this.#apiKey = options.apiKey;
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.#maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#onRetry = options.onRetry;
  }

  /**
   * Queues a job. Never retried: once the request may have reached RunPod, a lost answer becomes
   * `run-unconfirmed`, so the caller records that a job may exist instead of paying for two.
   */
  async run(req: RunRequest): Promise<JobStatus> {
    const ctx: CallContext = { route: '/run', endpointId: this.endpointId, jobId: null, attempts: 0 };
    const checked = runRequestSchema.safeParse(req);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw this.#clean(new RunPodError('bad-request', `Trainlab did not send /run for endpoint "${this.endpointId}": the request is invalid${where} (${issue?.message ?? 'unknown problem'}).`, { route: '/run', endpointId: this.endpointId, retryable: false }));
    }
    const body = JSON.stringify(req);
    if (Buffer.byteLength(body) > MAX_RUN_BODY_BYTES) {
      throw this.#clean(new RunPodError('bad-request', `Trainlab did not send /run for endpoint "${this.endpointId}": the request is larger than RunPod's 10 MB limit. Pass large data by URL instead.`, { route: '/run', endpointId: this.endpointId, retryable: false }));
    }
    const spec: CallSpec = { route: '/run', method: 'POST', jobId: null, body, idempotent: false };
    try {
      return await this.#call(spec, (json) => parseJobStatus(json), 'has no job id or status');
    } catch (e) {
      throw this.#clean(this.#runFailure(e, { ...ctx, attempts: 1 }));
    }
  }

  async status(jobId: string): Promise<JobStatus> {
    return this.#jobCall('/status', 'GET', jobId, true);
  }

  async stream(jobId: string): Promise<StreamResult> {
    const spec: CallSpec = { route: '/stream', method: 'GET', jobId: this.#checkJobId('/stream', jobId), idempotent: true };
    return this.#call(spec, parseStream, 'is neither a list of stream items nor an object holding one');
  }

  async cancel(jobId: string): Promise<JobStatus> {
    return this.#jobCall('/cancel', 'POST', jobId, true);
  }

  /** Queues a FAILED or TIMED_OUT job again (same id). Not retried automatically: it queues paid work. */
  async retry(jobId: string): Promise<JobStatus> {
    try {
      return await this.#jobCall('/retry', 'POST', jobId, false);
    } catch (e) {
      if (e instanceof RunPodError && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'server' || e.kind === 'malformed')) {
        throw this.#clean(new RunPodError(e.kind, `${e.message} The job may have been queued again: check its status before retrying.`, { ...errorInit(e), retryable: false }));
      }
      throw e;
    }
  }

  async health(): Promise<Health> {
    const spec: CallSpec = { route: '/health', method: 'GET', jobId: null, idempotent: true };
    return this.#call(spec, parseHealth, 'is not a health object');
  }

  #jobCall(route: Route, method: 'GET' | 'POST', jobId: string, idempotent: boolean): Promise<JobStatus> {
    const spec: CallSpec = { route, method, jobId: this.#checkJobId(route, jobId), idempotent };
    return this.#call(spec, (json) => parseJobStatus(json), 'has no job id or status');
  }

  #checkJobId(route: Route, jobId: string): string {
    if (typeof jobId !== 'string' || !jobId.trim()) {
      throw this.#clean(new RunPodError('bad-request', `Trainlab did not call ${route} for endpoint "${this.endpointId}": no job id was given.`, { route, endpointId: this.endpointId, retryable: false }));
    }
    return jobId.trim();
  }

  #url(spec: CallSpec): string {
    const job = spec.jobId !== null ? `/${encodeURIComponent(spec.jobId)}` : '';
    return `${this.baseUrl}/${encodeURIComponent(this.endpointId)}${spec.route}${job}`;
  }

  async #call<T>(spec: CallSpec, parse: (json: unknown) => T | null, shapeProblem: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const ctx: CallContext = { route: spec.route, endpointId: this.endpointId, jobId: spec.jobId, attempts: attempt };
      const outcome = await this.#attempt(spec);
      let error: RunPodError;
      let retryAfterMs: number | null = null;
      if (outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300) {
        let json: unknown;
        try {
          json = JSON.parse(outcome.text);
        } catch {
          throw this.#clean(malformedError(ctx, 'it is not JSON', outcome.status));
        }
        const value = parse(json);
        if (value === null) throw this.#clean(malformedError(ctx, `it ${shapeProblem}`, outcome.status));
        return value;
      }
      if (outcome.kind === 'answer') {
        retryAfterMs = parseRetryAfter(outcome.retryAfter, this.#now());
        error = httpError(ctx, outcome.status, outcome.text, retryAfterMs);
      } else if (outcome.kind === 'network') error = networkError(ctx, outcome.reason);
      else error = timeoutError(ctx, this.#timeoutMs);
      error = this.#clean(error);
      const transient = error.kind === 'rate-limited' || error.kind === 'server' || error.kind === 'network' || error.kind === 'timeout';
      if (!spec.idempotent || !transient || attempt > this.#maxRetries) throw error;
      const delayMs = retryAfterMs ?? backoffDelay(attempt, this.#random);
      this.#onRetry?.({ route: spec.route, attempt, delayMs, reason: redact(reasonOf(outcome), this.#apiKey) });
      await this.#sleep(delayMs);
    }
  }

  /**
   * One request with its own timeout over headers and body alike. The race with the abort keeps
   * the timeout honest even if an injected fetch ignores the signal.
   */
  async #attempt(spec: CallSpec): Promise<Attempt> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Expired());
      }, this.#timeoutMs);
    });
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#apiKey}`, Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const init: RequestInit = { method: spec.method, headers, signal: controller.signal };
    if (spec.body !== undefined) init.body = spec.body;
    try {
      const request = this.#fetch(this.#url(spec), init);
      request.catch(() => undefined);
      const res = await Promise.race([request, expired]);
      const reading = res.text();
      reading.catch(() => undefined);
      const text = await Promise.race([reading, expired]);
      return { kind: 'answer', status: res.status, text, retryAfter: res.headers.get('retry-after') };
    } catch (e) {
      if (e instanceof Expired || controller.signal.aborted) return { kind: 'timeout' };
      return { kind: 'network', reason: describeNetworkError(e) };
    } finally {
      clearTimeout(timer);
      expired.catch(() => undefined);
    }
  }

  /** Which failures of `/run` are clear refusals (nothing started) and which leave a job possibly created. */
  #runFailure(e: unknown, ctx: CallContext): RunPodError {
    if (!(e instanceof RunPodError)) return runUnconfirmedError(ctx, 'an unexpected error');
    switch (e.kind) {
      case 'auth':
      case 'bad-request':
      case 'not-found':
      case 'rate-limited':
        return e;
      case 'network':
        return runUnconfirmedError(ctx, 'the connection failed');
      case 'timeout':
        return runUnconfirmedError(ctx, e.status !== undefined ? `HTTP ${e.status}` : 'no answer in time', e.status);
      case 'server':
        return runUnconfirmedError(ctx, `HTTP ${e.status ?? 500}`, e.status);
      case 'malformed':
        return runUnconfirmedError(ctx, 'the answer could not be read', e.status);
      default:
        return runUnconfirmedError(ctx, e.kind, e.status);
    }
  }

  #clean(error: RunPodError): RunPodError {
    const text = redact(error.message, this.#apiKey);
    return text === error.message ? error : new RunPodError(error.kind, text, errorInit(error));
  }
}

function errorInit(e: RunPodError): RunPodErrorInit {
  const init: RunPodErrorInit = { route: e.route, retryable: e.retryable, jobId: e.jobId, attempts: e.attempts };
  if (e.endpointId !== null) init.endpointId = e.endpointId;
  if (e.status !== undefined) init.status = e.status;
  return init;
}

function reasonOf(outcome: Attempt): string {
  if (outcome.kind === 'answer') return `HTTP ${outcome.status}`;
  if (outcome.kind === 'network') return `network error (${outcome.reason})`;
  return 'no answer in time';
}

function parseStream(json: unknown): StreamResult | null {
  if (Array.isArray(json)) return { status: null, rawStatus: null, chunks: parseStreamItems(json) };
  const parsed = streamObjectSchema.safeParse(json);
  if (!parsed.success) return null;
  const { status, stream } = parsed.data;
  // an object with neither is not a stream answer at all
  if (!status && !stream) return null;
  return { status: status ? normalizeStatus(status) : null, rawStatus: status ?? null, chunks: parseStreamItems(stream ?? []) };
}

function parseHealth(json: unknown): Health | null {
  const parsed = healthSchema.safeParse(json);
  if (!parsed.success) return null;
  const { completed, failed, inProgress, inQueue, retried } = parsed.data.jobs;
  const workers: Health['workers'] = { idle: 0, running: 0 };
  for (const [state, n] of Object.entries(parsed.data.workers)) {
    if (typeof n === 'number' && Number.isFinite(n)) workers[state] = n;
  }
  return { jobs: { completed, failed, inProgress, inQueue, retried }, workers };
}
