import { promises as fsp, readdirSync, type Dirent } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isValidId, ID_RULE, newSessionId } from '../model/ids';
import { parseFileText, type FileProblem } from '../model/parse';
import {
  SCHEMA_VERSION,
  sessionSchema,
  styleSchema,
  versionSchema,
  versionsFileSchema,
  type FileKind,
  type RunnerRecord,
  type Session,
  type Style,
  type TrainerProfileFile,
  type Version,
  type VersionsFile,
} from '../model/schemas';
import { assertTransition, isActive, type SessionStatus } from '../model/status';
import { countDatasetFiles, datasetUrlOf, datasetUrlProblem, mergeDatasets, type Dataset, type DatasetFolder, type LocalDataset } from './datasets';
import { Emitter, type Disposable, type StoreEvent } from './events';
import { readWorkspaceFile, readWorkspaceFileSync, symlinkStaysInside, withFileLock, writeJsonAtomic, type ReadOutcome } from './fileio';
import { classify, paths, type PathInfo } from './layout';

/** A file the store could not use: where it is, and one sentence on why. */
export interface StoreProblem extends FileProblem {
  /** Path relative to the folder that holds `trainlab/` (what a person recognises). */
  displayPath: string;
  kind: FileKind | 'folder';
  styleId?: string;
  sessionId?: string;
}

export interface StyleEntry {
  style: Style;
  path: string;
  versions: Version[];
  /** Present when versions.json exists but cannot be used; the versions list is then empty. */
  versionsProblem?: StoreProblem;
}

export interface SessionEntry {
  session: Session;
  path: string;
  dir: string;
  runner?: RunnerRecord;
}

export interface SessionFilter {
  styleId?: string;
  versionId?: string;
  status?: readonly SessionStatus[];
  limit?: number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StoreOptions {
  logger?: Logger;
  now?: () => Date;
  /** After how long a lock left by a crashed process is taken over (at least 2 s). */
  lockStaleMs?: number;
}

export class StoreError extends Error {
  constructor(message: string, readonly path?: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Validates what a caller asked to write; a bad field becomes a StoreError naming it. */
function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new StoreError(`${what}: ${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}; nothing was written.`);
}

type Parsed<K extends FileKind> = ReturnType<typeof parseFileText<K>>;

const byNewest = <T extends { createdAt: string; id: string }>(a: T, b: T) =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;

/** Length and two FNV-1a hashes of a text: cheap, and a false "same" is out of reach in practice. */
function textDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  return `${text.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

/** A full load reads synchronously in slices of this many items, yielding in between. */
const LOAD_SLICE = 250;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs fn over items in slices, letting timers and I/O callbacks run between slices. */
async function inSlices<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += LOAD_SLICE) {
    for (const item of items.slice(i, i + LOAD_SLICE)) await fn(item);
    await yieldToEventLoop();
  }
}

/**
 * The workspace store: the in-memory index of everything under `trainlab/`, kept in step with
 * the files (which are the truth), and the only code that writes `style.json`,
 * `versions.json` and `session.json`.
 *
 * Reads never write. A file that cannot be used becomes a problem entry and is never
 * overwritten; every write that would replace such a file fails with a StoreError instead.
 */
export class WorkspaceStore {
  readonly root: string;
  /** The folder holding `trainlab/`: problems are shown relative to it. */
  readonly base: string;
  private realRoot: string;
  private readonly log: Logger | undefined;
  private readonly now: () => Date;
  private readonly lockStaleMs: number;

  private styles = new Map<string, StyleEntry>();
  private sessions = new Map<string, SessionEntry>();
  private sessionsByStyle = new Map<string, Set<string>>();
  private active = new Set<string>();
  private datasets = new Map<string, Map<string, DatasetFolder>>();
  private trainers = new Map<string, TrainerProfileFile>();
  private problemsByPath = new Map<string, StoreProblem>();
  /**
   * A digest of the text last read or written per file; a watcher event with the same text is
   * no change. A digest, not the text: holding every file's text would double the memory.
   */
  private texts = new Map<string, string>();

  private readonly emitter = new Emitter<StoreEvent[]>();
  private loaded = false;
  /** True during a full load: file reads go through the (faster) synchronous path. */
  private syncReads = false;

  constructor(root: string, options: StoreOptions = {}) {
    this.root = root;
    this.realRoot = root;
    this.base = dirname(root);
    this.log = options.logger;
    this.now = options.now ?? (() => new Date());
    this.lockStaleMs = options.lockStaleMs ?? 10_000;
  }

  private locked<T>(path: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(path, fn, this.lockStaleMs);
  }

  // ---------------------------------------------------------------- events

  /** Batches of fine-grained changes, after the index has been updated. */
  onDidChange(listener: (events: StoreEvent[]) => void): Disposable {
    return this.emitter.on(listener);
  }

  private fire(events: StoreEvent[]): void {
    if (events.length) this.emitter.fire(events);
  }

  dispose(): void {
    this.emitter.clear();
  }

  // ---------------------------------------------------------------- reads

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Styles, newest first. */
  listStyles(): Style[] {
    return [...this.styles.values()].map((e) => e.style).sort(byNewest);
  }

  getStyle(styleId: string): StyleEntry | undefined {
    return this.styles.get(styleId);
  }

  /** Versions of a style, newest first. */
  listVersions(styleId: string): Version[] {
    return [...(this.styles.get(styleId)?.versions ?? [])].sort(byNewest);
  }

  getVersion(styleId: string, versionId: string): Version | undefined {
    return this.styles.get(styleId)?.versions.find((v) => v.id === versionId);
  }

  getSession(sessionId: string): SessionEntry | undefined {
    return this.sessions.get(sessionId);
  }

  /** Sessions, newest first, filtered. */
  listSessions(filter: SessionFilter = {}): Session[] {
    const ids = filter.styleId ? [...(this.sessionsByStyle.get(filter.styleId) ?? [])] : [...this.sessions.keys()];
    let list = ids.map((id) => this.sessions.get(id)!.session);
    if (filter.versionId) list = list.filter((s) => s.versionId === filter.versionId);
    if (filter.status?.length) list = list.filter((s) => filter.status!.includes(s.status));
    list.sort(byNewest);
    return filter.limit !== undefined ? list.slice(0, filter.limit) : list;
  }

  /** Sessions that are pending or running, newest first. */
  activeSessions(): Session[] {
    return [...this.active].map((id) => this.sessions.get(id)!.session).sort(byNewest);
  }

  /** The newest session of a version, if any. */
  newestSession(styleId: string, versionId: string): Session | undefined {
    return this.listSessions({ styleId, versionId, limit: 1 })[0];
  }

  /**
   * A style's datasets by id: its folders under `datasets/` (each with its URL, if set), and the
   * datasets style.json gives a URL but no folder holds (`remoteOnly`, for RunPod).
   */
  listDatasets(styleId: string): Dataset[] {
    return mergeDatasets(styleId, this.datasets.get(styleId)?.values() ?? [], this.styles.get(styleId)?.style);
  }

  /**
   * The dataset's folder (with its URL, if set); undefined for a dataset that exists only at a
   * URL, since local training and resuming need the folder. See findDataset for either kind.
   */
  getDataset(styleId: string, datasetId: string): LocalDataset | undefined {
    const folder = this.datasets.get(styleId)?.get(datasetId);
    return folder ? { ...folder, url: datasetUrlOf(this.styles.get(styleId)?.style, datasetId), remoteOnly: false } : undefined;
  }

  /** A dataset with a folder, or one that exists only at its URL. */
  findDataset(styleId: string, datasetId: string): Dataset | undefined {
    const local = this.getDataset(styleId, datasetId);
    if (local) return local;
    const url = datasetUrlOf(this.styles.get(styleId)?.style, datasetId);
    return url ? { id: datasetId, styleId, path: null, imageCount: null, captionCount: null, url, remoteOnly: true } : undefined;
  }

  listTrainerProfiles(): TrainerProfileFile[] {
    return [...this.trainers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every file that could not be used, sorted by path. */
  problems(): StoreProblem[] {
    return [...this.problemsByPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  // ---------------------------------------------------------------- loading

  private readFile(path: string): ReadOutcome | Promise<ReadOutcome> {
    return this.syncReads ? readWorkspaceFileSync(this.root, path, this.realRoot) : readWorkspaceFile(this.root, path, this.realRoot);
  }

  private async readDirents(dir: string): Promise<Dirent[]> {
    try {
      return this.syncReads ? readdirSync(dir, { withFileTypes: true }) : await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  }

  /** Whether a `trainlab/` root exists at this path. */
  async exists(): Promise<boolean> {
    try {
      return (await fsp.stat(this.root)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Creates the root folders (idempotent). */
  async init(): Promise<void> {
    await fsp.mkdir(paths.stylesDir(this.root), { recursive: true });
    await fsp.mkdir(paths.trainersDir(this.root), { recursive: true });
    await this.resolveRealRoot();
  }

  private async resolveRealRoot(): Promise<void> {
    try {
      this.realRoot = await fsp.realpath(this.root);
    } catch {
      this.realRoot = this.root;
    }
  }

  /** Reads the whole workspace and replaces the index. Emits nothing; call once at start. */
  async load(): Promise<void> {
    await this.resolveRealRoot();
    this.styles.clear();
    this.sessions.clear();
    this.sessionsByStyle.clear();
    this.active.clear();
    this.datasets.clear();
    this.trainers.clear();
    this.problemsByPath.clear();
    this.texts.clear();
    this.syncReads = true;
    try {
      const styleDirs = await this.readDirents(paths.stylesDir(this.root));
      const sessionJobs: { styleId: string; sessionId: string }[] = [];
      await inSlices(styleDirs, async (d) => {
        if (!(await this.acceptDir(d, paths.stylesDir(this.root), 'style'))) return;
        const styleId = d.name;
        await this.reloadStyle(styleId);
        await this.reloadVersions(styleId);
        await this.reloadDatasets(styleId);
        for (const s of await this.readDirents(paths.sessionsDir(this.root, styleId))) {
          if (await this.acceptDir(s, paths.sessionsDir(this.root, styleId), 'session', styleId)) sessionJobs.push({ styleId, sessionId: s.name });
        }
      });
      await inSlices(sessionJobs, async ({ styleId, sessionId }) => {
        await this.reloadSession(styleId, sessionId);
      });
      for (const t of await this.readDirents(paths.trainersDir(this.root))) {
        if (t.name.endsWith('.json') && !t.isDirectory()) await this.reloadTrainer(t.name.slice(0, -5));
      }
    } finally {
      this.syncReads = false;
    }
    this.loaded = true;
  }

  /** A folder that names a style or session: valid id, and not a symlink leading out. */
  private async acceptDir(d: Dirent, parent: string, what: 'style' | 'session', styleId?: string): Promise<boolean> {
    const path = join(parent, d.name);
    if (d.name.startsWith('.')) return false;
    if (!d.isDirectory() && !d.isSymbolicLink()) return false;
    if (d.isSymbolicLink() && !(await symlinkStaysInside(path, this.realRoot))) {
      this.setProblem(path, { path, message: `the ${what} folder is a symbolic link that points outside the trainlab folder; it is not read` }, 'folder', styleId);
      return false;
    }
    if (!isValidId(d.name)) {
      this.setProblem(path, { path, message: `the ${what} folder name "${d.name}" is not a valid id (${ID_RULE})` }, 'folder', styleId);
      return false;
    }
    return true;
  }

  /**
   * Applies changes to the given paths (from the watcher, or a test): each path reloads only
   * what it names. Returns, and emits, the resulting events.
   */
  async refreshPaths(absPaths: Iterable<string>): Promise<StoreEvent[]> {
    const todo = new Map<string, PathInfo>();
    for (const p of absPaths) {
      const info = classify(this.root, p);
      if (info) todo.set(JSON.stringify(info), info);
    }
    const events: StoreEvent[] = [];
    const problemsBefore = this.problemsSignature();
    for (const info of todo.values()) events.push(...(await this.refreshOne(info)));
    if (this.problemsSignature() !== problemsBefore) events.push({ type: 'problems' });
    this.fire(events);
    return events;
  }

  private async refreshOne(info: PathInfo): Promise<StoreEvent[]> {
    switch (info.what) {
      case 'stylesDir':
        return this.reloadAllStyles();
      case 'styleDir':
      case 'style': {
        const events = await this.reloadStyle(info.styleId);
        const appeared = events.some((e) => e.type === 'style' && e.change === 'added');
        if (appeared) this.texts.delete(paths.versions(this.root, info.styleId)); // its versions were dropped with it
        if (info.what === 'styleDir' || appeared || !this.styles.has(info.styleId)) {
          // A whole style appeared or went: its versions, datasets and sessions too.
          events.push(...(await this.reloadVersions(info.styleId)), ...(await this.reloadDatasets(info.styleId)), ...(await this.reloadSessionsOf(info.styleId)));
        }
        return events;
      }
      case 'versions':
        return this.reloadVersions(info.styleId);
      case 'datasetsDir':
        return this.reloadDatasets(info.styleId);
      case 'dataset':
        return this.reloadDataset(info.styleId, info.datasetId);
      case 'sessionsDir':
        return this.reloadSessionsOf(info.styleId);
      case 'sessionDir':
      case 'session':
        return this.reloadSession(info.styleId, info.sessionId);
      case 'runner':
        return this.reloadRunner(info.styleId, info.sessionId);
      case 'trainersDir': {
        const events: StoreEvent[] = [];
        const names = new Set((await this.readDirents(paths.trainersDir(this.root))).filter((d) => d.name.endsWith('.json')).map((d) => d.name.slice(0, -5)));
        for (const n of new Set([...names, ...this.trainers.keys()])) events.push(...(await this.reloadTrainer(n)));
        return events;
      }
      case 'trainer':
        return this.reloadTrainer(info.name);
    }
  }

  private async reloadAllStyles(): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    const onDisk = new Set<string>();
    for (const d of await this.readDirents(paths.stylesDir(this.root))) {
      if (await this.acceptDir(d, paths.stylesDir(this.root), 'style')) onDisk.add(d.name);
    }
    for (const id of new Set([...onDisk, ...this.styles.keys()])) events.push(...(await this.refreshOne({ what: 'styleDir', styleId: id })));
    return events;
  }

  private async reloadSessionsOf(styleId: string): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    const known = new Set(this.sessionsByStyle.get(styleId) ?? []);
    const dir = paths.sessionsDir(this.root, styleId);
    for (const d of await this.readDirents(dir)) {
      if (await this.acceptDir(d, dir, 'session', styleId)) known.add(d.name);
    }
    for (const id of known) events.push(...(await this.reloadSession(styleId, id)));
    return events;
  }

  /** Reads and parses one file; records or clears its problem. */
  private async readParsed<K extends FileKind>(kind: K, path: string, ids: { styleId?: string; sessionId?: string } = {}): Promise<
    { state: 'missing' } | { state: 'problem' } | { state: 'same' } | { state: 'ok'; parsed: Extract<Parsed<K>, { ok: true }>; text: string }
  > {
    const read = await this.readFile(path);
    if (!read.ok) {
      this.texts.delete(path);
      if (read.missing) {
        this.problemsByPath.delete(path);
        return { state: 'missing' };
      }
      this.setProblem(path, { path, message: `${basename(path)} ${read.message}` }, kind, ids.styleId, ids.sessionId);
      return { state: 'problem' };
    }
    // No digest during a cold load (nothing to compare with yet; it would cost a pass over
    // every byte): the first later event of such a file is then simply taken as a change.
    const digest = this.syncReads ? '' : textDigest(read.text);
    if (digest && this.texts.get(path) === digest) return { state: 'same' };
    const parsed = parseFileText(kind, path, read.text);
    if (!parsed.ok) {
      this.texts.set(path, digest);
      this.setProblem(path, parsed.problem, kind, ids.styleId, ids.sessionId);
      return { state: 'problem' };
    }
    this.texts.set(path, digest);
    this.problemsByPath.delete(path);
    return { state: 'ok', parsed: parsed as Extract<Parsed<K>, { ok: true }>, text: read.text };
  }

  private setProblem(path: string, problem: FileProblem, kind: StoreProblem['kind'], styleId?: string, sessionId?: string): void {
    const entry: StoreProblem = { ...problem, displayPath: relative(this.base, path), kind };
    if (styleId) entry.styleId = styleId;
    if (sessionId) entry.sessionId = sessionId;
    this.problemsByPath.set(path, entry);
    this.log?.warn(`${entry.displayPath}${entry.line ? `:${entry.line}:${entry.column}` : ''}: ${entry.message}`);
  }

  private problemsSignature(): string {
    let sig = '';
    for (const [p, v] of this.problemsByPath) sig += `${p}\u0000${v.message}\u0000${v.line}\u0001`;
    return sig;
  }

  private async reloadStyle(styleId: string): Promise<StoreEvent[]> {
    const path = paths.style(this.root, styleId);
    const had = this.styles.get(styleId);
    if (!isValidId(styleId)) return [];
    const r = await this.readParsed('style', path, { styleId });
    if (r.state === 'same') return [];
    if (r.state === 'ok') {
      if (r.parsed.value.id !== styleId) {
        this.setProblem(path, { path, line: 1, column: 1, message: `id "${r.parsed.value.id}" does not match its folder name "${styleId}"` }, 'style', styleId);
      } else {
        this.styles.set(styleId, { style: r.parsed.value, path, versions: had?.versions ?? [], ...(had?.versionsProblem ? { versionsProblem: had.versionsProblem } : {}) });
        return [{ type: 'style', change: had ? 'changed' : 'added', styleId }, ...(had ? this.datasetUrlEvents(had.style, r.parsed.value) : [])];
      }
    }
    if (r.state === 'missing') {
      const dirExists = await fsp.stat(paths.styleDir(this.root, styleId)).then((s) => s.isDirectory(), () => false);
      if (dirExists) this.setProblem(path, { path, message: 'this style folder has no style.json, so the style is not shown' }, 'style', styleId);
    }
    if (!had) return [];
    this.styles.delete(styleId);
    return [{ type: 'style', change: 'removed', styleId }];
  }

  /** A dataset whose URL changed (or that appeared or went with it) is a changed dataset row. */
  private datasetUrlEvents(before: Style, after: Style): StoreEvent[] {
    const ids = new Set([...Object.keys(before.datasets ?? {}), ...Object.keys(after.datasets ?? {})]);
    return [...ids].filter((id) => datasetUrlOf(before, id) !== datasetUrlOf(after, id)).sort().map((datasetId) => ({ type: 'dataset', styleId: after.id, datasetId }));
  }

  private async reloadVersions(styleId: string): Promise<StoreEvent[]> {
    const entry = this.styles.get(styleId);
    const path = paths.versions(this.root, styleId);
    const r = await this.readParsed('versions', path, { styleId });
    if (r.state === 'same') return [];
    if (!entry) return [];
    if (r.state === 'ok') {
      entry.versions = r.parsed.value.versions;
      delete entry.versionsProblem;
    } else if (r.state === 'missing') {
      entry.versions = [];
      delete entry.versionsProblem;
    } else {
      entry.versions = [];
      const problem = this.problemsByPath.get(path);
      if (problem) entry.versionsProblem = problem;
    }
    return [{ type: 'versions', styleId }];
  }

  private async reloadDatasets(styleId: string): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    const known = new Set(this.datasets.get(styleId)?.keys() ?? []);
    for (const d of await this.readDirents(paths.datasetsDir(this.root, styleId))) {
      if ((d.isDirectory() || d.isSymbolicLink()) && isValidId(d.name)) known.add(d.name);
    }
    for (const id of known) events.push(...(await this.reloadDataset(styleId, id)));
    return events;
  }

  private async reloadDataset(styleId: string, datasetId: string): Promise<StoreEvent[]> {
    if (!isValidId(datasetId)) return [];
    const dir = paths.dataset(this.root, styleId, datasetId);
    let map = this.datasets.get(styleId);
    const had = map?.get(datasetId);
    const counts = await countDatasetFiles(dir, this.realRoot);
    if (!counts) {
      if (!had) return [];
      map!.delete(datasetId);
      return [{ type: 'dataset', styleId, datasetId }];
    }
    if (had && had.imageCount === counts.imageCount && had.captionCount === counts.captionCount) return [];
    if (!map) this.datasets.set(styleId, (map = new Map()));
    map.set(datasetId, { id: datasetId, styleId, path: dir, ...counts });
    return [{ type: 'dataset', styleId, datasetId }];
  }

  private async reloadSession(styleId: string, sessionId: string): Promise<StoreEvent[]> {
    if (!isValidId(sessionId)) return [];
    const path = paths.session(this.root, styleId, sessionId);
    const had = this.sessions.get(sessionId);
    // Another style's session with this id is not ours to replace.
    if (had && had.session.styleId !== styleId && had.path !== path) {
      const r = await this.readFile(path);
      if (r.ok) this.setProblem(path, { path, message: `session id "${sessionId}" is already used by style "${had.session.styleId}"` }, 'session', styleId, sessionId);
      return [];
    }
    const r = await this.readParsed('session', path, { styleId, sessionId });
    if (r.state === 'same') return [];
    if (r.state === 'ok') {
      const s = r.parsed.value;
      if (s.id !== sessionId || s.styleId !== styleId) {
        const what = s.id !== sessionId ? `id "${s.id}" does not match its folder name "${sessionId}"` : `styleId "${s.styleId}" does not match the style folder "${styleId}" it is in`;
        this.setProblem(path, { path, line: 1, column: 1, message: what }, 'session', styleId, sessionId);
      } else {
        this.indexSession({ session: s, path, dir: dirname(path), ...(had?.runner ? { runner: had.runner } : {}) });
        // The runner record matters for runs that may still be going; a finished session's is
        // read on demand (reading thousands of absent runner.json files would double a load).
        if (!had && isActive(s.status)) await this.reloadRunner(styleId, sessionId, false);
        return [{ type: 'session', change: had ? 'changed' : 'added', styleId, sessionId }];
      }
    }
    if (!had) return [];
    this.unindexSession(sessionId);
    return [{ type: 'session', change: 'removed', styleId, sessionId }];
  }

  private async reloadRunner(styleId: string, sessionId: string, emit = true): Promise<StoreEvent[]> {
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.session.styleId !== styleId) return [];
    const path = paths.runner(this.root, styleId, sessionId);
    const r = await this.readParsed('runner', path, { styleId, sessionId });
    if (r.state === 'same') return [];
    if (r.state === 'ok') entry.runner = r.parsed.value;
    else delete entry.runner;
    return emit ? [{ type: 'runner', styleId, sessionId }] : [];
  }

  private async reloadTrainer(name: string): Promise<StoreEvent[]> {
    const path = paths.trainer(this.root, name);
    const had = this.trainers.has(name);
    if (!isValidId(name)) {
      this.setProblem(path, { path, message: `the trainer file name "${name}" is not a valid id (${ID_RULE})` }, 'trainer');
      return [];
    }
    const r = await this.readParsed('trainer', path);
    if (r.state === 'same') return [];
    if (r.state === 'ok') {
      if (r.parsed.value.name !== name) {
        this.setProblem(path, { path, line: 1, column: 1, message: `name "${r.parsed.value.name}" does not match the file name "${name}.json"` }, 'trainer');
      } else {
        this.trainers.set(name, r.parsed.value);
        return [{ type: 'trainer', name }];
      }
    }
    if (!had) return [];
    this.trainers.delete(name);
    return [{ type: 'trainer', name }];
  }

  private indexSession(entry: SessionEntry): void {
    const { id, styleId, status } = entry.session;
    this.sessions.set(id, entry);
    let set = this.sessionsByStyle.get(styleId);
    if (!set) this.sessionsByStyle.set(styleId, (set = new Set()));
    set.add(id);
    if (isActive(status)) this.active.add(id);
    else this.active.delete(id);
  }

  private unindexSession(sessionId: string): void {
    const had = this.sessions.get(sessionId);
    if (!had) return;
    this.sessions.delete(sessionId);
    this.sessionsByStyle.get(had.session.styleId)?.delete(sessionId);
    this.active.delete(sessionId);
  }

  // ---------------------------------------------------------------- writes

  /** Writes a file and takes the written text into the index at once (no wait for the watcher). */
  private async writeAndIndex(path: string, value: unknown): Promise<void> {
    const text = await writeJsonAtomic(path, value);
    this.texts.delete(path);
    const info = classify(this.root, path);
    if (info) await this.refreshPaths([path]);
    else this.texts.set(path, textDigest(text));
  }

  /** Reads a file for a read-modify-write; a file that exists but is unusable stops the write. */
  private async readForUpdate<K extends FileKind>(kind: K, path: string): Promise<Extract<Parsed<K>, { ok: true }>['value'] | undefined> {
    const read = await readWorkspaceFile(this.root, path, this.realRoot);
    if (!read.ok) {
      if (read.missing) return undefined;
      throw new StoreError(`${relative(this.base, path)} ${read.message}; nothing was written.`, path);
    }
    const parsed = parseFileText(kind, path, read.text);
    if (!parsed.ok) {
      const p = parsed.problem;
      throw new StoreError(`${relative(this.base, path)}${p.line ? `:${p.line}:${p.column}` : ''} cannot be used (${p.message}); fix it first, nothing was written.`, path);
    }
    // A file that parses but is not the thing its folder says (an id that does not match)
    // is reported as a problem on read; it must not be rewritten either.
    const value = parsed.value as { id?: string; styleId?: string };
    const info = classify(this.root, path);
    const mismatch =
      info?.what === 'style' ? (value.id !== info.styleId ? `its id "${value.id}" does not match its folder "${info.styleId}"` : undefined)
      : info?.what === 'session' ? (value.id !== info.sessionId || value.styleId !== info.styleId ? `its id or styleId does not match the folders it is in` : undefined)
      : undefined;
    if (mismatch) throw new StoreError(`${relative(this.base, path)} cannot be used (${mismatch}); fix it first, nothing was written.`, path);
    return parsed.value;
  }

  /** Creates a style. Refuses an existing id, an invalid id, or an unusable existing file. */
  async createStyle(input: { id: string; name: string; trainer: string; triggerToken?: string; defaults?: Record<string, unknown>; description?: string; runpod?: { endpointId?: string } }): Promise<Style> {
    if (!isValidId(input.id)) throw new StoreError(`"${input.id}" is not a valid style id: ${ID_RULE}.`);
    const path = paths.style(this.root, input.id);
    return this.locked(path, async () => {
      const read = await readWorkspaceFile(this.root, path, this.realRoot);
      if (read.ok || !read.missing) throw new StoreError(`A style "${input.id}" already exists (${relative(this.base, path)}).`, path);
      const style = checked(styleSchema, {
        schemaVersion: SCHEMA_VERSION,
        id: input.id,
        name: input.name,
        triggerToken: input.triggerToken ?? '',
        trainer: input.trainer,
        defaults: input.defaults ?? {},
        description: input.description ?? '',
        createdAt: this.now().toISOString(),
        ...(input.runpod ? { runpod: input.runpod } : {}),
      }, `Style "${input.id}" is not valid`);
      await fsp.mkdir(paths.datasetsDir(this.root, input.id), { recursive: true });
      await fsp.mkdir(paths.sessionsDir(this.root, input.id), { recursive: true });
      await this.writeAndIndex(path, style);
      return style;
    });
  }

  /** Read-modify-write of style.json under its lock. `id` and `createdAt` cannot change. */
  async updateStyle(styleId: string, mutate: (style: Style) => void): Promise<Style> {
    const path = paths.style(this.root, styleId);
    return this.locked(path, async () => {
      const current = await this.readForUpdate('style', path);
      if (!current) throw new StoreError(`No style "${styleId}".`, path);
      const draft = structuredClone(current);
      mutate(draft);
      const next = checked(styleSchema, { ...draft, id: current.id, createdAt: current.createdAt }, `The change to style "${styleId}" is not valid`);
      await this.writeAndIndex(path, next);
      return next;
    });
  }

  /**
   * Sets (or, with null, clears) the URL remote workers download a dataset from: style.json
   * `datasets.<id>.url`, through updateStyle's locked read-modify-write. The dataset need not
   * have a folder (one that lives only in S3 is a remote dataset). Other fields of the entry are
   * kept; an entry left empty by a clear is removed. A bad id or URL writes nothing.
   */
  async setDatasetUrl(styleId: string, datasetId: string, url: string | null): Promise<Style> {
    if (!isValidId(datasetId)) throw new StoreError(`"${datasetId}" is not a valid dataset id: ${ID_RULE}; nothing was written.`);
    const problem = url === null ? undefined : datasetUrlProblem(url);
    if (problem) throw new StoreError(`The URL of dataset "${datasetId}" of "${styleId}" is not valid: datasets.${datasetId}.url: ${problem}; nothing was written.`);
    return this.updateStyle(styleId, (style) => {
      const datasets = style.datasets ?? {};
      const entry = Object.hasOwn(datasets, datasetId) ? datasets[datasetId]! : {};
      if (url !== null) {
        entry.url = url;
        datasets[datasetId] = entry;
        style.datasets = datasets;
        return;
      }
      delete entry.url;
      if (Object.keys(entry).length) datasets[datasetId] = entry;
      else delete datasets[datasetId];
      if (Object.keys(datasets).length) style.datasets = datasets;
      else delete style.datasets;
    });
  }

  /**
   * The one read-modify-write of versions.json: under its lock, from the file on disk (not the
   * index, which may lag behind another process), so concurrent writers never lose an update.
   */
  async updateVersionsFile<T>(styleId: string, mutate: (file: VersionsFile) => T): Promise<T> {
    if (!this.styles.has(styleId)) {
      // The index may not have seen a style another process just made: check the disk.
      await this.refreshPaths([paths.style(this.root, styleId)]);
      if (!this.styles.has(styleId)) throw new StoreError(`No style "${styleId}" (${relative(this.base, paths.style(this.root, styleId))} is missing or broken).`);
    }
    const path = paths.versions(this.root, styleId);
    return this.locked(path, async () => {
      const current = (await this.readForUpdate('versions', path)) ?? versionsFileSchema.parse({ schemaVersion: SCHEMA_VERSION, versions: [] });
      const draft = structuredClone(current);
      const result = mutate(draft);
      const checked = versionsFileSchema.safeParse(draft);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new StoreError(`The change to the versions of "${styleId}" is not valid (${issue.path.join('.')}: ${issue.message}); nothing was written.`, path);
      }
      await this.writeAndIndex(path, checked.data);
      return result;
    });
  }

  /** The next free `V<n>` of a style. */
  static nextVersionName(versions: readonly Version[]): string {
    let max = 0;
    for (const v of versions) {
      const m = /^V(\d+)$/.exec(v.id);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return `V${max + 1}`;
  }

  /** Adds a version (id and name default to the next `V<n>`). */
  async addVersion(
    styleId: string,
    input: { id?: string; name?: string; createdAt?: string; parameters?: Record<string, unknown>; datasetId?: string | null; imageCount?: number | null; description?: string; notes?: string; tags?: string[]; extra?: Record<string, unknown> },
  ): Promise<Version> {
    if (input.id !== undefined && !isValidId(input.id)) throw new StoreError(`"${input.id}" is not a valid version id: ${ID_RULE}.`);
    return this.updateVersionsFile(styleId, (file) => {
      const id = input.id ?? WorkspaceStore.nextVersionName(file.versions);
      if (file.versions.some((v) => v.id === id)) throw new StoreError(`Style "${styleId}" already has a version "${id}".`);
      const version = checked(versionSchema, {
        ...(input.extra ?? {}),
        id,
        name: input.name ?? id,
        createdAt: input.createdAt ?? this.now().toISOString(),
        parameters: input.parameters ?? {},
        datasetId: input.datasetId ?? null,
        imageCount: input.imageCount ?? (input.datasetId ? (this.getDataset(styleId, input.datasetId)?.imageCount ?? null) : null),
        description: input.description ?? '',
        notes: input.notes ?? '',
        tags: input.tags ?? [],
        status: 'draft',
      }, `Version "${id}" of "${styleId}" is not valid`);
      file.versions.push(version);
      return version;
    });
  }

  /** Changes one version; its id and createdAt stay. */
  async updateVersion(styleId: string, versionId: string, mutate: (v: Version) => void): Promise<Version> {
    return this.updateVersionsFile(styleId, (file) => {
      const i = file.versions.findIndex((v) => v.id === versionId);
      if (i < 0) throw new StoreError(`Style "${styleId}" has no version "${versionId}".`);
      const current = file.versions[i]!;
      mutate(current);
      current.id = versionId;
      return current;
    });
  }

  /** Removes a version; its sessions' folders stay unless `deleteSessions` is set. */
  async deleteVersion(styleId: string, versionId: string, options: { deleteSessions?: boolean } = {}): Promise<Version> {
    const removed = await this.updateVersionsFile(styleId, (file) => {
      const i = file.versions.findIndex((v) => v.id === versionId);
      if (i < 0) throw new StoreError(`Style "${styleId}" has no version "${versionId}".`);
      return file.versions.splice(i, 1)[0]!;
    });
    if (options.deleteSessions) {
      const ids = new Set([...removed.sessionIds, ...this.listSessions({ styleId, versionId }).map((s) => s.id)]);
      for (const id of ids) {
        if (this.sessions.get(id) && isActive(this.sessions.get(id)!.session.status)) continue; // never pull files from under a live run
        await fsp.rm(paths.sessionDir(this.root, styleId, id), { recursive: true, force: true });
      }
      await this.refreshPaths([paths.sessionsDir(this.root, styleId)]);
    }
    return removed;
  }

  /**
   * Creates a session of a version: writes its session.json, then records it in the version
   * (its `sessionIds` and status) under the versions lock.
   */
  async createSession(input: {
    styleId: string;
    versionId: string;
    backend: Session['backend'];
    status?: SessionStatus;
    id?: string;
    /** Defaults to now; imports keep the original date. */
    createdAt?: string;
    trainer?: string;
    origin?: Session['origin'];
    parameters?: Record<string, unknown>;
    dataset?: Session['dataset'];
    extra?: Partial<Session>;
  }): Promise<Session> {
    const version = this.getVersion(input.styleId, input.versionId);
    if (!version) throw new StoreError(`Style "${input.styleId}" has no version "${input.versionId}".`);
    const id = input.id ?? newSessionId(input.createdAt ? new Date(input.createdAt) : this.now());
    if (!isValidId(id)) throw new StoreError(`"${id}" is not a valid session id: ${ID_RULE}.`);
    const path = paths.session(this.root, input.styleId, id);
    const session = checked(sessionSchema, {
      ...(input.extra ?? {}),
      schemaVersion: SCHEMA_VERSION,
      id,
      styleId: input.styleId,
      versionId: input.versionId,
      createdAt: input.createdAt ?? this.now().toISOString(),
      origin: input.origin ?? { type: 'new' },
      backend: input.backend,
      ...(input.trainer ? { trainer: input.trainer } : {}),
      parameters: input.parameters ?? version.parameters,
      dataset: input.dataset ?? (version.datasetId ? { id: version.datasetId, path: null, imageCount: version.imageCount } : null),
      status: input.status ?? 'pending',
    }, `Session "${id}" is not valid`);
    await this.locked(path, async () => {
      const existing = await readWorkspaceFile(this.root, path, this.realRoot);
      if (existing.ok || !existing.missing) throw new StoreError(`A session "${id}" already exists.`, path);
      await this.writeAndIndex(path, session);
    });
    await this.updateVersion(input.styleId, input.versionId, (v) => {
      if (!v.sessionIds.includes(id)) v.sessionIds.push(id);
      v.status = session.status;
    });
    return session;
  }

  /**
   * Read-modify-write of a session under its lock. A status change is checked against the
   * status machine; the version's status follows its newest session.
   */
  async updateSession(sessionId: string, mutate: (s: Session) => void | Promise<void>): Promise<Session> {
    const entry = this.sessions.get(sessionId);
    if (!entry) throw new StoreError(`No session "${sessionId}".`);
    const { styleId } = entry.session;
    const path = entry.path;
    const next = await this.locked(path, async () => {
      const current = await this.readForUpdate('session', path);
      if (!current) throw new StoreError(`Session "${sessionId}" no longer exists (${relative(this.base, path)}).`, path);
      const draft = structuredClone(current);
      // May be async (e.g. reading the log from the session's offset): it runs under the lock.
      await mutate(draft);
      assertTransition(current.status, draft.status);
      const checked = sessionSchema.safeParse({ ...draft, id: current.id, styleId: current.styleId, versionId: current.versionId, createdAt: current.createdAt });
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new StoreError(`The change to session "${sessionId}" is not valid (${issue.path.join('.')}: ${issue.message}); nothing was written.`, path);
      }
      await this.writeAndIndex(path, checked.data);
      return checked.data;
    });
    const newest = this.newestSession(styleId, next.versionId);
    const version = this.getVersion(styleId, next.versionId);
    if (newest?.id === next.id && version && (version.status !== next.status || (next.outputs.model && !version.modelUrl))) {
      await this.updateVersion(styleId, next.versionId, (v) => {
        v.status = next.status;
        if (next.status === 'completed') {
          v.completedAt = v.completedAt ?? this.now().toISOString();
          if (next.outputs.model) v.modelUrl = next.outputs.model;
        }
      });
    }
    return next;
  }
}
