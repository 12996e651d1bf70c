import * as vscode from 'vscode';
import { paths, type WorkspaceStore } from '../../core/store';
import { Commands } from '../ids';
import { isTreeElement } from '../tree/elements';
import { fieldsOf, OpenFileArgs, sessionRefOf, styleRefOf, UserError, versionRefOf } from './args';
import { answered, pickStyle, requireStore, type CommandServices } from './services';

/** What a row or an id-object stands for on disk: the file (or folder) and where in it. */
interface Target {
  uri: vscode.Uri;
  /** For versions.json: the version whose entry to show. */
  versionId?: string;
}

function targetOf(store: WorkspaceStore, arg: unknown, want: 'json' | 'folder'): Target | undefined {
  const root = store.root;
  if (isTreeElement(arg)) {
    switch (arg.kind) {
      case 'style':
        return { uri: vscode.Uri.file(want === 'json' ? paths.style(root, arg.styleId) : paths.styleDir(root, arg.styleId)) };
      case 'versions':
        return { uri: vscode.Uri.file(paths.versions(root, arg.styleId)) };
      case 'version':
        return { uri: vscode.Uri.file(paths.versions(root, arg.styleId)), versionId: arg.versionId };
      case 'session':
        break; // below, by id
      case 'datasets':
        return { uri: vscode.Uri.file(paths.datasetsDir(root, arg.styleId)) };
      case 'dataset':
        return { uri: vscode.Uri.file(paths.dataset(root, arg.styleId, arg.datasetId)) };
      case 'problem':
        return { uri: vscode.Uri.file(arg.path) };
      default:
        return undefined;
    }
  }
  const session = sessionRefOf(arg);
  if (session) {
    const entry = store.getSession(session.sessionId);
    if (!entry) throw new UserError(`No session "${session.sessionId}".`);
    return { uri: vscode.Uri.file(want === 'json' ? entry.path : entry.dir) };
  }
  const version = versionRefOf(arg);
  if (version) return { uri: vscode.Uri.file(paths.versions(root, version.styleId)), versionId: version.versionId };
  const style = styleRefOf(arg);
  if (style) return { uri: vscode.Uri.file(want === 'json' ? paths.style(root, style.styleId) : paths.styleDir(root, style.styleId)) };
  return undefined;
}

/** trainlab.revealInExplorer: shows the row's file or folder in the Explorer. */
export async function revealInExplorer(svc: CommandServices, arg: unknown): Promise<vscode.Uri> {
  const store = await requireStore(svc);
  let target = targetOf(store, arg, 'folder');
  if (!target) target = { uri: vscode.Uri.file(paths.styleDir(store.root, (await pickStyle(svc, store, 'Reveal in Explorer')).id)) };
  await vscode.commands.executeCommand('revealInExplorer', target.uri);
  return target.uri;
}

/** trainlab.openJson: opens style.json, versions.json (at the version) or session.json. */
export async function openJson(svc: CommandServices, arg: unknown): Promise<vscode.Uri> {
  const store = await requireStore(svc);
  let target = targetOf(store, arg, 'json');
  if (!target) target = { uri: vscode.Uri.file(paths.style(store.root, (await pickStyle(svc, store, 'Open JSON')).id)) };
  const doc = await vscode.workspace.openTextDocument(target.uri);
  let selection: vscode.Range | undefined;
  if (target.versionId) {
    const m = new RegExp(`"id"\\s*:\\s*${JSON.stringify(target.versionId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(doc.getText());
    if (m) {
      const pos = doc.positionAt(m.index);
      selection = new vscode.Range(pos, pos);
    }
  }
  await vscode.window.showTextDocument(doc, { preview: true, ...(selection ? { selection } : {}) });
  return target.uri;
}

/** trainlab.openFile: opens a problem's file at its line and column (`{ path, line?, column? }` too). */
export async function openFile(svc: CommandServices, arg: unknown): Promise<vscode.Uri> {
  let path: string | undefined;
  let line: number | undefined;
  let column: number | undefined;
  if (isTreeElement(arg) && arg.kind === 'problem') {
    path = arg.path;
    const problem = svc.workspace.store?.problems().find((p) => p.path === arg.path);
    line = problem?.line;
    column = problem?.column;
  } else {
    const a = fieldsOf(Commands.openFile, OpenFileArgs, arg);
    ({ path, line, column } = a);
  }
  if (!path) {
    const store = await requireStore(svc);
    const problems = store.problems();
    if (!problems.length) throw new UserError('No file to open: Trainlab found no problems.');
    const picked = await answered(
      svc.prompts().pick(
        problems.map((p) => ({ label: p.displayPath, description: p.line ? `line ${p.line}` : undefined, detail: p.message, value: p })),
        { title: 'Open File', placeHolder: 'A file Trainlab cannot use' },
      ),
    );
    ({ path, line, column } = picked);
  }
  const uri = vscode.Uri.file(path);
  const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(uri, { preview: false, selection: new vscode.Range(pos, pos) });
  return uri;
}
