/**
 * The Console tab's feed of one panel: which session a subscription means (a chosen one, or
 * the newest of a version), the session list for the picker, and the LogStream that tails its
 * console.log and metrics.jsonl. One subscription at a time; a new one replaces the old; all
 * stops on unsubscribe and dispose.
 */
import type { StoreEvent, WorkspaceStore } from '../../core/store';
import { paths } from '../../core/store';
import { isActive } from '../../core/model/status';
import type { ConsoleSessionMessage, ToWebviewMessage } from '../../shared/panel-protocol';
import { LogStream } from './log-stream';

export interface ConsoleFeedDeps {
  styleId: string;
  store(): WorkspaceStore | undefined;
  maxLines(): number;
  /** Posts to the page (only when it is ready). */
  post(msg: ToWebviewMessage): void;
  warn(message: string): void;
  intervalMs?: number;
}

interface Subscription {
  seq: number;
  sessionId: string | null;
  stream: LogStream | undefined;
  lastStatus: string | null;
}

export class ConsoleFeed {
  private sub: Subscription | undefined;

  constructor(private readonly d: ConsoleFeedDeps) {}

  get subscribedSession(): string | null | undefined {
    return this.sub?.sessionId;
  }

  get isPolling(): boolean {
    return this.sub?.stream?.isPolling ?? false;
  }

  /** The session a subscription means, or null. */
  resolve(sessionId: string | null, versionId: string | null): string | null {
    const store = this.d.store();
    if (!store) return null;
    if (sessionId) {
      const e = store.getSession(sessionId);
      return e && e.session.styleId === this.d.styleId ? sessionId : null;
    }
    if (versionId) return store.newestSession(this.d.styleId, versionId)?.id ?? null;
    return store.listSessions({ styleId: this.d.styleId, limit: 1 })[0]?.id ?? null;
  }

  subscribe(seq: number, sessionId: string | null, versionId: string | null): void {
    this.unsubscribe();
    const store = this.d.store();
    const id = this.resolve(sessionId, versionId);
    const sub: Subscription = { seq, sessionId: id, stream: undefined, lastStatus: null };
    this.sub = sub;
    this.d.post(this.sessionMessage(sub));
    if (!store || !id) return;
    const root = store.root;
    const stream = new LogStream({
      consolePath: paths.consoleLog(root, this.d.styleId, id),
      metricsPath: paths.metrics(root, this.d.styleId, id),
      maxLines: this.d.maxLines(),
      isActive: () => {
        const s = this.d.store()?.getSession(id)?.session;
        return !!s && isActive(s.status);
      },
      send: (c) => {
        if (this.sub === sub) this.d.post({ type: 'consoleData', seq, ...c });
      },
      onError: (m) => this.d.warn(`Console of ${this.d.styleId}/${id}: ${m}`),
      ...(this.d.intervalMs ? { intervalMs: this.d.intervalMs } : {}),
    });
    sub.stream = stream;
    void stream.start();
  }

  unsubscribe(): void {
    this.sub?.stream?.dispose();
    this.sub = undefined;
  }

  /** Store events: the shown session's status goes to the page and starts or stops polling. */
  onStoreEvents(events: readonly StoreEvent[]): void {
    const sub = this.sub;
    if (!sub) return;
    const touches = events.some((e) => e.type === 'session' && e.styleId === this.d.styleId);
    if (!touches) return;
    this.d.post(this.sessionMessage(sub));
    sub.stream?.sessionChanged();
  }

  /** Waits for a read in progress (tests). */
  async idle(): Promise<void> {
    await this.sub?.stream?.idle();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private sessionMessage(sub: Subscription): ConsoleSessionMessage {
    const store = this.d.store();
    const list = store ? store.listSessions({ styleId: this.d.styleId }) : [];
    const current = sub.sessionId ? store?.getSession(sub.sessionId)?.session : undefined;
    sub.lastStatus = current?.status ?? null;
    return {
      type: 'consoleSession',
      seq: sub.seq,
      sessionId: current ? current.id : null,
      status: current?.status ?? null,
      sessions: list.slice(0, 10_000).map((s) => ({ id: s.id, versionId: s.versionId, status: s.status, createdAt: String(s.createdAt ?? '') })),
      maxLines: Math.min(1_000_000, Math.max(1, Math.floor(this.d.maxLines()))),
    };
  }
}
