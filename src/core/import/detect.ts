import { aiToolkitReader } from './ai-toolkit';
import { fluxgymScriptReader } from './fluxgym-script';
import { fluxgymStateReader } from './fluxgym-state';
import { kohyaJsonReader, kohyaTomlReader } from './kohya-config';
import { llmtoolReader } from './llmtool';
import { oneTrainerReader } from './onetrainer';
import { parseJson } from './parse-text';
import { failedPlan, sourcePath } from './plan';
import { trainingVersionsReader } from './training-versions';
import type { ImportPlan, ImportReader, ReadOptions } from './types';

/**
 * Every reader, most specific first: a file is read by the first whose detect() says yes.
 * (LLMTool and seed files have unmistakable sections; kohya's flat GUI form is recognised by a
 * handful of common field names, so it comes after the formats that could share some.)
 */
export const READERS: readonly ImportReader[] = [
  llmtoolReader,
  trainingVersionsReader,
  fluxgymStateReader,
  aiToolkitReader,
  oneTrainerReader,
  kohyaTomlReader,
  kohyaJsonReader,
  fluxgymScriptReader,
];

/** The reader for a file, or undefined. Never throws. */
export function detectReader(path: string, text: string): ImportReader | undefined {
  for (const r of READERS) {
    try {
      if (r.detect(path, text)) return r;
    } catch {
      // A detector that trips on odd input simply does not claim the file.
    }
  }
  return undefined;
}

/**
 * Chooses the reader for a file and reads it. Never throws: an empty, unreadable, unknown or
 * malformed file comes back as a plan with one problem (a one-sentence reason).
 */
export function detectAndRead(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  if (typeof text !== 'string' || text.trim() === '') return failedPlan('unknown', { path: source, message: 'the file is empty' });
  const reader = detectReader(path, text);
  if (!reader) {
    // Say why in the most useful way: broken JSON is worth a line number.
    if (/\.json$/i.test(path)) {
      const parsed = parseJson(source, text);
      if (!parsed.ok) return failedPlan('unknown', parsed.problem);
    }
    return failedPlan('unknown', { path: source, message: 'not a file Trainlab can import (FluxGym, kohya_ss, ai-toolkit, OneTrainer, LLMTool or training_versions.json)' });
  }
  try {
    return reader.read(path, text, options);
  } catch (e) {
    // A reader bug must not abort a whole folder import; report it against the file.
    const why = e instanceof Error ? e.message : String(e);
    return failedPlan(reader.tool, { path: source, message: `could not be read as ${reader.tool}: ${why}` });
  }
}
