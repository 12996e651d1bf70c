/**
 * What the two trees show, computed from the store without I/O and without `vscode`:
 * children, parents, row specs, and which rows a batch of store events touches.
 * The providers (stylesProvider.ts) turn row specs into TreeItems.
 */
import type { StoreEvent, StoreProblem, WorkspaceStore } from '../../core/store';
import { findTrainer } from '../../core/trainers';
import { Commands } from '../ids';
import { ElementCache, type ElementOf, type TreeElement } from './elements';
import * as fmt from './format';
import { runpodDescription, runpodTooltipLines } from '../runpod/format';
import type { IconSpec } from './format';

/** The parts of the store the trees read. */
export type StoreReader = Pick<
  WorkspaceStore,
  | 'listStyles'
  | 'getStyle'
  | 'listVersions'
  | 'getVersion'
  | 'listSessions'
  | 'getSession'
  | 'activeSessions'
  | 'listDatasets'
  | 'getDataset'
  | 'findDataset'
  | 'problems'
  | 'listTrainerProfiles'
>;

export type WorkspacePhase = 'noFolder' | 'loading' | 'noRoot' | 'ready' | 'failed';

export interface TreeSource {
  phase: WorkspacePhase;
  store: StoreReader | undefined;
  /** Why loading failed, for the `failed` phase. */
  error?: string;
}

export type Collapsible = 'none' | 'collapsed' | 'expanded';

/** Everything a TreeItem needs, as plain data. */
export interface RowSpec {
  id: string;
  label: string;
  description?: string;
  /** Markdown source. */
  tooltip?: string;
  icon: IconSpec;
  contextValue?: string;
  collapsible: Collapsible;
  command?: { command: string; title: string; arguments: unknown[] };
  accessibilityLabel?: string;
}

/** What to refresh after a batch of events: some rows, or the whole tree. */
export type Refresh = { all: true } | { all: false; elements: TreeElement[] };

const NONE: Refresh = { all: false, elements: [] };

abstract class TreeModelBase {
  readonly cache = new ElementCache();

  constructor(protected readonly source: () => TreeSource) {}

  /** Forget every element (the store was reopened); the caller refreshes the whole tree. */
  reset(): void {
    this.cache.clear();
  }

  protected get store(): StoreReader | undefined {
    const s = this.source();
    return s.phase === 'ready' ? s.store : undefined;
  }

  protected rootPlaceholder(): TreeElement[] | undefined {
    const s = this.source();
    if (s.phase === 'loading') return [this.cache.get('loading', {})];
    if (s.phase === 'failed') return [this.cache.get('message', { text: `Trainlab could not read the workspace: ${s.error ?? 'unknown error'}` })];
    if (s.phase !== 'ready' || !s.store) return [];
    return undefined;
  }

  protected placeholderRow(el: TreeElement): RowSpec | undefined {
    if (el.kind === 'loading') return { id: el.key, label: 'Loading the Trainlab workspace…', icon: fmt.ICONS.loading, collapsible: 'none' };
    if (el.kind === 'message') return { id: el.key, label: el.text, tooltip: fmt.escapeMarkdown(el.text), icon: fmt.ICONS.message, collapsible: 'none' };
    return undefined;
  }

  protected sessionRow(el: ElementOf<'session'>, title: (s: NonNullable<ReturnType<StoreReader['getSession']>>['session']) => string): RowSpec | undefined {
    const entry = this.store?.getSession(el.sessionId);
    if (!entry) return undefined;
    const s = entry.session;
    const label = title(s);
    // A RunPod job's own state after the progress: its status word, time in queue or worker.
    const remote = runpodDescription(s);
    const description = remote ? `${fmt.sessionProgress(s)}${fmt.SEP}${remote}` : fmt.sessionProgress(s);
    return {
      id: el.key,
      label,
      description,
      tooltip: fmt.sessionTooltip(s, label, runpodTooltipLines(s)),
      icon: fmt.STATUS_ICONS[s.status],
      contextValue: fmt.ContextValues.session(s.status, fmt.sessionFlags(s, this.trainerCanExtend(s))),
      collapsible: 'none',
      accessibilityLabel: `${label}, ${description}`,
    };
  }

  private trainerCanExtend(s: { trainer?: string | undefined; styleId: string }): boolean {
    const store = this.store;
    const name = s.trainer ?? store?.getStyle(s.styleId)?.style.trainer;
    return !!name && !!findTrainer(name, store?.listTrainerProfiles() ?? [])?.canExtend;
  }

  abstract children(el?: TreeElement): TreeElement[];
  abstract parent(el: TreeElement): TreeElement | undefined;
  abstract row(el: TreeElement): RowSpec | undefined;
  abstract refreshFor(events: readonly StoreEvent[]): Refresh;
}

/** The Styles view: style → Versions → version → sessions; Datasets; problems. */
export class StylesTreeModel extends TreeModelBase {
  /** Problem paths per owner ('' = the top level) as last shown, to see which owner changed. */
  private problemLayout = new Map<string, string>();

  override reset(): void {
    super.reset();
    this.problemLayout = this.computeProblemLayout();
  }

  /** Problems grouped by owner: under a style that is in the index, else at the top. */
  private groupProblems(): Map<string, StoreProblem[]> {
    const groups = new Map<string, StoreProblem[]>();
    const store = this.store;
    if (!store) return groups;
    for (const p of store.problems()) {
      const owner = p.styleId && store.getStyle(p.styleId) ? p.styleId : '';
      let list = groups.get(owner);
      if (!list) groups.set(owner, (list = []));
      list.push(p);
    }
    return groups;
  }

  private computeProblemLayout(): Map<string, string> {
    const layout = new Map<string, string>();
    for (const [owner, list] of this.groupProblems()) layout.set(owner, list.map((p) => `${p.path}\u0000${p.line}\u0000${p.message}`).join('\u0001'));
    return layout;
  }

  private problemElements(owner: string): TreeElement[] {
    const list = this.groupProblems().get(owner) ?? [];
    return list.map((p) => this.cache.get('problem', owner ? { path: p.path, styleId: owner } : { path: p.path }));
  }

  children(el?: TreeElement): TreeElement[] {
    if (!el) {
      const placeholder = this.rootPlaceholder();
      if (placeholder) return placeholder;
      const store = this.store!;
      return [...this.problemElements(''), ...store.listStyles().map((s) => this.cache.get('style', { styleId: s.id }))];
    }
    const store = this.store;
    if (!store) return [];
    switch (el.kind) {
      case 'style':
        if (!store.getStyle(el.styleId)) return [];
        return [this.cache.get('versions', { styleId: el.styleId }), this.cache.get('datasets', { styleId: el.styleId }), ...this.problemElements(el.styleId)];
      case 'versions':
        return store.listVersions(el.styleId).map((v) => this.cache.get('version', { styleId: el.styleId, versionId: v.id }));
      case 'version':
        return store
          .listSessions({ styleId: el.styleId, versionId: el.versionId })
          .map((s) => this.cache.get('session', { styleId: el.styleId, versionId: el.versionId, sessionId: s.id, view: 'styles' }));
      case 'datasets':
        return store.listDatasets(el.styleId).map((d) => this.cache.get('dataset', { styleId: el.styleId, datasetId: d.id }));
      default:
        return [];
    }
  }

  parent(el: TreeElement): TreeElement | undefined {
    switch (el.kind) {
      case 'versions':
      case 'datasets':
        return this.cache.get('style', { styleId: el.styleId });
      case 'version':
        return this.cache.get('versions', { styleId: el.styleId });
      case 'session':
        return this.cache.get('version', { styleId: el.styleId, versionId: el.versionId });
      case 'dataset':
        return this.cache.get('datasets', { styleId: el.styleId });
      case 'problem':
        return el.styleId ? this.cache.get('style', { styleId: el.styleId }) : undefined;
      default:
        return undefined;
    }
  }

  row(el: TreeElement): RowSpec | undefined {
    const placeholder = this.placeholderRow(el);
    if (placeholder) return placeholder;
    const store = this.store;
    if (!store) return undefined;
    switch (el.kind) {
      case 'style': {
        const entry = store.getStyle(el.styleId);
        if (!entry) return undefined;
        const problems = this.groupProblems().get(el.styleId)?.length ?? 0;
        // The problem count first: it is what matters, and a narrow side bar cuts the end off.
        const description = [problems ? fmt.plural(problems, 'problem') : '', fmt.styleDescription(entry.style)].filter(Boolean).join(fmt.SEP);
        return {
          id: el.key,
          label: entry.style.name,
          description,
          tooltip: fmt.styleTooltip(entry.style, problems),
          icon: fmt.ICONS.style,
          contextValue: fmt.ContextValues.style,
          // A style with a broken file opens by itself, so the error row is seen.
          collapsible: problems ? 'expanded' : 'collapsed',
        };
      }
      case 'versions': {
        const entry = store.getStyle(el.styleId);
        if (!entry) return undefined;
        const n = entry.versions.length;
        return {
          id: el.key,
          label: 'Versions',
          description: entry.versionsProblem ? 'unreadable' : String(n),
          tooltip: entry.versionsProblem ? fmt.problemTooltip(entry.versionsProblem) : `${fmt.plural(n, 'version')} of ${fmt.escapeMarkdown(entry.style.name)}`,
          icon: fmt.ICONS.versions,
          contextValue: fmt.ContextValues.versions,
          collapsible: n ? 'collapsed' : 'none',
        };
      }
      case 'version': {
        const v = store.getVersion(el.styleId, el.versionId);
        if (!v) return undefined;
        const dsImages = v.datasetId ? store.getDataset(el.styleId, v.datasetId)?.imageCount : undefined;
        const description = fmt.versionDescription(v, dsImages);
        const hasSessions = store.listSessions({ styleId: el.styleId, versionId: el.versionId, limit: 1 }).length > 0;
        return {
          id: el.key,
          label: v.name,
          description,
          tooltip: fmt.versionTooltip(v, store.getStyle(el.styleId)?.style, dsImages),
          icon: fmt.STATUS_ICONS[v.status],
          contextValue: fmt.ContextValues.version(v.status),
          collapsible: hasSessions ? 'collapsed' : 'none',
          accessibilityLabel: `${v.name}, ${fmt.STATUS_LABELS[v.status]}${description ? `, ${description}` : ''}`,
        };
      }
      case 'session':
        return this.sessionRow(el, (s) => fmt.sessionLabel(s));
      case 'datasets': {
        const list = store.listDatasets(el.styleId);
        const remote = list.filter((d) => d.remoteOnly).length;
        const folders = list.length - remote;
        return {
          id: el.key,
          label: 'Datasets',
          description: list.length ? String(list.length) : 'none',
          tooltip: list.length
            ? [folders ? `${fmt.plural(folders, 'dataset')} in \`datasets/\`` : '', remote ? `${fmt.plural(remote, 'dataset')} only at a URL (for RunPod)` : ''].filter(Boolean).join(', ')
            : 'No dataset folders yet: put images with same-name `.txt` captions into `datasets/<name>/` of this style.',
          icon: fmt.ICONS.datasets,
          contextValue: fmt.ContextValues.datasets,
          collapsible: list.length ? 'collapsed' : 'none',
        };
      }
      case 'dataset': {
        const ds = store.findDataset(el.styleId, el.datasetId);
        if (!ds) return undefined;
        const description = fmt.datasetDescription(ds);
        return {
          id: el.key,
          label: ds.id,
          description,
          tooltip: fmt.datasetTooltip(ds),
          icon: ds.remoteOnly ? fmt.ICONS.remoteDataset : fmt.ICONS.dataset,
          contextValue: ds.remoteOnly ? fmt.ContextValues.remoteDataset : fmt.ContextValues.dataset,
          collapsible: 'none',
        };
      }
      case 'problem': {
        const problem = store.problems().find((p) => p.path === el.path);
        if (!problem) return undefined;
        const label = fmt.problemLabel(problem, !!el.styleId);
        return {
          id: el.key,
          label,
          description: problem.message,
          tooltip: fmt.problemTooltip(problem),
          icon: fmt.ICONS.problem,
          contextValue: fmt.ContextValues.problem,
          collapsible: 'none',
          command: { command: Commands.openFile, title: 'Open File', arguments: [el] },
          accessibilityLabel: `Error in ${label}: ${problem.message}`,
        };
      }
      default:
        return undefined;
    }
  }

  refreshFor(events: readonly StoreEvent[]): Refresh {
    const out = new Set<TreeElement>();
    const style = (styleId: string) => this.cache.get('style', { styleId });
    for (const e of events) {
      switch (e.type) {
        case 'style':
          if (e.change !== 'changed') {
            this.problemLayout = this.computeProblemLayout();
            return { all: true };
          }
          out.add(style(e.styleId));
          break;
        case 'versions':
          out.add(this.cache.get('versions', { styleId: e.styleId }));
          break;
        case 'session': {
          const known = this.cache.peek(`session:${e.sessionId}`);
          if (e.change === 'changed' && known) {
            out.add(known);
            break;
          }
          const versionId = known?.kind === 'session' ? known.versionId : this.store?.getSession(e.sessionId)?.session.versionId;
          out.add(versionId ? this.cache.get('version', { styleId: e.styleId, versionId }) : this.cache.get('versions', { styleId: e.styleId }));
          if (e.change === 'removed') this.cache.delete(`session:${e.sessionId}`);
          break;
        }
        case 'dataset':
          out.add(this.cache.get('datasets', { styleId: e.styleId }));
          break;
        case 'problems': {
          const next = this.computeProblemLayout();
          for (const owner of new Set([...next.keys(), ...this.problemLayout.keys()])) {
            if (next.get(owner) === this.problemLayout.get(owner)) continue;
            if (owner === '') {
              this.problemLayout = next;
              return { all: true };
            }
            out.add(style(owner));
          }
          this.problemLayout = next;
          break;
        }
        case 'runner':
        case 'trainer':
          break;
      }
    }
    return out.size ? { all: false, elements: minimal(out, (el) => this.parent(el)) } : NONE;
  }
}

/** Drops rows whose ancestor is refreshed anyway. */
function minimal(set: Set<TreeElement>, parent: (el: TreeElement) => TreeElement | undefined): TreeElement[] {
  return [...set].filter((el) => {
    for (let p = parent(el); p; p = parent(p)) if (set.has(p)) return false;
    return true;
  });
}

/** The Active Sessions view: every pending or running session, labelled `style / version`. */
export class ActiveSessionsModel extends TreeModelBase {
  private shown = new Set<string>();

  override reset(): void {
    super.reset();
    this.shown = new Set(this.store?.activeSessions().map((s) => s.id) ?? []);
  }

  /** How many sessions the view lists (its badge). */
  count(): number {
    return this.store?.activeSessions().length ?? 0;
  }

  children(el?: TreeElement): TreeElement[] {
    if (el) return [];
    const placeholder = this.rootPlaceholder();
    if (placeholder) return placeholder.filter((p) => p.kind !== 'loading');
    const list = this.store!.activeSessions();
    this.shown = new Set(list.map((s) => s.id));
    return list.map((s) => this.cache.get('session', { styleId: s.styleId, versionId: s.versionId, sessionId: s.id, view: 'active' }));
  }

  parent(): TreeElement | undefined {
    return undefined;
  }

  title(styleId: string, versionId: string): string {
    const store = this.store;
    const style = store?.getStyle(styleId)?.style.name ?? styleId;
    const version = store?.getVersion(styleId, versionId)?.name ?? versionId;
    return `${style} / ${version}`;
  }

  row(el: TreeElement): RowSpec | undefined {
    const placeholder = this.placeholderRow(el);
    if (placeholder) return placeholder;
    if (el.kind !== 'session') return undefined;
    return this.sessionRow(el, (s) => this.title(s.styleId, s.versionId));
  }

  refreshFor(events: readonly StoreEvent[]): Refresh {
    const store = this.store;
    const now = new Set(store?.activeSessions().map((s) => s.id) ?? []);
    if (now.size !== this.shown.size || [...now].some((id) => !this.shown.has(id))) {
      this.shown = now;
      return { all: true };
    }
    const out = new Set<TreeElement>();
    for (const e of events) {
      if (e.type === 'session' && now.has(e.sessionId)) {
        const el = this.cache.peek(`active-session:${e.sessionId}`);
        if (el) out.add(el);
      } else if (e.type === 'style' || e.type === 'versions') {
        // Labels name the style and the version.
        for (const el of this.cache.withPrefix('active-session:')) if (el.kind === 'session' && el.styleId === e.styleId) out.add(el);
      }
    }
    return out.size ? { all: false, elements: [...out] } : NONE;
  }
}
