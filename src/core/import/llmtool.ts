import type { Checkpoint, Progress } from '../model';
import { toIso } from './dates';
import { parseJson } from './parse-text';
import { chooseStyleId, emptyMetrics, emptyPlan, failedPlan, fallbackDate, makeRunSession, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import { mapStatus, sessionStatusOf } from './status-map';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { baseName, count, isObject, num, parentName, setKey, shortHash, stem, str, toParameters, type JsonObject } from './values';

/**
 * LLMTool training sessions, in both layouts (formats.md):
 * - seed 004: `logs/training_sessions/training_metadata_YYYYMMDD_HHMMSS.json`
 * - current LLM_Tool: `…/<session>/training_session_metadata/training_metadata.json`, which adds
 *   `metadata_version`, `created_at`, `training_params`, `execution_status.errors[]`, `checkpoints`.
 * One file is one run: a version (its configuration) and a session (its outcome), trainer `hf-trainer`.
 * The whole document is kept in the version's `imported.llmtool`.
 */

export const LLMTOOL_TOOL = 'llmtool';

/** LLMTool names → Hugging Face TrainingArguments names (what the hf-trainer profile takes). */
const RENAMES: Record<string, string> = {
  selected_model: 'model_name_or_path',
  epochs: 'num_train_epochs',
  batch_size: 'per_device_train_batch_size',
  scheduler: 'lr_scheduler_type',
  optimizer: 'optim',
  max_sequence_length: 'max_seq_length',
};

/** Names that already are TrainingArguments (or the trainer's own) and go over unchanged. */
const SAME = new Set([
  'learning_rate', 'warmup_ratio', 'warmup_steps', 'weight_decay', 'adam_epsilon', 'adam_beta1', 'adam_beta2',
  'max_grad_norm', 'gradient_accumulation_steps', 'fp16', 'bf16', 'seed', 'save_strategy', 'save_steps',
  'save_total_limit', 'evaluation_strategy', 'eval_strategy', 'eval_steps', 'logging_steps', 'logging_first_step',
  'load_best_model_at_end', 'metric_for_best_model', 'greater_is_better', 'early_stopping_patience',
  'early_stopping_threshold', 'num_workers',
]);

const NAME = /^training_metadata(_\d{8}_\d{6})?\.json$/i;

export function detectLlmtool(path: string, text: string): boolean {
  const name = baseName(path);
  if (NAME.test(name) && (parentName(path) === 'training_sessions' || parentName(path) === 'training_session_metadata')) return true;
  const parsed = parseJson(path, text);
  if (!parsed.ok || !isObject(parsed.value)) return false;
  const d = parsed.value;
  return isObject(d.training_session) && (isObject(d.execution_status) || isObject(d.model_config) || isObject(d.dataset_config));
}

function mapParameters(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  // training_params (current layout) is the complete set and wins over model_config.
  for (const section of [doc.model_config, doc.training_params]) {
    if (!isObject(section)) continue;
    for (const [k, v] of Object.entries(section)) {
      if (v === null || v === undefined) continue;
      if (Object.hasOwn(RENAMES, k)) setKey(out, RENAMES[k]!, v);
      else if (SAME.has(k)) setKey(out, k, v);
    }
  }
  const ds = isObject(doc.dataset_config) ? doc.dataset_config : {};
  if (str(ds.primary_file)) out.train_file = str(ds.primary_file);
  if (str(ds.text_column)) out.text_column = str(ds.text_column);
  if (str(ds.label_column)) out.label_column = str(ds.label_column);
  return out;
}

function errorOf(exec: JsonObject): { message: string; where: string } | null {
  const direct = str(exec.error_message) ?? str(exec.error);
  if (direct) return { message: direct, where: 'LLMTool' };
  if (Array.isArray(exec.errors) && exec.errors.length) {
    const last: unknown = exec.errors[exec.errors.length - 1];
    const message = str(last) ?? (isObject(last) ? (str(last.message) ?? str(last.error)) : undefined);
    if (message) return { message, where: 'LLMTool' };
  }
  return null;
}

function checkpointsOf(doc: JsonObject, exec: JsonObject): Checkpoint[] {
  const out: Checkpoint[] = [];
  const last = str(exec.last_checkpoint) ?? (isObject(exec.last_checkpoint) ? str(exec.last_checkpoint.path) : undefined);
  if (last) out.push({ path: last, step: null, createdAt: null });
  if (isObject(doc.checkpoints)) {
    for (const [name, c] of Object.entries(doc.checkpoints)) {
      const path = isObject(c) ? str(c.path) : str(c);
      if (path && !out.some((o) => o.path === path)) out.push({ path, step: null, createdAt: isObject(c) ? (toIso(c.modified) ?? null) : null, name });
    }
  }
  return out;
}

export function readLlmtool(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  const parsed = parseJson(source, text);
  if (!parsed.ok) return failedPlan(LLMTOOL_TOOL, parsed.problem);
  if (!isObject(parsed.value) || !isObject(parsed.value.training_session)) {
    return failedPlan(LLMTOOL_TOOL, { path: source, message: 'an LLMTool metadata file must hold an object with a "training_session" section' });
  }
  const plan = emptyPlan(LLMTOOL_TOOL);
  const doc = redactWithNote(plan, source, parsed.value);
  const session = doc.training_session as JsonObject;
  const exec = isObject(doc.execution_status) ? doc.execution_status : {};
  const ds = isObject(doc.dataset_config) ? doc.dataset_config : {};
  const outputs = isObject(doc.output_paths) ? doc.output_paths : {};

  // LLMTool has no styles; sessions on one dataset are versions of one classifier.
  const datasetFile = str(ds.primary_file) ?? str(ds.source_file);
  const styleId = chooseStyleId(plan, source, options, undefined, {
    text: datasetFile ? stem(datasetFile) : 'llmtool',
    why: datasetFile ? `LLMTool names no style; grouped by its dataset "${baseName(datasetFile)}"` : 'LLMTool names no style or dataset',
  });

  const createdAt = toIso(session.timestamp) ?? toIso(doc.created_at) ?? toIso(exec.started_at) ?? toIso(stem(source).replace(/^training_metadata_/, '')) ?? fallbackDate(plan, source, options);
  const startedAt = toIso(exec.started_at);
  const endedAt = toIso(exec.completed_at) ?? null;
  const said = mapStatus(exec.status ?? 'pending');
  let status = sessionStatusOf(said.status);
  if (!said.recognised) plan.notes.push({ path: source, message: `unknown LLMTool status ${JSON.stringify(exec.status)}; imported as "unknown"` });
  // LLMTool writes "pending" before training and updates it after; "pending" with a start time
  // means the run began and never reported back (seed 004 troubleshooting): it was interrupted.
  if (status === 'pending' && startedAt) {
    status = 'interrupted';
    plan.notes.push({ path: source, message: 'LLMTool still says "pending" although the run started; imported as "interrupted"' });
  }

  const parameters = toParameters(mapParameters(doc));
  const id = str(session.session_id) ?? str(session.timestamp);
  const sourceKey = `${LLMTOOL_TOOL}:${styleId}:${id ?? shortHash(doc)}`;
  const totalEpochs = count(parameters.num_train_epochs) ?? null;
  const epoch = count(exec.current_epoch) ?? count(exec.total_epochs_completed) ?? null;
  const progress: Progress | null =
    totalEpochs !== null || epoch !== null
      ? {
          step: 0,
          totalSteps: null,
          epoch: status === 'completed' && totalEpochs !== null ? totalEpochs : epoch,
          totalEpochs,
          loss: null,
          etaSeconds: null,
          updatedAt: toIso(doc.last_updated) ?? endedAt ?? createdAt,
        }
      : null;

  const metrics: JsonObject = { ...emptyMetrics() };
  if (num(exec.best_f1) !== undefined) metrics.bestF1 = num(exec.best_f1);
  if (num(exec.best_accuracy) !== undefined) metrics.bestAccuracy = num(exec.best_accuracy);
  if (str(exec.best_model)) metrics.bestModel = str(exec.best_model);

  plan.styles.push(
    makeStyle({
      id: styleId,
      name: datasetFile ? baseName(datasetFile) : styleId,
      trainer: 'hf-trainer',
      createdAt,
      description: datasetFile ? `Classifiers trained with LLMTool on ${baseName(datasetFile)}` : '',
    }),
  );
  const version = makeVersion({
    styleId,
    sourceKey,
    name: id ?? `llmtool-${sourceKey.slice(-10)}`,
    createdAt,
    source,
    parameters,
    description: str(session.workflow) ?? '',
    notes: `Imported from LLMTool: ${source}`,
    status,
    completedAt: status === 'completed' ? endedAt : null,
    imported: { llmtool: doc },
  });
  plan.versions.push(version);
  plan.sessions.push(
    makeRunSession(version, {
      status,
      trainer: 'hf-trainer',
      parameters,
      dataset: { id: null, path: datasetFile ?? null, imageCount: null },
      attempts: startedAt ? [{ startedAt, endedAt, exitCode: null, signal: null, resumedFrom: null, startStep: 0 }] : [],
      progress,
      checkpoints: checkpointsOf(doc, exec),
      outputs: { model: str(outputs.models_dir) ?? null, samples: [] },
      metricsSummary: metrics as ImportPlan['sessions'][number]['metricsSummary'],
      // errors[] also collects non-fatal ones while a run goes on: only an ended run has "the" error.
      error: status === 'running' || status === 'pending' || status === 'completed' ? null : errorOf(exec),
      imported: {
        executionStatus: exec,
        ...(isObject(doc.output_paths) ? { outputPaths: doc.output_paths } : {}),
      },
    }),
  );
  return plan;
}

export const llmtoolReader: ImportReader = { tool: LLMTOOL_TOOL, detect: detectLlmtool, read: readLlmtool };
