import type { JobInput, JobOutput, ProgressUpdate, StreamChunk } from '../../../src/core/backends/runpod/contract';

/** The six statuses of RunPod's queue API (runpod.md); the last four are final. */
export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** What a worker yields: log chunks, and (a generator worker's last yield) `{ result }`. */
export type StreamItem = StreamChunk | { result: JobOutput };

/** The routes under `/v2/{endpointId}/`; `files` and `reports` are the stand-in's own download routes (S3 in real life), `forget` its test control, `unknown` anything else. */
export type Route = 'run' | 'status' | 'stream' | 'cancel' | 'retry' | 'health' | 'purge-queue' | 'files' | 'reports' | 'forget' | 'unknown';

export interface StandInOptions {
  /** Default 0: the system picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** Default: a random key. */
  apiKey?: string;
  /** Default `standin-endpoint`. Any other endpoint id answers 404. */
  endpointId?: string;
  /** How long a job stays IN_QUEUE before a worker takes it (ms, default 300). */
  queueMs?: number;
  /** Jobs running at once; more wait IN_QUEUE (default 4). */
  maxWorkers?: number;
  /** The bundled demo trainer (default `<repo>/dist/demo-trainer.js`; build it with `node esbuild.mjs`). */
  demoTrainerPath?: string;
  /** Default: this Node executable. */
  nodePath?: string;
  /** `sdk` (default): `/stream` answers `{ status, stream: [{ output }] }`; `bare`: the documented `[{ output }]`. */
  streamShape?: 'sdk' | 'bare';
  /** What IN_PROGRESS `output` holds: a contract ProgressUpdate (default), `"4/10"`, or `"40%"`. */
  progressStyle?: 'contract' | 'fraction-string' | 'percent';
  /**
   * COMPLETED `output`: `object` (default) the JobOutput itself; `aggregate` what a generator worker
   * started with `return_aggregate_stream` gives (examples/runpod-worker): the list of every
   * yielded value, the stream chunks then `{ result: JobOutput }`, which `/stream` also shows.
   */
  finalOutput?: 'object' | 'aggregate';
  /** Overrides `policy.executionTimeout` of every request (ms): Trainlab sends at least an hour, tests need seconds. */
  executionTimeoutMs?: number;
  /** Overrides `policy.ttl` of every request (ms from submission). */
  ttlMs?: number;
  /** How long a final job's results are kept (ms, default 30 minutes, as RunPod keeps /run results). */
  retentionMs?: number;
  /** How often a running job's new log lines become one stream chunk (ms, default 200). */
  streamBatchMs?: number;
  /**
   * Whether the worker keeps a durable JobReport (contract.ts) at a URL it names in its first
   * chunk and its progress updates, rewritten with every chunk and at the end, and kept after
   * the job is gone (as in S3). Default true, as our worker does; false: a worker without one.
   */
  reports?: boolean;
  /** Where jobs' output folders go; default a new temporary folder, removed by close(). */
  workDir?: string;
}

interface FaultBase {
  /** The route the fault applies to; `*` any route of the API (not `files` or `reports`). */
  route: Route | '*';
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

/**
 * A failure injected into the next matching request(s):
 * - `status`: answers `code` (with `Retry-After` when given) and does nothing else;
 * - `slow`: waits `delayMs`, then handles the request (a client that gave up never sees it);
 * - `malformed`: answers 200 with a body that is not JSON, and does nothing else;
 * - `drop-answer`: handles the request (a /run creates and starts the job), then closes the
 *   connection without answering: the lost /run answer;
 * - `reset`: closes the connection without doing anything.
 */
export type Fault =
  | (FaultBase & { kind: 'status'; code: number; retryAfter?: number | string; body?: unknown })
  | (FaultBase & { kind: 'slow'; delayMs: number })
  | (FaultBase & { kind: 'malformed' })
  | (FaultBase & { kind: 'drop-answer' })
  | (FaultBase & { kind: 'reset' });

/** One request as the stand-in saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  route: Route;
  jobId: string | null;
  /** Date.now() when the request arrived. */
  time: number;
  /** The status code answered; null when the connection was closed without an answer. */
  status: number | null;
  /** The kind of the injected fault that shaped this answer, if any. */
  fault?: Fault['kind'];
}

/** What a failed run reports: the fields of the JSON string RunPod puts in `error` for a handler exception. */
export interface ErrorInfo {
  error_type: string;
  error_message: string;
  error_traceback: string;
  hostname: string;
  worker_id: string;
  runpod_version: string;
}

/** A job as the stand-in keeps it; tests may read it (`standIn.jobs.get(id)`), never change it. */
export interface StandInJob {
  id: string;
  status: JobStatus;
  /** `input.trainlab` as validated. */
  trainlab: JobInput;
  /** `policy` exactly as the request sent it (undefined when none was sent). */
  requestedPolicy: unknown;
  /** The limits in force (request, RunPod's defaults, or the stand-in's overrides), ms. */
  policy: { executionTimeout: number; ttl: number };
  submittedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  workerId: string | null;
  /** Runs so far: 1 for the first, +1 per /retry. Stream seq starts at 1 in each run. */
  run: number;
  retries: number;
  /** The newest progress update of this run, in the contract's shape. */
  progress: ProgressUpdate | null;
  /** The final output (COMPLETED). */
  output: unknown;
  /** FAILED: the JSON string of an ErrorInfo. */
  error: string | undefined;
  /** Chunks produced and not yet fetched by /stream (with finalOutput 'aggregate', then `{ result }`). */
  pendingChunks: StreamItem[];
  /** Every log line of this run, in order (what the chunks held). */
  lines: string[];
  /** The trainer's process id while it runs. */
  pid: number | null;
  /** This run's trainer output folder. */
  outputDir: string | null;
  /** Where this run's JobReport is served (with reports on, once a worker took it). */
  reportUrl?: string;
}
