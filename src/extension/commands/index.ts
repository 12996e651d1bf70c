import * as vscode from 'vscode';
import { StoreError } from '../../core/store';
import { Commands, type CommandId } from '../ids';
import type { IDisposable } from '../lifecycle';
import { Cancelled, UserError } from './args';
import { openFile, openJson, revealInExplorer } from './files';
import type { CommandServices } from './services';
import { init, newStyle, resetStyleState } from './styles';
import { deleteVersion, editDescription, editNotes, editTags, exportVersion, newVersion, newVersionFrom } from './versions';
import { doctor, importFiles, refresh } from './workspace';

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
    const known = e instanceof StoreError || e instanceof UserError;
    const message = e instanceof Error ? e.message : String(e);
    svc.log.error(`${id}: ${known ? message : e instanceof Error && e.stack ? e.stack : message}`);
    void vscode.window.showErrorMessage(known ? message : `Trainlab: ${message}`);
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
