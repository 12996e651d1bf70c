import type { Command } from 'commander';
import { datasetUrlProblem, paths, type Dataset, type WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import { failure, usageError } from '../errors';
import type { Output } from '../output';
import { checkId, requireStyle } from '../refs';

interface DatasetUrlOptions {
  clear?: boolean;
}

/** What `--json` prints: the dataset as the store sees it; `path` is null when no folder holds it. */
interface DatasetJson {
  id: string;
  styleId: string;
  url: string | null;
  path: string | null;
  imageCount: number | null;
  captionCount: number | null;
}

function datasetJson(styleId: string, datasetId: string, ds: Dataset | undefined): DatasetJson {
  return { id: datasetId, styleId, url: ds?.url ?? null, path: ds?.path ?? null, imageCount: ds?.imageCount ?? null, captionCount: ds?.captionCount ?? null };
}

function requireDataset(store: WorkspaceStore, out: Output, styleId: string, datasetId: string): Dataset {
  const ds = store.findDataset(styleId, datasetId);
  if (ds) return ds;
  const known = store.listDatasets(styleId).map((d) => d.id);
  throw failure(
    `style "${styleId}" has no dataset "${datasetId}" (${known.length ? `datasets: ${known.join(', ')}` : 'no datasets yet'}); ` +
      `put images in ${out.path(paths.dataset(store.root, styleId, datasetId))}, or give it a URL: trainlab dataset url ${styleId} ${datasetId} URL`,
  );
}

/** The URL as given, or a usage error saying why it cannot be one (the store would refuse it too). */
function checkUrl(text: string): string {
  const problem = datasetUrlProblem(text);
  if (problem) throw usageError(`the URL "${text}" is not valid: ${problem}`);
  return text;
}

/**
 * `trainlab dataset url STYLE DATASET [URL] [--clear]`: shows, sets or clears the URL a RunPod
 * worker downloads a dataset from (style.json `datasets.<id>.url`). RunPod cannot read local
 * folders, so a dataset trained there needs one; a dataset may also exist only at its URL.
 */
export function registerDataset(program: Command, host: CommandHost): void {
  const dataset = program.command('dataset').description('where remote workers download datasets from');
  dataset
    .command('url')
    .description('show, set or clear the URL (https:// or s3://) a RunPod worker downloads a dataset from')
    .argument('<style>', 'the style id')
    .argument('<dataset>', 'the dataset id (its folder under datasets/, or a dataset that lives only at the URL)')
    .argument('[url]', 'the URL to set; without it, the current one is shown')
    .option('--clear', 'remove the URL')
    .action(
      host.action(async (ctx, cmd) => {
        const [styleId, datasetId, urlArg] = argsOf<[string, string, string | undefined]>(cmd);
        const opts = cmd.opts<DatasetUrlOptions>();
        checkId(styleId, 'the style id');
        checkId(datasetId, 'the dataset id');
        if (opts.clear && urlArg !== undefined) throw usageError('give a URL or --clear, not both');
        const url = urlArg !== undefined ? checkUrl(urlArg.trim()) : undefined;

        const store = await ctx.openStore();
        requireStyle(store, styleId);
        const ref = `${styleId}/${datasetId}`;

        if (url === undefined && !opts.clear) {
          const ds = requireDataset(store, ctx.out, styleId, datasetId);
          if (ctx.json) return ctx.out.json(datasetJson(styleId, datasetId, ds));
          if (ds.url) ctx.out.line(ds.url);
          else ctx.out.note(`dataset ${ref} has no URL; set one for RunPod: trainlab dataset url ${styleId} ${datasetId} URL`);
          return;
        }

        if (opts.clear) {
          const before = requireDataset(store, ctx.out, styleId, datasetId);
          if (before.url === null) {
            // Nothing to clear: no write, so a file another tool is editing is left alone.
            if (ctx.json) return ctx.out.json(datasetJson(styleId, datasetId, before));
            ctx.out.line(`Dataset ${ref} has no URL; nothing changed.`);
            return;
          }
          await store.setDatasetUrl(styleId, datasetId, null);
          const after = store.findDataset(styleId, datasetId);
          if (ctx.json) return ctx.out.json(datasetJson(styleId, datasetId, after));
          ctx.out.line(after ? `Cleared the URL of dataset ${ref}.` : `Cleared the URL of dataset ${ref}; it had no folder, so it is gone.`);
          return;
        }

        await store.setDatasetUrl(styleId, datasetId, url!);
        const after = store.findDataset(styleId, datasetId);
        if (ctx.json) return ctx.out.json(datasetJson(styleId, datasetId, after));
        ctx.out.line(`Set the URL of dataset ${ref}: ${url}`);
        if (after?.remoteOnly) ctx.out.note(`no folder ${ctx.out.path(paths.dataset(store.root, styleId, datasetId))}: ${datasetId} exists only at its URL, for training on RunPod`);
      }),
    );
}
