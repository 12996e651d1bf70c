import type { Command } from 'commander';
import { isFinal } from '../../core/model';
import { cancelSession, describeCancel } from '../../core/sessions';
import { argsOf, type CommandHost } from '../command-host';
import { EXIT_FAILED, failure, usageError } from '../errors';
import { nextSteps } from '../follow';
import { formatDuration, formatStatus } from '../format';
import type { InStream } from '../output';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { sessionAction } from '../runtime';
import { SESSION_ARG } from './status';

interface CancelOptions {
  yes?: boolean;
}

/** One line from stdin (the answer to a question), or null at its end. */
export function readLine(stdin: InStream): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (answer: string | null) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      stdin.pause();
      resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) finish(text.slice(0, nl).replace(/\r$/, ''));
    };
    const onEnd = () => finish(text === '' ? null : text);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onEnd);
    stdin.resume();
  });
}

/** `trainlab cancel SESSION [--yes]`: says what would be lost, asks, then stops the training. */
export function registerCancel(program: Command, host: CommandHost): void {
  program
    .command('cancel')
    .description('stop a running session (SIGTERM to its process group, SIGKILL after a grace period); says first what a later resume would start from')
    .argument(...SESSION_ARG)
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<CancelOptions>();
        const store = await ctx.openStore();
        const found = requireSession(store, name);
        const runtime = ctx.runtime;
        const session = (await refreshSession(store, found.id, runtime)) ?? found;
        if (isFinal(session.status)) throw failure(`session ${session.id} has already ended (${session.status}); nothing to cancel`);
        if (session.backend.type !== 'local') throw failure(`session ${session.id} runs on RunPod, which this build cannot reach yet; cancel it in the RunPod console`);

        const warning = await sessionAction(() => describeCancel(store, session.id));
        ctx.out.note(`cancelling session ${session.id} (${session.styleId}/${session.versionId}, ${session.status} at step ${session.progress?.step ?? 0}).`);
        ctx.out.note(warning);
        if (!opts.yes) {
          const stdin = ctx.io.stdin;
          if (!stdin?.isTTY) throw usageError('cancel asks for confirmation, and stdin is not a terminal: pass --yes to cancel without asking');
          ctx.io.stderr.write(`Cancel session ${session.id}? [y/N] `);
          const answer = (await readLine(stdin))?.trim().toLowerCase();
          if (answer !== 'y' && answer !== 'yes') {
            ctx.out.note('not cancelled; the session goes on');
            return EXIT_FAILED;
          }
        }
        if (!ctx.json) ctx.out.line(`Stopping session ${session.id} (SIGTERM; SIGKILL after ${formatDuration(runtime.cancelGraceMs / 1000)} if it is still running)…`);
        const cancelled = await sessionAction(() => cancelSession(store, session.id, runtime));
        if (ctx.json) return ctx.out.json(cancelled);
        ctx.out.line(`${formatStatus(cancelled.status, ctx.out.color)}: session ${cancelled.id} at step ${cancelled.progress?.step ?? 0}.`);
        for (const step of await nextSteps(store, cancelled)) ctx.out.line(`  ${step}`);
      }),
    );
}
