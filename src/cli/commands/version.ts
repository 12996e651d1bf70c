import type { Command } from 'commander';
import type { Version } from '../../core/model';
import { paths, type Dataset, type WorkspaceStore } from '../../core/store';
import { newVersionParameters, findTrainer, validateParameters } from '../../core/trainers';
import { argsOf, type CommandHost } from '../command-host';
import { failure, usageError } from '../errors';
import type { Output } from '../output';
import { applyAssignments, parseAssignments, warnUnknownKeys } from '../params';
import { checkId, parseVersionRef, requireStyle, requireVersion, requireVersions } from '../refs';
import { versionDetails } from '../views';

interface VersionAddOptions {
  from?: string;
  set?: string[];
  dataset?: string;
  description?: string;
  id?: string;
  name?: string;
  notes?: string;
  tag?: string[];
}

/** A dataset folder of the style, or a dataset that exists only at its URL (for RunPod). */
function requireDataset(store: WorkspaceStore, out: Output, styleId: string, datasetId: string): Dataset {
  const dataset = store.findDataset(styleId, datasetId);
  if (dataset) return dataset;
  const known = store.listDatasets(styleId).map((d) => d.id);
  throw failure(
    known.length
      ? `style "${styleId}" has no dataset "${datasetId}" (datasets: ${known.join(', ')})`
      : `style "${styleId}" has no datasets yet: put images with .txt captions in ${out.path(paths.dataset(store.root, styleId, datasetId))}, or give one a URL for RunPod: trainlab dataset url ${styleId} ${datasetId} URL`,
  );
}

/**
 * `trainlab version add STYLE [--from VERSION] [--set key=value ...] [--dataset D] …`: a new
 * version with the trainer's and style's defaults (or a copy of another version's parameters),
 * each `--set` typed and checked against the trainer, the result validated as a whole.
 */
export function registerVersion(program: Command, host: CommandHost): void {
  const version = program.command('version').description('create versions (see also: trainlab versions STYLE)');
  version
    .command('add')
    .description("create a version of a style, from the style's defaults or from another version")
    .argument('<style>', 'the style id')
    .option('--from <version>', 'copy parameters and dataset from this version (VERSION or STYLE/VERSION)')
    .option('--set <key=value...>', 'set a parameter, checked against the trainer (repeatable; "key=" removes it)')
    .option('--dataset <id>', 'a dataset of the style: a folder trainlab/styles/STYLE/datasets/ID, or one with only a URL (trainlab dataset url)')
    .option('--description <text>', 'what this version tries')
    .option('--id <id>', 'the version id (default: the next V<n>)')
    .option('--name <name>', 'a display name (default: the id)')
    .option('--notes <text>', 'free notes')
    .option('--tag <tag...>', 'a tag (repeatable)')
    .action(
      host.action(async (ctx, cmd) => {
        const [styleId] = argsOf<[string]>(cmd);
        const opts = cmd.opts<VersionAddOptions>();
        checkId(styleId, 'the style id');
        if (opts.id !== undefined) checkId(opts.id, '--id');
        if (opts.name !== undefined && !opts.name.trim()) throw usageError('--name must not be empty');
        if (opts.dataset !== undefined) checkId(opts.dataset, '--dataset');

        const store = await ctx.openStore();
        const entry = requireStyle(store, styleId);
        requireVersions(entry); // a broken versions.json stops us before anything is computed
        const style = entry.style;
        const trainer = findTrainer(style.trainer, store.listTrainerProfiles());
        if (!trainer) ctx.out.warn(`style "${styleId}" uses trainer "${style.trainer}", which is not known here; parameters are not checked`);

        let params: Record<string, unknown>;
        let origin: string;
        let base: Version | undefined;
        if (opts.from !== undefined) {
          const ref = parseVersionRef(opts.from, styleId, '--from');
          base = requireVersion(store, ref).version;
          params = structuredClone(base.parameters);
          origin = `copied from ${ref.styleId === styleId ? ref.versionId : `${ref.styleId}/${ref.versionId}`}`;
          if (ref.styleId !== styleId) base = { ...base, datasetId: null, imageCount: null }; // datasets belong to their style
        } else {
          params = newVersionParameters(style, trainer);
          origin = "from the trainer's and the style's defaults";
        }
        params = applyAssignments(params, parseAssignments(opts.set ?? [], trainer?.params ?? []));

        if (trainer) {
          const errors = validateParameters(trainer.params, params);
          if (errors.length) {
            const list = errors.map((e) => `${e.key} ${e.message} (found ${JSON.stringify(params[e.key] ?? null)})`).join('; ');
            throw failure(`the parameters ${origin} are not valid for trainer "${trainer.name}": ${list}; fix with --set KEY=VALUE`);
          }
          warnUnknownKeys(ctx.out, trainer, params);
        }

        const dataset = opts.dataset !== undefined ? requireDataset(store, ctx.out, styleId, opts.dataset) : undefined;
        const datasetId = dataset?.id ?? base?.datasetId ?? null;
        const imageCount = dataset ? dataset.imageCount : datasetId ? (store.getDataset(styleId, datasetId)?.imageCount ?? base?.imageCount ?? null) : null;
        const created = await store.addVersion(styleId, {
          ...(opts.id !== undefined ? { id: opts.id } : {}),
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          parameters: params,
          datasetId,
          imageCount,
          description: opts.description ?? '',
          notes: opts.notes ?? '',
          tags: opts.tag ?? [],
        });
        if (ctx.json) return ctx.out.json(created);
        ctx.out.line(`Created version ${created.id} of style ${styleId} (parameters ${origin}).`);
        ctx.out.line(versionDetails(created, ctx.out.color, created.datasetId ? store.findDataset(styleId, created.datasetId) : undefined));
      }),
    );
}
