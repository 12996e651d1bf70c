/**
 * The one module that knows `@vscode/webview-ui-toolkit` (deprecated upstream, asked for by the
 * design card): it registers the components and makes the elements the panel uses. Everything
 * else builds its UI through these functions, so a swap to the toolkit's successor (or to
 * plain elements) changes this file only.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTextArea(),
    vsCodeTextField(),
  );
}

/** An element with a value that fires `input`/`change` (text field, text area, dropdown). */
export interface ValueElement extends HTMLElement {
  value: string;
  disabled: boolean;
}
export interface CheckElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}
export interface ButtonElement extends HTMLElement {
  disabled: boolean;
}

function el<T extends HTMLElement>(tag: string, attrs: Record<string, string | undefined> = {}): T {
  const e = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  return e;
}

export function button(label: string, opts: { id?: string; appearance?: 'primary' | 'secondary' | 'icon'; icon?: string; ariaLabel?: string } = {}): ButtonElement {
  const b = el<ButtonElement>('vscode-button', { id: opts.id, appearance: opts.appearance ?? 'secondary', 'aria-label': opts.ariaLabel });
  if (opts.icon) {
    const i = el('span', { slot: opts.appearance === 'icon' ? undefined : 'start', class: `codicon codicon-${opts.icon}`, 'aria-hidden': 'true' });
    b.append(i);
  }
  if (opts.appearance !== 'icon') b.append(document.createTextNode(label));
  return b;
}

/** A text field with its label bound to it (the toolkit's label slot). */
export function textField(label: string, value: string, opts: { id?: string; placeholder?: string; size?: number } = {}): ValueElement {
  const f = el<ValueElement>('vscode-text-field', { id: opts.id, placeholder: opts.placeholder, size: opts.size?.toString() });
  f.append(document.createTextNode(label));
  f.value = value;
  return f;
}

export function textArea(label: string, value: string, opts: { id?: string; rows?: number; placeholder?: string } = {}): ValueElement {
  const f = el<ValueElement>('vscode-text-area', { id: opts.id, rows: String(opts.rows ?? 3), resize: 'vertical', placeholder: opts.placeholder });
  f.append(document.createTextNode(label));
  f.value = value;
  return f;
}

export function checkbox(label: string, checked: boolean, opts: { id?: string } = {}): CheckElement {
  const c = el<CheckElement>('vscode-checkbox', { id: opts.id });
  c.append(document.createTextNode(label));
  c.checked = checked;
  return c;
}

export interface DropdownOption {
  value: string;
  /** Content of the option (text, or text with icons). */
  content: (string | Node)[];
  /** What the closed dropdown shows and screen readers read. */
  text?: string;
}

export function dropdown(options: readonly DropdownOption[], selected: string, opts: { id?: string; ariaLabel?: string; ariaLabelledby?: string } = {}): ValueElement {
  const d = el<ValueElement>('vscode-dropdown', { id: opts.id, 'aria-label': opts.ariaLabel, 'aria-labelledby': opts.ariaLabelledby, position: 'below' });
  for (const o of options) {
    const opt = el('vscode-option', { value: o.value });
    // Spaces between the parts: the closed dropdown shows the option's text content.
    o.content.forEach((c, i) => opt.append(...(i ? [document.createTextNode(' '), c] : [c])));
    if (o.value === selected) opt.setAttribute('selected', '');
    d.append(opt);
  }
  // The toolkit applies `value` once its options are connected.
  queueMicrotask(() => {
    if (d.value !== selected) d.value = selected;
  });
  return d;
}

export function badge(text: string, opts: { className?: string } = {}): HTMLElement {
  const b = el('vscode-badge', { class: opts.className });
  b.textContent = text;
  return b;
}

export function divider(): HTMLElement {
  return el('vscode-divider', { role: 'separator' });
}

export function progressRing(): HTMLElement {
  return el('vscode-progress-ring', { 'aria-label': 'Working' });
}

export interface Tab {
  id: string;
  label: string;
  view: HTMLElement;
}

/** The tab strip; `onChange` gets the id of the tab a person chose. */
export function tabs(list: readonly Tab[], active: string, onChange: (id: string) => void): HTMLElement {
  const panels = el('vscode-panels', { activeid: `tab-${active}`, 'aria-label': 'Panel sections' });
  for (const t of list) {
    const tab = el('vscode-panel-tab', { id: `tab-${t.id}` });
    tab.textContent = t.label;
    panels.append(tab);
  }
  for (const t of list) {
    const view = el('vscode-panel-view', { id: `view-${t.id}` });
    view.append(t.view);
    panels.append(view);
  }
  panels.addEventListener('change', (e) => {
    const id = (e as CustomEvent<HTMLElement | undefined>).detail?.id ?? panels.getAttribute('activeid') ?? '';
    if (id.startsWith('tab-')) onChange(id.slice(4));
  });
  return panels;
}
