import * as vscode from 'vscode';
import { SessionActionError } from '../../core/sessions';
import { StoreError } from '../../core/store';
import { Commands, type CommandId } from '../ids';
import type { IDisposable } from '../lifecycle';
import { Cancelled, refusalText, UserError, UserErrorWithActions } from './args';
import { setDatasetUrl } from './datasets';
import { openFile, openJson, revealInExplorer } from './files';
import type { CommandServices } from './services';
import { init, newStyle, resetStyleState } from './styles';
import { deleteVersion, editDescription, editNotes, editTags, exportVersion, newVersion, newVersionFrom } from './versions';
import { cancel, checkStatus, extend, relaunch, resume, retryOnRunPod, showLogs, showTrainings, startTraining } from './training';
import { doctor, importFiles, refresh } from './workspace';
import { openPanel } from '../panel/command';
import { clearRunPodApiKey, runpodHealth, setRunPodApiKey } from '../runpod/commands';
import { showWithActions } from '../vscode/messages';

type Handler = (svc: CommandServices, arg: unknown) => Promise<unknown>;

/** Every command id has its handler: a missing one is a compile error. */
const HANDLERS: Record<CommandId, Handler> = {
  [Commands.init]: init,
  [Commands.newStyle]: newStyle,
  [Commands.newVersion]: newVersion,
  [Commands.newVersionFrom]: newVersionFrom,
  [Commands.editDescription]: editDescription,
  [Commands.editNotes]: editNotes,
  [Commands.editTags]: editTags,
  [Commands.deleteVersion]: deleteVersion,
  [Commands.revealInExplorer]: revealInExplorer,
  [Commands.openJson]: openJson,
  [Commands.openFile]: openFile,
  [Commands.refresh]: refresh,
  [Commands.resetStyleState]: resetStyleState,
  [Commands.import]: importFiles,
  [Commands.exportVersion]: exportVersion,
  [Commands.doctor]: doctor,
  [Commands.startTraining]: startTraining,
  [Commands.checkStatus]: checkStatus,
  [Commands.cancel]: cancel,
  [Commands.resume]: resume,
  [Commands.relaunch]: relaunch,
  [Commands.extend]: extend,
  [Commands.showLogs]: showLogs,
  [Commands.showTrainings]: showTrainings,
  [Commands.openPanel]: openPanel,
  [Commands.setDatasetUrl]: setDatasetUrl,
  [Commands.setRunPodApiKey]: setRunPodApiKey,
  [Commands.clearRunPodApiKey]: clearRunPodApiKey,
  [Commands.runpodHealth]: runpodHealth,
  [Commands.retryOnRunPod]: retryOnRunPod,
};


/**
 * Runs a handler: returns what it made; a cancelled prompt returns undefined quietly; an error
 * is logged and shown (StoreError and UserError with their own message) and returns undefined.
 */
async function run(svc: CommandServices, id: CommandId, handler: Handler, arg: unknown): Promise<unknown> {
  try {
    return await handler(svc, arg);
  } catch (e) {
    if (e instanceof Cancelled) return undefined;
    const known = e instanceof StoreError || e instanceof UserError || e instanceof SessionActionError;
    const message = e instanceof Error ? e.message : String(e);
    svc.log.error(`${id}: ${known ? message : e instanceof Error && e.stack ? e.stack : message}`);
    const shown = e instanceof SessionActionError ? refusalText(e) : message;
    const text = known ? shown : `Trainlab: ${message}`;
    svc.shownErrors.push(text);
    if (svc.shownErrors.length > 20) svc.shownErrors.shift();
    // The fix may be one click away (e.g. "Set RunPod API Key").
    if (e instanceof UserErrorWithActions && e.actions.length) showWithActions('error', text, e.actions);
    else void vscode.window.showErrorMessage(text);
    return undefined;
  }
}

export function registerCommands(svc: CommandServices): IDisposable[] {
  return (Object.entries(HANDLERS) as [CommandId, Handler][]).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (arg: unknown) => run(svc, id, handler, arg)),
  );
}

export type { CommandServices };

export const COMMAND_IDS: readonly CommandId[] = Object.keys(HANDLERS) as CommandId[];
