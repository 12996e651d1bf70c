import type { Command } from 'commander';
import type { FileProblem } from '../../core/model';
import type { CommandHost } from '../command-host';
import { EXIT_FAILED, EXIT_OK } from '../errors';
import { semanticProblems } from '../doctor-checks';
import { plural } from '../format';

/** `trainlab doctor`: every file that cannot be used, as `path:line:column: message`. */
export function registerDoctor(program: Command, host: CommandHost): void {
  program
    .command('doctor')
    .description('check every file of the workspace and list what is wrong (exit status 1 when something is)')
    .action(
      host.action(async (ctx) => {
        const store = await ctx.openStore();
        const found: FileProblem[] = [...store.problems(), ...(await semanticProblems(store))];
        const problems = found
          .map((p) => ({ path: ctx.out.path(p.path), ...(p.line !== undefined ? { line: p.line, column: p.column } : {}), message: p.message }))
          .sort((a, b) => a.path.localeCompare(b.path) || (a.line ?? 0) - (b.line ?? 0));
        if (ctx.json) {
          ctx.out.json({ ok: problems.length === 0, problems });
          return problems.length ? EXIT_FAILED : EXIT_OK;
        }
        const { color } = ctx.out;
        for (const p of problems) ctx.out.line(`${p.path}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}: ${color.red(p.message)}`);
        const styles = store.listStyles();
        const versions = styles.reduce((n, s) => n + (store.getStyle(s.id)?.versions.length ?? 0), 0);
        const read = `${plural(styles.length, 'style')}, ${plural(versions, 'version')}, ${plural(store.listSessions().length, 'session')} read from ${ctx.out.path(store.root)}`;
        if (problems.length) ctx.out.line(color.bold(`${plural(problems.length, 'problem')} found (${read}).`));
        else ctx.out.line(color.green(`No problems (${read}).`));
        return problems.length ? EXIT_FAILED : EXIT_OK;
      }),
    );
}
