import { promises as fsp } from 'node:fs';
import { extname, join } from 'node:path';
import { symlinkStaysInside } from './fileio';

/** A dataset folder of a style: images with same-name `.txt` captions (kohya convention). */
export interface Dataset {
  id: string;
  styleId: string;
  path: string;
  imageCount: number;
  captionCount: number;
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
