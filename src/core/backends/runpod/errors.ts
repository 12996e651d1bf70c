/**
 * Errors of the RunPod client, and the `error` field of a FAILED job.
 *
 * Every message is a sentence a person can act on, naming the route and the endpoint. None
 * may ever hold the API key: the client passes each one through `redact` before it is thrown,
 * and the original exception is not attached as `cause`, since a custom fetch could put
 * anything (request headers included) in its own text.
 */

export type RunPodErrorKind =
  | 'auth'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'run-unconfirmed'
  | 'unrecognized-status';

export interface RunPodErrorInit {
  route: string;
  status?: number;
  /** Trying the same call again later is safe and may succeed. */
  retryable: boolean;
  endpointId?: string;
  jobId?: string | null;
  /** How many requests were sent before giving up (0 when refused locally). */
  attempts?: number;
}

export class RunPodError extends Error {
  readonly kind: RunPodErrorKind;
  readonly status?: number;
  readonly route: string;
  readonly retryable: boolean;
  readonly endpointId: string | null;
  readonly jobId: string | null;
  readonly attempts: number;

  constructor(kind: RunPodErrorKind, message: string, init: RunPodErrorInit) {
    super(message);
    this.name = 'RunPodError';
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
    this.route = init.route;
    this.retryable = init.retryable;
    this.endpointId = init.endpointId ?? null;
    this.jobId = init.jobId ?? null;
    this.attempts = init.attempts ?? 0;
  }
}

export function isRunPodError(e: unknown): e is RunPodError {
  return e instanceof RunPodError;
}

/** Short keys would blank out ordinary letters of a message; real keys are long. */
const MIN_REDACTED_LENGTH = 4;

export function redact(text: string, secret: string): string {
  if (secret.length < MIN_REDACTED_LENGTH) return text;
  return text.split(secret).join('[redacted]');
}

/** What the client knows about a call when it turns a failure into an error. */
export interface CallContext {
  route: string;
  endpointId: string;
  jobId: string | null;
  attempts: number;
}

/** A call that returned an HTTP error status, in RunPod's own words where it gave some. */
export function httpError(ctx: CallContext, status: number, bodyText: string, retryAfterMs: number | null = null): RunPodError {
  const where = `${status} from ${ctx.route} for endpoint "${ctx.endpointId}"`;
  const init = { route: ctx.route, status, endpointId: ctx.endpointId, jobId: ctx.jobId, attempts: ctx.attempts };
  const gaveUp = ctx.attempts > 1 ? ` Gave up after ${ctx.attempts} attempts.` : '';
  if (status === 401) return new RunPodError('auth', `RunPod rejected the API key (HTTP ${where}). Check the RunPod API key Trainlab uses.`, { ...init, retryable: false });
  if (status === 403) {
    return new RunPodError('auth', `RunPod rejected the API key for this endpoint (HTTP ${where}): the key may lack access to it. Check the key and the endpoint id.`, { ...init, retryable: false });
  }
  if (status === 404) {
    const message = ctx.jobId !== null
      ? `RunPod does not know job "${ctx.jobId}" (HTTP ${where}): it has expired or the id is unknown. RunPod keeps a finished job's result for 30 minutes and deletes any job once its ttl has passed.`
      : `RunPod found no endpoint "${ctx.endpointId}" (HTTP 404 from ${ctx.route}). Check the endpoint id and the RunPod base URL.`;
    return new RunPodError('not-found', message, { ...init, retryable: false });
  }
  if (status === 429) {
    const wait = retryAfterMs !== null ? ` RunPod asked to wait ${Math.ceil(retryAfterMs / 1000)} s.` : '';
    const nothing = ctx.route === '/run' ? ' No job was started; try again shortly.' : '';
    return new RunPodError('rate-limited', `RunPod is rate-limiting ${ctx.route} for endpoint "${ctx.endpointId}" (HTTP 429).${wait}${nothing}${gaveUp}`, { ...init, retryable: true });
  }
  if (status === 408) return timeoutError(ctx, null, status);
  if (status >= 500) {
    const words = reasonFromBody(bodyText);
    const said = words ? ` RunPod said: ${sentence(words)}` : '';
    return new RunPodError('server', `RunPod had a server error on ${ctx.route} for endpoint "${ctx.endpointId}" (HTTP ${status}).${said}${gaveUp}`, { ...init, retryable: true });
  }
  // 400 and the rarer 4xx (413 too large, 405, 422): the request itself is at fault
  const words = reasonFromBody(bodyText);
  const said = words ? sentence(words) : 'RunPod gave no reason.';
  return new RunPodError('bad-request', `RunPod refused the request to ${ctx.route} for endpoint "${ctx.endpointId}" (HTTP ${status}): ${said}`, { ...init, retryable: false });
}

export function networkError(ctx: CallContext, reason: string): RunPodError {
  const gaveUp = ctx.attempts > 1 ? ` Gave up after ${ctx.attempts} attempts.` : '';
  return new RunPodError('network', `Could not reach RunPod for ${ctx.route} on endpoint "${ctx.endpointId}" (${reason}).${gaveUp}`, {
    route: ctx.route, endpointId: ctx.endpointId, jobId: ctx.jobId, attempts: ctx.attempts, retryable: true,
  });
}

export function timeoutError(ctx: CallContext, timeoutMs: number | null, status?: number): RunPodError {
  const gaveUp = ctx.attempts > 1 ? ` Gave up after ${ctx.attempts} attempts.` : '';
  const within = timeoutMs !== null ? ` within ${formatSeconds(timeoutMs)}` : ` in time (HTTP ${status ?? 408})`;
  const init: RunPodErrorInit = { route: ctx.route, endpointId: ctx.endpointId, jobId: ctx.jobId, attempts: ctx.attempts, retryable: true };
  if (status !== undefined) init.status = status;
  return new RunPodError('timeout', `RunPod did not answer ${ctx.route} for endpoint "${ctx.endpointId}"${within}.${gaveUp}`, init);
}

export function malformedError(ctx: CallContext, problem: string, status?: number): RunPodError {
  const init: RunPodErrorInit = { route: ctx.route, endpointId: ctx.endpointId, jobId: ctx.jobId, attempts: ctx.attempts, retryable: false };
  if (status !== undefined) init.status = status;
  return new RunPodError('malformed', `RunPod's answer to ${ctx.route} for endpoint "${ctx.endpointId}" could not be read: ${sentence(problem)}`, init);
}

/**
 * `/run` sent, answer lost: RunPod may have queued a paid job. Starting again blindly could run
 * (and bill) it twice, so the person is told to look first.
 */
export function runUnconfirmedError(ctx: CallContext, what: string, status?: number): RunPodError {
  const init: RunPodErrorInit = { route: ctx.route, endpointId: ctx.endpointId, jobId: null, attempts: ctx.attempts, retryable: false };
  if (status !== undefined) init.status = status;
  return new RunPodError(
    'run-unconfirmed',
    `RunPod's answer to /run for endpoint "${ctx.endpointId}" was lost (${what}), so a job may have been created and may be running. Check the endpoint's requests in the RunPod console before starting again.`,
    init,
  );
}

export function unrecognizedStatusError(ctx: CallContext, rawStatus: string): RunPodError {
  return new RunPodError('unrecognized-status', `RunPod answered ${ctx.route} for endpoint "${ctx.endpointId}" with a status Trainlab does not know: "${clip(rawStatus, 60)}".`, {
    route: ctx.route, endpointId: ctx.endpointId, jobId: ctx.jobId, attempts: ctx.attempts, retryable: false,
  });
}

/** RunPod's words from an error body: `error`, `message`, `detail`/`title` (RFC 9457), or the text. */
export function reasonFromBody(bodyText: string): string | null {
  const text = bodyText.trim();
  if (!text) return null;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'string') return clip(json, 500);
    if (isRecord(json)) {
      for (const key of ['error', 'message', 'detail', 'title', 'msg']) {
        const v = json[key];
        if (typeof v === 'string' && v.trim()) return clip(v, 500);
        if (isRecord(v) && typeof v.message === 'string' && v.message.trim()) return clip(v.message, 500);
      }
    }
  } catch {
    // not JSON: RunPod (or a proxy in front of it) answered in plain text
  }
  // an HTML error page says nothing useful in a notification
  if (/^<(!doctype|html)/i.test(text)) return null;
  return clip(text, 500);
}

/**
 * RunPod's `error` of a job. A handler exception arrives as a JSON *string* of
 * `{ error_type, error_message, error_traceback, hostname, worker_id, runpod_version }`;
 * other workers send a plain string or an object.
 */
export interface JobError {
  message: string;
  type: string | null;
  traceback: string | null;
  hostname: string | null;
  workerId: string | null;
  /** The error as RunPod sent it (objects as JSON), for the session's record. */
  raw: string;
}

export function parseJobError(value: unknown): JobError | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const raw = value;
    if (!raw.trim()) return null;
    const trimmed = raw.trim();
    if (trimmed.startsWith('{')) {
      try {
        const json: unknown = JSON.parse(trimmed);
        if (isRecord(json)) return fromRecord(json, raw);
      } catch {
        // a message that merely starts with a brace
      }
    }
    return { message: trimmed, type: null, traceback: null, hostname: null, workerId: null, raw };
  }
  if (isRecord(value)) return fromRecord(value, safeStringify(value));
  const raw = safeStringify(value);
  return { message: raw, type: null, traceback: null, hostname: null, workerId: null, raw };
}

function fromRecord(r: Record<string, unknown>, raw: string): JobError {
  const str = (...keys: string[]): string | null => {
    for (const k of keys) {
      const v = r[k];
      if (typeof v === 'string' && v.trim()) return v;
    }
    return null;
  };
  return {
    message: (str('error_message', 'message', 'error', 'detail') ?? raw).trim(),
    type: str('error_type', 'type'),
    traceback: str('error_traceback', 'traceback'),
    hostname: str('hostname'),
    workerId: str('worker_id', 'workerId'),
    raw,
  };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Ends RunPod's words with a full stop when they carry none, so messages stay sentences. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in `cause`. */
export function describeNetworkError(e: unknown): string {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  for (const candidate of [cause, e]) {
    if (candidate && typeof candidate === 'object') {
      const code = (candidate as { code?: unknown }).code;
      if (typeof code === 'string' && code) return code;
    }
  }
  const message = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  const one = message.replace(/\s+/g, ' ').trim();
  return one ? (one.length > 200 ? `${one.slice(0, 199)}…` : one) : 'unknown network error';
}
