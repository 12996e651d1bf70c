import { promises as fsp } from 'node:fs';
import { extname, join } from 'node:path';
import { remoteUrlSchema, type Style } from '../model/schemas';
import { symlinkStaysInside } from './fileio';

/** A dataset folder of a style as the index keeps it: images with same-name `.txt` captions (kohya convention). */
export interface DatasetFolder {
  id: string;
  styleId: string;
  path: string;
  imageCount: number;
  captionCount: number;
}

/**
 * A dataset with a folder under `datasets/`, and the URL remote workers download it from when
 * one is set in style.json (`datasets.<id>.url`).
 */
export interface LocalDataset extends DatasetFolder {
  url: string | null;
  remoteOnly: false;
}

/**
 * A dataset that exists only at its URL (in S3, say): style.json names it, no folder holds it.
 * Only a RunPod worker can train on it; counts are unknown here.
 */
export interface RemoteDataset {
  id: string;
  styleId: string;
  path: null;
  imageCount: null;
  captionCount: null;
  url: string;
  remoteOnly: true;
}

export type Dataset = LocalDataset | RemoteDataset;

/**
 * Why a URL cannot be a dataset's (style.json's rule: https:// or s3://), in words for a person;
 * undefined when it can. Spaces get their own words: the schema's would blame the scheme.
 */
export function datasetUrlProblem(url: string): string | undefined {
  if (/\s/.test(url) && /^(https|s3):\/\//.test(url.trim())) return 'a URL has no spaces (encode them as %20)';
  const r = remoteUrlSchema.safeParse(url);
  return r.success ? undefined : r.error.issues[0]!.message;
}

/** The URL style.json gives a dataset, or null (also for an entry without a usable URL). */
export function datasetUrlOf(style: Style | undefined, datasetId: string): string | null {
  const entry = style?.datasets && Object.hasOwn(style.datasets, datasetId) ? style.datasets[datasetId] : undefined;
  return typeof entry?.url === 'string' && entry.url ? entry.url : null;
}

/** A style's datasets: its folders (with their URLs), then the URL-only ones, by id. */
export function mergeDatasets(styleId: string, folders: Iterable<DatasetFolder>, style: Style | undefined): Dataset[] {
  const out: Dataset[] = [];
  const seen = new Set<string>();
  for (const f of folders) {
    seen.add(f.id);
    out.push({ ...f, url: datasetUrlOf(style, f.id), remoteOnly: false });
  }
  for (const id of Object.keys(style?.datasets ?? {})) {
    const url = datasetUrlOf(style, id);
    if (!seen.has(id) && url) out.push({ id, styleId, path: null, imageCount: null, captionCount: null, url, remoteOnly: true });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** What trainers (kohya, ai-toolkit) accept as training images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.avif', '.jxl']);

/** Counts images and captions directly in a dataset folder; null when there is no such folder. */
export async function countDatasetFiles(dir: string, realRoot: string): Promise<{ imageCount: number; captionCount: number } | null> {
  try {
    const st = await fsp.lstat(dir);
    if (st.isSymbolicLink()) {
      if (!(await symlinkStaysInside(dir, realRoot))) return null;
    } else if (!st.isDirectory()) return null;
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    let imageCount = 0;
    let captionCount = 0;
    for (const e of entries) {
      if (e.isDirectory()) continue;
      const ext = extname(e.name).toLowerCase();
      if (IMAGE_EXTENSIONS.has(ext)) imageCount++;
      else if (ext === '.txt' || ext === '.caption') captionCount++;
    }
    return { imageCount, captionCount };
  } catch {
    return null;
  }
}

/** Image count of any folder (e.g. a dataset outside the workspace named by path). */
export async function countImagesIn(dir: string): Promise<number | null> {
  try {
    const entries = await fsp.readdir(dir);
    return entries.filter((n) => IMAGE_EXTENSIONS.has(extname(join(dir, n)).toLowerCase())).length;
  } catch {
    return null;
  }
}
