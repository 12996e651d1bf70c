import type { Command } from 'commander';
import type { CommandHost } from '../command-host';
import { problemsNote, stylesTable } from '../views';

/** `trainlab styles`: the styles, newest first. */
export function registerStyles(program: Command, host: CommandHost): void {
  program
    .command('styles')
    .description('list the styles, newest first')
    .action(
      host.action(async (ctx) => {
        const store = await ctx.openStore({ reconcile: true });
        const styles = store.listStyles();
        if (ctx.json) ctx.out.json(styles);
        else if (!styles.length) ctx.out.line('No styles yet. Create one: trainlab style add ID --name NAME --trigger TOKEN --trainer kohya');
        else ctx.out.line(stylesTable(store, styles, ctx.out.color));
        const note = problemsNote(store);
        if (note) ctx.out.note(note);
      }),
    );
}
