import type { Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readImportPath } from '../../core/import';
import { MAX_JSON_BYTES } from '../../core/model';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { EXIT_FAILED, EXIT_OK, failure } from '../errors';
import { plural } from '../format';
import { applyImport, type ImportResult } from '../../core/import';
import { checkId, requireStyle, requireVersions } from '../refs';
import { importVersionExport, looksLikeVersionExport, parseVersionExport } from '../../core/import/version-export';

interface ImportOptions {
  style?: string;
  dryRun?: boolean;
  endpoint?: string;
}

/** A `trainlab export` document, when the file is one (read as JSON; anything else is not). */
async function readVersionExport(file: string): Promise<unknown> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size > MAX_JSON_BYTES) return undefined;
    const value: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return looksLikeVersionExport(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function printResult(ctx: CliContext, tool: string, result: ImportResult, dryRun: boolean): void {
  if (ctx.json) return ctx.out.json({ tool, dryRun, ...result });
  const { color } = ctx.out;
  const verb = dryRun ? 'Would create' : 'Created';
  for (const s of result.styles.filter((s) => s.created)) ctx.out.line(`${verb} style ${color.bold(s.id)}`);
  for (const v of result.versions) {
    const from = v.source ? ` (from ${v.source})` : '';
    if (!v.created) ctx.out.line(color.dim(`Already there: ${v.styleId}/${v.id}${from}`));
    else ctx.out.line(`${dryRun ? 'Would add' : 'Added'} version ${color.bold(`${v.styleId}/${v.id}`)}${v.renamedFrom ? ` (its id ${v.renamedFrom} was taken)` : ''}${from}`);
  }
  for (const s of result.sessions) {
    if (!s.created) ctx.out.line(color.dim(`Already there: session ${s.id} of ${s.styleId}/${s.versionId}`));
    else ctx.out.line(`${dryRun ? 'Would add' : 'Added'} session ${s.id === '(new)' ? '' : `${s.id} `}of ${s.styleId}/${s.versionId} (from ${s.source})`);
  }
  for (const n of result.notes) ctx.out.note(`${n.path ? `${n.path}: ` : ''}${n.message}`);
  for (const p of result.problems) ctx.out.error(`${p.path}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}: ${p.message}`);
  const added = result.versions.filter((v) => v.created).length;
  const sessions = result.sessions.filter((s) => s.created).length;
  const summary = `${plural(added, 'version')} and ${plural(sessions, 'session')} ${dryRun ? 'would be imported' : 'imported'}`;
  ctx.out.line(result.problems.length ? `${summary}; ${plural(result.problems.length, 'file')} could not be used (above).` : `${summary}.`);
}

/** A version exported by `trainlab export`: handled here in full. */
async function importExportFile(ctx: CliContext, file: string, raw: unknown, opts: ImportOptions): Promise<number> {
  const parsed = parseVersionExport(raw);
  if (!parsed.ok) throw failure(`${ctx.out.path(file)} is a Trainlab export that cannot be used: ${parsed.message}`);
  const store = await ctx.openStore();
  const styleId = opts.style ?? parsed.doc.style.id;
  if (store.getStyle(styleId)) requireVersions(requireStyle(store, styleId));
  const outcome = await importVersionExport(store, parsed.doc, { ...(opts.style ? { styleId: opts.style } : {}), file: basename(file), dryRun: opts.dryRun === true });
  for (const w of outcome.warnings) ctx.out.warn(w);
  const result: ImportResult = {
    styles: [{ id: outcome.styleId, created: outcome.styleCreated }],
    versions: [{ styleId: outcome.styleId, id: outcome.versionId, source: basename(file), created: outcome.added, ...(outcome.renamedFrom ? { renamedFrom: outcome.renamedFrom } : {}) }],
    sessions: [],
    problems: [],
    notes: [],
  };
  if (ctx.json) {
    ctx.out.json({ tool: 'version-export', dryRun: opts.dryRun === true, ...result, version: outcome.version });
    return EXIT_OK;
  }
  printResult(ctx, 'version-export', result, opts.dryRun === true);
  return EXIT_OK;
}

/** `trainlab import PATH [--style ID]`: a Trainlab export, or other tools' files (a file or a folder). */
export function registerImport(program: Command, host: CommandHost): void {
  program
    .command('import')
    .description("bring in a version exported by Trainlab, or other tools' files (FluxGym, kohya_ss, ai-toolkit, OneTrainer, LLMTool, training_versions.json): a file or a folder to search")
    .argument('<path>', 'a file, or a folder to search')
    .option('--style <id>', "the style to import into (where the file does not say, or to override it)")
    .option('--endpoint <id>', 'RunPod endpoint of imported RunPod jobs (default: TRAINLAB_RUNPOD_ENDPOINT_ID)')
    .option('--dry-run', 'show what would be imported; write nothing')
    .action(
      host.action(async (ctx, cmd) => {
        const [given] = argsOf<[string]>(cmd);
        const opts = cmd.opts<ImportOptions>();
        if (opts.style !== undefined) checkId(opts.style, '--style');
        const target = resolve(ctx.io.cwd, given);
        const st = await fsp.stat(target).catch(() => undefined);
        if (!st) throw failure(`${ctx.out.path(target)}: no such file or folder`);

        const exported = st.isFile() ? await readVersionExport(target) : undefined;
        if (exported !== undefined) return importExportFile(ctx, target, exported, opts);

        const store = await ctx.openStore();
        const endpoint = opts.endpoint ?? (ctx.io.env.TRAINLAB_RUNPOD_ENDPOINT_ID || undefined);
        const plan = await readImportPath(target, { ...(opts.style ? { styleId: opts.style } : {}), ...(endpoint ? { runpodEndpointId: endpoint } : {}) });
        const result = await applyImport(store, plan, { dryRun: opts.dryRun === true });
        printResult(ctx, plan.tool, result, opts.dryRun === true);
        return result.problems.length ? EXIT_FAILED : EXIT_OK;
      }),
    );
}
