import type { WorkspaceStore } from '../../core/store';
import { Commands } from '../ids';
import { datasetDescription } from '../tree/format';
import { fieldsOf, styleRefOf, UserError } from './args';
import { datasetIdProblem, datasetRefOf, SetDatasetUrlArgs, urlFromInput, urlInputProblem, type DatasetRef } from './dataset-url';
import { answered, getStyleOrThrow, pickStyle, requireStore, type CommandServices } from './services';

export interface DatasetUrlResult extends DatasetRef {
  url: string | null;
  /** False when the URL was already what was asked: nothing was written. */
  changed: boolean;
}

const TITLE = 'Set Dataset URL';

/** A dataset of the style, or the id of a new one that will exist only at its URL. */
async function pickDataset(svc: CommandServices, store: WorkspaceStore, styleId: string): Promise<string> {
  const other = { label: 'A dataset with no folder here…', description: 'it lives only at its URL (e.g. in S3)', value: null as string | null, iconId: 'cloud' };
  const items = store.listDatasets(styleId).map((d) => ({ label: d.id, description: datasetDescription(d), value: d.id as string | null, iconId: d.remoteOnly ? 'cloud' : 'file-media' }));
  const picked = await answered(svc.prompts().pick([...items, other], { title: TITLE, placeHolder: 'Which dataset do RunPod workers download?' }));
  if (picked !== null) return picked;
  const id = await answered(svc.prompts().input({ title: TITLE, prompt: 'Id of the dataset (the name a folder of it would have)', placeHolder: 'ink-wash-v2', validate: datasetIdProblem }));
  return id.trim();
}

/**
 * trainlab.setDatasetUrl `{ styleId, datasetId, url }` (or a dataset row): sets the URL a RunPod
 * worker downloads the dataset from (https:// or s3://); an empty URL or `null` clears it. Asks
 * for what is missing; the input box checks the URL as it is typed.
 */
export async function setDatasetUrl(svc: CommandServices, arg: unknown): Promise<DatasetUrlResult> {
  const a = fieldsOf(Commands.setDatasetUrl, SetDatasetUrlArgs, arg);
  const store = await requireStore(svc);
  const ref = datasetRefOf(arg);
  const styleId = ref?.styleId ?? styleRefOf(arg)?.styleId ?? (await pickStyle(svc, store, TITLE)).id;
  const style = getStyleOrThrow(store, styleId);
  const datasetId = ref?.datasetId ?? (await pickDataset(svc, store, styleId));
  const idProblem = datasetIdProblem(datasetId);
  if (idProblem) throw new UserError(`${Commands.setDatasetUrl}: "datasetId": ${idProblem}`);

  const current = store.findDataset(styleId, datasetId)?.url ?? null;
  const typed =
    a.url !== undefined
      ? a.url
      : await answered(
          svc.prompts().input({
            title: `${TITLE} of ${datasetId} (${style.name})`,
            prompt: 'Where RunPod workers download this dataset (https:// or s3://). Leave empty to remove the URL.',
            value: current ?? '',
            placeHolder: 's3://my-bucket/datasets/ink-wash.zip',
            validate: urlInputProblem,
          }),
        );
  const problem = urlInputProblem(typed ?? '');
  if (problem) throw new UserError(`${Commands.setDatasetUrl}: "url": ${problem}`);
  const url = urlFromInput(typed);
  if (url === current) return { styleId, datasetId, url, changed: false };
  await store.setDatasetUrl(styleId, datasetId, url);
  // The URL itself stays out of the log: a presigned one carries its signature.
  svc.log.info(url ? `Set the URL of dataset ${styleId}/${datasetId}` : `Cleared the URL of dataset ${styleId}/${datasetId}`);
  return { styleId, datasetId, url, changed: true };
}
