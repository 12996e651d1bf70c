/**
 * What the panel shows of a style, read from the store's index (no I/O): the style, its
 * trainer's parameter specs, NEW's parameters, the versions with their quick stats and newest
 * session, and the datasets with their image counts. No `vscode` import.
 */
import type { Session, Style, Version } from '../../core/model';
import { backendChoice, canRetryOnRunPod, remoteStatusWord } from '../../core/sessions/runpod';
import type { WorkspaceStore } from '../../core/store';
import { findTrainer, newVersionParameters, type ParamSpec } from '../../core/trainers';
import type { DatasetSummary, PanelParamSpec, SessionSummary, StyleSummary, VersionSummary } from '../../shared/panel-protocol';
import { sessionProgress } from '../tree/format';

export interface StyleSnapshot {
  style: StyleSummary;
  params: PanelParamSpec[];
  newParameters: Record<string, unknown>;
  versions: VersionSummary[];
  datasets: DatasetSummary[];
}

export function trainerOf(store: WorkspaceStore, style: Style) {
  return findTrainer(style.trainer, store.listTrainerProfiles());
}

/** Whether the session's trainer (else its style's) can continue a finished run: the tree's rule. */
export function sessionCanExtend(store: WorkspaceStore, s: Session): boolean {
  const name = s.trainer ?? store.getStyle(s.styleId)?.style.trainer;
  return !!name && !!findTrainer(name, store.listTrainerProfiles())?.canExtend;
}

/** A RunPod session's job, as RunPod last described it. */
function remoteOf(s: Session): SessionSummary['remote'] {
  if (s.backend.type !== 'runpod') return undefined;
  const b = s.backend;
  return {
    endpointId: b.endpointId,
    jobId: b.jobId ?? null,
    status: remoteStatusWord(b) ?? null,
    delayMs: b.delayTime ?? null,
    workerId: b.workerId ?? null,
    lastSeenAt: b.lastSeenAt ?? null,
    canRetry: canRetryOnRunPod(s),
  };
}

export function sessionSummary(s: Session, now = Date.now(), canExtend?: boolean): SessionSummary {
  const remote = remoteOf(s);
  return {
    id: s.id,
    status: s.status,
    local: s.backend.type === 'local',
    // A RunPod session resumes from the checkpoint its worker reported.
    checkpoints: s.backend.type === 'runpod' ? (s.backend.checkpoint ? 1 : 0) : s.checkpoints.length,
    step: s.progress?.step ?? null,
    totalSteps: s.progress?.totalSteps ?? null,
    progressText: sessionProgress(s, now),
    error: s.error?.message ?? null,
    ...(canExtend === undefined ? {} : { canExtend: canExtend && !remote }),
    ...(remote ? { remote } : {}),
    ...(s.outputs.model ? { model: s.outputs.model } : {}),
  };
}

function stepsOf(v: Version, s: Session | undefined): number | null {
  const p = v.parameters.max_train_steps;
  if (typeof p === 'number' && Number.isFinite(p) && p >= 0) return p;
  return s?.progress?.totalSteps ?? null;
}

export function versionSummary(store: WorkspaceStore, styleId: string, v: Version, now = Date.now()): VersionSummary {
  const s = store.newestSession(styleId, v.id);
  const style = store.getStyle(styleId)?.style;
  const imageCount = v.imageCount ?? (v.datasetId ? (store.getDataset(styleId, v.datasetId)?.imageCount ?? null) : null);
  return {
    id: v.id,
    name: v.name,
    createdAt: v.createdAt,
    status: v.status,
    imageCount,
    steps: stepsOf(v, s),
    description: v.description,
    notes: v.notes,
    tags: [...v.tags],
    datasetId: v.datasetId,
    parameters: structuredClone(v.parameters),
    completedAt: v.completedAt,
    backend: style ? backendChoice(style, v) : 'local',
    session: s ? sessionSummary(s, now, sessionCanExtend(store, s)) : null,
  };
}

export function styleSnapshot(store: WorkspaceStore, styleId: string): StyleSnapshot | undefined {
  const style = store.getStyle(styleId)?.style;
  if (!style) return undefined;
  const trainer = trainerOf(store, style);
  const params: ParamSpec[] = trainer?.params ? [...trainer.params] : [];
  return {
    style: { id: style.id, name: style.name, triggerToken: style.triggerToken, trainer: style.trainer, trainerLabel: trainer?.label ?? style.trainer, description: style.description },
    params: params.map((p) => ({ ...p })) as PanelParamSpec[],
    newParameters: newVersionParameters(style, trainer),
    versions: store.listVersions(styleId).map((v) => versionSummary(store, styleId, v)),
    datasets: store.listDatasets(styleId).map((d) => ({ id: d.id, imageCount: d.imageCount, captionCount: d.captionCount, url: d.url })),
  };
}

/** The line a panel shows while sessions of its style run (right after it opens, that it refreshes them). */
export function runningNotice(versions: readonly VersionSummary[], refreshing = true): string | null {
  const running = versions.filter((v) => v.session && (v.session.status === 'running' || v.session.status === 'pending'));
  if (!running.length) return null;
  const what = (v: VersionSummary) => {
    const where = v.session?.remote ? ' on RunPod' : '';
    return v.session?.status === 'pending' ? `${v.name} is waiting to start${where}` : `${v.name} is training${where}`;
  };
  const list = running.map(what).join('; ');
  return refreshing ? `${list}: refreshing ${running.length === 1 ? 'its' : 'their'} status now.` : `${list}.`;
}
