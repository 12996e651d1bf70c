import * as vscode from 'vscode';
import { ID_RULE, isValidId, slugify, type Style } from '../../core/model';
import { findTrainer, listTrainers } from '../../core/trainers';
import { fieldsOf, isInteractive, NewStyleArgs, styleRefOf, UserError } from './args';
import { Commands } from '../ids';
import { answered, pickStyle, requireStore, type CommandServices } from './services';

/** trainlab.init: creates `trainlab/` (styles/, trainers/) and opens it. */
export async function init(svc: CommandServices): Promise<{ root: string; created: boolean }> {
  await svc.workspace.ready();
  if (svc.workspace.phase === 'ready' && svc.workspace.root) {
    void vscode.window.showInformationMessage(`Trainlab is already set up in this workspace (${vscode.workspace.asRelativePath(svc.workspace.root)}).`);
    return { root: svc.workspace.root, created: false };
  }
  const root = await svc.workspace.init();
  void vscode.window.showInformationMessage(`Created the Trainlab folder ${vscode.workspace.asRelativePath(root)}. Next: a style.`, 'New Style').then((a) => {
    if (a) void vscode.commands.executeCommand(Commands.newStyle);
  });
  return { root, created: true };
}

/**
 * trainlab.newStyle `{ id, name, triggerToken, trainer, description?, defaults? }`: asks for
 * what is missing (name, id, trainer; the trigger token only when asked interactively).
 */
export async function newStyle(svc: CommandServices, arg: unknown): Promise<Style> {
  const a = fieldsOf(Commands.newStyle, NewStyleArgs, arg);
  const interactive = isInteractive(arg);
  const store = await requireStore(svc);
  const prompts = svc.prompts();
  const idProblem = (id: string) => (!isValidId(id) ? `Not a valid id: ${ID_RULE}.` : store.getStyle(id) ? `A style "${id}" already exists.` : undefined);

  const name =
    a.name ??
    (await answered(
      prompts.input({ title: 'New Style', prompt: 'Name of the style', placeHolder: 'Dynamic Simplicity', validate: (t) => (t.trim() ? undefined : 'A style needs a name.') }),
    )).trim();
  const id = a.id ?? (interactive ? (await answered(prompts.input({ title: 'New Style', prompt: 'Id (the folder name under trainlab/styles/)', value: slugify(name), validate: idProblem }))).trim() : slugify(name));
  const profiles = store.listTrainerProfiles();
  const trainer =
    a.trainer ??
    (await answered(
      prompts.pick(
        listTrainers(profiles).map((t) => ({ label: t.label, description: t.name, detail: t.description, value: t.name })),
        { title: 'New Style', placeHolder: 'Trainer' },
      ),
    ));
  if (!findTrainer(trainer, profiles)) {
    throw new UserError(`Unknown trainer "${trainer}"; known: ${listTrainers(profiles).map((t) => t.name).join(', ')}.`);
  }
  const triggerToken =
    a.triggerToken ??
    (interactive
      ? await answered(prompts.input({ title: 'New Style', prompt: 'Trigger token (the word that calls the style in prompts; may be empty)', placeHolder: 'SBai_style_16' }))
      : '');

  const style = await store.createStyle({
    id,
    name,
    trainer,
    triggerToken: triggerToken.trim(),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.defaults ? { defaults: a.defaults } : {}),
  });
  svc.log.info(`Created style ${style.id} (${style.trainer})`);
  if (interactive) await revealStyle(svc, style.id);
  return style;
}

async function revealStyle(svc: CommandServices, styleId: string): Promise<void> {
  const view = svc.stylesView;
  if (!view?.visible) return;
  try {
    // The interned element: VS Code finds rows by the element's identity.
    await view.reveal(svc.stylesModel.cache.get('style', { styleId }), { select: true, focus: false, expand: true });
  } catch {
    // Revealing is a courtesy; the style is in the tree either way.
  }
}

/** trainlab.resetStyleState: forgets a style's UI-only state (selected version, open sections). */
export async function resetStyleState(svc: CommandServices, arg: unknown): Promise<boolean> {
  let styleId = styleRefOf(arg)?.styleId;
  if (!styleId) {
    const store = await requireStore(svc);
    styleId = (await pickStyle(svc, store, 'Reset UI State of a Style')).id;
  }
  const had = await svc.uiState.resetStyleState(styleId);
  svc.log.info(`Reset the UI state of style ${styleId}${had ? '' : ' (there was none)'}`);
  if (isInteractive(arg)) void vscode.window.showInformationMessage(`The UI state of "${styleId}" was reset.`);
  return had;
}
