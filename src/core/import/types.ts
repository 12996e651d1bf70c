import type { Attempt, Backend, Checkpoint, FileProblem, Parameters, Progress, Session, SessionStatus, VersionStatus } from '../model';

/**
 * What the readers produce: an import *plan*, plain data that says which styles, versions and
 * sessions another tool's files describe. Nothing here touches a workspace; the store turns a
 * plan into files (and decides ids), so a plan can be shown to the user first (`--dry-run`).
 */

/** One entry of the folder holding the file being read. */
export interface FolderEntry {
  name: string;
  isDirectory: boolean;
}

export interface ReadOptions {
  /** The style to import into (`trainlab import --style`); needed where the file does not say. */
  styleId?: string;
  /**
   * What sits beside the file, when the caller looked (readImportPath does). Readers use it to
   * find checkpoints (`*-state/`) and final models without touching the disk themselves.
   */
  siblings?: readonly FolderEntry[];
  /** Text of small companion files beside the file (`train.sh`, `train.bat`, `dataset.toml`), by name. */
  companions?: Readonly<Record<string, string>>;
  /** The file's modification time (ISO 8601): the date of last resort for formats that carry none. */
  modifiedAt?: string;
  /** A RunPod endpoint: seed-style versions (whose ids are RunPod job ids) then get a pollable `runpod` backend. */
  runpodEndpointId?: string;
}

export interface ImportedStyle {
  id: string;
  name: string;
  triggerToken: string;
  trainer: string;
  defaults: Parameters;
  description: string;
  createdAt: string;
}

export interface ImportedVersion {
  styleId: string;
  /** Stable key: the same source entry gives the same key, so importing twice makes no duplicate. */
  sourceKey: string;
  /** A valid id made from the name; unique within the plan's style. The store may still rename it. */
  suggestedId: string;
  name: string;
  createdAt: string;
  /** Values the trainer takes, under the trainer's own argument names. */
  parameters: Parameters;
  datasetId: string | null;
  imageCount: number | null;
  description: string;
  notes: string;
  tags: string[];
  status: VersionStatus;
  modelUrl: string | null;
  completedAt: string | null;
  /** The file it came from, relative to the import root, `/`-separated. */
  source: string;
  /** Fields of the source we could not map (or mapped under another name): kept, never dropped. */
  imported: Record<string, unknown>;
}

export type SessionDataset = NonNullable<Session['dataset']>;

export interface ImportedSession {
  styleId: string;
  versionSourceKey: string;
  sourceKey: string;
  createdAt: string;
  status: SessionStatus;
  trainer: string;
  parameters: Parameters;
  backend: Backend;
  dataset: SessionDataset | null;
  attempts: Attempt[];
  progress: Progress | null;
  checkpoints: Checkpoint[];
  outputs: Session['outputs'];
  metricsSummary: Session['metricsSummary'];
  error: Session['error'];
  /** The file it came from, relative to the import root, `/`-separated. */
  source: string;
  imported: Record<string, unknown>;
}

/** Something worth telling the user that is not a failure (e.g. "style taken from the folder name"). */
export interface ImportNote {
  path: string;
  message: string;
}

export interface ImportPlan {
  /** The reader that made it (`fluxgym`, `kohya`, …); a merged plan lists them comma-separated. */
  tool: string;
  styles: ImportedStyle[];
  versions: ImportedVersion[];
  sessions: ImportedSession[];
  /** Files or entries that could not be used, each with a one-sentence reason. */
  problems: FileProblem[];
  notes: ImportNote[];
  /**
   * The folder that `source`, checkpoint and output paths are relative to (absolute), set by
   * readImportPath; the applier resolves those paths against it. Readers leave it unset.
   */
  root?: string;
}

export interface ImportReader {
  tool: string;
  /** Cheap and total: true when this reader is the one for the file (by name, place or content). */
  detect(path: string, text: string): boolean;
  /** Never throws: whatever is wrong with the file ends up in `problems`. */
  read(path: string, text: string, options?: ReadOptions): ImportPlan;
}
