/** A small DOM builder for the panel (no framework): `h('div', { class: 'x' }, child, 'text')`. */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export function icon(name: string, className = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${className}`.trim(), 'aria-hidden': 'true' });
}
