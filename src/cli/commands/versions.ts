import type { Command } from 'commander';
import { argsOf, type CommandHost } from '../command-host';
import { checkId, requireStyle, requireVersions } from '../refs';
import { versionsTable } from '../views';

/** `trainlab versions STYLE`: a style's versions, newest first, with their quick stats. */
export function registerVersions(program: Command, host: CommandHost): void {
  program
    .command('versions')
    .description("list a style's versions, newest first")
    .argument('<style>', 'the style id')
    .action(
      host.action(async (ctx, cmd) => {
        const [styleId] = argsOf<[string]>(cmd);
        checkId(styleId, 'the style id');
        const store = await ctx.openStore({ reconcile: true });
        requireVersions(requireStyle(store, styleId));
        const versions = store.listVersions(styleId);
        if (ctx.json) return ctx.out.json(versions);
        if (!versions.length) return ctx.out.line(`Style ${styleId} has no versions yet. Create one: trainlab version add ${styleId}`);
        ctx.out.line(versionsTable(versions, ctx.out.color));
      }),
    );
}
