import { isAbsolute, resolve } from 'node:path';
import { isValidId, type FileProblem, type Session, type Version } from '../model';
import { versionSchema } from '../model/schemas';
import { StoreError, type WorkspaceStore } from '../store';
import type { ImportedSession, ImportedVersion, ImportNote, ImportPlan } from './types';

/**
 * Turns an import plan into styles, versions and sessions of the workspace.
 *
 * Idempotent: every imported version and session carries `importedFrom.sourceKey`; an entry
 * whose key is already in its style is skipped, so importing the same files twice creates
 * nothing the second time. Fields the reader could not map are kept under `imported`.
 */
export interface ImportResult {
  styles: { id: string; created: boolean }[];
  /** `created: false`: already in the workspace (same source), nothing written. */
  versions: { styleId: string; id: string; source: string; created: boolean; renamedFrom?: string }[];
  sessions: { styleId: string; versionId: string; id: string; source: string; created: boolean }[];
  /** The plan's problems, plus anything the workspace refused (e.g. a broken versions.json). */
  problems: FileProblem[];
  notes: ImportNote[];
}

export interface ApplyImportOptions {
  /** Work out what would happen without writing anything. */
  dryRun?: boolean;
}

type WithSourceKey = { importedFrom?: { sourceKey?: unknown } };
const sourceKeyOf = (x: unknown): string | undefined => {
  const key = (x as WithSourceKey).importedFrom?.sourceKey;
  return typeof key === 'string' ? key : undefined;
};

/** A free version id: the suggestion, else `<suggestion>-2`, `-3`, … */
function freeId(suggested: string, taken: Set<string>): string {
  const base = isValidId(suggested) ? suggested : 'imported';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** Checkpoint and output paths of another tool are relative to the folder it was read from. */
function absolutize(plan: ImportPlan, p: string | null): string | null {
  if (!p || !plan.root || isAbsolute(p) || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
  return resolve(plan.root, p);
}

function versionRecord(v: ImportedVersion, id: string, tool: string): Version {
  return versionSchema.parse({
    id,
    name: v.name,
    createdAt: v.createdAt,
    parameters: v.parameters,
    datasetId: v.datasetId && isValidId(v.datasetId) ? v.datasetId : null,
    imageCount: v.imageCount,
    description: v.description,
    notes: v.notes,
    tags: v.tags,
    status: v.status,
    sessionIds: [],
    modelUrl: v.modelUrl,
    completedAt: v.completedAt,
    importedFrom: { tool, source: v.source, sourceKey: v.sourceKey },
    ...(Object.keys(v.imported).length ? { imported: v.imported } : {}),
  });
}

function sessionExtra(plan: ImportPlan, s: ImportedSession): Partial<Session> & Record<string, unknown> {
  return {
    attempts: s.attempts,
    progress: s.progress,
    checkpoints: s.checkpoints.map((c) => ({ ...c, path: absolutize(plan, c.path) ?? c.path })),
    outputs: { ...s.outputs, model: absolutize(plan, s.outputs.model), samples: s.outputs.samples.map((x) => absolutize(plan, x) ?? x) },
    metricsSummary: s.metricsSummary,
    error: s.error,
    importedFrom: { tool: plan.tool, source: s.source, sourceKey: s.sourceKey },
    ...(Object.keys(s.imported).length ? { imported: s.imported } : {}),
  };
}

export async function applyImport(store: WorkspaceStore, plan: ImportPlan, options: ApplyImportOptions = {}): Promise<ImportResult> {
  const dry = options.dryRun ?? false;
  const result: ImportResult = { styles: [], versions: [], sessions: [], problems: [...plan.problems], notes: [...plan.notes] };
  const refused = (path: string, e: unknown) => {
    result.problems.push({ path, message: e instanceof Error ? e.message : String(e) });
  };

  for (const style of plan.styles) {
    const exists = store.getStyle(style.id) !== undefined;
    if (!exists && !dry) {
      try {
        await store.createStyle({ id: style.id, name: style.name, trainer: style.trainer, triggerToken: style.triggerToken, defaults: style.defaults, description: style.description });
      } catch (e) {
        refused(style.id, e);
        continue;
      }
    }
    result.styles.push({ id: style.id, created: !exists });
  }
  const usableStyles = new Set(result.styles.map((s) => s.id));

  // Versions: one locked write per style. sourceKey → version id, for the sessions below.
  const versionIds = new Map<string, string>();
  const byStyle = new Map<string, ImportedVersion[]>();
  for (const v of plan.versions) {
    if (!usableStyles.has(v.styleId) && !store.getStyle(v.styleId)) {
      result.problems.push({ path: v.source, message: `style "${v.styleId}" could not be created, so version "${v.name}" was not imported` });
      continue;
    }
    byStyle.set(v.styleId, [...(byStyle.get(v.styleId) ?? []), v]);
  }
  for (const [styleId, incoming] of byStyle) {
    const plannedEntries: ImportResult['versions'] = [];
    const apply = (existing: Version[]): Version[] => {
      const taken = new Set(existing.map((v) => v.id));
      const known = new Map(existing.flatMap((v) => (sourceKeyOf(v) ? [[sourceKeyOf(v)!, v.id] as const] : [])));
      const added: Version[] = [];
      plannedEntries.length = 0;
      for (const v of incoming) {
        const already = known.get(v.sourceKey);
        if (already) {
          versionIds.set(`${styleId}\u0000${v.sourceKey}`, already);
          plannedEntries.push({ styleId, id: already, source: v.source, created: false });
          continue;
        }
        const id = freeId(v.suggestedId, taken);
        taken.add(id);
        known.set(v.sourceKey, id);
        versionIds.set(`${styleId}\u0000${v.sourceKey}`, id);
        added.push(versionRecord(v, id, plan.tool));
        plannedEntries.push({ styleId, id, source: v.source, created: true, ...(id !== v.suggestedId ? { renamedFrom: v.suggestedId } : {}) });
      }
      return added;
    };
    try {
      if (dry) apply(store.listVersions(styleId));
      else
        await store.updateVersionsFile(styleId, (file) => {
          file.versions.push(...apply(file.versions));
        });
      result.versions.push(...plannedEntries);
    } catch (e) {
      refused(store.getStyle(styleId)?.path ?? styleId, e instanceof StoreError ? e : e);
    }
  }

  for (const s of plan.sessions) {
    const versionId = versionIds.get(`${s.styleId}\u0000${s.versionSourceKey}`);
    if (!versionId) {
      result.problems.push({ path: s.source, message: `its version was not imported, so this session was skipped` });
      continue;
    }
    const existing = store.listSessions({ styleId: s.styleId }).find((x) => sourceKeyOf(x) === s.sourceKey);
    if (existing) {
      result.sessions.push({ styleId: s.styleId, versionId: existing.versionId, id: existing.id, source: s.source, created: false });
      continue;
    }
    if (dry) {
      result.sessions.push({ styleId: s.styleId, versionId, id: '(new)', source: s.source, created: true });
      continue;
    }
    try {
      const created = await store.createSession({
        styleId: s.styleId,
        versionId,
        backend: s.backend,
        status: s.status,
        createdAt: s.createdAt,
        trainer: s.trainer,
        origin: { type: 'import', source: s.source },
        parameters: s.parameters,
        dataset: s.dataset,
        extra: sessionExtra(plan, s),
      });
      result.sessions.push({ styleId: s.styleId, versionId, id: created.id, source: s.source, created: true });
    } catch (e) {
      refused(s.source, e);
    }
  }
  return result;
}
