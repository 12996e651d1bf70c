/**
 * The RunPod sessions this window follows: every pending or running RunPod session of the
 * store is polled by one RunPodPoller (every `trainlab.pollIntervalSeconds`, backing off after
 * errors, stopping at a final state), all of them at once after a (re)load — nothing of a run
 * is lost because the window was closed while RunPod worked — and one at once when asked.
 * Also the endpoints' health, looked at no more than once per interval.
 *
 * No `vscode` import: service.ts wires this to the workspace, window and settings events;
 * tests drive it with a real store and the stand-in endpoint.
 */
import { RunPodPoller, redact, type Health, type PollerOptions } from '../../core/backends/runpod';
import { isActive, type Session } from '../../core/model';
import { connectRunPod, pollRunPodSession, runpodBackendOf, type RunPodDeps } from '../../core/sessions';
import type { StoreEvent, WorkspaceStore } from '../../core/store';
import { UserError, UserErrorWithActions } from '../commands/args';
import { Commands } from '../ids';
import { formatDuration, plural } from '../tree/format';
import { baseUrlProblem, MISSING_KEY, sameSettings, type RunPodSettings } from './settings';

export interface RunPodLogger {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface RunPodWatchOptions {
  store(): WorkspaceStore | undefined;
  /** The API key from SecretStorage, or undefined when none is set. */
  apiKey(): Promise<string | undefined>;
  settings(): RunPodSettings;
  log: RunPodLogger;
  /** What is followed, a poll problem or an endpoint's health changed (the status bar redraws). */
  onDidChange?(): void;
  /** Test hooks: the poller's clock. */
  poller?: Pick<PollerOptions, 'now' | 'setTimer' | 'clearTimer'>;
  /** Test hook: what one poll does (default: the core's pollRunPodSession). */
  poll?: typeof pollRunPodSession;
}

/** The last poll of a session failed; the poller tries again after `retryInMs`. */
export interface PollProblem {
  message: string;
  at: number;
  retryInMs: number;
}

/** An endpoint's `/health`, as last fetched (or why it could not be). */
export interface HealthEntry {
  endpointId: string;
  /** When it was asked for (ms since the epoch). */
  at: number;
  health?: Health;
  error?: string;
}

export const SET_KEY_ACTION = { title: 'Set RunPod API Key', command: Commands.setRunPodApiKey } as const;

/** The error a RunPod action without a key shows, with the button that sets one. */
export function missingKeyError(): UserErrorWithActions {
  return new UserErrorWithActions(MISSING_KEY, [SET_KEY_ACTION]);
}

/** Pending or running RunPod sessions of the store. */
export function activeRunPod(store: WorkspaceStore): Session[] {
  return store.activeSessions().filter((s) => s.backend.type === 'runpod');
}

const jobIdOf = (s: Session): string | undefined => runpodBackendOf(s)?.jobId;

export class RunPodWatch {
  private readonly poller: RunPodPoller;
  /** A key was set at the last look: RunPod sessions are followed. */
  private enabled = false;
  /** The job id last seen per followed session (a new one is looked at at once). */
  private readonly jobs = new Map<string, string | undefined>();
  private readonly problems = new Map<string, PollProblem>();
  private readonly reportedErrors = new Map<string, string>();
  private readonly reportedWarnings = new Map<string, string>();
  private readonly health = new Map<string, HealthEntry>();
  private readonly healthInFlight = new Map<string, Promise<HealthEntry>>();
  private depsCache: { key: string; settings: RunPodSettings; deps: RunPodDeps } | undefined;
  /** The key as last read, only to take it out of messages before they are logged. */
  private lastKey: string | undefined;
  private startup: Promise<void> = Promise.resolve();
  private _startingUp = false;
  private generation = 0;
  private disposed = false;

  constructor(private readonly o: RunPodWatchOptions) {
    this.poller = new RunPodPoller({
      intervalMs: this.intervalMs(),
      poll: (id) => this.pollOnce(id),
      onError: (id, e, wait) => this.onPollError(id, e, wait),
      ...(o.poller ?? {}),
    });
  }

  private intervalMs(): number {
    return this.o.settings().pollIntervalSeconds * 1000;
  }

  /** Whether RunPod sessions are followed (a key is set). */
  get following(): boolean {
    return this.enabled;
  }

  /** True while the polls after a (re)load run: what they find was found on reopening. */
  get startingUp(): boolean {
    return this._startingUp;
  }

  /** Resolves when the polls after the last (re)load or key change have finished. */
  ready(): Promise<void> {
    return this.startup;
  }

  /** Sessions the poller watches. */
  watched(): string[] {
    return this.poller.watched;
  }

  lastProblem(sessionId: string): PollProblem | undefined {
    return this.problems.get(sessionId);
  }

  /**
   * Looks at every pending or running RunPod session at once: after the index (re)loaded, and
   * when the key changed. Without a key nothing is followed (and the log says so once).
   */
  reset(why: string): Promise<void> {
    const gen = ++this.generation;
    this.stopAll();
    this._startingUp = true;
    const run = async () => {
      const key = await this.readKey();
      if (gen !== this.generation || this.disposed) return;
      this.enabled = !!key;
      const store = this.o.store();
      const list = store ? activeRunPod(store) : [];
      if (!list.length) return;
      if (!key) {
        this.o.log.info(`${plural(list.length, 'RunPod session')} pending or running, not followed: no RunPod API key is set (Trainlab: Set RunPod API Key).`);
        return;
      }
      this.o.log.info(`Polling ${plural(list.length, 'RunPod session')} now: ${why}.`);
      for (const s of list) this.jobs.set(s.id, jobIdOf(s));
      this.changed();
      await Promise.all(list.map((s) => this.poller.pollNow(s.id)));
    };
    this.startup = run().finally(() => {
      if (gen !== this.generation) return;
      this._startingUp = false;
      this.changed();
    });
    this.changed();
    return this.startup;
  }

  /** Stops following everything (the store closed; a reset follows when it is open again). */
  stopAll(): void {
    for (const id of this.poller.watched) this.poller.untrack(id);
    this.jobs.clear();
    this.problems.clear();
    this.health.clear();
  }

  /** Store changes: a RunPod session that starts (or starts again) is followed; one that ended or went is let go. */
  onStoreEvents(events: readonly StoreEvent[]): void {
    const store = this.o.store();
    if (!store || this.disposed) return;
    let changed = false;
    for (const e of events) {
      if (e.type !== 'session') continue;
      const s = e.change === 'removed' ? undefined : store.getSession(e.sessionId)?.session;
      const followed = this.jobs.has(e.sessionId);
      if (!s || s.backend.type !== 'runpod' || !isActive(s.status)) {
        if (followed) {
          this.forget(e.sessionId);
          changed = true;
        }
        continue;
      }
      if (!this.enabled) continue;
      const job = s.backend.jobId;
      if (!followed) {
        this.jobs.set(s.id, job);
        // Without a job id the session is being submitted: the change that brings the id is
        // looked at then; a submission whose answer never comes is looked at an interval on.
        this.poller.track(s.id, job ? 0 : this.intervalMs());
        changed = true;
      } else if (job && job !== this.jobs.get(s.id)) {
        // /run answered, or a resume started a new job: its first status at once.
        this.jobs.set(s.id, job);
        void this.poller.pollNow(s.id);
      }
    }
    if (changed) this.changed();
  }

  private forget(sessionId: string): void {
    this.jobs.delete(sessionId);
    this.problems.delete(sessionId);
    this.reportedErrors.delete(sessionId);
    this.poller.untrack(sessionId);
  }

  /**
   * Polls one RunPod session now (a view shows it, Check Status); resolves when done. A poll
   * that ran moments ago is not repeated. False when nothing was asked (no key, not RunPod).
   */
  async pollNow(sessionId: string): Promise<boolean> {
    const store = this.o.store();
    const s = store?.getSession(sessionId)?.session;
    if (!s || s.backend.type !== 'runpod') return false;
    if (!(await this.readKey())) return false;
    if (isActive(s.status) && !this.jobs.has(sessionId)) this.jobs.set(sessionId, jobIdOf(s));
    await this.poller.pollNow(sessionId);
    return true;
  }

  /** Polls every followed session now (the window regained focus). */
  async pollAll(why: string): Promise<void> {
    if (!this.enabled || !this.poller.watched.length) return;
    this.o.log.debug?.(`Polling ${plural(this.poller.watched.length, 'RunPod session')}: ${why}.`);
    await this.poller.pollAll();
  }

  /** The settings changed: the next calls use them; the interval applies from now. */
  settingsChanged(): void {
    this.poller.setInterval(this.intervalMs());
    this.depsCache = undefined;
    this.health.clear();
    this.changed();
  }

  /**
   * The deps for a command that calls RunPod (start, cancel, resume, retry, health). Refuses,
   * before anything is written, without a key or with a base URL no client would take.
   */
  async requireDeps(): Promise<RunPodDeps> {
    const key = await this.readKey();
    if (!key) throw missingKeyError();
    const problem = baseUrlProblem(this.o.settings().baseUrl);
    if (problem) throw new UserError(problem);
    return this.deps(key);
  }

  /** The endpoint's health as last fetched. */
  healthOf(endpointId: string): HealthEntry | undefined {
    return this.health.get(endpointId);
  }

  /** Fetches the health of endpoints not asked within the poll interval (the status bar's tooltip). */
  refreshHealth(endpointIds: Iterable<string>): void {
    if (!this.enabled || this.disposed) return;
    const now = Date.now();
    for (const id of new Set(endpointIds)) {
      const h = this.health.get(id);
      if (this.healthInFlight.has(id) || (h && now - h.at < this.intervalMs())) continue;
      void this.fetchHealth(id);
    }
  }

  /** Asks the endpoint for its health now; an entry with `error` when it cannot be had. */
  fetchHealth(endpointId: string): Promise<HealthEntry> {
    const running = this.healthInFlight.get(endpointId);
    if (running) return running;
    const at = Date.now();
    const p = (async (): Promise<HealthEntry> => {
      let entry: HealthEntry;
      try {
        const deps = await this.requireDeps();
        entry = { endpointId, at, health: await deps.client(endpointId).health() };
      } catch (e) {
        entry = { endpointId, at, error: this.clean(e) };
      }
      if (!this.disposed) {
        this.health.set(endpointId, entry);
        this.changed();
      }
      return entry;
    })().finally(() => this.healthInFlight.delete(endpointId));
    this.healthInFlight.set(endpointId, p);
    return p;
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.poller.dispose();
    this.jobs.clear();
  }

  // ---------------------------------------------------------------- internals

  private async readKey(): Promise<string | undefined> {
    const key = await this.o.apiKey();
    if (key) this.lastKey = key;
    return key;
  }

  private deps(key: string): RunPodDeps {
    const settings = this.o.settings();
    const c = this.depsCache;
    if (c && c.key === key && sameSettings(c.settings, settings)) return c.deps;
    const deps = connectRunPod({
      ...settings,
      apiKey: key,
      onRetry: (i) => this.o.log.debug?.(`RunPod ${i.route}: ${i.reason}; retry ${i.attempt} in ${formatDuration(i.delayMs / 1000)}`),
    });
    this.depsCache = { key, settings, deps };
    return deps;
  }

  private async pollOnce(sessionId: string): Promise<{ final: boolean }> {
    const store = this.o.store();
    if (!store || this.disposed) return { final: true };
    const key = await this.readKey();
    // The key was cleared meanwhile: the reset that follows lets everything go.
    if (!key) return { final: true };
    const entry = store.getSession(sessionId);
    // Another window or the CLI may have polled it since the index read it.
    if (entry) await store.refreshPaths([entry.path]);
    const before = store.getSession(sessionId)?.session.status;
    const r = await (this.o.poll ?? pollRunPodSession)(store, sessionId, this.deps(key));
    this.reportedErrors.delete(sessionId);
    if (this.problems.delete(sessionId)) this.changed();
    if (r.warning && this.reportedWarnings.get(sessionId) !== r.warning) {
      this.reportedWarnings.set(sessionId, r.warning);
      this.o.log.warn(`RunPod session ${sessionId}: ${this.clean(r.warning)}`);
    }
    if (r.final) {
      if (before && isActive(before)) this.o.log.info(`RunPod session ${sessionId} is ${r.status}.`);
      this.jobs.delete(sessionId);
      this.reportedWarnings.delete(sessionId);
    }
    return { final: r.final };
  }

  private onPollError(sessionId: string, e: unknown, retryInMs: number): void {
    if (this.disposed) return;
    const message = this.clean(e);
    this.problems.set(sessionId, { message, at: Date.now(), retryInMs });
    // One line per new message, so a long outage does not flood the log.
    if (this.reportedErrors.get(sessionId) !== message) {
      this.reportedErrors.set(sessionId, message);
      this.o.log.warn(`RunPod session ${sessionId}: the poll failed: ${message} Trying again in ${formatDuration(retryInMs / 1000)}.`);
    }
    this.changed();
  }

  /** A message without the key in it (the client's own errors are redacted already; this is for everything else). */
  private clean(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    return this.lastKey ? redact(text, this.lastKey) : text;
  }

  private changed(): void {
    if (!this.disposed) this.o.onDidChange?.();
  }
}
