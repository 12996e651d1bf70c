/**
 * The Samples tab's data on the extension side: every session's sample images (the trainer's
 * `sample/` or `samples/` folder in the session's output, and any other sample files the
 * session recorded), read back into step and prompt, and the prompt texts when the session's
 * parameters name a prompt list. No `vscode` import: the webview URI comes from the caller.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Session } from '../../core/model';
import { paths, type WorkspaceStore } from '../../core/store';
import type { SampleImage, SamplesResult } from '../../shared/panel-protocol';
import { isSampleImage, parsePromptLines, parseSampleName } from '../../shared/samples';

const SAMPLE_DIRS = ['sample', 'samples'];
/** A prompt file bigger than this is not a prompt list. */
const MAX_PROMPT_FILE = 1024 * 1024;

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter(isSampleImage).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** The session's sample files: its output folders first, then recorded ones not already there. */
export async function sampleFilesOf(store: WorkspaceStore, s: Session): Promise<string[]> {
  const out = paths.output(store.root, s.styleId, s.id);
  const found = (await Promise.all(SAMPLE_DIRS.map((d) => listDir(join(out, d))))).flat();
  const seen = new Set(found);
  for (const f of s.outputs.samples) {
    if (!isAbsolute(f) || seen.has(f) || !isSampleImage(f)) continue;
    seen.add(f);
    found.push(f);
  }
  return found;
}

/**
 * The prompts a session sampled with: `sample_prompts` as a list of strings (ai-toolkit's
 * `sample.prompts`), or the path of a kohya prompt file (.txt), relative to the workspace folder.
 */
export async function promptsOf(store: WorkspaceStore, s: Session): Promise<string[]> {
  const p = s.parameters.sample_prompts;
  if (Array.isArray(p)) return p.filter((x): x is string => typeof x === 'string');
  if (typeof p !== 'string' || !/\.txt$/i.test(p)) return [];
  const file = isAbsolute(p) ? p : resolve(dirname(store.root), p);
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > MAX_PROMPT_FILE) return [];
    return parsePromptLines(await fs.readFile(file, 'utf8'));
  } catch {
    return [];
  }
}

/** Every session of the style with samples, newest first. `toUri` answers null for a file the panel may not show. */
export async function samplesOf(store: WorkspaceStore, styleId: string, toUri: (file: string) => string | null): Promise<SamplesResult> {
  const sessions: SamplesResult['sessions'] = [];
  for (const s of store.listSessions({ styleId })) {
    const files = await sampleFilesOf(store, s);
    if (!files.length) continue;
    const images: SampleImage[] = files.map((f) => ({ file: basename(f), uri: toUri(f), ...parseSampleName(basename(f)) }));
    sessions.push({
      id: s.id,
      versionId: s.versionId,
      versionName: store.getVersion(styleId, s.versionId)?.name ?? s.versionId,
      status: s.status,
      createdAt: s.createdAt,
      prompts: await promptsOf(store, s),
      images,
    });
  }
  return { sessions };
}

/** The full path of one of a session's samples, by its file name; undefined when it has no such sample. */
export async function sampleFile(store: WorkspaceStore, s: Session, file: string): Promise<string | undefined> {
  return (await sampleFilesOf(store, s)).find((f) => basename(f) === file);
}
