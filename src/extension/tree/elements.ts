/**
 * Tree elements: plain data naming what a row shows, never a TreeItem and never a copy of
 * the domain object (the store is asked each time the row is drawn). Elements are interned
 * per tree (ElementCache), because VS Code finds a row to refresh by the element's identity.
 */
export type TreeElement =
  | { readonly kind: 'loading'; readonly key: string }
  | { readonly kind: 'message'; readonly key: string; readonly text: string }
  | { readonly kind: 'style'; readonly key: string; readonly styleId: string }
  | { readonly kind: 'versions'; readonly key: string; readonly styleId: string }
  | { readonly kind: 'version'; readonly key: string; readonly styleId: string; readonly versionId: string }
  | { readonly kind: 'session'; readonly key: string; readonly styleId: string; readonly versionId: string; readonly sessionId: string; readonly view: 'styles' | 'active' }
  | { readonly kind: 'datasets'; readonly key: string; readonly styleId: string }
  | { readonly kind: 'dataset'; readonly key: string; readonly styleId: string; readonly datasetId: string }
  | { readonly kind: 'problem'; readonly key: string; readonly path: string; readonly styleId?: string };

export type ElementKind = TreeElement['kind'];
export type ElementOf<K extends ElementKind> = Extract<TreeElement, { kind: K }>;

type Fields<K extends ElementKind> = Omit<ElementOf<K>, 'kind' | 'key'>;

/** The element's stable key; also the TreeItem id. */
export function elementKey<K extends ElementKind>(kind: K, f: Fields<K>): string {
  const a = f as Record<string, string | undefined>;
  switch (kind) {
    case 'loading':
      return 'loading';
    case 'message':
      return `message:${a.text}`;
    case 'style':
      return `style:${a.styleId}`;
    case 'versions':
      return `versions:${a.styleId}`;
    case 'version':
      return `version:${a.styleId}/${a.versionId}`;
    case 'session':
      return `${a.view === 'active' ? 'active-session' : 'session'}:${a.sessionId}`;
    case 'datasets':
      return `datasets:${a.styleId}`;
    case 'dataset':
      return `dataset:${a.styleId}/${a.datasetId}`;
    case 'problem':
      return `problem:${a.path}`;
    default:
      throw new Error(`unknown element kind ${String(kind)}`);
  }
}

/** One instance per key, so an element handed to VS Code can be named again in a refresh. */
export class ElementCache {
  private readonly map = new Map<string, TreeElement>();

  get<K extends ElementKind>(kind: K, fields: Fields<K>): ElementOf<K> {
    const key = elementKey(kind, fields);
    const had = this.map.get(key);
    if (had && sameFields(had, fields)) return had as ElementOf<K>;
    const el = Object.freeze({ kind, key, ...fields }) as unknown as ElementOf<K>;
    this.map.set(key, el);
    return el;
  }

  /** The interned element of a key, if the tree has handed it out. */
  peek(key: string): TreeElement | undefined {
    return this.map.get(key);
  }

  /** Elements handed out whose key starts with a prefix (e.g. every row of a style). */
  *withPrefix(prefix: string): Iterable<TreeElement> {
    for (const [k, v] of this.map) if (k.startsWith(prefix)) yield v;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

function sameFields(el: TreeElement, fields: object): boolean {
  const a = el as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) if (a[k] !== v) return false;
  return true;
}

/** Whether a value is one of our tree elements (a command got a row, not a plain object). */
export function isTreeElement(value: unknown): value is TreeElement {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; key?: unknown };
  return typeof v.kind === 'string' && typeof v.key === 'string' && ['loading', 'message', 'style', 'versions', 'version', 'session', 'datasets', 'dataset', 'problem'].includes(v.kind);
}
