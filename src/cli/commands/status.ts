import type { Command } from 'commander';
import { isActive, type Session } from '../../core/model';
import type { RunPodDeps } from '../../core/sessions';
import type { WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { EXIT_FAILED, EXIT_OK, usageError } from '../errors';
import { nextSteps } from '../follow';
import { refreshSession } from '../reconcile';
import { checkId, requireSession, requireStyle } from '../refs';
import { needsRunPodPoll, pollForDisplay, retryNote, runpodDepsOrProblem } from '../runpod';
import { runpodListLine } from '../runpod-views';
import { problemsNote, sessionDetails, sessionsTable } from '../views';

export const SESSION_ARG = ['<session>', 'the session id, or STYLE/VERSION for that version\'s newest session'] as const;

/** What one refresh found: the session as it is now, and why it could not be refreshed, if so. */
interface Refreshed {
  session: Session;
  problem?: string;
  /** RunPod said something Trainlab does not know (reported, not guessed; not a failure). */
  warning?: string;
}

/**
 * Brings sessions up to date before they are shown: local ones from their process, RunPod
 * ones by one poll each (DESIGN: status refreshes from the backend). One at a time, in the
 * order shown, so RunPod sees at most one request per job and a failure is tied to its row.
 * A RunPod problem (no key, a rejected key, RunPod down) is kept with its session, never thrown:
 * the other sessions are still shown.
 */
async function refreshForDisplay(ctx: CliContext, store: WorkspaceStore, sessions: readonly Session[]): Promise<Refreshed[]> {
  let remote: { deps?: RunPodDeps; problem?: string } | undefined;
  const out: Refreshed[] = [];
  for (const s of sessions) {
    if (needsRunPodPoll(s)) {
      remote ??= runpodDepsOrProblem(ctx.io, { onRetry: retryNote(ctx.io) });
      if (!remote.deps) {
        out.push({ session: s, problem: `not refreshed from RunPod: ${remote.problem}` });
        continue;
      }
      const r = await pollForDisplay(store, s.id, remote.deps);
      const session = r.session ?? s;
      if (r.error) out.push({ session, problem: `not refreshed from RunPod: ${r.error}` });
      else out.push({ session, ...(r.result?.warning ? { warning: r.result.warning } : {}) });
    } else if (s.backend.type === 'local') {
      out.push({ session: (await refreshSession(store, s.id, ctx.runtime).catch(() => undefined)) ?? s });
    } else out.push({ session: s });
  }
  return out;
}

/** The sessions a bare `status`, or `status STYLE`, shows: a table, with RunPod's word and any problem under each row. */
function printList(ctx: CliContext, shown: readonly Refreshed[], now: Date): void {
  const table = sessionsTable(shown.map((r) => r.session), ctx.out.color).split('\n');
  const lines = [table[0]!];
  shown.forEach((r, i) => {
    lines.push(table[i + 1]!);
    const remote = runpodListLine(r.session, now);
    if (remote) lines.push(`    ${remote}`);
    if (r.problem) lines.push(`    ${ctx.out.color.red(`! ${r.problem}`)}`);
    if (r.warning) lines.push(`    ${ctx.out.color.yellow(`! ${r.warning}`)}`);
  });
  ctx.out.line(lines.join('\n'));
}

/**
 * The exit status, and the problems on stderr: in full with --json (stdout holds only the
 * document), else one line pointing at the rows that carry them.
 */
function reportProblems(ctx: CliContext, shown: readonly Refreshed[]): number {
  const problems = shown.filter((r) => r.problem);
  if (ctx.json) {
    for (const r of shown) if (r.warning) ctx.out.warn(`session ${r.session.id}: ${r.warning}`);
    for (const r of problems) ctx.out.error(`session ${r.session.id}: ${r.problem}`);
  } else if (problems.length) {
    ctx.out.error(problems.length === 1 && shown.length === 1 ? 'the session could not be refreshed (see above)' : `${problems.length} of ${shown.length} sessions could not be refreshed (see their rows)`);
  }
  return problems.length ? EXIT_FAILED : EXIT_OK;
}

/** One session in detail. */
async function showOne(ctx: CliContext, store: WorkspaceStore, found: Session): Promise<number> {
  const [r] = await refreshForDisplay(ctx, store, [found]);
  const session = r!.session;
  if (ctx.json) ctx.out.json(session);
  else {
    ctx.out.line(sessionDetails(store, session, ctx.out));
    if (r!.problem) ctx.out.line(`  ${ctx.out.color.red(`! ${r!.problem}`)}`);
    if (r!.warning) ctx.out.line(`  ${ctx.out.color.yellow(`! ${r!.warning}`)}`);
    const steps = await nextSteps(store, session);
    if (steps.length) {
      ctx.out.line();
      for (const s of steps) ctx.out.line(`${s.charAt(0).toUpperCase()}${s.slice(1)}`);
    }
  }
  return reportProblems(ctx, [r!]);
}

/** Several sessions: chosen before they are refreshed, so one that just ended is still shown, with its end. */
async function showList(ctx: CliContext, store: WorkspaceStore, chosen: readonly Session[], none: string): Promise<number> {
  const shown = await refreshForDisplay(ctx, store, chosen);
  if (ctx.json) ctx.out.json(shown.map((r) => r.session));
  else if (!shown.length) ctx.out.line(none);
  else printList(ctx, shown, new Date());
  const note = problemsNote(store);
  if (note) ctx.out.note(note);
  return reportProblems(ctx, shown);
}

/**
 * `trainlab status [SESSION | STYLE [VERSION]]`: one session in detail (by id, STYLE/VERSION or
 * STYLE VERSION), a style's sessions, or without an argument the running and pending ones —
 * each brought up to date with its process or with RunPod first. Exit 1 when one could not be.
 */
export function registerStatus(program: Command, host: CommandHost): void {
  program
    .command('status')
    .description('show a session (status, progress, ETA, attempts, checkpoints, outputs, error; on RunPod its job, queue and worker), a style\'s sessions, or the active ones; RunPod sessions are polled first')
    .argument('[session]', "a session id, STYLE/VERSION (that version's newest session), or a style id; none: the pending and running sessions")
    .argument('[version]', 'with a style id: that version\'s newest session')
    .action(
      host.action(async (ctx, cmd) => {
        const [name, version] = argsOf<[string | undefined, string | undefined]>(cmd);
        if (version !== undefined && name?.includes('/')) throw usageError(`give the session either as STYLE VERSION or as STYLE/VERSION, not "${name} ${version}"`);
        const store = await ctx.openStore();
        if (name === undefined) {
          const active = store.listSessions().filter((s) => isActive(s.status));
          return showList(ctx, store, active, 'No session is pending or running; "trainlab sessions" lists them all.');
        }
        if (version !== undefined) return showOne(ctx, store, requireSession(store, `${name}/${version}`));
        if (!name.includes('/')) {
          checkId(name, 'the session');
          // A session id first: ids of styles and sessions share one rule, and a session is what status is mostly asked about.
          if (!store.getSession(name) && (store.getStyle(name) || store.problems().some((p) => p.styleId === name && !p.sessionId))) {
            requireStyle(store, name);
            return showList(ctx, store, store.listSessions({ styleId: name }), `Style ${name} has no sessions yet.`);
          }
        }
        return showOne(ctx, store, requireSession(store, name));
      }),
    );
}
