/**
 * The one typed facade over `workspaceState` for UI-only state (after GitLens `storage.ts`):
 * namespaced, versioned keys (`trainlab.ui.v1.style.<styleId>`), values parsed on the way in so
 * a stale or foreign value reads as "nothing stored". The workspace JSON files remain the
 * truth; nothing here is needed to rebuild them. No `vscode` import: a Memento-like object is
 * passed in, so plain-Node tests use an in-memory one.
 */
import { z } from 'zod';
import { consoleUiStateSchema, formDraftSchema, historyUiStateSchema, samplesUiStateSchema } from '../shared/panel-protocol';

/** The subset of `vscode.Memento` this facade uses. */
export interface MementoLike {
  keys(): readonly string[];
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const UI_STATE_VERSION = 1;
const PREFIX = `trainlab.ui.v${UI_STATE_VERSION}.`;

/** What the training panel remembers per style (the seed's per-style localStorage). */
export const styleUiStateSchema = z.object({
  selectedVersionId: z.string().optional(),
  activeTab: z.string().optional(),
  advancedOpen: z.boolean().optional(),
  /** Unsaved edits of the panel's Configure form. */
  draft: formDraftSchema.nullable().optional(),
  /** The Console tab's session, follow, scroll and smoothing; the History tab's sort and filter; the Samples tab's view. */
  console: consoleUiStateSchema.optional(),
  history: historyUiStateSchema.optional(),
  samples: samplesUiStateSchema.optional(),
  /** When the panel wrote this (ms since epoch): the newer of its two copies wins. */
  savedAt: z.number().nonnegative().optional(),
});
export type StyleUiState = z.infer<typeof styleUiStateSchema>;

const openTerminalsSchema = z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)).max(100);

export class UiState {
  constructor(private readonly memento: MementoLike) {}

  static readonly openTerminalsKey = `${PREFIX}openTerminals`;

  /** Sessions whose terminals were open (restored after a window reload while they still run). */
  getOpenTerminals(): string[] {
    const parsed = openTerminalsSchema.safeParse(this.memento.get(UiState.openTerminalsKey));
    return parsed.success ? parsed.data : [];
  }

  async setOpenTerminals(sessionIds: readonly string[]): Promise<void> {
    const ids = openTerminalsSchema.parse([...new Set(sessionIds)].slice(-100));
    await this.memento.update(UiState.openTerminalsKey, ids.length ? ids : undefined);
  }

  static styleKey(styleId: string): string {
    return `${PREFIX}style.${styleId}`;
  }

  getStyleState(styleId: string): StyleUiState {
    const parsed = styleUiStateSchema.safeParse(this.memento.get(UiState.styleKey(styleId)));
    return parsed.success ? parsed.data : {};
  }

  async updateStyleState(styleId: string, patch: Partial<StyleUiState>): Promise<StyleUiState> {
    const next = styleUiStateSchema.parse({ ...this.getStyleState(styleId), ...patch });
    await this.memento.update(UiState.styleKey(styleId), next);
    return next;
  }

  /** Forgets a style's UI state; true when there was something to forget. */
  async resetStyleState(styleId: string): Promise<boolean> {
    const key = UiState.styleKey(styleId);
    const had = this.memento.get(key) !== undefined;
    await this.memento.update(key, undefined);
    return had;
  }

  /** Style ids with stored UI state. */
  stylesWithState(): string[] {
    const prefix = `${PREFIX}style.`;
    return this.memento
      .keys()
      .filter((k) => k.startsWith(prefix) && this.memento.get(k) !== undefined)
      .map((k) => k.slice(prefix.length));
  }

  /** Removes keys of older facade versions (`trainlab.ui.v0.…`) that this one no longer reads. */
  async dropStaleKeys(): Promise<number> {
    const stale = this.memento.keys().filter((k) => k.startsWith('trainlab.ui.') && !k.startsWith(PREFIX));
    for (const k of stale) await this.memento.update(k, undefined);
    return stale.length;
  }
}
