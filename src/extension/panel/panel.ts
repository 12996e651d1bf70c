import * as vscode from 'vscode';
import { isAbsolute, relative } from 'node:path';
import type { StoreEvent } from '../../core/store';
import { paths } from '../../core/store';
import {
  describeDropped,
  parseMessage,
  type PanelUiState,
  type RequestMessage,
  type ResponseMessage,
  type ToWebviewMessage,
  type UpdateMessage,
} from '../../shared/panel-protocol';
import type { CommandServices } from '../commands/services';
import { Disposable } from '../lifecycle';
import { errorText, runAction } from './actions';
import { ConsoleFeed } from './console-feed';
import { readConfig } from '../config';
import { panelHtml } from './html';
import { afterStalledLoad, READY_WATCHDOG_MS } from './load-watchdog';
import { runningNotice, styleSnapshot } from './snapshot';

export interface StylePanelDeps {
  svc: CommandServices;
  extensionUri: vscode.Uri;
  /** The state to start from (webview state and workspaceState, merged). */
  initialState: PanelUiState;
  /** Whether a page that does not load may ask for a new webview (a replacement may not). */
  replaceable: boolean;
}

const KEEP = 200;

/** Is this store event about the style? */
function concerns(e: StoreEvent, styleId: string): boolean {
  if (e.type === 'trainer' || e.type === 'problems') return e.type === 'trainer';
  return e.styleId === styleId;
}

/**
 * One style's training panel: its webview, the ready handshake (messages wait until the page
 * says it is ready), the requests it may make (parsed, allow-listed, answered by id), and the
 * store events that become `update` messages. Disposing it closes the webview.
 */
export class StylePanel extends Disposable {
  private ready = false;
  private readonly queue: ToWebviewMessage[] = [];
  private state: PanelUiState;
  private notice: string | null = null;
  /** The last messages each way (tests read them through the api). */
  readonly sent: ToWebviewMessage[] = [];
  readonly received: unknown[] = [];
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private readonly _onDidReady = this._register(new vscode.EventEmitter<void>());
  readonly onDidReady = this._onDidReady.event;
  private readonly _onDidStall = this._register(new vscode.EventEmitter<void>());
  /** The page never loaded, reloads included: the manager puts a new panel in its place. */
  readonly onDidStall = this._onDidStall.event;
  private checkedRunning = false;
  /** The refresh at open has ended: the notice no longer says it is refreshing. */
  private refreshed = false;
  /** An init reached the current page (it has the parameter specs and the state). */
  private initSent = false;
  /** The Console tab's subscription (console-feed.ts). */
  readonly consoleFeed: ConsoleFeed;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly styleId: string,
    private readonly deps: StylePanelDeps,
  ) {
    super();
    this.state = deps.initialState;
    const { svc } = deps;
    this.consoleFeed = new ConsoleFeed({
      styleId,
      store: () => svc.workspace.store,
      maxLines: () => readConfig(svc.workspace.folder).consoleMaxLines,
      post: (m) => this.ready && this.post(m),
      warn: (m) => svc.log.warn(m),
    });
    this._register({ dispose: () => this.consoleFeed.dispose() });
    const root = svc.workspace.root;
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [
        vscode.Uri.joinPath(deps.extensionUri, 'dist'),
        vscode.Uri.joinPath(deps.extensionUri, 'media'),
        ...(root ? [vscode.Uri.file(paths.styleDir(root, styleId))] : []),
      ],
    };
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'trainlab.svg');
    this.updateTitle();
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => void this.handle(raw)));
    this._register(
      panel.onDidChangeViewState(() => {
        // A hidden webview (no retainContextWhenHidden) is torn down; it says "ready" again when shown.
        if (!panel.visible) this.ready = this.initSent = false;
        if (!panel.visible) this.consoleFeed.unsubscribe();
      }),
    );
    this._register(svc.workspace.onDidChange((events) => this.onStoreEvents(events)));
    this._register(svc.workspace.onDidReset(() => this.sendUpdate()));
    this._register(panel.onDidDispose(() => this.dispose()));
    this.loadPage();
  }

  /**
   * Sets the page, and follows `afterStalledLoad` while it does not say "ready": loads it
   * again, asks for a new webview (`onDidStall`: the manager replaces this panel), and at last
   * tells the person what to do — a panel that never loads would look like a blank tab.
   */
  private loadPage(attempt = 0): void {
    this.panel.webview.html = this.html();
    const timer = setTimeout(() => {
      if (this.isDisposed || this.ready || !this.panel.visible) return;
      const tries = attempt + 1;
      const step = afterStalledLoad(tries, this.deps.replaceable);
      if (step === 'replace') {
        this.deps.svc.log.warn(`Panel ${this.styleId}: the page did not load after ${tries} tries; opening a new panel.`);
        return this._onDidStall.fire();
      }
      if (step === 'give-up') {
        this.deps.svc.log.error(`Panel ${this.styleId}: the page did not load after ${tries} tries; giving up.`);
        void vscode.window.showWarningMessage(`The training panel of ${this.panel.title} did not load. Close it and open it again; if it stays empty, run "Developer: Reload Webviews".`);
        return;
      }
      this.deps.svc.log.warn(`Panel ${this.styleId}: the page did not say it was ready in ${READY_WATCHDOG_MS / 1000} s; loading it again.`);
      this.loadPage(tries);
    }, READY_WATCHDOG_MS);
    this._register({ dispose: () => clearTimeout(timer) });
  }

  /** The state the page would start from now (for a replacement panel). */
  get currentState(): PanelUiState {
    return this.state;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._onDidDispose.fire();
    super.dispose();
    this.panel.dispose();
  }

  get closed(): boolean {
    return this.isDisposed;
  }

  get isReady(): boolean {
    return this.ready;
  }

  reveal(select?: string): void {
    this.panel.reveal(undefined, false);
    if (select) {
      this.state = { ...this.state, selectedVersionId: select };
      this.post({ type: 'update', select });
    }
  }

  private html(): string {
    const w = this.panel.webview;
    const asset = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...p)).toString();
    return panelHtml({
      cspSource: w.cspSource,
      nonce: crypto.randomUUID(),
      scriptUri: asset('dist', 'webview.js'),
      styleUris: [asset('dist', 'webview.css'), asset('media', 'panel.css')],
      title: `Trainlab: ${this.styleId}`,
    });
  }

  private updateTitle(): void {
    const name = this.deps.svc.workspace.store?.getStyle(this.styleId)?.style.name ?? this.styleId;
    this.panel.title = `Train: ${name}`;
  }

  /** Sends now when the page is ready, else queues. */
  post(msg: ToWebviewMessage): void {
    if (this.isDisposed) return;
    if (!this.ready) {
      // An init is always sent first on ready: older updates are covered by it.
      if (msg.type !== 'update' || msg.select) this.queue.push(msg);
      return;
    }
    this.remember(this.sent, msg);
    void this.panel.webview.postMessage(msg);
  }

  private remember<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > KEEP) list.shift();
  }

  /** Handles a message as the webview sent it; returns the response of a request. */
  async handle(raw: unknown): Promise<ResponseMessage | undefined> {
    if (this.isDisposed) return undefined;
    this.remember(this.received, raw);
    const msg = parseMessage('toExtension', raw);
    if (!msg) {
      this.deps.svc.log.warn(`Panel ${this.styleId}: dropped a malformed or unknown message ${describeDropped(raw)}`);
      return undefined;
    }
    if (msg.type === 'ready') {
      this.onReady();
      return undefined;
    }
    if (msg.type === 'consoleSubscribe') {
      this.consoleFeed.subscribe(msg.seq, msg.sessionId, msg.versionId);
      // The Console shows a RunPod session: ask RunPod now rather than at the next interval.
      const shown = this.consoleFeed.subscribedSession;
      const session = shown ? this.deps.svc.workspace.store?.getSession(shown)?.session : undefined;
      if (session) this.deps.svc.runpod().pollShown([session]);
      return undefined;
    }
    if (msg.type === 'consoleUnsubscribe') return void this.consoleFeed.unsubscribe();
    return this.request(msg);
  }

  private async request(req: RequestMessage): Promise<ResponseMessage> {
    let response: ResponseMessage;
    try {
      const result = await runAction({ svc: this.deps.svc, styleId: this.styleId, persistState: (s) => this.persist(s), toWebviewUri: (f) => this.webviewUri(f) }, req);
      response = { type: 'response', id: req.id, ok: true, result: result ?? null };
    } catch (e) {
      const { message, cancelled, known } = errorText(e);
      if (!cancelled) this.deps.svc.log[known ? 'warn' : 'error'](`Panel ${this.styleId} ${req.action}: ${known || !(e instanceof Error) ? message : e.stack}`);
      response = { type: 'response', id: req.id, ok: false, error: message, ...(cancelled ? { cancelled } : {}) };
    }
    this.post(response);
    return response;
  }

  /** Only files under the style's folder are shown (localResourceRoots allows no more). */
  private webviewUri(file: string): string | null {
    const root = this.deps.svc.workspace.root;
    if (!root) return null;
    const rel = relative(paths.styleDir(root, this.styleId), file);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
    return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
  }

  private async persist(state: PanelUiState): Promise<void> {
    this.state = state;
    await this.deps.svc.uiState.updateStyleState(this.styleId, state);
  }

  /** Forgets the remembered state (the style's "Reset State"): the page starts over. */
  resetState(): void {
    this.state = {};
    if (this.ready) this.sendInit();
    else this.queue.length = 0;
  }

  private onReady(): void {
    this.ready = true;
    this.sendInit();
    const queued = this.queue.splice(0);
    for (const m of queued) this.post(m);
    this._onDidReady.fire();
    if (!this.checkedRunning) {
      this.checkedRunning = true;
      void this.refreshRunning();
    }
  }

  private sendInit(): void {
    const store = this.deps.svc.workspace.store;
    const snap = store && styleSnapshot(store, this.styleId);
    if (!snap) {
      this.post({ type: 'update', gone: true, notice: this.goneText() });
      return;
    }
    this.notice = runningNotice(snap.versions, !this.refreshed);
    this.initSent = true;
    this.post({ type: 'init', ...snap, state: this.state, trusted: this.deps.svc.trusted(), notice: this.notice });
  }

  private goneText(): string {
    return this.deps.svc.workspace.phase === 'loading' ? 'Loading the Trainlab workspace…' : `The style "${this.styleId}" is not in this workspace (any more).`;
  }

  /** When the panel opens while sessions of the style run: their status is refreshed at once. */
  private async refreshRunning(): Promise<void> {
    const store = this.deps.svc.workspace.store;
    const active = store?.activeSessions().filter((s) => s.styleId === this.styleId) ?? [];
    try {
      await Promise.all(active.map((s) => this.deps.svc.training().monitor.check(s.id)));
    } catch (e) {
      this.deps.svc.log.warn(`Panel ${this.styleId}: refreshing running sessions: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.refreshed = true;
    if (active.length) this.sendUpdate();
  }

  private onStoreEvents(events: readonly StoreEvent[]): void {
    this.consoleFeed.onStoreEvents(events);
    if (events.some((e) => concerns(e, this.styleId))) this.sendUpdate();
  }

  /** The style as it is now (from the index), or "gone". */
  private sendUpdate(): void {
    if (this.ready && !this.initSent) return this.sendInit();
    const store = this.deps.svc.workspace.store;
    const snap = store && styleSnapshot(store, this.styleId);
    this.updateTitle();
    // The notice follows what runs now (a version started or ended since the panel opened).
    if (snap) this.notice = runningNotice(snap.versions, !this.refreshed);
    const msg: UpdateMessage = snap
      ? { type: 'update', style: snap.style, versions: snap.versions, datasets: snap.datasets, trusted: this.deps.svc.trusted(), notice: this.notice }
      : { type: 'update', gone: true, notice: this.goneText() };
    this.post(msg);
  }
}
