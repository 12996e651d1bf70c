import { InvalidArgumentError, type Command } from 'commander';
import { SESSION_STATUSES, type SessionStatus } from '../../core/model';
import type { SessionFilter } from '../../core/store';
import type { CommandHost } from '../command-host';
import { checkId, requireStyle } from '../refs';
import { problemsNote, sessionsTable } from '../views';

interface SessionsOptions {
  style?: string;
  version?: string;
  status?: SessionStatus[];
  limit?: number;
}

function parseStatuses(text: string, previous: SessionStatus[] = []): SessionStatus[] {
  const out = [...previous];
  for (const word of text.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean)) {
    const status = SESSION_STATUSES.find((s) => s === word);
    if (!status) throw new InvalidArgumentError(`"${word}" is not a session status (${SESSION_STATUSES.join(', ')}).`);
    out.push(status);
  }
  return out;
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** `trainlab sessions [--style S] [--version V] [--status X[,Y]] [--limit N]`: runs, newest first. */
export function registerSessions(program: Command, host: CommandHost): void {
  program
    .command('sessions')
    .description('list training sessions, newest first')
    .option('--style <id>', 'only this style')
    .option('--version <id>', 'only this version (with --style, or of any style)')
    .option('--status <list>', `only these statuses, comma-separated (${SESSION_STATUSES.join(', ')})`, parseStatuses)
    .option('--limit <n>', 'at most this many', parseLimit)
    .action(
      host.action(async (ctx, cmd) => {
        const opts = cmd.opts<SessionsOptions>();
        if (opts.style !== undefined) checkId(opts.style, '--style');
        if (opts.version !== undefined) checkId(opts.version, '--version');
        const store = await ctx.openStore({ reconcile: true });
        if (opts.style !== undefined) requireStyle(store, opts.style);
        const filter: SessionFilter = {
          ...(opts.style !== undefined ? { styleId: opts.style } : {}),
          ...(opts.version !== undefined ? { versionId: opts.version } : {}),
          ...(opts.status?.length ? { status: opts.status } : {}),
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        };
        const sessions = store.listSessions(filter);
        if (ctx.json) ctx.out.json(sessions);
        else if (!sessions.length) ctx.out.line('No sessions match.');
        else ctx.out.line(sessionsTable(sessions, ctx.out.color));
        const note = problemsNote(store);
        if (note) ctx.out.note(note);
      }),
    );
}
