/**
 * The pure parts of "Set Dataset URL…": which dataset an argument names, the argument's
 * fields, and the check of what is typed into the input box. No `vscode` import.
 */
import { z } from 'zod';
import { ID_RULE, isValidId } from '../../core/model';
import { datasetUrlProblem } from '../../core/store';
import { isTreeElement } from '../tree/elements';

export interface DatasetRef {
  styleId: string;
  datasetId: string;
}

/** A dataset row, or `{ styleId, datasetId }`. */
export function datasetRefOf(arg: unknown): DatasetRef | undefined {
  if (isTreeElement(arg)) return arg.kind === 'dataset' ? { styleId: arg.styleId, datasetId: arg.datasetId } : undefined;
  const p = z.looseObject({ styleId: z.string().min(1), datasetId: z.string().min(1) }).safeParse(arg);
  return p.success ? { styleId: p.data.styleId, datasetId: p.data.datasetId } : undefined;
}

/** `{ styleId?, datasetId?, url? }`; `url: null` or `""` clears it. */
export const SetDatasetUrlArgs = z.looseObject({
  styleId: z.string().optional(),
  datasetId: z.string().optional(),
  url: z.string().nullable().optional(),
});

/** What is typed, as the URL to store: trimmed; empty means "no URL". */
export function urlFromInput(text: string | null): string | null {
  const t = text?.trim() ?? '';
  return t ? t : null;
}

/** The input box's message for what is typed, or undefined when it is acceptable (empty clears). */
export function urlInputProblem(text: string): string | undefined {
  const url = urlFromInput(text);
  const problem = url === null ? undefined : datasetUrlProblem(url);
  return problem ? `${problem[0]!.toUpperCase()}${problem.slice(1)}.` : undefined;
}

/** The input box's message for the id of a dataset that will exist only at its URL. */
export function datasetIdProblem(text: string): string | undefined {
  const id = text.trim();
  if (!id) return 'A dataset needs an id (the name its folder would have).';
  return isValidId(id) ? undefined : `Not a valid id: ${ID_RULE}.`;
}
