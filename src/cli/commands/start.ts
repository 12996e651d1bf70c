import { Option, type Command } from 'commander';
import type { Session } from '../../core/model';
import { startLocalSession } from '../../core/sessions';
import { paths, type WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { failure, usageError } from '../errors';
import { followExitCode, followSession, printFollowEnd } from '../follow';
import { parseVersionRef, requireVersion, type VersionRef } from '../refs';
import { requireBuilt, sessionAction } from '../runtime';

interface StartOptions {
  backend: 'local' | 'runpod';
  follow?: boolean;
}

export const FOLLOW_HELP = 'show live progress until the session ends (exit 0 when it completed, 1 otherwise); Ctrl+C stops following, never the training';

/** `STYLE VERSION`, or `STYLE/VERSION` alone. */
function versionRefOf(first: string, second: string | undefined): VersionRef {
  if (second === undefined) {
    if (!first.includes('/')) throw usageError(`say which version of style "${first}" to start: trainlab start ${first} VERSION (or ${first}/VERSION)`);
    return parseVersionRef(first, undefined, 'the version');
  }
  if (first.includes('/')) throw usageError(`give the version either as STYLE VERSION or as STYLE/VERSION, not "${first} ${second}"`);
  return parseVersionRef(second, first, 'the version');
}

/**
 * After a launch, resume or relaunch: the session (or, with --follow, its live progress and
 * how it ended). Returns the exit status.
 */
export async function reportLaunch(ctx: CliContext, store: WorkspaceStore, session: Session, follow: boolean, headline: string, prefix = 'trainlab'): Promise<number> {
  if (ctx.json && !follow) {
    ctx.out.json(session);
    return 0;
  }
  if (!ctx.json) {
    const id = session.id;
    ctx.out.line(headline);
    ctx.out.line(`  log:    ${ctx.out.path(paths.consoleLog(store.root, session.styleId, id))}`);
    if (follow) ctx.out.line('  (Ctrl+C stops following; the training goes on)');
    else {
      ctx.out.line(`  follow: ${prefix} logs ${id} --follow   (progress: ${prefix} status ${id}; stop: ${prefix} cancel ${id})`);
      return 0;
    }
  }
  const outcome = await followSession(ctx, store, session.id, { quiet: ctx.json });
  if (ctx.json) ctx.out.json(outcome.session);
  else await printFollowEnd(ctx, store, outcome, prefix);
  return followExitCode(outcome);
}

/** `trainlab start STYLE VERSION [--backend local] [--follow]` (or `start STYLE/VERSION`). */
export function registerStart(program: Command, host: CommandHost): void {
  program
    .command('start')
    .description('launch a training session of a version (locally: a detached process that outlives this command)')
    .argument('<style>', 'the style id, or STYLE/VERSION')
    .argument('[version]', 'the version id')
    .addOption(new Option('--backend <where>', 'where the session runs (runpod: not in this build yet)').choices(['local', 'runpod']).default('local'))
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [first, second] = argsOf<[string, string | undefined]>(cmd);
        const opts = cmd.opts<StartOptions>();
        const ref = versionRefOf(first, second);
        if (opts.backend === 'runpod') throw failure('RunPod is not available in this build yet; use --backend local');
        const store = await ctx.openStore();
        const { style, version } = requireVersion(store, ref);
        const runtime = ctx.runtime;
        requireBuilt(runtime, style.trainer);
        const session = await sessionAction(() => startLocalSession(store, { styleId: style.id, versionId: version.id }, runtime));
        return reportLaunch(ctx, store, session, opts.follow === true, `Started session ${session.id} of ${style.id}/${version.id} (local, trainer ${style.trainer}).`);
      }),
    );
}
