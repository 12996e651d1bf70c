import * as vscode from 'vscode';
import { join } from 'node:path';
import { ID_RULE, isValidId, type Style, type Version } from '../../core/model';
import { buildVersionExport } from '../../core/import/version-export';
import { WorkspaceStore } from '../../core/store';
import { findTrainer, newVersionParameters, validateParameters } from '../../core/trainers';
import { Commands } from '../ids';
import { datasetDescription, plural } from '../tree/format';
import {
  DeleteVersionArgs,
  ExportArgs,
  fieldsOf,
  isInteractive,
  NewVersionArgs,
  NewVersionFromArgs,
  normalizeTags,
  parseTags,
  styleRefOf,
  TagsArgs,
  TextArgs,
  UserError,
  versionRefOf,
  type VersionRef,
} from './args';
import { answered, getStyleOrThrow, getVersionOrThrow, pickStyle, pickVersion, requireStore, type CommandServices } from './services';

/** The version a command acts on: from its argument, else picked (style, then version). */
export async function resolveVersion(svc: CommandServices, store: WorkspaceStore, arg: unknown, title: string): Promise<Version & { styleId: string }> {
  const ref: VersionRef | undefined = versionRefOf(arg);
  if (ref) return { ...getVersionOrThrow(store, ref.styleId, ref.versionId), styleId: ref.styleId };
  const styleId = styleRefOf(arg)?.styleId ?? (await pickStyle(svc, store, title)).id;
  getStyleOrThrow(store, styleId);
  return { ...(await pickVersion(svc, store, styleId, title)), styleId };
}

function checkParameters(store: WorkspaceStore, style: Style, params: Record<string, unknown>): void {
  const trainer = findTrainer(style.trainer, store.listTrainerProfiles());
  if (!trainer) return;
  const errors = validateParameters(trainer.params, params);
  if (errors.length) throw new UserError(`Parameters not valid for ${trainer.name}: ${errors.map((e) => `${e.key} ${e.message}`).join('; ')}.`);
}

function versionIdProblem(store: WorkspaceStore, styleId: string, id: string): string | undefined {
  if (!isValidId(id)) return `Not a valid id: ${ID_RULE}.`;
  if (store.getVersion(styleId, id)) return `Style "${styleId}" already has a version "${id}".`;
  return undefined;
}

async function pickDataset(svc: CommandServices, store: WorkspaceStore, styleId: string, current: string | null): Promise<string | null> {
  const datasets = store.listDatasets(styleId);
  if (!datasets.length) return current;
  const none = { label: 'No dataset', description: 'choose later', value: null as string | null };
  const items = datasets.map((d) => ({ label: d.id, description: datasetDescription(d), value: d.id as string | null, iconId: d.remoteOnly ? 'cloud' : 'file-media' }));
  if (current) items.sort((a, b) => (a.value === current ? -1 : b.value === current ? 1 : 0));
  return answered(svc.prompts().pick([...items, none], { title: 'Dataset', placeHolder: 'Which images does this version train on?' }));
}

/**
 * trainlab.newVersion `{ styleId, parameters?, description?, datasetId?, id?, name? }` — the
 * seed's NEW: the trainer's defaults, then the style's, keeping the style's trigger token.
 */
export async function newVersion(svc: CommandServices, arg: unknown): Promise<Version> {
  const a = fieldsOf(Commands.newVersion, NewVersionArgs, arg);
  const interactive = isInteractive(arg);
  const store = await requireStore(svc);
  const styleId = styleRefOf(arg)?.styleId ?? (await pickStyle(svc, store, 'New Version')).id;
  const style = getStyleOrThrow(store, styleId);
  if (a.id !== undefined) {
    const problem = versionIdProblem(store, styleId, a.id);
    if (problem) throw new UserError(problem);
  }
  const trainer = findTrainer(style.trainer, store.listTrainerProfiles());
  const parameters = { ...newVersionParameters(style, trainer), ...(a.parameters ?? {}) };
  checkParameters(store, style, parameters);
  const datasetId = a.datasetId !== undefined ? a.datasetId : interactive ? await pickDataset(svc, store, styleId, null) : null;
  const nextId = a.id ?? WorkspaceStore.nextVersionName(store.listVersions(styleId));
  const description =
    a.description ?? (interactive ? await answered(svc.prompts().input({ title: `New Version ${nextId} of ${style.name}`, prompt: 'What does this version try? (may be empty)', placeHolder: 'Test with low LR' })) : '');
  const version = await store.addVersion(styleId, {
    ...(a.id !== undefined ? { id: a.id } : {}),
    ...(a.name !== undefined ? { name: a.name } : {}),
    parameters,
    datasetId,
    description,
    ...(a.notes !== undefined ? { notes: a.notes } : {}),
    ...(a.tags ? { tags: normalizeTags(a.tags) } : {}),
  });
  svc.log.info(`Created version ${styleId}/${version.id}`);
  return version;
}

/** trainlab.newVersionFrom `{ styleId, versionId, description?, parameters?, id? }`: a copy of a version as a new draft. */
export async function newVersionFrom(svc: CommandServices, arg: unknown): Promise<Version> {
  const a = fieldsOf(Commands.newVersionFrom, NewVersionFromArgs, arg);
  const interactive = isInteractive(arg);
  const store = await requireStore(svc);
  const source = await resolveVersion(svc, store, arg, 'New Version From…');
  const { styleId } = source;
  const style = getStyleOrThrow(store, styleId);
  if (a.id !== undefined) {
    const problem = versionIdProblem(store, styleId, a.id);
    if (problem) throw new UserError(problem);
  }
  const parameters = { ...structuredClone(source.parameters), ...(a.parameters ?? {}) };
  if (a.parameters) checkParameters(store, style, parameters);
  const nextId = a.id ?? WorkspaceStore.nextVersionName(store.listVersions(styleId));
  const description =
    a.description ??
    (interactive
      ? await answered(svc.prompts().input({ title: `New Version ${nextId} from ${source.name}`, prompt: 'What does this version change?', value: source.description }))
      : source.description);
  const version = await store.addVersion(styleId, {
    ...(a.id !== undefined ? { id: a.id } : {}),
    ...(a.name !== undefined ? { name: a.name } : {}),
    parameters,
    datasetId: source.datasetId,
    imageCount: source.imageCount,
    description,
    tags: [...source.tags],
    extra: { basedOn: source.id },
  });
  svc.log.info(`Created version ${styleId}/${version.id} from ${source.id}`);
  return version;
}

async function editText(svc: CommandServices, arg: unknown, field: 'description' | 'notes', command: string): Promise<Version> {
  const a = fieldsOf(command, TextArgs, arg);
  const store = await requireStore(svc);
  const title = field === 'description' ? 'Edit Description' : 'Edit Notes';
  const v = await resolveVersion(svc, store, arg, title);
  const text =
    a.text ??
    (await answered(
      svc.prompts().input({
        title: `${title} of ${v.name}`,
        prompt: field === 'description' ? 'One line on what this version tries' : 'Notes (what you saw, what to try next)',
        value: v[field],
      }),
    ));
  return store.updateVersion(v.styleId, v.id, (draft) => {
    draft[field] = text;
  });
}

/** trainlab.editDescription `{ styleId, versionId, text }`. */
export function editDescription(svc: CommandServices, arg: unknown): Promise<Version> {
  return editText(svc, arg, 'description', Commands.editDescription);
}

/** trainlab.editNotes `{ styleId, versionId, text }`. */
export function editNotes(svc: CommandServices, arg: unknown): Promise<Version> {
  return editText(svc, arg, 'notes', Commands.editNotes);
}

/** trainlab.editTags `{ styleId, versionId, tags }` (or `text: "a, b"`). */
export async function editTags(svc: CommandServices, arg: unknown): Promise<Version> {
  const a = fieldsOf(Commands.editTags, TagsArgs, arg);
  const store = await requireStore(svc);
  const v = await resolveVersion(svc, store, arg, 'Edit Tags');
  const tags = a.tags
    ? normalizeTags(a.tags)
    : parseTags(a.text ?? (await answered(svc.prompts().input({ title: `Edit Tags of ${v.name}`, prompt: 'Tags, separated by commas', value: v.tags.join(', '), placeHolder: 'best, production' }))));
  return store.updateVersion(v.styleId, v.id, (draft) => {
    draft.tags = tags;
  });
}

export const DELETE = 'Delete';
export const DELETE_WITH_SESSIONS = 'Delete with Sessions';

/**
 * trainlab.deleteVersion `{ styleId, versionId, confirm: true, deleteSessions? }`. Without
 * `confirm` a modal asks; the sessions' folders stay unless "Delete with Sessions" is chosen.
 */
export async function deleteVersion(svc: CommandServices, arg: unknown): Promise<Version> {
  const a = fieldsOf(Commands.deleteVersion, DeleteVersionArgs, arg);
  const store = await requireStore(svc);
  const v = await resolveVersion(svc, store, arg, 'Delete Version');
  const style = getStyleOrThrow(store, v.styleId);
  const sessions = store.listSessions({ styleId: v.styleId, versionId: v.id });
  let deleteSessions = a.deleteSessions ?? false;
  if (a.confirm !== true) {
    const live = sessions.filter((s) => s.status === 'running' || s.status === 'pending').length;
    const detail = [
      sessions.length
        ? `Its ${plural(sessions.length, 'session')} stay on disk under sessions/ unless you choose "${DELETE_WITH_SESSIONS}".`
        : 'It has no sessions.',
      live ? `${plural(live, 'session is', 'sessions are')} still running; their folders are kept in any case.` : '',
      'The version is removed from versions.json; this cannot be undone from Trainlab.',
    ]
      .filter(Boolean)
      .join(' ');
    const answer = await answered(svc.prompts().confirm(`Delete version ${v.name} of "${style.name}"?`, { detail, actions: sessions.length ? [DELETE, DELETE_WITH_SESSIONS] : [DELETE] }));
    deleteSessions = answer === DELETE_WITH_SESSIONS;
  }
  const removed = await store.deleteVersion(v.styleId, v.id, { deleteSessions });
  svc.log.info(`Deleted version ${v.styleId}/${v.id}${deleteSessions ? ' with its sessions' : ''}`);
  return removed;
}

/** trainlab.exportVersion `{ styleId, versionId, path? }`: writes the version-export JSON. */
export async function exportVersion(svc: CommandServices, arg: unknown): Promise<vscode.Uri> {
  const a = fieldsOf(Commands.exportVersion, ExportArgs, arg);
  const store = await requireStore(svc);
  const v = await resolveVersion(svc, store, arg, 'Export Version');
  const style = getStyleOrThrow(store, v.styleId);
  const version = getVersionOrThrow(store, v.styleId, v.id);
  let target: vscode.Uri;
  if (a.path) target = vscode.Uri.file(a.path);
  else {
    const folder = svc.workspace.folder;
    const fileName = `${v.styleId}-${v.id}.trainlab-version.json`;
    target = await answered(
      svc.prompts().saveFile({
        title: `Export ${style.name} / ${version.name}`,
        ...(folder ? { defaultUri: vscode.Uri.file(join(folder.uri.fsPath, fileName)) } : {}),
        filters: { 'Trainlab version export': ['json'] },
      }),
    );
  }
  const doc = buildVersionExport(style, version, new Date());
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(doc, null, 2) + '\n'));
  svc.log.info(`Exported ${v.styleId}/${v.id} to ${target.fsPath}`);
  if (isInteractive(arg)) {
    void vscode.window.showInformationMessage(`Exported ${version.name} to ${vscode.workspace.asRelativePath(target)}.`, 'Open').then((x) => {
      if (x) void vscode.window.showTextDocument(target);
    });
  }
  return target;
}
