/**
 * The History tab's actions on the extension side: every session of the style (with its
 * attempts, checkpoints, outputs and error), notes and tags saved through the store (the
 * change reaches the panel as a store event), and a compare of versions: parameters side by
 * side and their newest sessions' loss curves read from metrics.jsonl, downsampled before
 * they are sent. No `vscode` import.
 */
import { promises as fs } from 'node:fs';
import type { Session } from '../../core/model';
import { isActive } from '../../core/model/status';
import { paths, StoreError, type WorkspaceStore } from '../../core/store';
import { parameterRows, trainingSeconds } from '../../shared/history';
import { MAX_CURVE_POINTS, type CompareResult, type HistoryResult, type HistorySession, type HistoryTarget } from '../../shared/panel-protocol';
import { lttbIndices } from '../../shared/downsample';
import { parseMetricLine, type MetricSample } from '../../shared/metrics';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Time spent training. An attempt without an end counts up to now only while the session is
 * active; an ended session (interrupted, unknown) counts it up to its last progress update.
 */
export function sessionSeconds(s: Session, now = new Date()): number | null {
  if (isActive(s.status)) return trainingSeconds(s.attempts, now);
  const last = Date.parse(s.progress?.updatedAt ?? '');
  return trainingSeconds(s.attempts, Number.isFinite(last) ? new Date(last) : new Date(Date.parse(s.createdAt) || 0));
}

export function historySession(s: Session, now = new Date()): HistorySession {
  const last = s.attempts[s.attempts.length - 1];
  return {
    id: s.id,
    versionId: s.versionId,
    status: s.status,
    createdAt: s.createdAt,
    endedAt: last?.endedAt ?? null,
    origin: s.origin.type,
    backend: s.backend.type,
    step: s.progress?.step ?? null,
    totalSteps: s.progress?.totalSteps ?? null,
    finalLoss: num(s.metricsSummary.finalLoss),
    bestLoss: num(s.metricsSummary.bestLoss),
    bestStep: num(s.metricsSummary.bestStep),
    durationSeconds: sessionSeconds(s, now),
    parameters: structuredClone(s.parameters),
    dataset: s.dataset ? { id: s.dataset.id, path: s.dataset.path, imageCount: s.dataset.imageCount } : null,
    attempts: s.attempts.map((a) => ({ startedAt: a.startedAt, endedAt: a.endedAt, exitCode: a.exitCode, signal: a.signal, resumedFrom: a.resumedFrom, startStep: a.startStep })),
    checkpoints: s.checkpoints.map((c) => ({ path: c.path, step: c.step, createdAt: c.createdAt })),
    outputs: { model: s.outputs.model, samples: [...s.outputs.samples] },
    error: s.error?.message ?? null,
    notes: s.notes,
    tags: [...s.tags],
  };
}

/** Every session of the style, newest first (versions come with init/update). */
export function historyOf(store: WorkspaceStore, styleId: string, now = new Date()): HistoryResult {
  return { sessions: store.listSessions({ styleId }).map((s) => historySession(s, now)) };
}

function checkTarget(store: WorkspaceStore, styleId: string, target: HistoryTarget): void {
  if (target.kind === 'version') {
    if (!store.getVersion(styleId, target.id)) throw new StoreError(`Style "${styleId}" has no version "${target.id}".`);
  } else if (store.getSession(target.id)?.session.styleId !== styleId) {
    throw new StoreError(`Style "${styleId}" has no session "${target.id}".`);
  }
}

/** Tags as saved: trimmed, no duplicates, in the order given. */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

export async function updateNotes(store: WorkspaceStore, styleId: string, target: HistoryTarget, notes: string): Promise<void> {
  checkTarget(store, styleId, target);
  if (target.kind === 'version') await store.updateVersion(styleId, target.id, (v) => void (v.notes = notes));
  else await store.updateSession(target.id, (s) => void (s.notes = notes));
}

export async function updateTags(store: WorkspaceStore, styleId: string, target: HistoryTarget, tags: readonly string[]): Promise<void> {
  checkTarget(store, styleId, target);
  const clean = cleanTags(tags);
  if (target.kind === 'version') await store.updateVersion(styleId, target.id, (v) => void (v.tags = clean));
  else await store.updateSession(target.id, (s) => void (s.tags = clean));
}

/** A metrics.jsonl text as a curve of at most `max` points (LTTB on the loss; lines without loss keep their lr). */
export function curveOf(text: string, max = MAX_CURVE_POINTS): { total: number; steps: number[]; loss: (number | null)[]; lr: (number | null)[] } {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const p = parseMetricLine(line);
    if (p) samples.push(p);
  }
  const steps = samples.map((p) => p.step);
  const loss = samples.map((p) => p.loss);
  const idx = samples.length > max ? lttbIndices(steps, loss, max) : samples.map((_, i) => i);
  return { total: samples.length, steps: idx.map((i) => steps[i]!), loss: idx.map((i) => loss[i] ?? null), lr: idx.map((i) => samples[i]!.lr) };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function compareVersions(store: WorkspaceStore, styleId: string, versionIds: readonly string[], now = new Date()): Promise<CompareResult> {
  const ids = [...new Set(versionIds)];
  if (ids.length < 2) throw new StoreError('Compare needs at least two different versions.');
  const items = ids.map((vid) => {
    const version = store.getVersion(styleId, vid);
    if (!version) throw new StoreError(`Style "${styleId}" has no version "${vid}".`);
    return { version, session: store.newestSession(styleId, vid) };
  });
  const curves: CompareResult['curves'] = [];
  for (const { version, session } of items) {
    if (!session) continue;
    const text = await readText(paths.metrics(store.root, styleId, session.id));
    if (text === undefined) continue;
    const c = curveOf(text);
    if (c.steps.length) curves.push({ versionId: version.id, sessionId: session.id, ...c });
  }
  return {
    versions: items.map(({ version, session }) => ({
      id: version.id,
      name: version.name,
      status: version.status,
      sessionId: session?.id ?? null,
      finalLoss: num(session?.metricsSummary.finalLoss),
      bestLoss: num(session?.metricsSummary.bestLoss),
      durationSeconds: session ? sessionSeconds(session, now) : null,
    })),
    parameters: parameterRows(items.map((i) => i.version.parameters)),
    curves,
  };
}
