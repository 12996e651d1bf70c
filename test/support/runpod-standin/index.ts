import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultQueue } from './faults';
import type { Answer } from './http';
import { json, parsePath, problem, readBody, send, statusText } from './http';
import type { DeleteReason } from './jobs';
import { JobStore } from './jobs';
import { api, file, report } from './routes';
import type { Fault, RequestRecord, StandInJob, StandInOptions } from './types';

export type { ErrorInfo, Fault, JobStatus, RequestRecord, Route, StandInJob, StandInOptions, StreamItem } from './types';

/** A stand-in RunPod Serverless endpoint on 127.0.0.1, for tests and for trying Trainlab without RunPod. */
export interface StandIn {
  /** `http://127.0.0.1:PORT/v2`: what `trainlab.runpod.baseUrl` takes (the endpoint id goes after it). */
  baseUrl: string;
  endpointId: string;
  apiKey: string;
  /** Every request so far, oldest first. */
  requests: RequestRecord[];
  /** The jobs that still exist, by id (read only). */
  jobs: ReadonlyMap<string, StandInJob>;
  /** Jobs deleted by their ttl, their results' retention, or purge-queue. */
  deleted: ReadonlyMap<string, DeleteReason>;
  /** Queues a fault for the next matching request(s). */
  inject(fault: Fault): void;
  /** Faults not yet used. */
  pendingFaults(): Fault[];
  /** The job's ttl runs out now: it is deleted (its trainer killed) and answers 404 from then on. */
  expireJob(id: string): void;
  /** A final job's results are dropped now, as after RunPod's 30 minutes: 404 from then on. */
  finishRetention(id: string): void;
  /**
   * The job's results are dropped the moment it ends (as if Trainlab looked again only after
   * the retention); also `POST /standin/forget-when-final/{jobId}` with the API key, for a test in
   * another process.
   */
  forgetWhenFinal(id: string): void;
  /** Kills every trainer, stops the server, removes the temporary folder. */
  close(): Promise<void>;
}

const TICK_MS = 25;
const REPO = join(__dirname, '..', '..', '..');

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const demoTrainerPath = options.demoTrainerPath ?? join(REPO, 'dist', 'demo-trainer.js');
  if (!existsSync(demoTrainerPath)) throw new Error(`the demo trainer bundle ${demoTrainerPath} is missing: build it with \`node esbuild.mjs\``);
  const endpointId = options.endpointId ?? 'standin-endpoint';
  const apiKey = options.apiKey ?? `standin-${randomBytes(12).toString('hex')}`;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'trainlab-standin-'));
  let origin = '';
  const store = new JobStore({
    queueMs: options.queueMs ?? 300,
    maxWorkers: options.maxWorkers ?? 4,
    retentionMs: options.retentionMs ?? 30 * 60_000,
    streamBatchMs: options.streamBatchMs ?? 200,
    progressStyle: options.progressStyle ?? 'contract',
    finalOutput: options.finalOutput ?? 'object',
    reports: options.reports ?? true,
    nodePath: options.nodePath ?? process.execPath,
    demoTrainerPath,
    workDir,
    origin: () => origin,
  });
  const routeConfig = { streamShape: options.streamShape ?? 'sdk', executionTimeoutMs: options.executionTimeoutMs, ttlMs: options.ttlMs };
  const faults = new FaultQueue();
  const requests: RequestRecord[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parsePath(new URL(req.url ?? '/', 'http://standin').pathname);
    const record: RequestRecord = { method: req.method ?? '', path: req.url ?? '', route: target.route, jobId: target.jobId, time: Date.now(), status: null };
    requests.push(record);
    const body = await readBody(req);
    const fault = target.route === 'unknown' ? undefined : faults.take(target.route);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'malformed') return answer(res, record, { status: 200, raw: '{"id": "', headers: { 'Content-Type': 'application/json' } });
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
      return answer(res, record, json(fault.code, fault.body ?? { error: statusText(fault.code) }, headers));
    }
    if (fault?.kind === 'slow') await delay(fault.delayMs);
    store.tick();
    const result = await route(req, target, body);
    if (fault?.kind === 'drop-answer') return void req.socket.destroy();
    answer(res, record, result);
  }

  async function route(req: IncomingMessage, target: ReturnType<typeof parsePath>, body: { text: string; tooLarge: boolean }): Promise<Answer> {
    if (target.route === 'unknown') return problem(404, 'not found');
    if (req.method !== target.method) return problem(405, `${target.route} takes ${target.method}`);
    if (target.route === 'files') return file(store, target);
    if (target.route === 'reports') return report(store, target);
    if (req.headers.authorization !== `Bearer ${apiKey}`) return problem(401, 'Unauthorized: missing or wrong API key');
    if (target.route === 'forget') {
      if (!target.jobId || !store.jobs.has(target.jobId)) return problem(404, 'request does not exist');
      store.forgetWhenFinal(target.jobId);
      return json(200, { id: target.jobId, forgetWhenFinal: true });
    }
    if (target.endpointId !== endpointId) return problem(404, `no endpoint ${target.endpointId}`);
    return api(store, routeConfig, target, body);
  }

  function answer(res: ServerResponse, record: RequestRecord, a: Answer): void {
    record.status = a.status;
    send(res, a);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug of the stand-in: answer 500 so the test sees it rather than a hang.
      send(res, problem(500, `stand-in error: ${(e as Error).stack ?? String(e)}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ticker = setInterval(() => store.tick(), TICK_MS);

  return {
    baseUrl: `${origin}/v2`,
    endpointId,
    apiKey,
    requests,
    jobs: store.jobs,
    deleted: store.deleted,
    inject: (fault) => faults.add(fault),
    pendingFaults: () => faults.pending(),
    expireJob: (id) => store.remove(id, 'ttl'),
    finishRetention(id) {
      const job = store.jobs.get(id);
      if (!job) throw new Error(`no job ${id}`);
      if (job.finishedAt === null) throw new Error(`job ${id} is ${job.status}: only a final job's results are retained`);
      store.remove(id, 'retention');
    },
    forgetWhenFinal: (id) => store.forgetWhenFinal(id),
    async close() {
      clearInterval(ticker);
      await store.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.workDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}
