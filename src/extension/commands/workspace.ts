import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import * as coreImport from '../../core/import';
import type { ImportPlan } from '../../core/import';
import { MAX_JSON_BYTES } from '../../core/model';
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

/** The JSON of a file, when it is a `trainlab export` document. */
async function readVersionExportFile(file: string): Promise<unknown> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size > MAX_JSON_BYTES) return undefined;
    const value: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return coreImport.looksLikeVersionExport(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A version exported by Trainlab (`trainlab export`, or Export Version…). */
async function importExport(svc: CommandServices, store: WorkspaceStore, file: string, raw: unknown, styleId: string | undefined, arg: unknown): Promise<coreImport.ImportResult> {
  const parsed = coreImport.parseVersionExport(raw);
  if (!parsed.ok) throw new UserError(`${vscode.workspace.asRelativePath(file)} is a Trainlab export that cannot be used: ${parsed.message}`);
  const outcome = await coreImport.importVersionExport(store, parsed.doc, { ...(styleId ? { styleId } : {}), file: basename(file) });
  for (const w of outcome.warnings) svc.log.warn(w);
  const message = outcome.added
    ? `Imported ${outcome.styleId}/${outcome.versionId}${outcome.renamedFrom ? ` (its id ${outcome.renamedFrom} was taken)` : ''}.`
    : `${outcome.styleId}/${outcome.versionId} is already in the workspace; nothing was imported.`;
  svc.log.info(message);
  if (isInteractive(arg)) void vscode.window.showInformationMessage(message);
  return {
    styles: [{ id: outcome.styleId, created: outcome.styleCreated }],
    versions: [{ styleId: outcome.styleId, id: outcome.versionId, source: basename(file), created: outcome.added }],
    sessions: [],
    problems: [],
    notes: [],
  };
}

function planSummary(plan: ImportPlan): string {
  return [plural(plan.styles.length, 'style'), plural(plan.versions.length, 'version'), plural(plan.sessions.length, 'session')].join(', ');
}

/**
 * trainlab.import `{ path?, styleId? }`: reads a file or a folder of other tools' files (FluxGym,
 * kohya_ss, LLMTool, training_versions.json, …) into a plan and applies it with the core's
 * applyImport. Without applyImport it says clearly that import is unavailable, writes nothing,
 * and logs what would have been imported.
 */
export async function importFiles(svc: CommandServices, arg: unknown): Promise<coreImport.ImportResult> {
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
  const exported = await readVersionExportFile(target);
  if (exported !== undefined) return importExport(svc, store, target, exported, styleId, arg);
  const endpoint = readConfig(folder).runpodEndpointId;
  const plan = await coreImport.readImportPath(target, { ...(styleId ? { styleId } : {}), ...(endpoint ? { runpodEndpointId: endpoint } : {}) });
  svc.log.info(`Import of ${target} (${plan.tool}): ${planSummary(plan)}, ${plural(plan.problems.length, 'problem')}`);
  for (const p of plan.problems) svc.log.warn(`  ${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);

  if (!plan.styles.length && !plan.versions.length && !plan.sessions.length) {
    throw new UserError(`Nothing to import in ${vscode.workspace.asRelativePath(target)}${plan.problems[0] ? `: ${plan.problems[0].message}` : ''}.`);
  }
  const result = await coreImport.applyImport(store, plan);
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
