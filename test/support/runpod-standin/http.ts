import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Route } from './types';

/** RunPod's /run limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  /** Sent as JSON unless `raw` is set. */
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({ status, body, ...(headers ? { headers } : {}) });

/** RunPod answers errors as `{ error: "…" }`. */
export const problem = (status: number, message: string): Answer => json(status, { error: message });

export const statusText = (code: number): string => STATUS_CODES[code] ?? `status ${code}`;

export interface Parsed {
  route: Route;
  endpointId: string | null;
  jobId: string | null;
  /** `files`: the run and the path inside its output folder; `reports`: the run. */
  run?: string;
  filePath?: string;
  /** The method the route takes. */
  method: 'GET' | 'POST' | null;
}

const ACTIONS: Record<string, { route: Route; method: 'GET' | 'POST'; withId: boolean }> = {
  run: { route: 'run', method: 'POST', withId: false },
  status: { route: 'status', method: 'GET', withId: true },
  stream: { route: 'stream', method: 'GET', withId: true },
  cancel: { route: 'cancel', method: 'POST', withId: true },
  retry: { route: 'retry', method: 'POST', withId: true },
  health: { route: 'health', method: 'GET', withId: false },
  'purge-queue': { route: 'purge-queue', method: 'POST', withId: false },
};

/** `/v2/{endpointId}/{action}[/{id}]`, `/files/{jobId}/{run}/{path…}`, `/reports/{jobId}/{run}` and `/standin/forget-when-final/{jobId}`. */
export function parsePath(pathname: string): Parsed {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { route: 'unknown', endpointId: null, jobId: null, method: null };
  }
  if (parts[0] === 'files' && parts.length >= 4) {
    return { route: 'files', endpointId: null, jobId: parts[1]!, run: parts[2]!, filePath: parts.slice(3).join('/'), method: 'GET' };
  }
  if (parts[0] === 'standin' && parts[1] === 'forget-when-final' && parts.length === 3) return { route: 'forget', endpointId: null, jobId: parts[2]!, method: 'POST' };
  if (parts[0] === 'reports' && parts.length === 3) return { route: 'reports', endpointId: null, jobId: parts[1]!, run: parts[2]!, method: 'GET' };
  const action = parts[0] === 'v2' ? ACTIONS[parts[2] ?? ''] : undefined;
  if (!action || parts.length !== (action.withId ? 4 : 3)) return { route: 'unknown', endpointId: parts[0] === 'v2' ? parts[1] ?? null : null, jobId: null, method: null };
  return { route: action.route, endpointId: parts[1]!, jobId: action.withId ? parts[3]! : null, method: action.method };
}

/**
 * The request body, or `tooLarge` past RunPod's 10 MB (the rest is still read, so the client
 * gets the 400 instead of a broken pipe).
 */
export function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_BODY_BYTES) parts.push(d);
    });
    req.on('end', () => resolve({ text: size > MAX_BODY_BYTES ? '' : Buffer.concat(parts).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = answer.raw ?? JSON.stringify(answer.body ?? null);
  const type = answer.raw !== undefined ? 'application/octet-stream' : 'application/json';
  res.writeHead(answer.status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(payload)), ...answer.headers });
  res.end(payload);
}
