import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, webviewStateSchema, type PanelUiState, type ResponseMessage, type ToWebviewMessage } from '../../shared/panel-protocol';
import { mergeUiState, readUiState } from '../../shared/panel-state';
import type { CommandServices } from '../commands/services';
import { Disposable, toDisposable } from '../lifecycle';
import { StylePanel } from './panel';

/** A panel as tests see it (through the extension's api). */
export interface PanelAccess {
  readonly styleId: string;
  isReady(): boolean;
  /** Resolves when the page has said it is ready (at once if it has). */
  whenReady(): Promise<void>;
  visible(): boolean;
  /** Messages sent to the page, oldest first (the last 200). */
  sent(): ToWebviewMessage[];
  /** Messages the page sent, raw, oldest first (the last 200). */
  received(): unknown[];
  /** Handles `raw` exactly as if the page had posted it; resolves with the response of a request. */
  simulate(raw: unknown): Promise<ResponseMessage | undefined>;
  /** Closes the panel (as its tab's close button does). */
  close(): void;
}

export interface PanelsAccess {
  /** Style ids with an open panel. */
  open(): string[];
  get(styleId: string): PanelAccess | undefined;
}

/**
 * The training panels of this window: one per style, several at once, each isolated. Opens or
 * reveals, restores them after a restart (webview panel serializer), and clears a style's
 * remembered state on "Reset Style UI State".
 */
export class PanelManager extends Disposable {
  private readonly panels = new Map<string, StylePanel>();

  constructor(
    private readonly svc: CommandServices,
    private readonly extensionUri: vscode.Uri,
  ) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.restore(panel, state),
      }),
    );
    this._register(toDisposable(() => [...this.panels.values()].forEach((p) => p.dispose())));
  }

  /** Opens the style's panel, or reveals the open one; `versionId` selects that version. */
  open(styleId: string, versionId?: string): StylePanel {
    const had = this.panels.get(styleId);
    if (had) {
      had.reveal(versionId);
      return had;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, `Train: ${styleId}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { enableScripts: true });
    const state = this.svc.uiState.getStyleState(styleId) as unknown;
    return this.adopt(panel, styleId, { ...readUiState(state), ...(versionId ? { selectedVersionId: versionId } : {}) });
  }

  private async restore(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const parsed = webviewStateSchema.safeParse(raw);
    if (!parsed.success) {
      this.svc.log.warn('A training panel could not be restored: its saved state names no style.');
      panel.dispose();
      return;
    }
    const { styleId, ui } = parsed.data;
    if (this.panels.has(styleId)) {
      panel.dispose();
      return;
    }
    const stored = readUiState(this.svc.uiState.getStyleState(styleId));
    this.adopt(panel, styleId, mergeUiState(stored, readUiState(ui)));
    this.svc.log.info(`Restored the training panel of ${styleId}`);
  }

  private adopt(panel: vscode.WebviewPanel, styleId: string, initialState: PanelUiState, replaced = false): StylePanel {
    const p = new StylePanel(panel, styleId, { svc: this.svc, extensionUri: this.extensionUri, initialState, replaceable: !replaced });
    this.panels.set(styleId, p);
    p.onDidDispose(() => {
      if (this.panels.get(styleId) === p) this.panels.delete(styleId);
    });
    // Once per panel: a page that never loads gets a new webview in the same place.
    if (!replaced) p.onDidStall(() => this.replace(p));
    return p;
  }

  private replace(old: StylePanel): void {
    if (this.panels.get(old.styleId) !== old) return;
    const column = old.panel.viewColumn ?? vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, old.panel.title, { viewColumn: column, preserveFocus: false }, { enableScripts: true });
    const state = old.currentState;
    this.panels.delete(old.styleId);
    old.dispose();
    this.adopt(panel, old.styleId, state, true);
  }

  /** The style's state was reset: an open panel starts over too. */
  resetState(styleId: string): void {
    this.panels.get(styleId)?.resetState();
  }

  get(styleId: string): StylePanel | undefined {
    return this.panels.get(styleId);
  }

  access(): PanelsAccess {
    // The style's current panel: a stalled one may have been replaced since the test got it.
    const wrap = (first: StylePanel): PanelAccess => {
      const cur = () => {
        const now = this.panels.get(first.styleId);
        return now && (now === first || first.closed) ? now : first;
      };
      const whenReady = async (): Promise<void> => {
        for (;;) {
          const p = cur();
          if (p.isReady) return;
          // Ready, or replaced (then wait for the new one).
          await new Promise<void>((r) => {
            const ds = [p.onDidReady(() => done()), p.onDidDispose(() => setTimeout(done, 0))];
            const done = () => (ds.forEach((d) => d.dispose()), r());
          });
          if (cur() === p && !p.isReady) return;
        }
      };
      return {
        styleId: first.styleId,
        isReady: () => cur().isReady,
        whenReady,
        visible: () => cur().panel.visible,
        sent: () => [...cur().sent],
        received: () => [...cur().received],
        simulate: (raw) => cur().handle(raw),
        close: () => cur().dispose(),
      };
    };
    return {
      open: () => [...this.panels.keys()],
      get: (styleId) => {
        const p = this.panels.get(styleId);
        return p && wrap(p);
      },
    };
  }
}
