import type { Command } from 'commander';
import { argsOf, type CommandHost } from '../command-host';
import { applyAssignments, parseAssignments, requireTrainer, warnUnknownKeys } from '../params';
import { usageError } from '../errors';
import { checkId } from '../refs';
import { styleDetails } from '../views';

interface StyleAddOptions {
  name: string;
  trigger: string;
  trainer: string;
  description?: string;
  set?: string[];
}

/** `trainlab style add ID --name N --trigger T --trainer NAME [--description D] [--set key=value ...]` */
export function registerStyle(program: Command, host: CommandHost): void {
  const style = program.command('style').description('create styles (see also: trainlab styles)');
  style
    .command('add')
    .description('create a style: what is trained, its trigger token, trainer and default parameters')
    .argument('<id>', 'the style id (letters, digits, ".", "_", "-")')
    .requiredOption('--name <name>', 'a display name')
    .requiredOption('--trigger <token>', 'the trigger token captions and prompts use ("" for none)')
    .requiredOption('--trainer <name>', 'the trainer: kohya, demo, or a workspace profile in trainlab/trainers/')
    .option('--description <text>', 'what the style is for')
    .option('--set <key=value...>', 'a default parameter for new versions, checked against the trainer (repeatable)')
    .action(
      host.action(async (ctx, cmd) => {
        const [id] = argsOf<[string]>(cmd);
        const opts = cmd.opts<StyleAddOptions>();
        checkId(id, 'the style id');
        if (!opts.name.trim()) throw usageError('--name must not be empty');
        const store = await ctx.openStore();
        const trainer = requireTrainer(store, opts.trainer);
        const defaults = applyAssignments({}, parseAssignments(opts.set ?? [], trainer.params));
        warnUnknownKeys(ctx.out, trainer, defaults);
        const created = await store.createStyle({
          id,
          name: opts.name,
          triggerToken: opts.trigger,
          trainer: trainer.name,
          defaults,
          ...(opts.description !== undefined ? { description: opts.description } : {}),
        });
        if (ctx.json) return ctx.out.json(created);
        ctx.out.line(`Created style ${created.id} in ${ctx.out.path(store.getStyle(created.id)?.path ?? store.root)}`);
        ctx.out.line(styleDetails(created, ctx.out.color));
        ctx.out.line();
        ctx.out.line(`Next: trainlab version add ${created.id}`);
      }),
    );
}
