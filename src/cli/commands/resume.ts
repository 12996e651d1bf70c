import type { Command } from 'commander';
import { relaunchSession, resumeSession } from '../../core/sessions';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { baseName } from '../format';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { requireBuilt, sessionAction } from '../runtime';
import { FOLLOW_HELP, reportLaunch } from './start';
import { SESSION_ARG } from './status';

interface FollowOption {
  follow?: boolean;
}

/**
 * The session named on the command line, for a new attempt or a new session of it: reconciled
 * first (a session whose process just died must be seen as interrupted before it can be
 * resumed), and only when its trainer is built.
 */
async function sessionToLaunchAgain(ctx: CliContext, name: string) {
  const store = await ctx.openStore();
  const found = requireSession(store, name);
  const runtime = ctx.runtime;
  await refreshSession(store, found.id, runtime);
  requireBuilt(runtime, found.trainer ?? store.getStyle(found.styleId)?.style.trainer ?? '');
  return { store, found, runtime };
}

/** `trainlab resume SESSION [--follow]`: a new attempt of the session from its newest checkpoint. */
export function registerResume(program: Command, host: CommandHost): void {
  program
    .command('resume')
    .description('continue an interrupted, failed or cancelled session from its newest checkpoint (a new attempt of the same session)')
    .argument(...SESSION_ARG)
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<FollowOption>();
        const { store, found, runtime } = await sessionToLaunchAgain(ctx, name);
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
    .description("start a new session of an ended session's version, from step 0, with the same parameters")
    .argument(...SESSION_ARG)
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<FollowOption>();
        const { store, found, runtime } = await sessionToLaunchAgain(ctx, name);
        const session = await sessionAction(() => relaunchSession(store, found.id, runtime));
        return reportLaunch(ctx, store, session, opts.follow === true, `Relaunched ${found.id} as session ${session.id} of ${session.styleId}/${session.versionId} (same parameters, from step 0).`);
      }),
    );
}
