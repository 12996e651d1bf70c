/**
 * The training panel's message contract: the one module both sides import (the extension's
 * `src/extension/panel/` and the `webview-ui/` bundle). Every message is parsed with these
 * schemas on arrival, in both directions; `parseMessage` returns undefined for anything
 * malformed or unknown, which the caller drops and logs and never acts on.
 *
 * No `vscode` and no Node import: this file is bundled into the webview. (That is also why
 * the id pattern and the parameter-spec schema are restated here rather than imported from
 * `src/core/model`, whose `ids.ts` uses `node:crypto`; a unit test checks they agree.)
 */
import { z } from 'zod';
import { versionStatusSchema } from '../core/model/status';

/** The view type of the panel (also the serializer's key and the activation event's). */
export const PANEL_VIEW_TYPE = 'trainlab.panel';

/** How long the webview waits for the answer to a request. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Same as core `ID_PATTERN`. */
export const PANEL_ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const id = z.string().regex(PANEL_ID_PATTERN);
const text = z.string().max(100_000);
const paramValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
/** Parameter objects as the files hold them: any JSON per key. */
const parameters = z.record(z.string().max(200), z.unknown());

/** Same shape as core `paramSpecSchema`. */
export const panelParamSpecSchema = z.looseObject({
  key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/),
  label: z.string().optional(),
  type: z.enum(['integer', 'number', 'string', 'boolean', 'enum']),
  default: paramValue.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).optional(),
  description: z.string().optional(),
  advanced: z.boolean().optional(),
  required: z.boolean().optional(),
});
export type PanelParamSpec = z.infer<typeof panelParamSpecSchema>;

export const TABS = ['configure', 'console', 'history', 'samples'] as const;
export const tabSchema = z.enum(TABS);
export type PanelTab = z.infer<typeof tabSchema>;

/** The form selection meaning "NEW": the trainer's and style's defaults, not a saved version. */
export const NEW_VERSION = '__new__';

/** Unsaved edits of the Configure form: raw field text (as typed), dataset and description. */
export const formDraftSchema = z.strictObject({
  /** The version the edits started from, or NEW_VERSION. */
  base: z.union([id, z.literal(NEW_VERSION)]),
  values: z.record(z.string().max(200), z.union([z.string().max(10_000), z.boolean()])),
  datasetId: id.nullable(),
  description: text,
});
export type FormDraft = z.infer<typeof formDraftSchema>;

// ------------------------------------------------------------------ Console tab (console + live chart)
// Its own messages (not requests): the page subscribes to one session's console.log and
// metrics.jsonl while the Console tab is shown; the extension answers with a `consoleSession`
// and then streams `consoleData` (the last maxLines lines first, then appended text).

/** The Console tab's remembered choices: the chosen session (null: the selected version's newest), follow, scroll, smoothing. */
export const consoleUiStateSchema = z.strictObject({
  sessionId: id.nullable().optional(),
  follow: z.boolean().optional(),
  scrollTop: z.number().nonnegative().optional(),
  smoothing: z.number().min(0).max(0.999).optional(),
});
export type ConsoleUiState = z.infer<typeof consoleUiStateSchema>;

/** Subscription number: data of an older subscription is dropped by the page. */
const consoleSeq = z.number().int().nonnegative();

export const consoleSubscribeMessageSchema = z.strictObject({
  type: z.literal('consoleSubscribe'),
  seq: consoleSeq,
  /** A chosen session; or null for the newest session of `versionId`. */
  sessionId: id.nullable(),
  versionId: id.nullable(),
});
export const consoleUnsubscribeMessageSchema = z.strictObject({ type: z.literal('consoleUnsubscribe') });

export const consoleSessionChoiceSchema = z.strictObject({ id, versionId: id, status: versionStatusSchema, createdAt: z.string().max(100) });
export type ConsoleSessionChoice = z.infer<typeof consoleSessionChoiceSchema>;

export const consoleSessionMessageSchema = z.strictObject({
  type: z.literal('consoleSession'),
  seq: consoleSeq,
  /** The session shown, or null when there is none. */
  sessionId: id.nullable(),
  status: versionStatusSchema.nullable(),
  /** Every session of the style, newest first (the picker). */
  sessions: z.array(consoleSessionChoiceSchema).max(10_000),
  /** The setting `trainlab.console.maxLines`. */
  maxLines: z.number().int().min(1).max(1_000_000),
});
export type ConsoleSessionMessage = z.infer<typeof consoleSessionMessageSchema>;

export const consoleDataMessageSchema = z.strictObject({
  type: z.literal('consoleData'),
  seq: consoleSeq,
  stream: z.enum(['console', 'metrics']),
  /** Start over (first chunk, or the file was replaced). */
  reset: z.boolean(),
  text: z.string().max(64 * 1024 * 1024),
});
export type ConsoleDataMessage = z.infer<typeof consoleDataMessageSchema>;

// ------------------------------------------------------------------ (end of the Console tab's block)

/** The History tab's remembered table: sort column and direction, filter text and status. */
export const historyUiStateSchema = z.strictObject({
  sort: z.strictObject({ key: z.string().max(40), dir: z.enum(['asc', 'desc']) }).optional(),
  filterText: z.string().max(1_000).optional(),
  filterStatus: z.string().max(40).optional(),
});
export type HistoryUiState = z.infer<typeof historyUiStateSchema>;

/** The Samples tab's remembered choices: the view, the session shown by step, the prompt and versions compared. */
export const samplesUiStateSchema = z.strictObject({
  mode: z.enum(['step', 'prompt']).optional(),
  sessionId: id.nullable().optional(),
  prompt: z.number().int().nonnegative().max(10_000).optional(),
  versionIds: z.array(id).max(64).optional(),
});
export type SamplesUiState = z.infer<typeof samplesUiStateSchema>;

/** What the panel remembers per style (webview `setState` and the workspaceState facade). */
export const panelUiStateSchema = z.strictObject({
  selectedVersionId: z.union([id, z.literal(NEW_VERSION)]).optional(),
  activeTab: tabSchema.optional(),
  advancedOpen: z.boolean().optional(),
  draft: formDraftSchema.nullable().optional(),
  console: consoleUiStateSchema.optional(),
  history: historyUiStateSchema.optional(),
  samples: samplesUiStateSchema.optional(),
  /** When this state was written (ms since epoch): the newer of two copies wins. */
  savedAt: z.number().nonnegative().optional(),
});
export type PanelUiState = z.infer<typeof panelUiStateSchema>;

/** What the webview keeps in its own `setState` (the serializer reads the style id from it). */
export const webviewStateSchema = z.strictObject({ styleId: id, ui: panelUiStateSchema });
export type WebviewState = z.infer<typeof webviewStateSchema>;

// ------------------------------------------------------------------ data the panel shows

export const sessionSummarySchema = z.strictObject({
  id,
  status: versionStatusSchema,
  local: z.boolean(),
  /** Checkpoints recorded by the log sync (a resume needs one). */
  checkpoints: z.number().int().nonnegative(),
  step: z.number().int().nonnegative().nullable(),
  totalSteps: z.number().int().nonnegative().nullable(),
  /** One line: `running • 120/1200 (10%)`. */
  progressText: z.string(),
  error: z.string().nullable(),
  /** The session's trainer can continue a finished run (Extend). */
  canExtend: z.boolean().optional(),
  /** The trained model: a file of a local session, the URL a RunPod worker uploaded it to. */
  model: z.string().max(4096).optional(),
  /** A RunPod session: its job as RunPod last described it. */
  remote: z
    .strictObject({
      endpointId: z.string(),
      jobId: z.string().nullable(),
      /** RunPod's own status word (IN_QUEUE, IN_PROGRESS, …). */
      status: z.string().nullable(),
      delayMs: z.number().nullable(),
      workerId: z.string().nullable(),
      lastSeenAt: z.string().nullable(),
      /** RunPod's Retry applies (a FAILED or TIMED_OUT job). */
      canRetry: z.boolean(),
    })
    .optional(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const versionSummarySchema = z.strictObject({
  id,
  name: z.string(),
  createdAt: z.string(),
  status: versionStatusSchema,
  imageCount: z.number().int().nonnegative().nullable(),
  steps: z.number().nonnegative().nullable(),
  description: text,
  notes: text,
  tags: z.array(z.string()),
  datasetId: id.nullable(),
  parameters,
  completedAt: z.string().nullable(),
  /** Where a Start runs this version: its own choice, else the style's, else local. */
  backend: z.enum(['local', 'runpod']).optional(),
  /** The newest session, if any. */
  session: sessionSummarySchema.nullable(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

/**
 * A dataset the Configure tab offers: counts are null for one that exists only at its URL (no
 * folder here; only a RunPod worker can train on it); `url` is where workers download it.
 */
export const datasetSummarySchema = z.strictObject({
  id,
  imageCount: z.number().int().nonnegative().nullable(),
  captionCount: z.number().int().nonnegative().nullable(),
  url: z.string().min(1).max(8192).nullable(),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const styleSummarySchema = z.strictObject({
  id,
  name: z.string(),
  triggerToken: z.string(),
  trainer: z.string(),
  trainerLabel: z.string(),
  description: text,
});
export type StyleSummary = z.infer<typeof styleSummarySchema>;

// ------------------------------------------------------------------ extension → webview

export const initMessageSchema = z.strictObject({
  type: z.literal('init'),
  style: styleSummarySchema,
  params: z.array(panelParamSpecSchema),
  /** NEW's parameters: the trainer's defaults, then the style's, with the trigger token. */
  newParameters: parameters,
  versions: z.array(versionSummarySchema),
  datasets: z.array(datasetSummarySchema),
  state: panelUiStateSchema,
  /** Whether processes may be started here (workspace trust). */
  trusted: z.boolean(),
  /** A line to show at the top (e.g. "V2 is running: refreshing its status…"). */
  notice: z.string().nullable(),
});
export type InitMessage = z.infer<typeof initMessageSchema>;

export const updateMessageSchema = z.strictObject({
  type: z.literal('update'),
  style: styleSummarySchema.optional(),
  versions: z.array(versionSummarySchema).optional(),
  datasets: z.array(datasetSummarySchema).optional(),
  trusted: z.boolean().optional(),
  notice: z.string().nullable().optional(),
  /** The style is gone (or the workspace closed): the panel says so and offers nothing. */
  gone: z.boolean().optional(),
  /** Select this version (the panel was opened again from a version). */
  select: id.optional(),
});
export type UpdateMessage = z.infer<typeof updateMessageSchema>;

const requestId = z.string().min(1).max(64);

export const responseMessageSchema = z.discriminatedUnion('ok', [
  z.strictObject({ type: z.literal('response'), id: requestId, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ type: z.literal('response'), id: requestId, ok: z.literal(false), error: z.string(), cancelled: z.boolean().optional() }),
]);
export type ResponseMessage = z.infer<typeof responseMessageSchema>;

export const toWebviewSchema = z.union([initMessageSchema, updateMessageSchema, responseMessageSchema, consoleSessionMessageSchema, consoleDataMessageSchema]);
export type ToWebviewMessage = z.infer<typeof toWebviewSchema>;

// ------------------------------------------------------------------ History tab (requests and their results)
// The History tab's own block: its request arguments (spread into REQUEST_ARGS below) and the
// shapes of its results, which the webview parses before it shows them.

const nullableNumber = z.number().nullable();
/** A tag as it is saved: trimmed, one line, not empty. */
const tagSchema = z.string().trim().min(1).max(100).regex(/^[^\r\n]*$/);
const historyTargetSchema = z.strictObject({ kind: z.enum(['version', 'session']), id });
export type HistoryTarget = z.infer<typeof historyTargetSchema>;

/** The most versions one compare may hold. */
export const MAX_COMPARE = 8;
/** The most points per loss curve a compare sends. */
export const MAX_CURVE_POINTS = 5_000;

export const HISTORY_REQUEST_ARGS = {
  getHistory: z.strictObject({}),
  compare: z.strictObject({ versionIds: z.array(id).min(2).max(MAX_COMPARE) }),
  updateNotes: z.strictObject({ target: historyTargetSchema, notes: text }),
  updateTags: z.strictObject({ target: historyTargetSchema, tags: z.array(tagSchema).max(50) }),
} as const;

export const historyAttemptSchema = z.strictObject({
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  resumedFrom: z.string().nullable(),
  startStep: z.number(),
});
export const historySessionSchema = z.strictObject({
  id,
  versionId: id,
  status: versionStatusSchema,
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  origin: z.string(),
  backend: z.string(),
  step: nullableNumber,
  totalSteps: nullableNumber,
  finalLoss: nullableNumber,
  bestLoss: nullableNumber,
  bestStep: nullableNumber,
  durationSeconds: nullableNumber,
  parameters,
  dataset: z.strictObject({ id: z.string().nullable(), path: z.string().nullable(), imageCount: nullableNumber }).nullable(),
  attempts: z.array(historyAttemptSchema),
  checkpoints: z.array(z.strictObject({ path: z.string(), step: nullableNumber, createdAt: z.string().nullable() })),
  outputs: z.strictObject({ model: z.string().nullable(), samples: z.array(z.string()) }),
  error: z.string().nullable(),
  notes: text,
  tags: z.array(z.string()),
});
export type HistorySession = z.infer<typeof historySessionSchema>;
export const historyResultSchema = z.strictObject({ sessions: z.array(historySessionSchema) });
export type HistoryResult = z.infer<typeof historyResultSchema>;

export const compareResultSchema = z.strictObject({
  versions: z.array(
    z.strictObject({
      id,
      name: z.string(),
      status: versionStatusSchema,
      sessionId: id.nullable(),
      finalLoss: nullableNumber,
      bestLoss: nullableNumber,
      durationSeconds: nullableNumber,
    }),
  ),
  parameters: z.array(z.strictObject({ key: z.string(), values: z.array(z.unknown()), present: z.array(z.boolean()), differs: z.boolean() })),
  /** The newest session's loss curve per version that has metrics, downsampled to MAX_CURVE_POINTS. */
  curves: z.array(
    z.strictObject({
      versionId: id,
      sessionId: id,
      /** Points in metrics.jsonl before downsampling. */
      total: z.number().int().nonnegative(),
      steps: z.array(z.number()).max(MAX_CURVE_POINTS),
      loss: z.array(nullableNumber).max(MAX_CURVE_POINTS),
      lr: z.array(nullableNumber).max(MAX_CURVE_POINTS),
    }),
  ),
});
export type CompareResult = z.infer<typeof compareResultSchema>;
// ------------------------------------------------------------------ end of the History tab's block

// ------------------------------------------------------------------ Samples tab (its requests and result)

export const SAMPLES_REQUEST_ARGS = {
  getSamples: z.strictObject({}),
  /** Opens one sample image in an editor (`file`: its name in the session's samples). */
  openSample: z.strictObject({ sessionId: id, file: z.string().min(1).max(500) }),
} as const;

export const sampleImageSchema = z.strictObject({
  file: z.string(),
  /** A webview URI, or null when the image is outside the folders the panel may show (open it instead). */
  uri: z.string().nullable(),
  step: nullableNumber,
  epoch: nullableNumber,
  prompt: z.number().int().nonnegative(),
});
export type SampleImage = z.infer<typeof sampleImageSchema>;
export const samplesResultSchema = z.strictObject({
  sessions: z.array(
    z.strictObject({
      id,
      versionId: id,
      versionName: z.string(),
      status: versionStatusSchema,
      createdAt: z.string(),
      /** The prompt texts when the trainer's prompt list could be read (index = prompt number). */
      prompts: z.array(z.string()),
      images: z.array(sampleImageSchema).max(20_000),
    }),
  ),
});
export type SamplesResult = z.infer<typeof samplesResultSchema>;

// ------------------------------------------------------------------ webview → extension

const versionArgs = z.strictObject({ versionId: id });
const backendChoice = z.enum(['local', 'runpod']);
const formArgs = z.strictObject({ parameters, datasetId: id.nullable(), description: text });

/** Every action the webview may ask for, with its arguments: nothing else is ever run. */
export const REQUEST_ARGS = {
  saveVersion: formArgs.extend({ basedOn: id.nullable().optional(), backend: backendChoice.optional() }),
  /** A saved version, or (with `draft`) the form's edits saved as a new version first. */
  startTraining: z.strictObject({ versionId: id.optional(), draft: formArgs.extend({ basedOn: id.nullable().optional(), backend: backendChoice.optional() }).optional() }),
  /** Where a saved version runs (versions.json `backend`). */
  setBackend: z.strictObject({ versionId: id, backend: backendChoice }),
  /** RunPod's Retry of the version's newest session (its FAILED or TIMED_OUT job runs again). */
  retry: versionArgs,
  checkStatus: versionArgs,
  cancel: versionArgs,
  resume: versionArgs,
  relaunch: versionArgs,
  validate: z.strictObject({ parameters }),
  persistState: z.strictObject({ state: panelUiStateSchema }),
  /** `sessionId`: a session of `versionId` (of the panel's style) instead of its newest. */
  openFile: z.strictObject({ file: z.enum(['style', 'versions', 'session', 'log']), versionId: id.optional(), sessionId: id.optional() }),
  /** N more steps of a completed session (the command asks for N unless `steps` is given). */
  extend: z.strictObject({ sessionId: id, steps: z.number().int().positive().max(10_000_000).optional() }),
  /** Forgets the panel's remembered state for this style (both copies) and starts the page over. */
  resetState: z.strictObject({}),
  /** The History tab's actions (its block above). */
  ...HISTORY_REQUEST_ARGS,
  ...SAMPLES_REQUEST_ARGS,
} as const;
export type RequestAction = keyof typeof REQUEST_ARGS;
export const REQUEST_ACTIONS = Object.keys(REQUEST_ARGS) as RequestAction[];
export type RequestArgs<A extends RequestAction> = z.infer<(typeof REQUEST_ARGS)[A]>;

const requestOf = <A extends RequestAction>(action: A) => z.strictObject({ type: z.literal('request'), id: requestId, action: z.literal(action), args: REQUEST_ARGS[action] });

export const requestMessageSchema = z.discriminatedUnion('action', [
  requestOf('saveVersion'),
  requestOf('startTraining'),
  requestOf('checkStatus'),
  requestOf('cancel'),
  requestOf('resume'),
  requestOf('relaunch'),
  requestOf('retry'),
  requestOf('setBackend'),
  requestOf('extend'),
  requestOf('validate'),
  requestOf('persistState'),
  requestOf('openFile'),
  requestOf('getHistory'),
  requestOf('compare'),
  requestOf('updateNotes'),
  requestOf('updateTags'),
  requestOf('getSamples'),
  requestOf('openSample'),
  requestOf('resetState'),
]);
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const readyMessageSchema = z.strictObject({ type: z.literal('ready') });

export const toExtensionSchema = z.union([readyMessageSchema, requestMessageSchema, consoleSubscribeMessageSchema, consoleUnsubscribeMessageSchema]);
export type ToExtensionMessage = z.infer<typeof toExtensionSchema>;

/** What each action answers with (`result` of an ok response). */
export interface ValidateResult {
  errors: { key: string; message: string }[];
}
export interface SaveResult {
  versionId: string;
}
export interface StartResult {
  versionId: string;
  sessionId: string;
}

export type Direction = 'toWebview' | 'toExtension';
type MessageOf<D extends Direction> = D extends 'toWebview' ? ToWebviewMessage : ToExtensionMessage;

/**
 * The typed message, or undefined when `raw` is not one (malformed, unknown type or action,
 * arguments of the wrong shape). Never throws.
 */
export function parseMessage<D extends Direction>(direction: D, raw: unknown): MessageOf<D> | undefined {
  try {
    const schema = direction === 'toWebview' ? toWebviewSchema : toExtensionSchema;
    const r = schema.safeParse(raw);
    return r.success ? (r.data as MessageOf<D>) : undefined;
  } catch {
    return undefined;
  }
}

/** A short description of a dropped message for the log (never the whole thing). */
export function describeDropped(raw: unknown): string {
  if (raw === null || typeof raw !== 'object') return `a ${raw === null ? 'null' : typeof raw}`;
  const o = raw as Record<string, unknown>;
  const type = typeof o.type === 'string' ? o.type.slice(0, 40) : '?';
  const action = typeof o.action === 'string' ? ` ${o.action.slice(0, 40)}` : '';
  return `"${type}${action}"`;
}
