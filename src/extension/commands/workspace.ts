import * as vscode from 'vscode';
import * as coreImport from '../../core/import';
import type { ImportPlan } from '../../core/import';
import type { FileProblem } from '../../core/model';
import type { StoreProblem, WorkspaceStore } from '../../core/store';
import { readConfig } from '../config';
import { Commands } from '../ids';
import { plural } from '../tree/format';
import { fieldsOf, ImportArgs, isInteractive, styleRefOf, UserError } from './args';
import { answered, requireStore, type CommandServices } from './services';

/** trainlab.refresh: reads the whole workspace again (the watcher normally keeps it current). */
export async function refresh(svc: CommandServices): Promise<void> {
  await svc.workspace.reopen();
}

/** What the core's `applyImport(store, plan, options)` returns (the CLI expects the same). */
export interface ImportResult {
  styles: { id: string; created: boolean }[];
  versions: { styleId: string; id: string; source: string; created: boolean }[];
  sessions: { styleId: string; versionId: string; id: string; source: string; created: boolean }[];
  problems: FileProblem[];
}
type ApplyImport = (store: WorkspaceStore, plan: ImportPlan, options?: { dryRun?: boolean }) => Promise<ImportResult>;

/**
 * The core's applyImport, looked up by name at run time: the readers exist, the writer may not
 * yet, and the bundle must build either way (the CLI does the same).
 */
export function findApplyImport(): ApplyImport | undefined {
  const name = 'applyImport';
  const fn = (coreImport as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as ApplyImport) : undefined;
}

export const IMPORT_UNAVAILABLE = "Importing other tools' files is not available in this build of Trainlab yet: the files can be read, but not yet written into the workspace.";

function planSummary(plan: ImportPlan): string {
  return [plural(plan.styles.length, 'style'), plural(plan.versions.length, 'version'), plural(plan.sessions.length, 'session')].join(', ');
}

/**
 * trainlab.import `{ path?, styleId? }`: reads a file or a folder of other tools' files (FluxGym,
 * kohya_ss, LLMTool, training_versions.json, …) into a plan and applies it with the core's
 * applyImport. Without applyImport it says clearly that import is unavailable, writes nothing,
 * and logs what would have been imported.
 */
export async function importFiles(svc: CommandServices, arg: unknown): Promise<ImportResult> {
  const a = fieldsOf(Commands.import, ImportArgs, arg);
  const store = await requireStore(svc);
  const folder = svc.workspace.folder;
  const target =
    a.path ??
    (
      await answered(
        svc.prompts().openFile({
          title: "Import Other Tools' Files (a file, or a folder to search)",
          canSelectFiles: true,
          canSelectFolders: true,
          ...(folder ? { defaultUri: folder.uri } : {}),
        }),
      )
    ).fsPath;
  const styleId = a.styleId ?? styleRefOf(arg)?.styleId;
  const endpoint = readConfig(folder).runpodEndpointId;
  const plan = await coreImport.readImportPath(target, { ...(styleId ? { styleId } : {}), ...(endpoint ? { runpodEndpointId: endpoint } : {}) });
  svc.log.info(`Import of ${target} (${plan.tool}): ${planSummary(plan)}, ${plural(plan.problems.length, 'problem')}`);
  for (const p of plan.problems) svc.log.warn(`  ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);

  const applyImport = findApplyImport();
  if (!applyImport) {
    throw new UserError(`${IMPORT_UNAVAILABLE} Found ${planSummary(plan)} in ${vscode.workspace.asRelativePath(target)}; nothing was written.`);
  }
  if (!plan.styles.length && !plan.versions.length && !plan.sessions.length) {
    throw new UserError(`Nothing to import in ${vscode.workspace.asRelativePath(target)}${plan.problems[0] ? `: ${plan.problems[0].message}` : ''}.`);
  }
  const result = await applyImport(store, plan);
  const created = (list: { created: boolean }[]) => list.filter((x) => x.created).length;
  const message = `Imported ${plural(created(result.styles), 'style')}, ${plural(created(result.versions), 'version')} and ${plural(created(result.sessions), 'session')}${result.problems.length ? `; ${plural(result.problems.length, 'problem')} (see the Trainlab output)` : ''}.`;
  svc.log.info(message);
  for (const p of result.problems) svc.log.warn(`  ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (isInteractive(arg)) void vscode.window.showInformationMessage(message);
  return result;
}

function problemLine(p: StoreProblem): string {
  return `${p.displayPath}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ${p.message}`;
}

/**
 * trainlab.doctor: lists every file Trainlab cannot use, in the output channel and (when
 * asked from the palette or a view) in a quick pick that opens the chosen file. Returns them.
 */
export async function doctor(svc: CommandServices, arg: unknown): Promise<StoreProblem[]> {
  const store = await requireStore(svc);
  const problems = store.problems();
  const interactive = isInteractive(arg);
  if (!problems.length) {
    svc.log.info('Doctor: no problems found.');
    if (interactive) void vscode.window.showInformationMessage('Trainlab: No problems found.');
    return [];
  }
  svc.log.warn(`Doctor: ${plural(problems.length, 'problem')}:`);
  for (const p of problems) svc.log.warn(`  ${problemLine(p)}`);
  if (interactive) {
    const picked = await svc.prompts().pick(
      problems.map((p) => ({ label: p.displayPath, description: p.line ? `line ${p.line}` : undefined, detail: p.message, value: p, iconId: 'bracket-error' })),
      { title: `Trainlab Doctor: ${plural(problems.length, 'problem')}`, placeHolder: 'Pick a file to open it at the problem' },
    );
    if (picked) await vscode.commands.executeCommand(Commands.openFile, { path: picked.path, line: picked.line, column: picked.column });
  }
  return problems;
}
