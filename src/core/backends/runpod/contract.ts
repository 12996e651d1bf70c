import { z } from 'zod';
import { remoteUrlSchema } from '../../model/schemas';

/**
 * The job contract between Trainlab and a RunPod worker (examples/runpod-worker, and the
 * stand-in server of the tests). Versioned: a worker refuses a `schemaVersion` it does not know.
 *
 * Request: `POST /run { input: { trainlab: JobInput }, policy: { executionTimeout, ttl } }`.
 * While the job runs the worker sends progress updates (`progress_update(job, Progress)`),
 * which RunPod shows as `output` of an IN_PROGRESS status, and yields stream chunks
 * (`StreamChunk`, numbered so a reader appends each exactly once). Progress steps are the
 * session's absolute steps (a resumed run counts on from its checkpoint's step). The final
 * `output` is the `JobOutput`; a generator worker started with `return_aggregate_stream` makes
 * it the list of everything it yielded, whose last element is `{ result: JobOutput }`.
 *
 * RunPod forgets a finished job 30 minutes after it ends, so a worker may also keep a durable
 * `JobReport` (status, progress, output, error and every chunk of its run) at an https URL it
 * names in its first stream chunk and in its progress updates (`report`), rewritten at each
 * checkpoint and at the end. When RunPod answers 404 for a job whose end Trainlab never saw,
 * Trainlab reads that report instead of calling the outcome unknown.
 */

export const JOB_CONTRACT_VERSION = 1;

export const jobInputSchema = z.looseObject({
  schemaVersion: z.literal(JOB_CONTRACT_VERSION),
  style: z.looseObject({ id: z.string(), name: z.string() }),
  version: z.looseObject({ id: z.string(), name: z.string() }),
  session: z.looseObject({ id: z.string(), attempt: z.number().int().positive() }),
  /** The trainer profile name (kohya, ai-toolkit, demo, …) and its parameters, as validated locally. */
  trainer: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  triggerToken: z.string(),
  /** Where the worker downloads the dataset: https:// (a zip or tar of images + captions) or s3://. */
  dataset: z.looseObject({ id: z.string().nullable(), url: remoteUrlSchema, imageCount: z.number().int().nullable() }),
  /** Set when resuming: the checkpoint reference the worker reported earlier (e.g. an s3:// or https:// URL). */
  resume: z.looseObject({ checkpoint: z.string().min(1), step: z.number().int().nonnegative().nullable() }).nullable(),
});
export type JobInput = z.infer<typeof jobInputSchema>;

/** `/run`'s body; `policy` times are milliseconds, as RunPod takes them. */
export const runRequestSchema = z.object({
  input: z.object({ trainlab: jobInputSchema }),
  policy: z.object({ executionTimeout: z.number().int().positive(), ttl: z.number().int().positive() }),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** A resumable checkpoint the worker has uploaded: its reference (s3://, https://) and absolute step. */
export const checkpointRefSchema = z.looseObject({ ref: z.string().min(1), step: z.number().int().nonnegative().nullable() });

/** Where the worker keeps this run's `JobReport`: an https (or http) URL Trainlab can GET without credentials. */
export const reportUrlSchema = z.string().max(8192).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

/**
 * A progress update, as the worker sends it. Workers other than ours send other shapes:
 * `{ step, total, loss }`, `"4/10"`, `"40%"`, `{ progress: "4/10" }`, a plain number 0–1 or 0–100.
 * `parseProgress` in progress.ts reads all of them.
 */
export const progressUpdateSchema = z.looseObject({
  step: z.number().int().nonnegative(),
  total: z.number().int().positive().nullable().optional(),
  loss: z.number().nullable().optional(),
  lr: z.number().nullable().optional(),
  epoch: z.number().int().nonnegative().nullable().optional(),
  /** The newest resumable checkpoint the worker has uploaded (what Resume passes back). */
  checkpoint: checkpointRefSchema.nullable().optional(),
  /** Where this run's durable JobReport is kept. */
  report: reportUrlSchema.optional(),
});
export type ProgressUpdate = z.infer<typeof progressUpdateSchema>;

/**
 * One streamed chunk: log lines, numbered from 1 within a run of the job (a RunPod Retry runs
 * the same job id again, and its chunks count from 1 again). The first chunk after a checkpoint
 * upload names it too: a job that fails between two polls has no progress update left to read,
 * but its stream is still there, so Resume does not start from zero.
 */
export const streamChunkSchema = z.looseObject({
  seq: z.number().int().positive(),
  lines: z.array(z.string()),
  checkpoint: checkpointRefSchema.nullable().optional(),
  /** Where this run's durable JobReport is kept (our worker: in chunk 1). */
  report: reportUrlSchema.optional(),
});
export type StreamChunk = z.infer<typeof streamChunkSchema>;

/** The final output of a COMPLETED job (a FAILED job may also carry one, with what it had). */
export const jobOutputSchema = z.looseObject({
  model: z.string().nullable().optional(),
  samples: z.array(z.string()).optional(),
  metrics: z.looseObject({ finalLoss: z.number().nullable().optional(), bestLoss: z.number().nullable().optional(), bestStep: z.number().int().nullable().optional(), steps: z.number().int().nonnegative().optional() }).optional(),
  checkpoint: checkpointRefSchema.nullable().optional(),
});
export type JobOutput = z.infer<typeof jobOutputSchema>;

export const JOB_REPORT_VERSION = 1;

/**
 * A run's durable report, as the worker last wrote it. IN_PROGRESS while it runs (a run killed
 * by RunPod — ttl, execution timeout, cancel — keeps that last word); the run's final status,
 * output and error at the end. `chunks` are all of the run's stream chunks so far, with the
 * same numbers as on /stream, so lines already appended are not appended again.
 */
export const jobReportSchema = z.looseObject({
  schemaVersion: z.literal(JOB_REPORT_VERSION),
  jobId: z.string().min(1),
  status: z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED']),
  updatedAt: z.iso.datetime({ offset: true }),
  progress: progressUpdateSchema.nullable().optional(),
  output: jobOutputSchema.nullable().optional(),
  /** FAILED: RunPod's error string (plain text or the JSON string of a handler exception). */
  error: z.string().nullable().optional(),
  chunks: z.array(streamChunkSchema),
});
export type JobReport = z.infer<typeof jobReportSchema>;

export const MIN_EXECUTION_TIMEOUT_MS = 5_000;
export const MAX_POLICY_MS = 7 * 24 * 3600_000;

export interface PolicyInput {
  /** The steps the run will do (the version's max_train_steps, minus a resume's start). */
  steps: number | null;
  /** Seconds per step measured on this style's earlier RunPod sessions, if any. */
  secondsPerStep: number | null;
  /** Settings: 0 or undefined means computed. */
  executionTimeoutMinutes?: number;
  ttlHours?: number;
}

/**
 * RunPod's default execution timeout (10 minutes) would kill any real training, and its ttl
 * (24 h from submission) deletes the job even while it runs. Both are computed from the run:
 * twice the expected time plus 30 minutes for download and setup, at least one hour; the ttl
 * adds six hours of queueing. Settings override; everything is clamped to RunPod's 7 days.
 */
export function computePolicy(input: PolicyInput): { executionTimeout: number; ttl: number } {
  const clamp = (ms: number) => Math.min(MAX_POLICY_MS, Math.max(MIN_EXECUTION_TIMEOUT_MS, Math.round(ms)));
  let execution: number;
  if (input.executionTimeoutMinutes && input.executionTimeoutMinutes > 0) execution = input.executionTimeoutMinutes * 60_000;
  else {
    const perStep = input.secondsPerStep && input.secondsPerStep > 0 ? input.secondsPerStep : 2;
    const expected = (input.steps ?? 2000) * perStep * 1000;
    execution = Math.max(3600_000, 2 * expected + 30 * 60_000);
  }
  execution = clamp(execution);
  const ttl = input.ttlHours && input.ttlHours > 0 ? clamp(input.ttlHours * 3600_000) : clamp(execution + 6 * 3600_000);
  return { executionTimeout: execution, ttl: Math.max(ttl, execution) };
}
