import * as vscode from 'vscode';
import type { Session } from '../../core/model';
import { SessionActionError } from '../../core/sessions';
import { paths, StoreError } from '../../core/store';
import { validateParameters } from '../../core/trainers';
import type { RequestMessage, SaveResult, StartResult, ValidateResult } from '../../shared/panel-protocol';
import { Cancelled, refusalText, UserError } from '../commands/args';
import { getStyleOrThrow, getVersionOrThrow, requireStore, type CommandServices } from '../commands/services';
import { cancel, checkStatus, extend, relaunch, resume, retryOnRunPod, startTraining } from '../commands/training';
import { openJson } from '../commands/files';
import { trainerOf } from './snapshot';
import { compareVersions, historyOf, updateNotes, updateTags } from './history';
import { sampleFile, samplesOf } from './samples';

/**
 * What each allowed webview request does: the same core and command functions the tree and
 * the palette use (store.addVersion, the training commands with their confirmation), given
 * the panel's style. Throws on refusal; the panel turns that into an error response.
 */
export interface ActionContext {
  svc: CommandServices;
  styleId: string;
  persistState(state: Extract<RequestMessage, { action: 'persistState' }>['args']['state']): Promise<void>;
  /** The webview URI of a file the panel may show (inside its resource roots), else null. */
  toWebviewUri(file: string): string | null;
}

const RESET = 'Reset';

type Form = { parameters: Record<string, unknown>; datasetId: string | null; description: string; basedOn?: string | null | undefined; backend?: 'local' | 'runpod' | undefined };

async function validate(ctx: ActionContext, parameters: Record<string, unknown>): Promise<ValidateResult> {
  const store = await requireStore(ctx.svc);
  const trainer = trainerOf(store, getStyleOrThrow(store, ctx.styleId));
  return { errors: trainer ? validateParameters(trainer.params, parameters) : [] };
}

async function save(ctx: ActionContext, form: Form, refusing: string): Promise<SaveResult> {
  const { errors } = await validate(ctx, form.parameters);
  if (errors.length) throw new UserError(`${refusing}: ${errors.map((e) => `${e.key} ${e.message}`).join('; ')}.`);
  const store = await requireStore(ctx.svc);
  if (form.datasetId && !store.findDataset(ctx.styleId, form.datasetId)) throw new UserError(`Style "${ctx.styleId}" has no dataset "${form.datasetId}".`);
  const basedOn = form.basedOn ? getVersionOrThrow(store, ctx.styleId, form.basedOn).id : undefined;
  const v = await store.addVersion(ctx.styleId, {
    parameters: form.parameters,
    datasetId: form.datasetId,
    description: form.description,
    ...(basedOn || form.backend ? { extra: { ...(basedOn ? { basedOn } : {}), ...(form.backend ? { backend: form.backend } : {}) } } : {}),
  });
  ctx.svc.log.info(`Panel: saved ${ctx.styleId}/${v.id}${basedOn ? ` (from ${basedOn})` : ''}`);
  return { versionId: v.id };
}

const sessionResult = (s: Session) => ({ sessionId: s.id, status: s.status });

export async function runAction(ctx: ActionContext, req: RequestMessage): Promise<unknown> {
  const ref = (versionId: string) => ({ styleId: ctx.styleId, versionId });
  switch (req.action) {
    // The History tab's actions (src/extension/panel/history.ts).
    case 'getHistory':
      return historyOf(await requireStore(ctx.svc), ctx.styleId);
    case 'compare':
      return compareVersions(await requireStore(ctx.svc), ctx.styleId, req.args.versionIds);
    case 'updateNotes':
      await updateNotes(await requireStore(ctx.svc), ctx.styleId, req.args.target, req.args.notes);
      return {};
    case 'updateTags':
      await updateTags(await requireStore(ctx.svc), ctx.styleId, req.args.target, req.args.tags);
      return {};
    case 'validate':
      return validate(ctx, req.args.parameters);
    case 'saveVersion':
      return save(ctx, req.args, 'Not saved');
    case 'startTraining': {
      let versionId = req.args.versionId;
      if (req.args.draft) versionId = (await save(ctx, req.args.draft, 'Start refused, the parameters are not valid')).versionId;
      if (!versionId) throw new UserError('Start needs a version or the form’s parameters.');
      if (!req.args.draft) {
        const store = await requireStore(ctx.svc);
        const { errors } = await validate(ctx, getVersionOrThrow(store, ctx.styleId, versionId).parameters);
        if (errors.length) throw new UserError(`Start refused, the parameters are not valid: ${errors.map((e) => `${e.key} ${e.message}`).join('; ')}.`);
      }
      const s = await startTraining(ctx.svc, ref(versionId));
      return { versionId, sessionId: s.id } satisfies StartResult;
    }
    case 'setBackend': {
      const store = await requireStore(ctx.svc);
      getVersionOrThrow(store, ctx.styleId, req.args.versionId);
      const backend = req.args.backend;
      await store.updateVersion(ctx.styleId, req.args.versionId, (v) => void (v.backend = backend));
      ctx.svc.log.info(`Panel: ${ctx.styleId}/${req.args.versionId} runs on ${backend === 'runpod' ? 'RunPod' : 'this machine'}`);
      return {};
    }
    case 'retry':
      // The command's own checks say why when RunPod's Retry does not apply.
      return sessionResult(await retryOnRunPod(ctx.svc, ref(req.args.versionId)));
    case 'checkStatus':
      return sessionResult(await checkStatus(ctx.svc, ref(req.args.versionId)));
    case 'cancel':
      return sessionResult(await cancel(ctx.svc, ref(req.args.versionId)));
    case 'resume':
      return sessionResult((await resume(ctx.svc, ref(req.args.versionId))).session);
    case 'relaunch':
      return sessionResult(await relaunch(ctx.svc, ref(req.args.versionId)));
    case 'extend': {
      const store = await requireStore(ctx.svc);
      const s = store.getSession(req.args.sessionId)?.session;
      if (!s || s.styleId !== ctx.styleId) throw new UserError(`Style "${ctx.styleId}" has no session "${req.args.sessionId}".`);
      const steps = req.args.steps;
      return sessionResult(await extend(ctx.svc, { sessionId: s.id, ...(steps ? { steps } : {}) }));
    }
    case 'persistState':
      await ctx.persistState(req.args.state);
      return {};
    case 'resetState': {
      const answer = await ctx.svc.prompts().confirm(`Reset the training panel of "${ctx.styleId}"?`, {
        detail: 'The panel forgets its selected version, unsaved form edits, tab, console and history choices. Versions, sessions and logs are not touched.',
        actions: [RESET],
      });
      if (answer !== RESET) throw new Cancelled();
      // The facade tells the open panel, which starts its page over (extension.ts wires that).
      await ctx.svc.uiState.resetStyleState(ctx.styleId);
      ctx.svc.log.info(`Panel: reset the UI state of style ${ctx.styleId}`);
      return {};
    }
    // The Samples tab (src/extension/panel/samples.ts).
    case 'getSamples':
      return samplesOf(await requireStore(ctx.svc), ctx.styleId, (f) => ctx.toWebviewUri(f));
    case 'openSample': {
      const store = await requireStore(ctx.svc);
      const s = store.getSession(req.args.sessionId)?.session;
      if (!s || s.styleId !== ctx.styleId) throw new UserError(`Style "${ctx.styleId}" has no session "${req.args.sessionId}".`);
      const file = await sampleFile(store, s, req.args.file);
      if (!file) throw new UserError(`Session ${s.id} has no sample "${req.args.file}".`);
      const uri = vscode.Uri.file(file);
      // Beside the panel: the gallery stays in view while the image is looked at.
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      return uri.toString();
    }
    case 'openFile': {
      const store = await requireStore(ctx.svc);
      const { file, versionId, sessionId } = req.args;
      if (file === 'style') return (await openJson(ctx.svc, { styleId: ctx.styleId })).toString();
      if (!versionId) throw new UserError(`Opening the ${file} file needs a version.`);
      getVersionOrThrow(store, ctx.styleId, versionId);
      if (file === 'versions') return (await openJson(ctx.svc, ref(versionId))).toString();
      let s: Session | undefined;
      if (sessionId) {
        s = store.getSession(sessionId)?.session;
        if (!s || s.styleId !== ctx.styleId || s.versionId !== versionId) throw new UserError(`${versionId} of style "${ctx.styleId}" has no session "${sessionId}".`);
      } else {
        s = store.newestSession(ctx.styleId, versionId);
        if (!s) throw new UserError(`${versionId} has no sessions yet.`);
      }
      const uri = vscode.Uri.file(file === 'log' ? paths.consoleLog(store.root, ctx.styleId, s.id) : paths.session(store.root, ctx.styleId, s.id));
      await vscode.window.showTextDocument(uri, { preview: true });
      return uri.toString();
    }
  }
}

/** The message a refusal shows in the panel (the same words the command runner would show). */
export function errorText(e: unknown): { message: string; cancelled: boolean; known: boolean } {
  if (e instanceof Cancelled) return { message: 'Cancelled.', cancelled: true, known: true };
  if (e instanceof SessionActionError) return { message: refusalText(e), cancelled: false, known: true };
  if (e instanceof UserError || e instanceof StoreError) return { message: e.message, cancelled: false, known: true };
  return { message: e instanceof Error ? e.message : String(e), cancelled: false, known: false };
}
