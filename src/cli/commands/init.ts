import type { Command } from 'commander';
import { defaultRoot, WorkspaceStore } from '../../core/store';
import type { CommandHost } from '../command-host';

/** `trainlab init`: creates `trainlab/` with `styles/` and `trainers/`; running it again changes nothing. */
export function registerInit(program: Command, host: CommandHost): void {
  program
    .command('init')
    .description('create the trainlab/ folder (styles/, trainers/) in the workspace')
    .action(
      host.action(async (ctx) => {
        await ctx.assertWorkspaceExists();
        const store = new WorkspaceStore(defaultRoot(ctx.workspace, ctx.configuredRoot));
        const existed = await store.exists();
        await store.init();
        if (ctx.json) return ctx.out.json({ root: store.root, created: !existed });
        const where = ctx.out.path(store.root);
        if (existed) ctx.out.line(`${where} already exists; nothing to do.`);
        else {
          ctx.out.line(`Created ${where} (styles/, trainers/).`);
          ctx.out.line('Next: trainlab style add ID --name NAME --trigger TOKEN --trainer kohya');
        }
      }),
    );
}
