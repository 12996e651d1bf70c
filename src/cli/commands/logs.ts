import { InvalidArgumentError, type Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { isFinal, type Session } from '../../core/model';
import { readFrom, readLastLines } from '../../core/logs';
import { paths, type WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import type { RunPodDeps } from '../../core/sessions';
import { EXIT_FAILED, EXIT_OK, failure, usageError } from '../errors';
import { watchInterrupt } from '../follow';
import type { OutStream } from '../output';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { needsRunPodPoll, pollForDisplay, retryNote, runpodDepsOrProblem } from '../runpod';
import { followRunPodSession } from '../runpod-follow';
import { SESSION_ARG } from './status';

interface LogsOptions {
  follow?: boolean;
  tail: number;
}

const DEFAULT_TAIL = 50;
/** How often a followed log is read for new output. */
const POLL_MS = 300;
/** How often the followed session is reconciled (to know when it ended). */
const RECONCILE_MS = 1000;
/** Without a terminal, an unfinished `\r`-rewritten line (a progress bar) is printed at most this often. */
const PENDING_EVERY_MS = 5000;
const READ_CHUNK = 1024 * 1024;

function parseTail(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('expected a whole number of lines (0 or more).');
  return Number(text);
}

/**
 * Writes followed log output. On a terminal the bytes go through as they are (a progress bar's
 * `\r` redraws it in place); otherwise each `\r`-rewritten line is collapsed to its last state,
 * as a terminal would have shown it, so a file or a pipe gets one line per line.
 */
export class LogWriter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly tty: boolean;
  /** The unfinished line's shown state so far (its last non-empty `\r` segment). */
  private shown = '';
  /** The segment being written (after the last `\r`). */
  private segment = '';
  private printedPending = '';
  private printedPendingAt = -Infinity;

  constructor(private readonly stream: OutStream) {
    this.tty = stream.isTTY === true;
  }

  write(data: Buffer, now = Date.now()): void {
    const text = this.decoder.write(data);
    if (!text) return;
    if (this.tty) {
      this.stream.write(text);
      return;
    }
    const out: string[] = [];
    for (const piece of text.split(/(\r|\n)/)) {
      if (piece === '\r') {
        if (this.segment) this.shown = this.segment;
        this.segment = '';
      } else if (piece === '\n') {
        const line = this.segment || this.shown;
        // A state already printed while the line was unfinished is not printed again.
        if (!(this.printedPending && line === this.printedPending)) out.push(line);
        this.shown = '';
        this.segment = '';
        this.printedPending = '';
      } else {
        this.segment += piece;
      }
    }
    if (out.length) this.stream.write(`${out.join('\n')}\n`);
    this.pending(now);
  }

  /** Without a terminal: the unfinished line's state now and then, so a long progress bar is not silent. */
  private pending(now: number): void {
    const state = this.segment || this.shown;
    if (!state || state === this.printedPending || now - this.printedPendingAt < PENDING_EVERY_MS) return;
    this.stream.write(`${state}\n`);
    this.printedPending = state;
    this.printedPendingAt = now;
  }

  /** At the end: whatever is left of an unfinished line. */
  end(): void {
    const rest = this.decoder.end();
    if (this.tty) {
      if (rest) this.stream.write(rest);
      return;
    }
    if (rest) this.segment += rest;
    const state = this.segment || this.shown;
    if (state && state !== this.printedPending) this.stream.write(`${state}\n`);
    this.shown = '';
    this.segment = '';
  }
}

const fileSize = (path: string) => fsp.stat(path).then((s) => s.size, () => -1);

async function refreshed(store: WorkspaceStore, ctx: CliContext, session: Session): Promise<Session> {
  const entry = store.getSession(session.id);
  if (entry) await store.refreshPaths([entry.path]);
  return (await refreshSession(store, session.id, ctx.runtime)) ?? store.getSession(session.id)?.session ?? session;
}

/** Prints new output from `offset` until the session ends or Ctrl+C. */
async function follow(ctx: CliContext, store: WorkspaceStore, start: Session, logPath: string, startOffset: number): Promise<void> {
  const writer = new LogWriter(ctx.io.stdout);
  const interrupt = watchInterrupt(ctx.io);
  let offset = startOffset;
  let session = start;
  let checkedAt = Date.now();
  const drain = async () => {
    for (;;) {
      if ((await fileSize(logPath)) < 0) return;
      const read = await readFrom(logPath, offset, READ_CHUNK);
      if (read.reset) ctx.out.note('the log was replaced or cut short; reading it from the start');
      if (read.data.length) writer.write(read.data);
      offset = read.nextOffset;
      if (!read.more) return;
    }
  };
  try {
    for (;;) {
      await drain();
      if (interrupt.stopped()) break;
      if (Date.now() - checkedAt >= RECONCILE_MS) {
        checkedAt = Date.now();
        session = await refreshed(store, ctx, session);
        if (isFinal(session.status)) {
          await drain(); // what the trainer printed last, before it ended
          writer.end();
          ctx.out.note(`session ${session.id} ended: ${session.status}${session.error ? ` (${session.error.message})` : ''}`);
          return;
        }
      }
      await interrupt.sleep(POLL_MS);
      if (interrupt.stopped()) break;
    }
    writer.end();
    ctx.out.note(`stopped following; session ${session.id} is still ${session.status}; \`trainlab logs ${session.id} --follow\` to watch again`);
  } finally {
    interrupt.dispose();
  }
}

/** `trainlab logs SESSION [--follow] [--tail N]`: what the trainer printed. */
export function registerLogs(program: Command, host: CommandHost): void {
  program
    .command('logs')
    .description("print a session's console output (its last lines), and with --follow what it prints next; a RunPod session's log is what its worker streamed, polled first")
    .argument(...SESSION_ARG)
    .option('--tail <n>', 'how many of the last lines to print first', parseTail, DEFAULT_TAIL)
    .option('--follow', 'keep printing new output until the session ends; Ctrl+C stops following, never the training')
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<LogsOptions>();
        if (opts.follow && ctx.json) throw usageError('--follow prints the log as text; leave out --json (or use --json without --follow for the last lines)');
        const store = await ctx.openStore();
        let session = requireSession(store, name);
        // A RunPod session's console.log is what its polls appended: one poll first brings it up to date.
        let remote: { deps?: RunPodDeps; problem?: string } | undefined;
        if (needsRunPodPoll(session)) {
          remote = runpodDepsOrProblem(ctx.io, { onRetry: retryNote(ctx.io) });
          if (remote.deps) {
            const polled = await pollForDisplay(store, session.id, remote.deps);
            session = polled.session ?? session;
            if (polled.error) remote.problem = polled.error;
          }
        } else session = (await refreshSession(store, session.id, ctx.runtime)) ?? session;
        const notRefreshed = remote?.problem ? `session ${session.id} was not refreshed from RunPod: ${remote.problem}` : undefined;
        const logPath = paths.consoleLog(store.root, session.styleId, session.id);
        const exists = (await fileSize(logPath)) >= 0;
        const last = exists ? await readLastLines(logPath, opts.tail) : { lines: [], size: 0, truncated: false, startOffset: 0 };
        if (ctx.json) {
          ctx.out.json({ id: session.id, status: session.status, path: logPath, lines: last.lines, size: last.size });
          if (notRefreshed) ctx.out.error(notRefreshed);
          return notRefreshed ? EXIT_FAILED : EXIT_OK;
        }
        if (last.lines.length) ctx.out.line(last.lines.join('\n'));
        if (!opts.follow) {
          if (!exists) ctx.out.note(`session ${session.id} has no console output (${ctx.out.path(logPath)} does not exist)`);
          if (notRefreshed) ctx.out.error(notRefreshed);
          return notRefreshed ? EXIT_FAILED : EXIT_OK;
        }
        if (isFinal(session.status)) {
          ctx.out.note(`session ${session.id} has ended (${session.status}); nothing more to follow`);
          return;
        }
        if (remote) {
          if (!remote.deps) throw failure(`cannot follow session ${session.id} on RunPod: ${remote.problem}`);
          // A passing trouble (RunPod busy, the network) is only a warning: the follow polls again with backoff.
          if (notRefreshed) ctx.out.warn(notRefreshed);
          const outcome = await followRunPodSession(ctx, store, session.id, remote.deps, { fromOffset: last.size });
          const end = outcome.session;
          if (outcome.stopped) ctx.out.note(`stopped following; the RunPod job goes on (session ${end.id} is ${end.status}): \`trainlab logs ${end.id} --follow\` to watch again`);
          else ctx.out.note(`session ${end.id} ended: ${end.status}${end.error ? ` (${end.error.message})` : ''}`);
          return;
        }
        await follow(ctx, store, session, logPath, last.size);
      }),
    );
}
