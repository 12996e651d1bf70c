import type { Command } from 'commander';
import { argsOf, type CommandHost } from '../command-host';
import { nextSteps } from '../follow';
import { refreshSession } from '../reconcile';
import { requireSession } from '../refs';
import { sessionDetails } from '../views';

export const SESSION_ARG = ['<session>', 'the session id, or STYLE/VERSION for that version\'s newest session'] as const;

/** `trainlab status SESSION`: one session, brought up to date with its process first. */
export function registerStatus(program: Command, host: CommandHost): void {
  program
    .command('status')
    .description('show one session: status, progress, ETA, attempts and resume points, checkpoints, outputs, error')
    .argument(...SESSION_ARG)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const store = await ctx.openStore();
        const found = requireSession(store, name);
        const session = (await refreshSession(store, found.id, ctx.runtime)) ?? found;
        if (ctx.json) return ctx.out.json(session);
        ctx.out.line(sessionDetails(store, session, ctx.out));
        const steps = await nextSteps(store, session);
        if (steps.length) {
          ctx.out.line();
          for (const s of steps) ctx.out.line(`${s.charAt(0).toUpperCase()}${s.slice(1)}`);
        }
      }),
    );
}
