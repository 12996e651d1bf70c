import * as vscode from 'vscode';
import { readFrom, readLastLines } from '../../core/logs/read';
import { isActive, type Session } from '../../core/model';
import { paths } from '../../core/store';
import { Disposable, toDisposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';
import { attemptLine, summaryLine, terminalHeader, terminalName, type TrainingEntry } from './format';
import { Ansi, linesToTerminal, plainText, TerminalTextConverter } from './terminalText';

/** How often an open terminal looks for new output. */
const POLL_MS = 250;
/** After a session ends, the log gets this long (or two quiet polls) to finish before the summary. */
const END_WAIT_MS = 4000;
/** Most bytes written to the terminal per poll; a backlog is caught up over several. */
const MAX_READ = 1024 * 1024;
/** Lines shown of an old session's log before following it. */
export const TAIL_LINES = 2000;

type Phase = 'following' | 'ending' | 'ended';

export interface SessionTerminalHost {
  /** The session with its names, as the index has it now. */
  entry(sessionId: string): TrainingEntry | undefined;
  /** Where the session's console.log is. */
  logPath(sessionId: string): string | undefined;
  /** Ctrl+C was typed. */
  interrupt(sessionId: string): void;
  tailLines(): number;
}

/**
 * One session's console output as a terminal: the whole log of a new session, or the last
 * lines of an old one, then whatever is appended, polled from the file (the runner writes it;
 * nothing here holds the process). When the session ends, a one-line summary; the terminal
 * stays. Closing it stops only the polling.
 */
export class SessionTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private readonly converter = new TerminalTextConverter();
  private offset = 0;
  private phase: Phase = 'following';
  private endingSince = 0;
  private quietPolls = 0;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private opened = false;
  private closed = false;
  private polling = false;
  /** The last character written was `\n`: the cursor is at the start of an empty line. */
  private atLineStart = true;
  private hinted = false;
  /** Everything written, for tests (`api.training().terminalText`); capped. */
  private transcript = '';

  constructor(
    readonly sessionId: string,
    private readonly host: SessionTerminalHost,
    private readonly fromStart: boolean,
    private readonly onClosed: () => void,
  ) {}

  open(): void {
    this.opened = true;
    // Output only: no blinking cursor after the last line.
    this.writeEmitter.fire('\x1b[?25l');
    void this.start();
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.onClosed();
  }

  handleInput(data: string): void {
    const s = this.host.entry(this.sessionId)?.session;
    if (data.includes('\x03')) {
      if (s && isActive(s.status)) this.host.interrupt(this.sessionId);
      else this.note(`Nothing to cancel: this training is ${s?.status ?? 'gone'}.`);
    } else if (!this.hinted) {
      this.hinted = true;
      this.note('This terminal shows the training’s output and takes no input; Ctrl+C asks to cancel the training.');
    }
  }

  /** A dim line of Trainlab's own between the log's lines (a bar being redrawn is left intact above). */
  private note(text: string): void {
    if (!this.atLineStart) this.write('\r\n');
    this.writeLine(Ansi.dim(text));
  }

  /** The terminal's text so far (control sequences included), for tests. */
  get text(): string {
    return this.transcript;
  }

  /** The session changed in the index (progress, status, a new attempt). */
  sessionChanged(): void {
    if (!this.opened || this.closed) return;
    const e = this.host.entry(this.sessionId);
    if (!e) return;
    const s = e.session;
    if (isActive(s.status)) {
      if (s.attempts.length > this.attempts) {
        // A resume: the same log goes on with the new attempt's output.
        this.attempts = s.attempts.length;
        if (this.phase !== 'following') this.writeLine(Ansi.dim(attemptLine(s)));
      }
      if (this.phase !== 'following') {
        this.phase = 'following';
        this.schedule(0);
      }
    } else if (this.phase === 'following') {
      this.phase = 'ending';
      this.endingSince = Date.now();
      this.quietPolls = 0;
      this.schedule(0);
    }
  }

  private async start(): Promise<void> {
    const e = this.host.entry(this.sessionId);
    const path = this.host.logPath(this.sessionId);
    if (!e || !path) {
      this.writeLine(Ansi.red(`Trainlab: session ${this.sessionId} is not in the workspace.`));
      this.phase = 'ended';
      return;
    }
    this.attempts = e.session.attempts.length;
    if (this.fromStart) {
      for (const l of terminalHeader(e, undefined)) this.writeLine(Ansi.dim(l));
      this.offset = 0;
    } else {
      try {
        const tail = await readLastLines(path, this.host.tailLines());
        for (const l of terminalHeader(e, { shown: tail.lines.length, truncated: tail.truncated || tail.startOffset > 0 })) this.writeLine(Ansi.dim(l));
        if (tail.lines.length) {
          this.write(linesToTerminal(tail.lines));
          // A log that ends in a finished line: the next output starts on a line of its own.
          const last = tail.size > 0 ? await readFrom(path, tail.size - 1, 1) : undefined;
          if (last?.data[0] === 0x0a) this.write('\r\n');
        }
        this.offset = tail.size;
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        for (const l of terminalHeader(e, missing ? { shown: 0, truncated: false } : undefined)) this.writeLine(Ansi.dim(l));
        if (!missing) this.writeLine(Ansi.red(`Trainlab: cannot read console.log: ${err instanceof Error ? err.message : String(err)}`));
        this.offset = 0;
      }
    }
    if (this.closed) return;
    if (!isActive(e.session.status)) {
      this.phase = 'ending';
      this.endingSince = 0; // already over: no waiting for more output
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.closed || this.polling) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, ms);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.closed || this.phase === 'ended') return;
    this.polling = true;
    let more = false;
    let got = 0;
    try {
      const path = this.host.logPath(this.sessionId);
      if (path) {
        const r = await readFrom(path, this.offset, MAX_READ);
        if (r.reset) {
          this.converter.reset();
          if (!this.atLineStart) this.write('\r\n');
          this.writeLine(Ansi.yellow('Trainlab: console.log was replaced; showing it again from the start.'));
        }
        got = r.data.length;
        if (got) this.write(this.converter.push(r.data));
        this.offset = r.nextOffset;
        more = r.more;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.writeLine(Ansi.red(`Trainlab: cannot read console.log: ${err instanceof Error ? err.message : String(err)}`));
    } finally {
      this.polling = false;
    }
    if (this.closed) return;
    if (this.phase === 'ending' && !more) {
      this.quietPolls = got ? 0 : this.quietPolls + 1;
      if (this.quietPolls >= 2 || Date.now() - this.endingSince > END_WAIT_MS) {
        this.finish();
        return;
      }
    }
    this.schedule(more ? 0 : POLL_MS);
  }

  private finish(): void {
    this.phase = 'ended';
    this.write(this.converter.end());
    const e = this.host.entry(this.sessionId);
    if (!e) return;
    if (isActive(e.session.status)) {
      // Resumed meanwhile: keep following.
      this.phase = 'following';
      this.schedule(POLL_MS);
      return;
    }
    const { text, tone } = summaryLine(e.session);
    const color = tone === 'ok' ? Ansi.green : tone === 'error' ? Ansi.red : tone === 'warning' ? Ansi.yellow : Ansi.bold;
    // A bar left mid-line: the summary starts on a line of its own.
    if (!this.atLineStart) this.write('\r\n');
    this.writeLine(color(plainText(text)));
  }

  private write(text: string): void {
    if (!text || this.closed) return;
    this.writeEmitter.fire(text);
    this.atLineStart = text.endsWith('\n');
    this.transcript = (this.transcript + text).slice(-200_000);
  }

  private writeLine(text: string): void {
    this.write(`${text}\r\n`);
  }

  dispose(): void {
    this.stop();
    this.closed = true;
    this.writeEmitter.dispose();
  }
}

interface Open {
  terminal: vscode.Terminal;
  pty: SessionTerminal;
}

export interface ShowOptions {
  /** Keep the focus where it is (a launch from a command). */
  preserveFocus?: boolean;
  /** A new session: show its whole log rather than the last lines. */
  fromStart?: boolean;
  /** Create the terminal without revealing the panel (restoring after a reload). */
  reveal?: boolean;
}

/**
 * The session terminals: one per session, reused; remembers which were open (workspaceState)
 * so they come back after a window reload while their sessions still run.
 */
export class SessionTerminals extends Disposable implements SessionTerminalHost {
  private readonly open = new Map<string, Open>();
  private disposing = false;

  constructor(
    private readonly workspace: TrainlabWorkspace,
    private readonly entryOf: (sessionId: string) => TrainingEntry | undefined,
    private readonly onInterrupt: (sessionId: string) => void,
    private readonly remember: { get(): string[]; set(ids: string[]): void },
    private readonly maxLines: () => number,
  ) {
    super();
    this._register(
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, o] of this.open) if (o.terminal === t) this.forget(id);
      }),
    );
    this._register(
      workspace.onDidChange((events) => {
        for (const e of events) if (e.type === 'session') this.open.get(e.sessionId)?.pty.sessionChanged();
      }),
    );
    this._register(
      toDisposable(() => {
        this.disposing = true;
        for (const o of this.open.values()) {
          o.pty.dispose();
          o.terminal.dispose();
        }
        this.open.clear();
      }),
    );
  }

  entry(sessionId: string): TrainingEntry | undefined {
    return this.entryOf(sessionId);
  }

  logPath(sessionId: string): string | undefined {
    const store = this.workspace.store;
    const s = store?.getSession(sessionId)?.session;
    return store && s ? paths.consoleLog(store.root, s.styleId, s.id) : undefined;
  }

  interrupt(sessionId: string): void {
    this.onInterrupt(sessionId);
  }

  tailLines(): number {
    return Math.min(TAIL_LINES, this.maxLines());
  }

  /** The terminal of a session, if one is open. */
  get(sessionId: string): vscode.Terminal | undefined {
    return this.open.get(sessionId)?.terminal;
  }

  /** The pseudoterminal of a session (tests read its text). */
  pty(sessionId: string): SessionTerminal | undefined {
    return this.open.get(sessionId)?.pty;
  }

  /** Opens (or reveals) the terminal of a session. */
  show(session: Session, options: ShowOptions = {}): vscode.Terminal {
    let o = this.open.get(session.id);
    if (!o) {
      const pty = new SessionTerminal(session.id, this, options.fromStart ?? false, () => this.forget(session.id));
      const terminal = vscode.window.createTerminal({
        name: terminalName(session),
        pty,
        iconPath: new vscode.ThemeIcon('pulse'),
        // Trainlab brings it back itself (VS Code cannot restore an extension's terminal).
        isTransient: true,
      });
      o = { terminal, pty };
      this.open.set(session.id, o);
      this.save();
    }
    if (options.reveal !== false) o.terminal.show(options.preserveFocus ?? false);
    return o.terminal;
  }

  /** After a (re)load: opens again the terminals that were open, for sessions still running. */
  restore(): void {
    const store = this.workspace.store;
    if (!store) return;
    const keep: string[] = [];
    for (const id of this.remember.get()) {
      const s = store.getSession(id)?.session;
      if (s && isActive(s.status)) keep.push(id);
    }
    this.remember.set(keep);
    for (const id of keep) this.show(store.getSession(id)!.session, { reveal: false });
  }

  private forget(sessionId: string): void {
    const o = this.open.get(sessionId);
    if (!o) return;
    this.open.delete(sessionId);
    o.pty.dispose();
    // Closing a terminal by hand forgets it; a reload (disposal) keeps the list for next time.
    if (!this.disposing) this.save();
  }

  private save(): void {
    this.remember.set([...this.open.keys()]);
  }
}
