import { z } from 'zod';
import { idSchema, isoDate, parametersSchema, type Style, type Version } from '../model';
import { WorkspaceStore } from '../store';
import { findTrainer, validateParameters } from '../trainers';

/**
 * The `trainlab export` document: one version and the style it belongs to, self-contained
 * (no session ids, no paths of this machine), so it can be mailed, committed or imported into
 * another workspace with `trainlab import`.
 */
export const VERSION_EXPORT = 'version-export';
export const EXPORT_SCHEMA_VERSION = 1;

/** Fields that describe this workspace's history or machine rather than the configuration. */
const STYLE_RUNTIME_FIELDS = ['schemaVersion', 'createdAt', 'runpod'] as const;
const VERSION_RUNTIME_FIELDS = ['status', 'sessionIds', 'modelUrl', 'completedAt'] as const;

const exportedStyleSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  triggerToken: z.string().default(''),
  trainer: z.string().min(1),
  defaults: parametersSchema.default({}),
  description: z.string().default(''),
});

const exportedVersionSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  createdAt: isoDate.optional(),
  parameters: parametersSchema.default({}),
  datasetId: idSchema.nullable().default(null),
  imageCount: z.number().int().nonnegative().nullable().default(null),
  description: z.string().default(''),
  notes: z.string().default(''),
  tags: z.array(z.string()).default([]),
});

export const versionExportSchema = z.looseObject({
  trainlab: z.literal(VERSION_EXPORT),
  schemaVersion: z.literal(EXPORT_SCHEMA_VERSION),
  exportedAt: isoDate.optional(),
  style: exportedStyleSchema,
  version: exportedVersionSchema,
});
export type VersionExport = z.infer<typeof versionExportSchema>;

function without<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k of keys) delete out[k];
  return out;
}

export function buildVersionExport(style: Style, version: Version, now: Date): Record<string, unknown> {
  return {
    trainlab: VERSION_EXPORT,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: now.toISOString(),
    style: without(style, STYLE_RUNTIME_FIELDS),
    version: without(version, VERSION_RUNTIME_FIELDS),
  };
}

/** True when the JSON value claims to be a version export (then it is read as one, or refused). */
export function looksLikeVersionExport(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { trainlab?: unknown }).trainlab === VERSION_EXPORT;
}

export type ParseExportResult = { ok: true; doc: VersionExport } | { ok: false; message: string };

export function parseVersionExport(value: unknown): ParseExportResult {
  const declared = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof declared === 'number' && declared > EXPORT_SCHEMA_VERSION) {
    return { ok: false, message: `written by a newer Trainlab (export schemaVersion ${declared}; this one reads up to ${EXPORT_SCHEMA_VERSION})` };
  }
  const r = versionExportSchema.safeParse(value);
  if (r.success) return { ok: true, doc: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, message: `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}` };
}

/** The parts that make two versions the same configuration (ids, names and dates aside). */
function content(v: { parameters: unknown; datasetId: unknown; description: unknown; notes: unknown; tags: unknown }): string {
  return canonical({ parameters: v.parameters, datasetId: v.datasetId, description: v.description, notes: v.notes, tags: v.tags });
}

/** JSON with sorted keys, so key order never makes two equal values look different. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Where an imported version came from; kept in the version (an extra field, never dropped). */
export interface ImportedFrom {
  format: typeof VERSION_EXPORT;
  styleId: string;
  versionId: string;
  createdAt: string | null;
  exportedAt: string | null;
  file: string;
}

export interface ExportImportOutcome {
  styleId: string;
  styleCreated: boolean;
  /** The version's id in this workspace (added, to be added on a dry run, or the identical one). */
  versionId: string;
  /** The version now in the workspace: the one added, or the identical one already there. */
  version: Version | null;
  /** False when an identical version was already there (nothing written). */
  added: boolean;
  /** The exported id, when the version was added under another id because that one was taken. */
  renamedFrom: string | null;
  warnings: string[];
}

function freeId(taken: ReadonlySet<string>, wanted: string, all: readonly Version[]): string {
  if (/^V\d+$/.test(wanted)) return WorkspaceStore.nextVersionName(all);
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${wanted.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * Brings an exported version into the workspace: creates its style when missing, and adds
 * the version — under a new id when its id is taken by a different version, not at all when
 * an identical one is there (same id, or imported before from the same export).
 */
export async function importVersionExport(
  store: WorkspaceStore,
  doc: VersionExport,
  options: { styleId?: string; file: string; dryRun?: boolean },
): Promise<ExportImportOutcome> {
  const styleId = options.styleId ?? doc.style.id;
  const warnings: string[] = [];
  const existingStyle = store.getStyle(styleId);
  const outcome: ExportImportOutcome = { styleId, styleCreated: !existingStyle, versionId: doc.version.id, version: null, added: false, renamedFrom: null, warnings };

  if (existingStyle && existingStyle.style.trainer !== doc.style.trainer) {
    warnings.push(`style "${styleId}" uses trainer "${existingStyle.style.trainer}"; the exported version was made for "${doc.style.trainer}"`);
  }
  const versions = existingStyle?.versions ?? [];
  const wanted = content(doc.version);
  const same = versions.find(
    (v) => content(v) === wanted && (v.id === doc.version.id || (v.importedFrom as ImportedFrom | undefined)?.versionId === doc.version.id),
  );
  if (same) return { ...outcome, versionId: same.id, version: same };

  const taken = new Set(versions.map((v) => v.id));
  const id = taken.has(doc.version.id) ? freeId(taken, doc.version.id, versions) : doc.version.id;
  outcome.versionId = id;
  if (id !== doc.version.id) outcome.renamedFrom = doc.version.id;
  const trainerName = existingStyle?.style.trainer ?? doc.style.trainer;
  const trainer = findTrainer(trainerName, store.listTrainerProfiles());
  if (!trainer) warnings.push(`trainer "${trainerName}" is not known here; the parameters were not checked`);
  for (const e of trainer ? validateParameters(trainer.params, doc.version.parameters) : []) {
    warnings.push(`parameter ${e.key} ${e.message} (found ${JSON.stringify(doc.version.parameters[e.key] ?? null)}); change it with "trainlab version add --from"`);
  }
  const localDataset = doc.version.datasetId ? store.getDataset(styleId, doc.version.datasetId) : undefined;
  if (doc.version.datasetId && !localDataset) {
    warnings.push(`dataset "${doc.version.datasetId}" is not in this workspace (trainlab/styles/${styleId}/datasets/${doc.version.datasetId}/); add it before training`);
  }
  if (options.dryRun) return { ...outcome, added: true };

  if (!existingStyle) {
    const extras = without(doc.style, ['id', 'name', 'triggerToken', 'trainer', 'defaults', 'description']);
    await store.createStyle({ id: styleId, name: doc.style.name, triggerToken: doc.style.triggerToken, trainer: doc.style.trainer, defaults: doc.style.defaults, description: doc.style.description });
    if (Object.keys(extras).length) await store.updateStyle(styleId, (s) => Object.assign(s, extras));
  }
  const importedFrom: ImportedFrom = {
    format: VERSION_EXPORT,
    styleId: doc.style.id,
    versionId: doc.version.id,
    createdAt: doc.version.createdAt ?? null,
    exportedAt: doc.exportedAt ?? null,
    file: options.file,
  };
  const extra = without(doc.version, ['id', 'name', 'createdAt', 'parameters', 'datasetId', 'imageCount', 'description', 'notes', 'tags', 'importedFrom']);
  const version = await store.addVersion(styleId, {
    id,
    name: id !== doc.version.id && doc.version.name === doc.version.id ? id : doc.version.name,
    parameters: doc.version.parameters,
    datasetId: doc.version.datasetId,
    imageCount: localDataset?.imageCount ?? doc.version.imageCount,
    description: doc.version.description,
    notes: doc.version.notes,
    tags: doc.version.tags,
    extra: { ...extra, importedFrom },
  });
  return { ...outcome, version, added: true };
}
