import type { Command } from 'commander';
import { isFinal, type Session } from '../../core/model';
import { cancelRunPodSession, cancelSession, describeCancel, runpodBackendOf } from '../../core/sessions';
import { argsOf, type CommandHost } from '../command-host';
import { EXIT_FAILED, failure, usageError } from '../errors';
import { nextSteps } from '../follow';
import { formatDuration, formatStatus } from '../format';
import type { InStream } from '../output';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { pollForDisplay, retryNote, runpodDeps } from '../runpod';
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

/** What a RunPod session would resume from after the cancel: the checkpoint its worker reported. */
function runpodCancelWarning(session: Session): string {
  const ckpt = runpodBackendOf(session)?.checkpoint;
  const step = session.progress?.step ?? 0;
  if (!ckpt) return step > 0 ? `The worker has reported no checkpoint: a later run would start again from step 0 and the ${step} steps done so far are lost.` : 'The worker has reported no checkpoint yet.';
  const lost = ckpt.step !== null ? Math.max(0, step - ckpt.step) : null;
  return `A later resume would start from step ${ckpt.step ?? '?'} (the worker's checkpoint)${lost ? `; the ${lost} steps since then are lost` : ''}.`;
}

/** `trainlab cancel SESSION [--yes]`: says what would be lost, asks, then stops the training. */
export function registerCancel(program: Command, host: CommandHost): void {
  program
    .command('cancel')
    .description('stop a running session (locally: SIGTERM to its process group, SIGKILL after a grace period; on RunPod: /cancel of its job); says first what a later resume would start from')
    .argument(...SESSION_ARG)
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<CancelOptions>();
        const store = await ctx.openStore();
        const found = requireSession(store, name);
        const runtime = ctx.runtime;
        // On RunPod: the key first (nothing can be cancelled without it), then one poll, so a job that has just ended is not "cancelled".
        const deps = found.backend.type === 'runpod' && !isFinal(found.status) ? runpodDeps(ctx.io, { onRetry: retryNote(ctx.io) }) : undefined;
        let session = found;
        if (deps) {
          const polled = await pollForDisplay(store, found.id, deps);
          session = polled.session ?? found;
          // A cancel is wanted most when RunPod is struggling: a failed poll does not stop it.
          if (polled.error) ctx.out.warn(`could not refresh session ${found.id} from RunPod first: ${polled.error}`);
        } else session = (await refreshSession(store, found.id, runtime)) ?? found;
        if (isFinal(session.status)) throw failure(`session ${session.id} has already ended (${session.status}); nothing to cancel`);

        const warning = deps ? runpodCancelWarning(session) : await sessionAction(() => describeCancel(store, session.id));
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
        let cancelled: Session;
        if (deps) {
          const remote = runpodBackendOf(session);
          if (!ctx.json) ctx.out.line(`Cancelling RunPod job ${remote?.jobId ?? '-'} of session ${session.id} (endpoint ${remote?.endpointId ?? '?'})…`);
          cancelled = await sessionAction(() => cancelRunPodSession(store, session.id, deps));
        } else {
          if (!ctx.json) ctx.out.line(`Stopping session ${session.id} (SIGTERM; SIGKILL after ${formatDuration(runtime.cancelGraceMs / 1000)} if it is still running)…`);
          cancelled = await sessionAction(() => cancelSession(store, session.id, runtime));
        }
        if (ctx.json) return ctx.out.json(cancelled);
        const said = runpodBackendOf(cancelled)?.lastStatus;
        ctx.out.line(`${formatStatus(cancelled.status, ctx.out.color)}: session ${cancelled.id} at step ${cancelled.progress?.step ?? 0}${said ? ` (RunPod: ${said})` : ''}.`);
        for (const step of await nextSteps(store, cancelled)) ctx.out.line(`  ${step}`);
      }),
    );
}
