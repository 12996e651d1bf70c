/**
 * Merging the two copies of a style's panel state: the webview's own (`getState`, handed to
 * the serializer after a restart) and the workspaceState facade's (what a closed panel left).
 * Pure; used by the extension when it opens a panel.
 */
import { panelUiStateSchema, type PanelUiState } from './panel-protocol';

/**
 * Parses a stored value field by field: a field that does not fit (a tab name of an older
 * panel, say) is dropped, the others are kept; anything not an object reads as nothing stored.
 */
export function readUiState(raw: unknown): PanelUiState {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, unknown> = {};
  const shape = panelUiStateSchema.shape;
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const r = shape[key].safeParse(value);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out as PanelUiState;
}

/**
 * The newer copy (by `savedAt`; one without a time is older than one with) wins field by
 * field; a field the newer copy does not have comes from the older one.
 */
export function mergeUiState(a: PanelUiState | undefined, b: PanelUiState | undefined): PanelUiState {
  const x = a ?? {};
  const y = b ?? {};
  const [older, newer] = (x.savedAt ?? -1) > (y.savedAt ?? -1) ? [y, x] : [x, y];
  const out: PanelUiState = { ...older };
  for (const [k, v] of Object.entries(newer) as [keyof PanelUiState, unknown][]) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
