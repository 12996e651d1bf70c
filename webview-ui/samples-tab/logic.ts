/**
 * The Samples tab's layouts, pure (unit-tested in Node): one session's samples grouped by the
 * step they were made at, and one prompt's samples side by side across versions.
 */
import type { SampleImage, SamplesResult } from '../../src/shared/panel-protocol';
import { sampleWhen, whenKey } from '../../src/shared/samples';

export type SamplesSession = SamplesResult['sessions'][number];

export interface StepGroup {
  key: string;
  label: string;
  images: SampleImage[];
}

/** A session's images by position in the run (steps ascending), each group in prompt order. */
export function groupByStep(images: readonly SampleImage[]): StepGroup[] {
  const groups = new Map<string, StepGroup>();
  for (const img of images) {
    const key = whenKey(img);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label: sampleWhen(img), images: [] }));
    g.images.push(img);
  }
  for (const g of groups.values()) g.images.sort((a, b) => a.prompt - b.prompt || a.file.localeCompare(b.file));
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** "Prompt 2: a castle at dusk" (or "Prompt 2" when its text is not known). */
export function promptLabel(index: number, prompts: readonly string[]): string {
  const text = prompts[index];
  return text ? `Prompt ${index + 1}: ${text}` : `Prompt ${index + 1}`;
}

/** The newest session of each version that has samples, in the versions' order of first appearance (newest first). */
export function newestPerVersion(sessions: readonly SamplesSession[]): SamplesSession[] {
  const seen = new Set<string>();
  return sessions.filter((s) => !seen.has(s.versionId) && (seen.add(s.versionId), true));
}

/** Every prompt index any of the sessions sampled, ascending, with the best known text. */
export function promptChoices(sessions: readonly SamplesSession[]): { index: number; label: string }[] {
  const indexes = new Set<number>();
  for (const s of sessions) for (const i of s.images) indexes.add(i.prompt);
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => ({ index, label: promptLabel(index, sessions.find((s) => s.prompts[index])?.prompts ?? []) }));
}

export interface PromptGrid {
  columns: SamplesSession[];
  rows: { key: string; label: string; cells: (SampleImage | null)[] }[];
}

/** One prompt across sessions: a row per position in the run, a column per session. */
export function promptGrid(columns: readonly SamplesSession[], prompt: number): PromptGrid {
  const rows = new Map<string, { key: string; label: string; cells: (SampleImage | null)[] }>();
  columns.forEach((s, col) => {
    for (const img of s.images) {
      if (img.prompt !== prompt) continue;
      const key = whenKey(img);
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { key, label: sampleWhen(img), cells: columns.map(() => null) }));
      // Two images at one position and prompt (a re-run's samples): the later file wins.
      r.cells[col] = img;
    }
  });
  return { columns: [...columns], rows: [...rows.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}

/** The versions compared by default: the newest sampled ones, at most `max`. */
export function defaultVersionIds(sessions: readonly SamplesSession[], max = 4): string[] {
  return newestPerVersion(sessions)
    .slice(0, max)
    .map((s) => s.versionId);
}
