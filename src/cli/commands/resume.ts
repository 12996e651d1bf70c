import type { Command } from 'commander';
import type { Session } from '../../core/model';
import { relaunchRunPodSession, relaunchSession, resumeRunPodSession, resumeSession, runpodBackendOf, type RunPodDeps } from '../../core/sessions';
import type { WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import { failure } from '../errors';
import type { CliContext } from '../context';
import { baseName } from '../format';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { needsRunPodPoll, pollForDisplay, retryNote, runpodDeps } from '../runpod';
import { requireBuilt, sessionAction } from '../runtime';
import { FOLLOW_HELP, reportLaunch, withRecordedSession } from './start';
import { SESSION_ARG } from './status';

interface FollowOption {
  follow?: boolean;
}

/**
 * The session named on the command line, for a new attempt or a new session of it: reconciled
 * first (a session whose process just died must be seen as interrupted before it can be
 * resumed), and only when its trainer is built.
 */
async function sessionToLaunchAgain(ctx: CliContext, store: WorkspaceStore, found: Session) {
  const runtime = ctx.runtime;
  await refreshSession(store, found.id, runtime);
  requireBuilt(runtime, found.trainer ?? store.getStyle(found.styleId)?.style.trainer ?? '');
  return { store, found, runtime };
}

/**
 * A RunPod session to launch again: the key first, then one poll while it is not final (a job
 * that has just failed must be seen as failed before it can be resumed). Nothing is built here.
 * A poll that fails is a warning, or with `pollFailure: 'fail'` the end (RunPod Retry needs
 * RunPod's own word that the job failed).
 */
export async function runpodSessionToLaunchAgain(ctx: CliContext, store: WorkspaceStore, found: Session, pollFailure: 'warn' | 'fail' = 'warn'): Promise<{ deps: RunPodDeps; session: Session }> {
  const deps = runpodDeps(ctx.io, { onRetry: retryNote(ctx.io) });
  if (!needsRunPodPoll(found)) return { deps, session: found };
  const polled = await pollForDisplay(store, found.id, deps);
  if (polled.error && pollFailure === 'fail') throw failure(`could not refresh session ${found.id} from RunPod: ${polled.error}`);
  if (polled.error) ctx.out.warn(`could not refresh session ${found.id} from RunPod first: ${polled.error}`);
  return { deps, session: polled.session ?? found };
}

/** `trainlab resume SESSION [--follow]`: a new attempt of the session from its newest checkpoint. */
export function registerResume(program: Command, host: CommandHost): void {
  program
    .command('resume')
    .description("continue an interrupted, failed or cancelled session from its newest checkpoint (a new attempt of the same session; on RunPod a new job from the worker's checkpoint)")
    .argument(...SESSION_ARG)
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<FollowOption>();
        const opened = await ctx.openStore();
        const named = requireSession(opened, name);
        if (named.backend.type === 'runpod') {
          const { deps, session: before } = await runpodSessionToLaunchAgain(ctx, opened, named);
          const session = await sessionAction(() => resumeRunPodSession(opened, before.id, deps));
          const from = runpodBackendOf(before)?.checkpoint;
          const headline = `Resumed session ${session.id} on RunPod from step ${from?.step ?? '?'} (checkpoint ${from?.ref ?? '?'}): attempt ${session.attempts.length}.`;
          return reportLaunch(ctx, opened, session, opts.follow === true, headline, 'trainlab', deps);
        }
        const { store, found, runtime } = await sessionToLaunchAgain(ctx, opened, named);
        const { session, checkpoint } = await sessionAction(() => resumeSession(store, found.id, runtime));
        const headline = `Resumed session ${session.id} from step ${checkpoint.step ?? '?'} (checkpoint ${baseName(checkpoint.path)}): attempt ${session.attempts.length}.`;
        return reportLaunch(ctx, store, session, opts.follow === true, headline);
      }),
    );
}

/** `trainlab relaunch SESSION [--follow]`: a new session of the same version with the same parameters. */
export function registerRelaunch(program: Command, host: CommandHost): void {
  program
    .command('relaunch')
    .description("start a new session of an ended session's version, from step 0, with the same parameters (where it ran: locally or on its RunPod endpoint)")
    .argument(...SESSION_ARG)
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<FollowOption>();
        const opened = await ctx.openStore();
        const named = requireSession(opened, name);
        if (named.backend.type === 'runpod') {
          const { deps, session: before } = await runpodSessionToLaunchAgain(ctx, opened, named);
          const remote = runpodBackendOf(before);
          if (remote?.runUnconfirmed && before.status === 'unknown') {
            ctx.out.warn(`the answer to /run of session ${before.id} was lost: its job may still exist on endpoint ${remote.endpointId}; look in the RunPod console so it does not run twice`);
          }
          const known = new Set(opened.listSessions({ styleId: before.styleId, versionId: before.versionId }).map((s) => s.id));
          let session: Session;
          try {
            session = await sessionAction(() => relaunchRunPodSession(opened, before.id, deps));
          } catch (e) {
            throw withRecordedSession(e, opened, before.styleId, before.versionId, known);
          }
          const headline = `Relaunched ${before.id} as session ${session.id} of ${session.styleId}/${session.versionId} on RunPod (endpoint ${runpodBackendOf(session)?.endpointId ?? '?'}, same parameters, from step 0).`;
          return reportLaunch(ctx, opened, session, opts.follow === true, headline, 'trainlab', deps);
        }
        const { store, found, runtime } = await sessionToLaunchAgain(ctx, opened, named);
        const session = await sessionAction(() => relaunchSession(store, found.id, runtime));
        return reportLaunch(ctx, store, session, opts.follow === true, `Relaunched ${found.id} as session ${session.id} of ${session.styleId}/${session.versionId} (same parameters, from step 0).`);
      }),
    );
}
