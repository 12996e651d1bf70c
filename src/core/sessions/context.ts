import type { Session, Style, Version } from '../model/schemas';
import { paths, type WorkspaceStore } from '../store';
import { findTrainer } from '../trainers/registry';
import type { LaunchContext, TrainerDefinition } from '../trainers/types';
import { SessionActionError } from './errors';
import type { LocalRuntime } from './runtime';

/** The style and version a new session is for, or a refusal naming the one that is missing. */
export function styleAndVersion(store: WorkspaceStore, styleId: string, versionId: string): { style: Style; version: Version } {
  const style = store.getStyle(styleId)?.style;
  if (!style) throw new SessionActionError(`No style "${styleId}".`);
  const version = store.getVersion(styleId, versionId);
  if (!version) throw new SessionActionError(`Style "${styleId}" has no version "${versionId}".`);
  return { style, version };
}

/** The trainer of a style, or a clear refusal naming the trainers that exist. */
export function trainerOf(store: WorkspaceStore, style: Style): TrainerDefinition {
  const trainer = findTrainer(style.trainer, store.listTrainerProfiles());
  if (!trainer) throw new SessionActionError(`Style "${style.id}" uses trainer "${style.trainer}", which is not known (a built-in, or trainlab/trainers/${style.trainer}.json).`);
  return trainer;
}

/** Everything a trainer profile needs to build a command line for one session. */
export function launchContext(store: WorkspaceStore, style: Style, session: Pick<Session, 'id' | 'parameters' | 'dataset'>, runtime: LocalRuntime): LaunchContext {
  const sessionDir = paths.sessionDir(store.root, style.id, session.id);
  const datasetDir = session.dataset?.id ? paths.dataset(store.root, style.id, session.dataset.id) : (session.dataset?.path ?? null);
  const userProfile = store.listTrainerProfiles().find((p) => p.name === style.trainer);
  return {
    sessionId: session.id,
    sessionDir,
    outputDir: paths.output(store.root, style.id, session.id),
    params: session.parameters,
    datasetDir,
    triggerToken: style.triggerToken,
    settings: runtime.trainer,
    workspaceDir: store.base,
    outputName: style.id,
    ...(userProfile ? { userProfile } : {}),
  };
}
