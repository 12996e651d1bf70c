import * as vscode from 'vscode';
import type { Style, Version } from '../../core/model';
import type { WorkspaceStore } from '../../core/store';
import type { UiState } from '../state';
import type { TreeElement } from '../tree/elements';
import { STATUS_ICONS, STATUS_LABELS, versionDescription } from '../tree/format';
import type { StylesTreeModel } from '../tree/model';
import type { TrainingController } from '../training/controller';
import type { RunPodService } from '../runpod/service';
import type { Prompts } from '../vscode/prompts';
import type { TrainlabWorkspace } from '../workspace';
import { Cancelled, UserError } from './args';

/** What command handlers work with; passed in, never imported as a singleton. */
export interface CommandServices {
  readonly workspace: TrainlabWorkspace;
  readonly log: vscode.LogOutputChannel;
  readonly uiState: UiState;
  readonly stylesView: vscode.TreeView<TreeElement> | undefined;
  readonly stylesModel: StylesTreeModel;
  /** The current prompts (tests may replace them). */
  prompts(): Prompts;
  /** Local training: runtime, monitor, terminals (replaced as a whole on a simulated reload). */
  training(): TrainingController;
  /**
   * RunPod in this window (part of the training controller): `pollNow(sessionId)` when a view
   * shows a session, `requireDeps()` for a RunPod call, endpoint health, the key's store.
   */
  runpod(): RunPodService;
  /** Whether the workspace is trusted: nothing that runs or signals a process happens otherwise. */
  trusted(): boolean;
  /** The last error messages the commands showed, newest last (tests read them). */
  readonly shownErrors: string[];
}

/** The open store; waits for a load in progress; a clear error when there is no root. */
export async function requireStore(svc: CommandServices): Promise<WorkspaceStore> {
  await svc.workspace.ready();
  const store = svc.workspace.store;
  if (store) return store;
  switch (svc.workspace.phase) {
    case 'noFolder':
      throw new UserError('Open a folder first: Trainlab keeps its files in a folder of the workspace.');
    case 'noRoot':
      throw new UserError('This workspace has no Trainlab folder yet. Run "Trainlab: Initialize Trainlab" first.');
    default:
      throw new UserError(`The Trainlab workspace could not be read${svc.workspace.error ? `: ${svc.workspace.error}` : ''}.`);
  }
}

/** Awaits an answer; a cancelled prompt ends the command. */
export async function answered<T>(value: Promise<T | undefined>): Promise<T> {
  const v = await value;
  if (v === undefined) throw new Cancelled();
  return v;
}

export async function pickStyle(svc: CommandServices, store: WorkspaceStore, title: string): Promise<Style> {
  const styles = store.listStyles();
  if (!styles.length) throw new UserError('There are no styles yet. Create one with "Trainlab: New Style".');
  return answered(
    svc.prompts().pick(
      styles.map((s) => ({ label: s.name, description: [s.id, s.trainer].join(' • '), value: s, iconId: 'symbol-color' })),
      { title, placeHolder: 'Pick a style' },
    ),
  );
}

export async function pickVersion(svc: CommandServices, store: WorkspaceStore, styleId: string, title: string): Promise<Version> {
  const versions = store.listVersions(styleId);
  if (!versions.length) throw new UserError(`Style "${styleId}" has no versions yet.`);
  return answered(
    svc.prompts().pick(
      versions.map((v) => ({
        label: v.name,
        description: versionDescription(v, v.datasetId ? store.getDataset(styleId, v.datasetId)?.imageCount : undefined),
        detail: STATUS_LABELS[v.status],
        value: v,
        iconId: STATUS_ICONS[v.status].id.replace('~spin', ''),
      })),
      { title, placeHolder: 'Pick a version' },
    ),
  );
}

export function getStyleOrThrow(store: WorkspaceStore, styleId: string): Style {
  const entry = store.getStyle(styleId);
  if (!entry) throw new UserError(`No style "${styleId}".`);
  return entry.style;
}

export function getVersionOrThrow(store: WorkspaceStore, styleId: string, versionId: string): Version {
  getStyleOrThrow(store, styleId);
  const v = store.getVersion(styleId, versionId);
  if (!v) throw new UserError(`Style "${styleId}" has no version "${versionId}".`);
  return v;
}
