import { z } from 'zod';
import { idSchema } from './ids';
import { sessionStatusSchema, versionStatusSchema } from './status';

/**
 * Schemas of the workspace files (DESIGN.md "Files in the workspace").
 *
 * Objects are `looseObject`s on purpose: a field written by a newer Trainlab or by hand is kept
 * in memory and written back unchanged, never dropped on rewrite.
 */

/** The schema version this build writes. Older files are migrated on read (see migrations.ts). */
export const SCHEMA_VERSION = 1;

export const isoDate = z.iso.datetime({ offset: true });
/** A URL a remote worker can download from: https:// or s3://. */
export const remoteUrlSchema = z.string().regex(/^(https:\/\/|s3:\/\/)[^\s]+$/, 'a dataset URL starts with https:// or s3:// (a worker downloads it)');
/**
 * Parameter values are whatever JSON the trainer takes; a file's values came from JSON.parse,
 * so there is nothing more to check here (each trainer's own specs check the values).
 */
export const parametersSchema = z.record(z.string(), z.unknown());
export type Parameters = z.infer<typeof parametersSchema>;

export const styleSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: idSchema,
  name: z.string().min(1, 'a style needs a name'),
  triggerToken: z.string().default(''),
  trainer: z.string().min(1, 'a style needs a trainer (kohya, demo, …)'),
  defaults: parametersSchema.default({}),
  description: z.string().default(''),
  createdAt: isoDate,
  runpod: z.looseObject({ endpointId: z.string().optional() }).optional(),
  /** Where remote workers download each dataset from (RunPod cannot read local folders). */
  datasets: z.record(idSchema, z.looseObject({ url: remoteUrlSchema.optional() })).optional(),
  /** Where this style's sessions run unless a version says otherwise. */
  backend: z.enum(['local', 'runpod']).optional(),
});
export type Style = z.infer<typeof styleSchema>;

export const versionSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  createdAt: isoDate,
  parameters: parametersSchema.default({}),
  datasetId: idSchema.nullable().default(null),
  imageCount: z.number().int().nonnegative().nullable().default(null),
  description: z.string().default(''),
  notes: z.string().default(''),
  tags: z.array(z.string()).default([]),
  status: versionStatusSchema.default('draft'),
  sessionIds: z.array(idSchema).default([]),
  modelUrl: z.string().nullable().default(null),
  completedAt: isoDate.nullable().default(null),
  /** Where this version's sessions run (else the style's backend, else local). */
  backend: z.enum(['local', 'runpod']).optional(),
});
export type Version = z.infer<typeof versionSchema>;

export const versionsFileSchema = z
  .looseObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    versions: z.array(versionSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.versions.forEach((v, i) => {
      if (seen.has(v.id)) ctx.addIssue({ code: 'custom', path: ['versions', i, 'id'], message: `duplicate version id "${v.id}"` });
      seen.add(v.id);
    });
  });
export type VersionsFile = z.infer<typeof versionsFileSchema>;

export const localBackendSchema = z.looseObject({
  type: z.literal('local'),
  command: z.array(z.string()).default([]),
  cwd: z.string().optional(),
});
export const runpodBackendSchema = z.looseObject({
  type: z.literal('runpod'),
  endpointId: z.string().min(1),
  /** The current attempt's job (each attempt records its own in `attempts[].jobId`). */
  jobId: z.string().optional(),
  submittedAt: isoDate.optional(),
  /** `policy` as sent with the job (ms). */
  policy: z.looseObject({ executionTimeout: z.number(), ttl: z.number() }).optional(),
  /** `/run` was sent but its answer never came: a job may exist on RunPod. */
  runUnconfirmed: z.boolean().optional(),
  /** RunPod's last answer: its status word, when, queue delay, execution time, worker. */
  lastStatus: z.string().optional(),
  lastSeenAt: isoDate.optional(),
  delayTime: z.number().nullable().optional(),
  executionTime: z.number().nullable().optional(),
  workerId: z.string().nullable().optional(),
  /** Runs of the current job (a RunPod Retry runs it again under the same id). */
  run: z.number().int().positive().optional(),
  /** The last stream chunk appended to console.log, and the log's size right after (exactly-once appends). */
  streamSeq: z.number().int().nonnegative().optional(),
  /** Chunk numbers below streamSeq not appended yet (another reader took a later chunk first). */
  streamGaps: z.array(z.number().int().positive()).optional(),
  logBytes: z.number().int().nonnegative().optional(),
  /** The newest resumable checkpoint the worker reported (what Resume passes back). */
  checkpoint: z.looseObject({ ref: z.string(), step: z.number().int().nonnegative().nullable() }).nullable().optional(),
  /**
   * Where metrics.jsonl's points come from: the streamed log once it has shown progress lines,
   * until then the worker's progress updates (a worker whose log Trainlab cannot read still
   * gets a loss curve).
   */
  metricsFrom: z.enum(['log', 'progress']).optional(),
  /** Where the worker keeps this run's durable report (read when RunPod has forgotten the job). */
  reportUrl: z.string().optional(),
  /** When the outcome was last read from that report instead of from RunPod, and the status it said. */
  reportReadAt: isoDate.optional(),
  reportStatus: z.string().optional(),
});
export const backendSchema = z.discriminatedUnion('type', [localBackendSchema, runpodBackendSchema]);
export type Backend = z.infer<typeof backendSchema>;

export const originSchema = z.looseObject({
  type: z.enum(['new', 'relaunch', 'extend', 'import']),
  parentSessionId: idSchema.optional(),
  /** For imported sessions: the file they came from. */
  source: z.string().optional(),
});

export const attemptSchema = z.looseObject({
  startedAt: isoDate,
  endedAt: isoDate.nullable().default(null),
  exitCode: z.number().int().nullable().default(null),
  signal: z.string().nullable().default(null),
  /** The checkpoint this attempt resumed from; null for the first start. */
  resumedFrom: z.string().nullable().default(null),
  /** The session's cumulative step when this attempt started. */
  startStep: z.number().int().nonnegative().default(0),
  /** RunPod: the job this attempt ran as. */
  jobId: z.string().optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const progressSchema = z.looseObject({
  step: z.number().int().nonnegative().default(0),
  totalSteps: z.number().int().nonnegative().nullable().default(null),
  epoch: z.number().int().nonnegative().nullable().default(null),
  totalEpochs: z.number().int().nonnegative().nullable().default(null),
  loss: z.number().nullable().default(null),
  etaSeconds: z.number().nonnegative().nullable().default(null),
  updatedAt: isoDate,
});
export type Progress = z.infer<typeof progressSchema>;

export const checkpointSchema = z.looseObject({
  path: z.string().min(1),
  step: z.number().int().nonnegative().nullable().default(null),
  createdAt: isoDate.nullable().default(null),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const datasetRefSchema = z.looseObject({
  id: z.string().nullable().default(null),
  path: z.string().nullable().default(null),
  imageCount: z.number().int().nonnegative().nullable().default(null),
});

export const sessionSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: idSchema,
  styleId: idSchema,
  versionId: idSchema,
  createdAt: isoDate,
  origin: originSchema.default({ type: 'new' }),
  backend: backendSchema,
  trainer: z.string().optional(),
  parameters: parametersSchema.default({}),
  dataset: datasetRefSchema.nullable().default(null),
  status: sessionStatusSchema,
  attempts: z.array(attemptSchema).default([]),
  progress: progressSchema.nullable().default(null),
  checkpoints: z.array(checkpointSchema).default([]),
  outputs: z.looseObject({ model: z.string().nullable().default(null), samples: z.array(z.string()).default([]) }).default({ model: null, samples: [] }),
  metricsSummary: z
    .looseObject({ bestLoss: z.number().nullable().default(null), finalLoss: z.number().nullable().default(null), bestStep: z.number().int().nullable().default(null) })
    .default({ bestLoss: null, finalLoss: null, bestStep: null }),
  error: z.looseObject({ message: z.string(), where: z.string().optional() }).nullable().default(null),
  notes: z.string().default(''),
  tags: z.array(z.string()).default([]),
});
export type Session = z.infer<typeof sessionSchema>;

/** Written only by the runner (next to the session): who runs the trainer and how it ended. */
export const runnerRecordSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  host: z.string(),
  startedAt: isoDate,
  /** Which attempt of the session (1-based) this runner runs: a record of an earlier attempt is not the current one. */
  attempt: z.number().int().positive().nullable().default(null),
  runnerPid: z.number().int().positive(),
  /** The process start time as the OS reports it, so a reused pid is never taken for ours. */
  runnerStartTime: z.string().nullable().default(null),
  trainerPid: z.number().int().positive().nullable().default(null),
  trainerStartTime: z.string().nullable().default(null),
  argv: z.array(z.string()).default([]),
  exit: z
    .looseObject({ code: z.number().int().nullable(), signal: z.string().nullable(), endedAt: isoDate })
    .nullable()
    .default(null),
});
export type RunnerRecord = z.infer<typeof runnerRecordSchema>;

/** One parameter of a trainer: enough to validate a value and to draw a form field. */
export const paramSpecSchema = z.looseObject({
  key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/),
  label: z.string().optional(),
  type: z.enum(['integer', 'number', 'string', 'boolean', 'enum']),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).optional(),
  description: z.string().optional(),
  advanced: z.boolean().optional(),
  required: z.boolean().optional(),
});
export type ParamSpecInput = z.input<typeof paramSpecSchema>;

/** A user trainer profile in `trainlab/trainers/<name>.json` (the `command` trainer). */
export const trainerProfileFileSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  name: idSchema,
  label: z.string().optional(),
  description: z.string().optional(),
  /** argv template; `{param}` placeholders are replaced by parameter values, never through a shell. */
  argv: z.array(z.string(), { error: 'a trainer profile needs "argv": the command as a list of strings, with {param} placeholders' }).min(1, 'a trainer profile needs an argv template'),
  resumeArgv: z.array(z.string()).optional(),
  parameters: z.array(paramSpecSchema).default([]),
  /** Regular expressions applied to each output line; the first group is the value. */
  progress: z
    .looseObject({
      step: z.string().optional(),
      total: z.string().optional(),
      loss: z.string().optional(),
      /** The trainer's step counter restarts at 0 after a resume. */
      barCountsFromResume: z.boolean().optional(),
    })
    .optional(),
  /** Where resumable checkpoints are: a regular expression for names in the output folder; `(\d+)` is the step. */
  checkpoints: z.looseObject({ pattern: z.string().optional() }).optional(),
});
export type TrainerProfileFile = z.infer<typeof trainerProfileFileSchema>;

/** File kinds the store knows, with their schemas; also the input of the JSON Schema generator. */
export const FILE_SCHEMAS = {
  style: styleSchema,
  versions: versionsFileSchema,
  session: sessionSchema,
  runner: runnerRecordSchema,
  trainer: trainerProfileFileSchema,
} as const;
export type FileKind = keyof typeof FILE_SCHEMAS;
