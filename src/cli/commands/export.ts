import type { Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import { writeJsonAtomic } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import { failure } from '../errors';
import { parseVersionRef, refText, requireVersion } from '../refs';
import { buildVersionExport } from '../../core/import/version-export';

interface ExportOptions {
  output?: string;
  force?: boolean;
  style?: string;
}

/** `trainlab export STYLE/VERSION [-o FILE] [--force]`: a version and its style as one JSON document. */
export function registerExport(program: Command, host: CommandHost): void {
  program
    .command('export')
    .description('write a version and its style as one self-contained JSON document (for "trainlab import")')
    .argument('<version>', 'STYLE/VERSION (or VERSION with --style)')
    .option('--style <id>', 'the style, when the version is given without one')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--force', 'replace the output file if it exists')
    .action(
      host.action(async (ctx, cmd) => {
        const [text] = argsOf<[string]>(cmd);
        const opts = cmd.opts<ExportOptions>();
        const ref = parseVersionRef(text, opts.style);
        const store = await ctx.openStore();
        const { style, version } = requireVersion(store, ref);
        const doc = buildVersionExport(style, version, new Date());
        if (opts.output === undefined) return ctx.out.json(doc);

        const file = resolve(ctx.io.cwd, opts.output);
        const exists = await fsp.lstat(file).then(() => true, () => false);
        if (exists && !opts.force) throw failure(`${ctx.out.path(file)} already exists; add --force to replace it`);
        try {
          await writeJsonAtomic(file, doc);
        } catch (e) {
          throw failure(`could not write ${ctx.out.path(file)}: ${(e as Error).message}`);
        }
        if (ctx.json) return ctx.out.json({ path: file, styleId: ref.styleId, versionId: ref.versionId });
        ctx.out.line(`Exported ${refText(ref)} to ${ctx.out.path(file)}.`);
      }),
    );
}
