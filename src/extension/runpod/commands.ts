import * as vscode from 'vscode';
import { z } from 'zod';
import type { Health } from '../../core/backends/runpod';
import { runpodBackendOf } from '../../core/sessions';
import { Commands } from '../ids';
import { fieldsOf, sessionRefOf, UserError } from '../commands/args';
import { answered, type CommandServices } from '../commands/services';
import { healthMessage } from './format';
import { apiKeyProblem } from './secrets';

/**
 * The RunPod commands that are not about one training: the API key (SecretStorage only, typed
 * into a masked input box, never taken as a command argument — a keybinding's arguments live
 * in a file) and the endpoint's health.
 */

/** trainlab.setRunPodApiKey: asks for the key in a password box and keeps it in SecretStorage. */
export async function setRunPodApiKey(svc: CommandServices, _arg: unknown): Promise<{ stored: true }> {
  const runpod = svc.runpod();
  const had = await runpod.secrets.has();
  const typed = await answered(
    svc.prompts().input({
      title: 'Set RunPod API Key',
      prompt: `${had ? 'Replaces the key Trainlab has. ' : ''}Create one in the RunPod console under Settings → API Keys. Trainlab keeps it in VS Code's secret storage only, never in a file.`,
      placeHolder: 'rpa_…',
      password: true,
      validate: apiKeyProblem,
    }),
  );
  const problem = apiKeyProblem(typed);
  if (problem) throw new UserError(problem);
  await runpod.secrets.set(typed);
  svc.log.info(`${had ? 'Replaced' : 'Set'} the RunPod API key (kept in VS Code's secret storage).`);
  void vscode.window.showInformationMessage(`RunPod API key ${had ? 'replaced' : 'saved'} in VS Code's secret storage.`);
  return { stored: true };
}

/** trainlab.clearRunPodApiKey: removes the key; RunPod sessions are no longer followed. */
export async function clearRunPodApiKey(svc: CommandServices, _arg: unknown): Promise<{ cleared: boolean }> {
  const secrets = svc.runpod().secrets;
  const had = await secrets.has();
  await secrets.clear();
  svc.log.info(had ? 'Cleared the RunPod API key.' : 'Clear RunPod API Key: no key was set.');
  void vscode.window.showInformationMessage(had ? 'RunPod API key removed from VS Code’s secret storage.' : 'No RunPod API key was set.');
  return { cleared: had };
}

const HealthArgs = z.looseObject({ endpointId: z.string().min(1).optional() });

/** The endpoints this workspace uses: the setting's, the styles', the sessions' still running. */
function knownEndpoints(svc: CommandServices): string[] {
  const out = new Set<string>();
  const fromSetting = svc.runpod().settings().defaultEndpointId;
  if (fromSetting) out.add(fromSetting);
  const store = svc.workspace.store;
  for (const style of store?.listStyles() ?? []) if (style.runpod?.endpointId?.trim()) out.add(style.runpod.endpointId.trim());
  for (const s of store?.activeSessions() ?? []) if (s.backend.type === 'runpod') out.add(s.backend.endpointId);
  return [...out];
}

/**
 * trainlab.runpodHealth `{ endpointId? }` or a RunPod session row: asks the endpoint's
 * `/health` (workers idle and running, jobs queued and in progress) and says it.
 */
export async function runpodHealth(svc: CommandServices, arg: unknown): Promise<{ endpointId: string; health: Health }> {
  const a = fieldsOf(Commands.runpodHealth, HealthArgs, arg);
  const ref = sessionRefOf(arg);
  const session = ref ? svc.workspace.store?.getSession(ref.sessionId)?.session : undefined;
  let endpointId = a.endpointId ?? (session && runpodBackendOf(session)?.endpointId);
  if (!endpointId) {
    const known = knownEndpoints(svc);
    if (!known.length) throw new UserError('No RunPod endpoint is named anywhere: set trainlab.runpod.endpointId (or runpod.endpointId in a style.json).');
    endpointId =
      known.length === 1
        ? known[0]!
        : await answered(svc.prompts().pick(known.map((id) => ({ label: id, value: id, iconId: 'cloud' })), { title: 'RunPod Endpoint Health', placeHolder: 'Which endpoint?' }));
  }
  // Refuses without a key, with the button that sets one.
  await svc.runpod().requireDeps();
  const entry = await svc.runpod().fetchHealth(endpointId);
  if (!entry.health) throw new UserError(`RunPod endpoint ${endpointId}: no health: ${entry.error ?? 'unknown error'}`);
  const message = healthMessage(endpointId, entry.health);
  svc.log.info(message);
  void vscode.window.showInformationMessage(message);
  return { endpointId, health: entry.health };
}
