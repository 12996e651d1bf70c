import { isValidId, slugify, type FileProblem } from '../model';
import type { ImportedSession, ImportedStyle, ImportedVersion, ImportNote, ImportPlan, ReadOptions } from './types';
import { posix, redactSecrets, type JsonObject } from './values';

/** Building blocks shared by the readers: empty plans, style ids, dates of last resort, merging. */

export function emptyPlan(tool: string): ImportPlan {
  return { tool, styles: [], versions: [], sessions: [], problems: [], notes: [] };
}

export function failedPlan(tool: string, problem: FileProblem): ImportPlan {
  return { ...emptyPlan(tool), problems: [problem] };
}

/**
 * The style a file goes into: `--style` when given (slugified if it is not a valid id), else
 * what the file says, else a fallback with a note saying where the id came from.
 */
export function chooseStyleId(
  plan: ImportPlan,
  path: string,
  options: ReadOptions | undefined,
  fromFile: string | undefined,
  fallback: { text: string; why: string },
): string {
  const given = options?.styleId?.trim();
  if (given) {
    if (isValidId(given)) return given;
    const id = idFrom(given);
    plan.notes.push({ path, message: `"${given}" is not a valid style id; using "${id}"` });
    return id;
  }
  if (fromFile) return idFrom(fromFile);
  const id = idFrom(fallback.text || 'imported');
  plan.notes.push({ path, message: `${fallback.why}; using style "${id}" (pass --style to choose another)` });
  return id;
}

/** When a file carries no date: its modification time, else the epoch (stable across reads), with a note. */
export function fallbackDate(plan: ImportPlan, path: string, options: ReadOptions | undefined): string {
  const m = options?.modifiedAt;
  if (m && !Number.isNaN(Date.parse(m))) return new Date(m).toISOString();
  const message = 'the file carries no date and its modification time is unknown; dated 1970-01-01';
  if (!plan.notes.some((n) => n.path === path && n.message === message)) plan.notes.push({ path, message });
  return new Date(0).toISOString();
}

/** slugify, with runs of dashes folded ("SDXL - style" → "SDXL-style", not "SDXL---style"). */
export function idFrom(text: string): string {
  const id = slugify(text).replace(/-{2,}/g, '-');
  return isValidId(id) ? id : slugify(text);
}

/** A valid, plan-unique id for a version name within its style ("V1", "V1-2", …). */
export function uniqueVersionId(taken: Set<string>, name: string): string {
  const base = isValidId(name) ? name : idFrom(name);
  let id = base;
  for (let n = 2; taken.has(id); n++) {
    const suffix = `-${n}`;
    id = `${base.slice(0, 64 - suffix.length)}${suffix}`;
  }
  taken.add(id);
  return id;
}

/** `value` with its secret values replaced by `<redacted>`; a note on the plan names what was left out. */
export function redactWithNote(plan: ImportPlan, path: string, value: unknown): JsonObject {
  const secrets: string[] = [];
  const redacted = redactSecrets(value, secrets) as JsonObject;
  if (secrets.length) plan.notes.push({ path, message: `left out secret values: ${secrets.join(', ')}` });
  return redacted;
}

/** Source paths in a plan are relative and `/`-separated whatever the OS. */
export const sourcePath = (path: string): string => posix(path).replace(/^\.\//, '');

export const emptyMetrics = (): ImportedSession['metricsSummary'] => ({ bestLoss: null, finalLoss: null, bestStep: null });

/** A style with every field set; the reader fills in what it knows. */
export function makeStyle(fields: Pick<ImportedStyle, 'id' | 'name' | 'trainer' | 'createdAt'> & Partial<ImportedStyle>): ImportedStyle {
  return { triggerToken: '', defaults: {}, description: '', ...fields };
}

/**
 * Merges the plans of several files into one. A style met twice keeps its earliest date and
 * the first non-empty trigger and description; a version or session met twice (same source
 * key) is kept once, with a note. Suggested version ids are made unique per style.
 */
export function mergePlans(plans: readonly ImportPlan[]): ImportPlan {
  const tools = [...new Set(plans.map((p) => p.tool))].sort();
  const out = emptyPlan(tools.join(','));
  const styles = new Map<string, ImportedStyle>();
  const versionKeys = new Set<string>();
  const sessionKeys = new Set<string>();
  const ids = new Map<string, Set<string>>();
  const notes: ImportNote[] = [];

  for (const plan of plans) {
    out.problems.push(...plan.problems);
    notes.push(...plan.notes);
    for (const s of plan.styles) {
      const seen = styles.get(s.id);
      if (!seen) styles.set(s.id, { ...s });
      else {
        if (s.createdAt < seen.createdAt) seen.createdAt = s.createdAt;
        if (!seen.triggerToken && s.triggerToken) seen.triggerToken = s.triggerToken;
        if (!seen.description && s.description) seen.description = s.description;
        if (seen.trainer !== s.trainer) notes.push({ path: '', message: `style "${s.id}" is used by files of two trainers (${seen.trainer}, ${s.trainer}); kept ${seen.trainer}` });
      }
    }
    for (const v of plan.versions) {
      const key = `${v.styleId}\u0000${v.sourceKey}`;
      if (versionKeys.has(key)) {
        notes.push({ path: v.source, message: `version "${v.name}" was already found in another file; kept once` });
        continue;
      }
      versionKeys.add(key);
      const taken = ids.get(v.styleId) ?? new Set<string>();
      ids.set(v.styleId, taken);
      out.versions.push({ ...v, suggestedId: uniqueVersionId(taken, v.suggestedId) });
    }
    for (const s of plan.sessions) {
      const key = `${s.styleId}\u0000${s.sourceKey}`;
      if (sessionKeys.has(key)) continue;
      sessionKeys.add(key);
      out.sessions.push(s);
    }
  }
  out.styles = [...styles.values()];
  out.notes = notes;
  return out;
}

/** Fills the fields every version needs; readers pass what they know. */
export function makeVersion(
  fields: Pick<ImportedVersion, 'styleId' | 'sourceKey' | 'name' | 'createdAt' | 'source'> & Partial<ImportedVersion>,
): ImportedVersion {
  return {
    suggestedId: isValidId(fields.name) ? fields.name : idFrom(fields.name),
    parameters: {},
    datasetId: null,
    imageCount: null,
    description: '',
    notes: '',
    tags: [],
    status: 'draft',
    modelUrl: null,
    completedAt: null,
    imported: {},
    ...fields,
  };
}

/**
 * The session of an imported run, filed under its version: same style, source and date, keyed
 * `<version key>:session`. The reader passes the rest (and may override any of these).
 */
export function makeRunSession(
  version: Pick<ImportedVersion, 'styleId' | 'sourceKey' | 'createdAt' | 'source'>,
  fields: Pick<ImportedSession, 'status' | 'trainer'> & Partial<ImportedSession>,
): ImportedSession {
  const { status, trainer, ...rest } = fields;
  return makeSession({
    styleId: version.styleId,
    versionSourceKey: version.sourceKey,
    sourceKey: `${version.sourceKey}:session`,
    createdAt: version.createdAt,
    status,
    trainer,
    source: version.source,
    ...rest,
  });
}

/** Fills the fields every session needs; readers pass what they know. */
export function makeSession(
  fields: Pick<ImportedSession, 'styleId' | 'versionSourceKey' | 'sourceKey' | 'createdAt' | 'status' | 'trainer' | 'source'> &
    Partial<ImportedSession>,
): ImportedSession {
  return {
    parameters: {},
    backend: { type: 'local', command: [] },
    dataset: null,
    attempts: [],
    progress: null,
    checkpoints: [],
    outputs: { model: null, samples: [] },
    metricsSummary: emptyMetrics(),
    error: null,
    imported: {},
    ...fields,
  };
}
