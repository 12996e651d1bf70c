import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { jobInputSchema, MAX_POLICY_MS, MIN_EXECUTION_TIMEOUT_MS } from '../../../src/core/backends/runpod/contract';
import type { Answer, Parsed } from './http';
import { json, problem } from './http';
import type { JobStore } from './jobs';

/** RunPod's defaults when a request sends no policy (runpod.md). */
const DEFAULT_EXECUTION_TIMEOUT_MS = 600_000;
const DEFAULT_TTL_MS = 24 * 3600_000;

export interface RouteConfig {
  streamShape: 'sdk' | 'bare';
  executionTimeoutMs?: number;
  ttlMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function policyProblem(policy: unknown): string | null {
  if (policy === undefined) return null;
  if (!isObject(policy)) return 'policy: must be an object';
  const { executionTimeout, ttl } = policy;
  if (executionTimeout !== undefined && !(Number.isInteger(executionTimeout) && (executionTimeout as number) >= MIN_EXECUTION_TIMEOUT_MS && (executionTimeout as number) <= MAX_POLICY_MS)) {
    return `policy.executionTimeout: must be whole milliseconds from ${MIN_EXECUTION_TIMEOUT_MS} to ${MAX_POLICY_MS}, got ${JSON.stringify(executionTimeout)}`;
  }
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0 && (ttl as number) <= MAX_POLICY_MS)) return `policy.ttl: must be whole milliseconds up to ${MAX_POLICY_MS}, got ${JSON.stringify(ttl)}`;
  return null;
}

/** POST /run: the contract's input is checked as a worker would, before anything is queued. */
function run(store: JobStore, config: RouteConfig, text: string): Answer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, 'the request body is not valid JSON');
  }
  if (!isObject(body) || !isObject(body.input)) return problem(400, 'input: required, an object');
  const parsed = jobInputSchema.safeParse(body.input.trainlab);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    return problem(400, `input.trainlab${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}${more}`);
  }
  const policyError = policyProblem(body.policy);
  if (policyError) return problem(400, policyError);
  const sent = body.policy as { executionTimeout?: number; ttl?: number } | undefined;
  const policy = {
    executionTimeout: config.executionTimeoutMs ?? sent?.executionTimeout ?? DEFAULT_EXECUTION_TIMEOUT_MS,
    ttl: config.ttlMs ?? sent?.ttl ?? DEFAULT_TTL_MS,
  };
  const job = store.submit(parsed.data, body.policy, policy);
  return json(200, { id: job.id, status: job.status });
}

/** The API routes, after auth and the endpoint check. */
export function api(store: JobStore, config: RouteConfig, req: Parsed, body: { text: string; tooLarge: boolean }): Answer {
  if (req.route === 'run') return body.tooLarge ? problem(400, 'the request body is over 10 MB') : run(store, config, body.text);
  if (req.route === 'health') return json(200, store.health());
  if (req.route === 'purge-queue') return json(200, { removed: store.purgeQueue(), status: 'completed' });
  const job = req.jobId !== null ? store.jobs.get(req.jobId) : undefined;
  if (!job) return problem(404, 'request does not exist');
  switch (req.route) {
    case 'status':
      return json(200, store.statusOf(job));
    case 'stream': {
      const stream = store.takeStream(job).map((output) => ({ output }));
      return json(200, config.streamShape === 'bare' ? stream : { status: job.status, stream });
    }
    case 'cancel':
      store.cancel(job);
      return json(200, { id: job.id, status: job.status });
    case 'retry':
      if (!store.retry(job)) return problem(400, `job ${job.id} is ${job.status}: only a FAILED or TIMED_OUT job can be retried`);
      return json(200, { id: job.id, status: job.status });
    default:
      return problem(404, 'not found');
  }
}

const TYPES: Record<string, string> = { '.png': 'image/png', '.json': 'application/json', '.safetensors': 'application/octet-stream' };

/** GET /reports/{jobId}/{run}: a run's JobReport, as the worker last wrote it to S3 (no auth; it outlives the job). */
export function report(store: JobStore, req: Parsed): Answer {
  const found = store.reports.get(`${req.jobId}/${req.run}`);
  return found ? json(200, found) : problem(404, 'no such report');
}

/** GET /files/{jobId}/{run}/{path}: a run's output files, as an S3 URL would serve them (no auth). */
export async function file(store: JobStore, req: Parsed): Promise<Answer> {
  const base = store.files.get(`${req.jobId}/${req.run}`);
  if (!base || !req.filePath) return problem(404, 'no such file');
  const path = resolve(base, req.filePath);
  if (!path.startsWith(base + sep)) return problem(404, 'no such file');
  try {
    if (!(await stat(path)).isFile()) return problem(404, 'no such file');
    return { status: 200, raw: await readFile(path), headers: { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' } };
  } catch {
    return problem(404, 'no such file');
  }
}
