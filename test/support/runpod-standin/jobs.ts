import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { JOB_REPORT_VERSION, type JobInput, type JobOutput, type JobReport, type ProgressUpdate, type StreamChunk } from '../../../src/core/backends/runpod/contract';
import { num } from '../../../src/core/trainers/launch';
import { demoLaunch, KNOB_PREFIX } from './argv';
import type { RunResult } from './trainer-run';
import { TrainerRun } from './trainer-run';
import type { ErrorInfo, JobStatus, StandInJob, StreamItem } from './types';
import { FINAL_STATUSES } from './types';

export interface JobRecord extends StandInJob {
  /** When it last entered the queue (submission or /retry): the queue delay counts from here. */
  queuedAt: number;
  /** The last seq of this run. */
  seq: number;
  /** finalOutput 'aggregate': every value the worker yielded in this run. */
  yielded: StreamItem[];
  /** The checkpoint ref a chunk last named: the next chunk after a new one names it (as our worker does). */
  streamedCheckpoint?: string;
  /** Every chunk of this run (what its JobReport holds). */
  runChunks: StreamChunk[];
  /** The report URL was named in a chunk of this run. */
  reportNamed?: boolean;
}

export type DeleteReason = 'ttl' | 'retention' | 'purged';

export interface StoreConfig {
  queueMs: number;
  maxWorkers: number;
  retentionMs: number;
  streamBatchMs: number;
  progressStyle: 'contract' | 'fraction-string' | 'percent';
  finalOutput: 'object' | 'aggregate';
  reports: boolean;
  nodePath: string;
  demoTrainerPath: string;
  workDir: string;
  /** `http://127.0.0.1:PORT`, for the file URLs of outputs. */
  origin(): string;
}

/** RunPod's fields of a handler exception (runpod-python rp_job.run_job), with a fake host. */
function errorString(job: JobRecord, e: { errorType: string; message: string; traceback: string }): string {
  const info: ErrorInfo = { error_type: e.errorType, error_message: e.message, error_traceback: e.traceback, hostname: 'standin-host', worker_id: job.workerId ?? 'unknown', runpod_version: 'standin' };
  return JSON.stringify(info);
}

/**
 * The jobs of one endpoint and their life: queue, workers, the trainer runs, RunPod's limits
 * (execution timeout, ttl, result retention). `tick()` moves time on; the HTTP layer only reads
 * and asks. Checkpoints and output files outlive their jobs, as uploads to S3 would.
 */
export class JobStore {
  readonly jobs = new Map<string, JobRecord>();
  readonly deleted = new Map<string, DeleteReason>();
  /** `<jobId>/<run>` → that run's output folder, served under /files. */
  readonly files = new Map<string, string>();
  /** `<jobId>/<run>` → that run's JobReport as last written, served under /reports. */
  readonly reports = new Map<string, JobReport>();
  /** Jobs whose results go the moment they end. */
  private readonly forgetOnEnd = new Set<string>();
  private readonly checkpoints = new Map<string, { path: string; step: number }>();
  /** The current run of each IN_PROGRESS job. */
  private readonly runs = new Map<string, TrainerRun>();
  /** Every trainer process not yet exited (a stopped run's process takes a moment to go). */
  private readonly live = new Set<TrainerRun>();
  private readonly workers: (string | null)[];
  private readonly counts = { completed: 0, failed: 0, retried: 0 };

  constructor(private readonly config: StoreConfig) {
    this.workers = new Array<string | null>(Math.max(1, config.maxWorkers)).fill(null);
  }

  submit(trainlab: JobInput, requestedPolicy: unknown, policy: { executionTimeout: number; ttl: number }): JobRecord {
    const now = Date.now();
    const job: JobRecord = {
      id: `${randomUUID()}-u1`, status: 'IN_QUEUE', trainlab, requestedPolicy, policy, submittedAt: now, queuedAt: now,
      startedAt: null, finishedAt: null, workerId: null, run: 1, retries: 0, progress: null, output: undefined, error: undefined,
      pendingChunks: [], lines: [], pid: null, outputDir: null, seq: 0, yielded: [], runChunks: [],
    };
    this.jobs.set(job.id, job);
    if (requestedPolicy === undefined) this.chunk(job, ['standin: no policy sent; RunPod would stop this job after 10 minutes (executionTimeout 600000) and delete it after 24 h']);
    return job;
  }

  /** Moves every job on: queue → worker, execution timeout, ttl, result retention. */
  tick(now = Date.now()): void {
    for (const job of [...this.jobs.values()]) {
      if (now - job.submittedAt > job.policy.ttl) this.remove(job.id, 'ttl');
      else if (job.finishedAt !== null && (now - job.finishedAt > this.config.retentionMs || this.forgetOnEnd.has(job.id))) this.remove(job.id, 'retention');
      else if (job.status === 'IN_PROGRESS' && job.startedAt !== null && now - job.startedAt > job.policy.executionTimeout) this.stopRun(job, 'TIMED_OUT');
    }
    for (const job of this.jobs.values()) {
      if (job.status !== 'IN_QUEUE' || now - job.queuedAt < this.config.queueMs) continue;
      const slot = this.workers.indexOf(null);
      if (slot < 0) break;
      this.workers[slot] = job.id;
      this.start(job, `standin-worker-${slot + 1}`);
    }
  }

  /** The `/status` answer. */
  statusOf(job: JobRecord): Record<string, unknown> {
    const answer: Record<string, unknown> = { id: job.id, status: job.status };
    if (job.startedAt !== null) {
      answer.delayTime = job.startedAt - job.queuedAt;
      answer.executionTime = (job.finishedAt ?? Date.now()) - job.startedAt;
    }
    if (job.workerId) answer.workerId = job.workerId;
    if (job.status === 'IN_PROGRESS' && job.progress) answer.output = this.progressOutput(job.progress);
    if (job.status === 'COMPLETED') answer.output = job.output;
    if (job.error !== undefined) answer.error = job.error;
    return answer;
  }

  /** What `/stream` hands out: the items produced since the last call, which are gone afterwards. */
  takeStream(job: JobRecord): StreamItem[] {
    const items = job.pendingChunks;
    job.pendingChunks = [];
    return items;
  }

  cancel(job: JobRecord): void {
    if (job.status === 'IN_QUEUE') this.finish(job, 'CANCELLED');
    else if (job.status === 'IN_PROGRESS') this.stopRun(job, 'CANCELLED');
  }

  /** Only a FAILED or TIMED_OUT job goes back to the queue, under the same id; false otherwise. */
  retry(job: JobRecord): boolean {
    if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') return false;
    Object.assign(job, {
      status: 'IN_QUEUE', queuedAt: Date.now(), startedAt: null, finishedAt: null, workerId: null, run: job.run + 1, retries: job.retries + 1,
      progress: null, output: undefined, error: undefined, pendingChunks: [], lines: [], pid: null, outputDir: null, seq: 0, yielded: [], runChunks: [], reportNamed: false, reportUrl: undefined,
    } satisfies Partial<JobRecord>);
    this.counts.retried++;
    return true;
  }

  purgeQueue(): number {
    const queued = [...this.jobs.values()].filter((j) => j.status === 'IN_QUEUE');
    for (const job of queued) this.remove(job.id, 'purged');
    return queued.length;
  }

  health(): Record<string, unknown> {
    const all = [...this.jobs.values()];
    const running = this.workers.filter((w) => w !== null).length;
    const idle = this.workers.length - running;
    return {
      jobs: { completed: this.counts.completed, failed: this.counts.failed, inProgress: all.filter((j) => j.status === 'IN_PROGRESS').length, inQueue: all.filter((j) => j.status === 'IN_QUEUE').length, retried: this.counts.retried },
      workers: { idle, running, initializing: 0, ready: idle, throttled: 0, unhealthy: 0 },
    };
  }

  forgetWhenFinal(id: string): void {
    if (!this.jobs.has(id)) throw new Error(`no job ${id}`);
    this.forgetOnEnd.add(id);
  }

  /** Deletes a job now, even a running one (its trainer is killed): from then on it is unknown (404). */
  remove(id: string, reason: DeleteReason): void {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    if (job.status === 'IN_PROGRESS') this.stopRun(job, 'CANCELLED');
    this.jobs.delete(id);
    this.deleted.set(id, reason);
  }

  /** Kills every trainer; resolves once they have exited. */
  async close(): Promise<void> {
    this.runs.clear();
    await Promise.all([...this.live].map((r) => r.kill()));
  }

  private start(job: JobRecord, workerId: string): void {
    Object.assign(job, { status: 'IN_PROGRESS', startedAt: Date.now(), workerId } satisfies Partial<JobRecord>);
    const runNo = job.run;
    const runDir = join(this.config.workDir, job.id, `run-${runNo}`);
    const ref = job.trainlab.resume?.checkpoint;
    const resumed = ref !== undefined ? this.checkpoints.get(ref) : undefined;
    if (ref !== undefined && !resumed) {
      return this.fail(job, { errorType: 'ValueError', message: `unknown checkpoint reference "${ref}": this stand-in never reported it (refs look like standin://<jobId>/<run>/<state folder>)`, traceback: '' });
    }
    const demo = demoLaunch(job.trainlab, runDir, { nodePath: this.config.nodePath, demoTrainerPath: this.config.demoTrainerPath }, resumed ?? null);
    if ('error' in demo) return this.fail(job, { errorType: 'ValueError', message: demo.error, traceback: '' });
    this.files.set(`${job.id}/${runNo}`, demo.outputDir);
    if (this.config.reports) {
      // A presigned S3 link carries its signature in the query: Trainlab must never print it.
      job.reportUrl = `${this.config.origin()}/reports/${encodeURIComponent(job.id)}/${runNo}?X-Amz-Signature=standin${randomUUID().slice(0, 8)}`;
      this.writeReport(job, 'IN_PROGRESS');
    }
    const current = () => this.jobs.get(job.id) === job && job.run === runNo && job.status === 'IN_PROGRESS';
    const failAt = num(job.trainlab.parameters[`${KNOB_PREFIX}fail_at_step`]);
    const run = new TrainerRun(
      { demo, resumedFrom: resumed && ref ? { ref, ...resumed } : null, failAtStep: failAt ?? null, batchMs: this.config.streamBatchMs },
      {
        chunk: (lines) => {
          if (current()) this.chunk(job, lines);
        },
        progress: (update) => {
          if (current()) job.progress = job.reportUrl ? { ...update, report: job.reportUrl } : update;
        },
        checkpointRef: (path, step) => this.publishCheckpoint(job.id, runNo, path, step),
        fileUrl: (rel) => `${this.config.origin()}/files/${encodeURIComponent(job.id)}/${runNo}/${rel.split('/').map(encodeURIComponent).join('/')}`,
        done: (result) => {
          if (current()) this.done(job, result);
        },
      },
    );
    this.runs.set(job.id, run);
    this.live.add(run);
    job.outputDir = demo.outputDir;
    run.start();
    void run.exited.then(() => this.live.delete(run));
    job.pid = run.pid;
  }

  private publishCheckpoint(jobId: string, runNo: number, path: string, step: number): string {
    const ref = `standin://${jobId}/${runNo}/${path.replace(/^.*[\\/]/, '')}`;
    this.checkpoints.set(ref, { path, step });
    return ref;
  }

  private chunk(job: JobRecord, lines: string[]): void {
    const chunk: StreamChunk = { seq: ++job.seq, lines };
    const cp = job.progress?.checkpoint;
    if (cp && cp.ref !== job.streamedCheckpoint) {
      chunk.checkpoint = cp;
      job.streamedCheckpoint = cp.ref;
    }
    if (job.reportUrl && !job.reportNamed) {
      chunk.report = job.reportUrl;
      job.reportNamed = true;
    }
    job.lines.push(...lines);
    job.pendingChunks.push(chunk);
    job.runChunks.push(chunk);
    if (this.config.finalOutput === 'aggregate') job.yielded.push(chunk);
    if (job.reportUrl && job.status === 'IN_PROGRESS') this.writeReport(job, 'IN_PROGRESS');
  }

  /**
   * The run's report as our worker writes it: after its chunks, and at the end with the outcome.
   * A run RunPod stops (cancel, execution timeout, ttl) never writes its end: the report keeps
   * saying IN_PROGRESS, as a killed worker's would.
   */
  private writeReport(job: JobRecord, status: JobReport['status'], outcome: { output?: JobOutput; error?: string } = {}): void {
    this.reports.set(`${job.id}/${job.run}`, {
      schemaVersion: JOB_REPORT_VERSION,
      jobId: job.id,
      status,
      updatedAt: new Date().toISOString(),
      progress: job.progress,
      ...(outcome.output ? { output: outcome.output } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      chunks: [...job.runChunks],
    });
  }

  private done(job: JobRecord, result: RunResult): void {
    if (!result.ok) return this.fail(job, result);
    if (job.reportUrl) this.writeReport(job, 'COMPLETED', { output: result.output });
    if (this.config.finalOutput === 'aggregate') {
      // A generator worker's last yield; RunPod's final output is the list of all of them.
      const last = { result: result.output };
      job.pendingChunks.push(last);
      job.yielded.push(last);
      job.output = job.yielded;
    } else job.output = result.output;
    this.finish(job, 'COMPLETED');
  }

  private fail(job: JobRecord, e: { errorType: string; message: string; traceback: string }): void {
    job.error = errorString(job, e);
    if (job.reportUrl) this.writeReport(job, 'FAILED', { error: job.error });
    this.finish(job, 'FAILED');
  }

  private stopRun(job: JobRecord, status: 'CANCELLED' | 'TIMED_OUT'): void {
    void this.runs.get(job.id)?.kill();
    this.finish(job, status);
  }

  private finish(job: JobRecord, status: JobStatus): void {
    if (!FINAL_STATUSES.has(status)) throw new Error(`not a final status: ${status}`);
    job.status = status;
    job.finishedAt = Date.now();
    job.pid = null;
    this.runs.delete(job.id);
    const slot = this.workers.indexOf(job.id);
    if (slot >= 0) this.workers[slot] = null;
    if (status === 'COMPLETED') this.counts.completed++;
    if (status === 'FAILED' || status === 'TIMED_OUT') this.counts.failed++;
  }

  private progressOutput(p: ProgressUpdate): unknown {
    if (this.config.progressStyle === 'contract') return p;
    if (this.config.progressStyle === 'fraction-string') return p.total ? `${p.step}/${p.total}` : `${p.step}`;
    return p.total ? `${Math.round((100 * p.step) / p.total)}%` : '0%';
  }
}
