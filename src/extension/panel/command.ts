import { styleRefOf, versionRefOf } from '../commands/args';
import { getStyleOrThrow, getVersionOrThrow, pickStyle, requireStore, type CommandServices } from '../commands/services';
import type { PanelManager } from './manager';

/** The command services with the panels (extension.ts adds them when it wires the panel up). */
export interface PanelServices extends CommandServices {
  panels(): PanelManager;
}

function panelsOf(svc: CommandServices): PanelManager {
  const p = (svc as Partial<PanelServices>).panels;
  if (!p) throw new Error('the training panel is not wired up');
  return p();
}

/**
 * trainlab.openPanel: from a style or version row, `{ styleId, versionId? }`, or the palette
 * (a quick pick of styles). Reveals the style's panel when it is open already.
 */
export async function openPanel(svc: CommandServices, arg: unknown): Promise<{ styleId: string; versionId?: string }> {
  const store = await requireStore(svc);
  const version = versionRefOf(arg);
  const styleId = version?.styleId ?? styleRefOf(arg)?.styleId ?? (await pickStyle(svc, store, 'Open Training Panel')).id;
  getStyleOrThrow(store, styleId);
  if (version) getVersionOrThrow(store, styleId, version.versionId);
  panelsOf(svc).open(styleId, version?.versionId);
  return { styleId, ...(version ? { versionId: version.versionId } : {}) };
}

/** After "Reset Style UI State": an open panel of the style starts over. */
export function panelStateReset(svc: CommandServices, styleId: string): void {
  (svc as Partial<PanelServices>).panels?.().resetState(styleId);
}
