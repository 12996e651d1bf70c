import { slugify, type Backend } from '../model';
import { toIso } from './dates';
import { parseJson } from './parse-text';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeRunSession, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import { fitKohyaTypes } from './sd-scripts';
import { mapStatus, sessionStatusOf } from './status-map';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { baseName, count, isObject, parentName, setKey, str, toParameters, type JsonObject } from './values';

/**
 * Seed-style version files (seed 002): `training_versions.json`,
 * `{ versions: [ { id, name, timestamp, parameters, status, loraUrl, completedAt, selectionSetId, imageCount, description } ] }`.
 * The file does not say which style it belongs to: `--style`, else the folder's name.
 *
 * Parameter names are sd-scripts' except two, renamed to the kohya trainer's names:
 * `batch_size` → `train_batch_size` and `gradient_dtype` → `mixed_precision`. Keeping both
 * names would leave two sources of truth for one setting, so the original names are recorded
 * in `imported.renamedParameters` instead (nothing is lost; an export can restore them).
 */

export const TRAINING_VERSIONS_TOOL = 'training-versions';

const RENAMES: Record<string, string> = { batch_size: 'train_batch_size', gradient_dtype: 'mixed_precision' };

/** Entry fields that map onto version fields; the rest is kept in `imported`. */
const KNOWN = new Set(['id', 'name', 'timestamp', 'createdAt', 'parameters', 'status', 'loraUrl', 'modelUrl', 'completedAt', 'selectionSetId', 'imageCount', 'description', 'notes', 'tags']);

export function detectTrainingVersions(path: string, text: string): boolean {
  if (baseName(path).toLowerCase() === 'training_versions.json') return true;
  const parsed = parseJson(path, text);
  if (!parsed.ok || !isObject(parsed.value)) return false;
  const { versions } = parsed.value;
  // Trainlab's own versions.json carries schemaVersion: never re-import our own files.
  if ('schemaVersion' in parsed.value || !Array.isArray(versions)) return false;
  return versions.some((v) => isObject(v) && ('loraUrl' in v || 'selectionSetId' in v || ('parameters' in v && 'timestamp' in v)));
}

function mapParameters(raw: unknown): { parameters: JsonObject; renamed: Record<string, string> } {
  const parameters: JsonObject = {};
  const renamed: Record<string, string> = {};
  if (!isObject(raw)) return { parameters, renamed };
  for (const [k, v] of Object.entries(raw)) {
    const to = Object.hasOwn(RENAMES, k) ? RENAMES[k]! : k;
    // An explicit train_batch_size next to batch_size wins: it is already the trainer's name.
    if (to !== k && Object.hasOwn(raw, to)) {
      setKey(parameters, `imported_${k}`, v);
      continue;
    }
    if (to !== k) renamed[k] = to;
    setKey(parameters, to, v);
  }
  return { parameters, renamed };
}

/** `selectionSetId: 2` → `set-2`: a dataset id must be a valid id, and a bare number reads oddly as a folder. */
function datasetIdOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return slugify(`set-${v}`);
  const s = str(v);
  if (!s) return null;
  return /^\d+$/.test(s) ? `set-${s}` : slugify(s);
}

export function readTrainingVersions(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  const parsed = parseJson(source, text);
  if (!parsed.ok) return failedPlan(TRAINING_VERSIONS_TOOL, parsed.problem);
  const doc = parsed.value;
  const list = Array.isArray(doc) ? doc : isObject(doc) ? doc.versions : undefined;
  if (!Array.isArray(list)) return failedPlan(TRAINING_VERSIONS_TOOL, { path: source, message: 'expected { "versions": [ … ] } with a list of versions' });

  const plan = emptyPlan(TRAINING_VERSIONS_TOOL);
  const styleId = chooseStyleId(plan, source, options, undefined, { text: parentName(source), why: 'the file does not say which style it belongs to' });
  let earliest: string | undefined;
  let trigger = '';
  const keys = new Set<string>();

  list.forEach((entry, i) => {
    if (!isObject(entry)) {
      plan.problems.push({ path: source, message: `versions[${i}] is not an object; skipped` });
      return;
    }
    const v = redactWithNote(plan, source, entry);

    const name = str(v.name) ?? str(v.id) ?? `version-${i + 1}`;
    const createdAt = toIso(v.timestamp) ?? toIso(v.createdAt) ?? fallbackDate(plan, source, options);
    if (!earliest || createdAt < earliest) earliest = createdAt;
    const mapped = mapParameters(v.parameters);
    fitKohyaTypes(mapped.parameters);
    if (!trigger) trigger = str(mapped.parameters.class_tokens) ?? '';
    const said = mapStatus(v.status ?? 'draft');
    if (!said.recognised) plan.notes.push({ path: source, message: `versions[${i}] ("${name}") has unknown status ${JSON.stringify(v.status)}; imported as "unknown"` });
    const completedAt = toIso(v.completedAt) ?? null;
    const modelUrl = str(v.loraUrl) ?? str(v.modelUrl) ?? null;
    const imageCount = count(v.imageCount) ?? null;

    const imported: JsonObject = {};
    for (const [k, val] of Object.entries(v)) if (!KNOWN.has(k)) setKey(imported, k, val);
    if (Object.keys(mapped.renamed).length) imported.renamedParameters = mapped.renamed;
    if (v.parameters !== undefined && !isObject(v.parameters)) imported.parameters = v.parameters;
    if (v.status !== undefined) imported.status = v.status;
    if (v.selectionSetId !== undefined) imported.selectionSetId = v.selectionSetId;
    if (v.imageCount !== undefined && imageCount === null) imported.imageCount = v.imageCount;
    if (v.id !== undefined) imported.id = v.id;

    // The entry's id is what the tool knew the run by (a RunPod job id): the stable key.
    let sourceKey = `${TRAINING_VERSIONS_TOOL}:${styleId}:${str(v.id) ?? name}`;
    // Two entries with one id (a hand-copied entry) are still two entries.
    if (keys.has(sourceKey)) sourceKey = `${sourceKey}#${i}`;
    keys.add(sourceKey);
    const version = makeVersion({
      styleId,
      sourceKey,
      name,
      createdAt,
      source,
      parameters: toParameters(mapped.parameters),
      datasetId: datasetIdOf(v.selectionSetId),
      imageCount,
      description: str(v.description) ?? '',
      notes: str(v.notes) ?? '',
      tags: Array.isArray(v.tags) ? v.tags.filter((t): t is string => typeof t === 'string') : [],
      status: said.status,
      modelUrl,
      completedAt,
      imported,
    });
    plan.versions.push(version);
    if (said.status === 'draft') return;

    const jobId = str(v.id);
    const backend: Backend = options.runpodEndpointId && jobId ? { type: 'runpod', endpointId: options.runpodEndpointId, jobId } : { type: 'local', command: [] };
    plan.sessions.push(
      makeRunSession(version, {
        status: sessionStatusOf(said.status),
        trainer: 'kohya',
        parameters: toParameters(mapped.parameters),
        backend,
        dataset: { id: datasetIdOf(v.selectionSetId), path: null, imageCount },
        attempts: [{ startedAt: createdAt, endedAt: completedAt, exitCode: null, signal: null, resumedFrom: null, startStep: 0 }],
        outputs: { model: modelUrl, samples: [] },
        error: said.status === 'failed' && str(v.error) ? { message: str(v.error)!, where: 'training_versions.json' } : null,
        imported: jobId && backend.type !== 'runpod' ? { runpodJobId: jobId } : {},
      }),
    );
  });

  if (list.length === 0) plan.notes.push({ path: source, message: 'the file lists no versions' });
  plan.styles.push(makeStyle({ id: styleId, name: styleId, triggerToken: trigger, trainer: 'kohya', createdAt: earliest ?? fallbackDate(plan, source, options) }));
  return plan;
}

export const trainingVersionsReader: ImportReader = { tool: TRAINING_VERSIONS_TOOL, detect: detectTrainingVersions, read: readTrainingVersions };
