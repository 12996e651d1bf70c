/**
 * The History tab: every version and session of the style in a table (sortable by a click or
 * Enter on a header, filterable by text and status); the chosen row's details with its notes
 * and tags editable in place; versions ticked for Compare shown side by side with their newest
 * sessions' loss curves overlaid. The data comes from `getHistory` (asked again when the
 * extension reports a change) and `compare`; edits go through `updateNotes`/`updateTags` and
 * come back as store events.
 */
import {
  compareResultSchema,
  historyResultSchema,
  type CompareResult,
  type HistorySession,
  type HistoryTarget,
  type HistoryUiState,
  type InitMessage,
  type RequestAction,
  type RequestArgs,
  type UpdateMessage,
  type VersionSummary,
} from '../../src/shared/panel-protocol';
import { VERSION_STATUSES } from '../../src/core/model/status';
import { LossChart, MetricsSeries, onThemeChange, type ChartInput } from '../chart/index';
import { h, icon } from '../dom';
import { button, checkbox, dropdown, textArea, textField, type CheckElement, type ValueElement } from '../toolkit';
import {
  buildRows,
  compareSelection,
  DASH,
  DEFAULT_SORT,
  filterRows,
  formatDate,
  formatDuration,
  formatLoss,
  formatParam,
  formatSteps,
  nextSort,
  parseTags,
  SORT_KEYS,
  sortRows,
  type FilterState,
  type HistoryRow,
  type SortKey,
  type SortState,
} from './logic';

export interface HistoryHost {
  request<A extends RequestAction>(action: A, args: RequestArgs<A>, timeoutMs?: number): Promise<unknown>;
}

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'version', label: 'Version' },
  { key: 'status', label: 'Status' },
  { key: 'started', label: 'Started' },
  { key: 'ended', label: 'Ended' },
  { key: 'steps', label: 'Steps', numeric: true },
  { key: 'finalLoss', label: 'Final loss', numeric: true },
  { key: 'bestLoss', label: 'Best loss', numeric: true },
  { key: 'duration', label: 'Duration', numeric: true },
  { key: 'backend', label: 'Backend' },
  { key: 'tags', label: 'Tags' },
];

const REFRESH_DELAY_MS = 250;

export class HistoryView {
  readonly root = h('section', { class: 'history', 'aria-label': 'History' });
  private versions: VersionSummary[] = [];
  private sessions: HistorySession[] = [];
  private rows: HistoryRow[] = [];
  private sort: SortState = DEFAULT_SORT;
  private filter: FilterState = { text: '', status: 'all' };
  private selectedKey: string | undefined;
  private readonly ticked = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;
  private stale = false;
  private chart: LossChart | undefined;
  private readonly message = h('p', { class: 'history-message', role: 'status' });
  private readonly table = h('table', { class: 'history-table' });
  private readonly details = h('section', { class: 'history-details', 'aria-label': 'Details' });
  private readonly compareView = h('section', { class: 'history-compare', 'aria-label': 'Compare' });
  private readonly compareButton = button('Compare', { id: 'history-compare', appearance: 'primary', icon: 'diff' });
  private readonly count = h('span', { class: 'history-count' });

  private readonly filterText: ValueElement;
  private readonly filterStatus: ValueElement;

  constructor(
    private readonly host: HistoryHost,
    private readonly onStateChange: (state: HistoryUiState) => void = () => undefined,
  ) {
    // The compare chart's colours come from the theme: redraw when VS Code switches it.
    onThemeChange(() => this.refreshTheme());
    const text = textField('Filter', '', { id: 'history-filter', placeholder: 'version, session, tag, note…' });
    text.addEventListener('input', () => {
      this.filter = { ...this.filter, text: text.value };
      this.renderTable();
      this.saveState();
    });
    this.filterText = text;
    const status = dropdown(
      [{ value: 'all', content: ['All statuses'] }, ...VERSION_STATUSES.map((s) => ({ value: s, content: [s] }))],
      'all',
      { id: 'history-status', ariaLabel: 'Status' },
    );
    status.addEventListener('change', () => {
      if ((status.value || 'all') === this.filter.status) return;
      this.filter = { ...this.filter, status: status.value || 'all' };
      this.renderTable();
      this.saveState();
    });
    this.filterStatus = status;
    this.compareButton.addEventListener('click', () => void this.compare());
    this.compareButton.disabled = true;
    this.compareButton.title = 'Tick two or more versions to compare them';
    const bar = h('div', { class: 'history-bar' }, text, h('div', { class: 'history-status-filter' }, h('label', { for: 'history-status' }, 'Status'), status), this.count, this.compareButton);
    this.root.append(bar, this.message, h('div', { class: 'history-table-wrap' }, this.table), this.details, this.compareView);
  }

  init(m: InitMessage, state?: HistoryUiState): void {
    this.versions = m.versions;
    // The table as it was left: sort column, filter text and status.
    const sort = state?.sort && (SORT_KEYS as readonly string[]).includes(state.sort.key) ? (state.sort as SortState) : DEFAULT_SORT;
    this.sort = sort;
    this.filter = { text: state?.filterText ?? '', status: state?.filterStatus && (VERSION_STATUSES as readonly string[]).includes(state.filterStatus) ? state.filterStatus : 'all' };
    this.filterText.value = this.filter.text;
    this.filterStatus.value = this.filter.status;
    this.refresh(true);
  }

  private saveState(): void {
    this.onStateChange({ sort: { ...this.sort }, filterText: this.filter.text, filterStatus: this.filter.status });
  }

  update(m: UpdateMessage): void {
    if (m.gone) {
      this.versions = [];
      this.sessions = [];
      this.rebuild();
      return;
    }
    if (m.versions) this.versions = m.versions;
    // A change on disk (notes saved, a session moved on): the sessions are asked for again —
    // now when the tab is shown, else when it is (a running session changes every second or two).
    if (m.versions || m.style) {
      if (this.active) this.refresh();
      else this.stale = true;
    }
  }

  /** The History tab is shown (or hidden). */
  setActive(active: boolean): void {
    this.active = active;
    if (active && this.stale) {
      this.stale = false;
      this.refresh(true);
    }
  }

  /** Asks the extension for the sessions (soon, or now). */
  refresh(now = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), now ? 0 : REFRESH_DELAY_MS);
  }

  private async load(): Promise<void> {
    this.timer = undefined;
    try {
      const raw = await this.host.request('getHistory', {});
      const r = historyResultSchema.safeParse(raw);
      if (!r.success) throw new Error('the answer was not a history');
      this.sessions = r.data.sessions;
      this.message.textContent = '';
    } catch (e) {
      this.message.textContent = `History not loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.rebuild();
  }

  private rebuild(): void {
    this.rows = buildRows(this.versions, this.sessions);
    const ids = new Set(this.versions.map((v) => v.id));
    for (const t of [...this.ticked]) if (!ids.has(t)) this.ticked.delete(t);
    this.renderTable();
    this.renderDetails();
  }

  private renderTable(): void {
    const shown = sortRows(filterRows(this.rows, this.filter), this.sort);
    this.count.textContent = `${shown.length} of ${this.rows.length}`;
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'history-tick' }, h('span', { class: 'sr-only' }, 'Compare')),
      ...COLUMNS.map((c) => {
        const active = this.sort.key === c.key;
        const b = h('button', { type: 'button', class: 'history-sort', 'data-sort': c.key }, c.label, active ? icon(this.sort.dir === 'asc' ? 'triangle-up' : 'triangle-down') : null);
        b.addEventListener('click', () => {
          this.sort = nextSort(this.sort, c.key);
          this.renderTable();
          this.saveState();
          (this.table.querySelector(`button[data-sort="${c.key}"]`) as HTMLElement | null)?.focus();
        });
        return h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': active ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none' }, b);
      }),
    );
    const body = h('tbody', {});
    for (const r of shown) body.append(this.row(r));
    if (!shown.length) body.append(h('tr', {}, h('td', { colspan: String(COLUMNS.length + 1), class: 'history-empty' }, this.rows.length ? 'No sessions match the filter.' : 'No versions yet.')));
    this.table.replaceChildren(h('thead', {}, head), body);
    this.updateCompareButton();
  }

  private row(r: HistoryRow): HTMLElement {
    const selected = r.key === this.selectedKey;
    const tr = h('tr', { tabindex: '0', 'data-key': r.key, 'aria-selected': String(selected), class: selected ? 'selected' : undefined });
    const tick = checkbox('', this.ticked.has(r.versionId)) as CheckElement;
    tick.setAttribute('aria-label', `Compare ${r.versionName}`);
    tick.classList.add('history-tick-box');
    tick.addEventListener('click', (e) => e.stopPropagation());
    tick.addEventListener('keydown', (e) => e.stopPropagation());
    tick.addEventListener('change', () => {
      if (tick.checked) this.ticked.add(r.versionId);
      else this.ticked.delete(r.versionId);
      // Every row of the version shows the same tick.
      for (const other of Array.from(this.table.querySelectorAll<CheckElement>('.history-tick-box'))) {
        const key = other.closest('tr')?.getAttribute('data-key');
        const row = this.rows.find((x) => x.key === key);
        if (row?.versionId === r.versionId && other !== tick) other.checked = tick.checked;
      }
      this.updateCompareButton();
    });
    const cell = (text: string, cls?: string) => h('td', { class: cls }, text);
    tr.append(
      h('td', { class: 'history-tick' }, tick),
      h('td', {}, h('span', { class: 'history-version' }, r.versionName), r.sessionId ? h('span', { class: 'history-session-id' }, r.sessionId) : null),
      h('td', {}, h('span', { class: `status status-${r.status}` }, r.status)),
      cell(formatDate(r.startedAt)),
      cell(formatDate(r.endedAt)),
      cell(formatSteps(r.step, r.totalSteps), 'num'),
      cell(formatLoss(r.finalLoss), 'num'),
      cell(formatLoss(r.bestLoss), 'num'),
      cell(formatDuration(r.durationSeconds), 'num'),
      cell(r.backend ?? DASH),
      h('td', {}, ...r.tags.map((t) => h('span', { class: 'history-tag' }, t))),
    );
    const choose = () => {
      this.selectedKey = r.key;
      for (const other of Array.from(this.table.querySelectorAll('tbody tr'))) {
        const on = other === tr;
        other.classList.toggle('selected', on);
        other.setAttribute('aria-selected', String(on));
      }
      this.renderDetails(true);
    };
    tr.addEventListener('click', choose);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        choose();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
        next?.focus();
      }
    });
    return tr;
  }

  private updateCompareButton(): void {
    const ids = compareSelection(this.versions, this.ticked);
    this.compareButton.disabled = ids.length < 2;
    this.compareButton.title = ids.length < 2 ? 'Tick two or more versions to compare them' : `Compare ${ids.join(', ')}`;
    const label = Array.from(this.compareButton.childNodes).find((n) => n.nodeType === Node.TEXT_NODE);
    if (label) label.textContent = ids.length ? `Compare (${ids.length})` : 'Compare';
  }

  /** The chosen row's details; kept as they are while one of its editors has the focus (typing is never lost). */
  private renderDetails(force = false): void {
    if (!force && this.details.contains(document.activeElement)) return;
    const r = this.rows.find((x) => x.key === this.selectedKey);
    if (!r) {
      this.details.replaceChildren(h('p', { class: 'history-hint' }, 'Choose a row to see its details; tick versions to compare them.'));
      return;
    }
    const v = this.versions.find((x) => x.id === r.versionId);
    const s = r.sessionId ? this.sessions.find((x) => x.id === r.sessionId) : undefined;
    const parts: HTMLElement[] = [h('h2', {}, `${r.versionName}${s ? ` · ${s.id}` : ''}`)];
    if (v) parts.push(this.editors('Version', { kind: 'version', id: v.id }, v.notes, v.tags));
    if (s) {
      parts.push(this.editors('Session', { kind: 'session', id: s.id }, s.notes, s.tags));
      parts.push(this.sessionDetails(s));
    } else if (v) {
      parts.push(h('h3', {}, 'Parameters'), paramsTable(v.parameters), h('p', {}, `Dataset: ${v.datasetId ?? DASH}. No sessions yet.`));
    }
    this.details.replaceChildren(...parts);
  }

  private editors(what: string, target: HistoryTarget, notes: string, tags: readonly string[]): HTMLElement {
    const prefix = `history-${target.kind}`;
    const status = h('span', { class: 'history-saved', role: 'status' });
    const notesField = textArea(`${what} notes`, notes, { id: `${prefix}-notes`, rows: 2 });
    const tagsField = textField(`${what} tags (comma-separated)`, tags.join(', '), { id: `${prefix}-tags` });
    const saveWith = async (run: () => Promise<unknown>) => {
      status.textContent = 'Saving…';
      try {
        await run();
        status.textContent = 'Saved.';
      } catch (e) {
        status.textContent = `Not saved: ${e instanceof Error ? e.message : String(e)}`;
      }
    };
    const saveNotes = (f: ValueElement) => {
      if (f.value === notes) return;
      void saveWith(() => this.host.request('updateNotes', { target, notes: f.value }));
    };
    const saveTags = (f: ValueElement) => {
      const next = parseTags(f.value);
      if (next.join('\n') === tags.join('\n')) return;
      void saveWith(() => this.host.request('updateTags', { target, tags: next }));
    };
    notesField.addEventListener('change', () => saveNotes(notesField));
    tagsField.addEventListener('change', () => saveTags(tagsField));
    tagsField.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') saveTags(tagsField);
    });
    return h('div', { class: 'history-editors' }, notesField, tagsField, status);
  }

  private sessionDetails(s: HistorySession): HTMLElement {
    const dl = h('dl', { class: 'history-facts' });
    const fact = (k: string, v: string) => dl.append(h('dt', {}, k), h('dd', {}, v));
    fact('Status', s.status);
    fact('Origin', s.origin);
    fact('Backend', s.backend);
    fact('Steps', formatSteps(s.step, s.totalSteps));
    fact('Final / best loss', `${formatLoss(s.finalLoss)} / ${formatLoss(s.bestLoss)}${s.bestStep !== null ? ` (step ${s.bestStep})` : ''}`);
    fact('Trained for', formatDuration(s.durationSeconds));
    fact('Dataset', s.dataset ? `${s.dataset.id ?? s.dataset.path ?? DASH}${s.dataset.imageCount !== null ? ` (${s.dataset.imageCount} images)` : ''}` : DASH);
    fact('Model', s.outputs.model ?? DASH);
    fact('Samples', String(s.outputs.samples.length));
    const out: HTMLElement[] = [dl];
    if (s.error) out.push(h('p', { class: 'history-error' }, icon('error'), ` ${s.error}`));
    out.push(h('h3', {}, `Attempts (${s.attempts.length})`));
    out.push(
      h(
        'ol',
        { class: 'history-attempts' },
        ...s.attempts.map((a) =>
          h(
            'li',
            {},
            `${formatDate(a.startedAt)} → ${a.endedAt ? formatDate(a.endedAt) : 'still running'}`,
            a.exitCode !== null ? ` · exit ${a.exitCode}` : a.signal ? ` · ${a.signal}` : '',
            a.resumedFrom ? ` · resumed from ${a.resumedFrom} at step ${a.startStep}` : '',
          ),
        ),
      ),
    );
    out.push(h('h3', {}, `Checkpoints (${s.checkpoints.length})`));
    out.push(h('ul', { class: 'history-checkpoints' }, ...s.checkpoints.map((c) => h('li', {}, `${c.step !== null ? `step ${c.step}: ` : ''}${c.path}`))));
    out.push(h('h3', {}, 'Parameters'), paramsTable(s.parameters));
    return h('div', { class: 'history-session' }, ...out);
  }

  private async compare(): Promise<void> {
    const ids = compareSelection(this.versions, this.ticked);
    if (ids.length < 2) return;
    this.compareView.replaceChildren(h('p', { role: 'status' }, `Comparing ${ids.join(', ')}…`));
    try {
      const r = compareResultSchema.safeParse(await this.host.request('compare', { versionIds: ids }));
      if (!r.success) throw new Error('the answer was not a comparison');
      this.renderCompare(r.data);
    } catch (e) {
      this.compareView.replaceChildren(h('p', { class: 'history-error', role: 'alert' }, `Compare failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private renderCompare(c: CompareResult): void {
    this.chart?.dispose();
    this.chart = undefined;
    const differing = c.parameters.filter((p) => p.differs).length;
    const onlyDiff = checkbox('Only differences', false, { id: 'history-only-diff' });
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), ...c.versions.map((v) => h('th', { scope: 'col' }, v.name)));
    const paramRows = c.parameters.map((p) =>
      h(
        'tr',
        { class: p.differs ? 'differs' : undefined, 'data-key': p.key },
        h('th', { scope: 'row' }, p.differs ? icon('diff-modified', 'differs-mark') : null, p.key),
        ...p.values.map((val, i) => h('td', {}, formatParam(val, p.present[i] ?? false))),
      ),
    );
    const result = (label: string, cell: (v: CompareResult['versions'][number]) => string) => h('tr', { class: 'result' }, h('th', { scope: 'row' }, label), ...c.versions.map((v) => h('td', {}, cell(v))));
    const body = h(
      'tbody',
      {},
      result('Status', (v) => v.status),
      result('Session', (v) => v.sessionId ?? DASH),
      result('Final loss', (v) => formatLoss(v.finalLoss)),
      result('Best loss', (v) => formatLoss(v.bestLoss)),
      result('Duration', (v) => formatDuration(v.durationSeconds)),
      ...paramRows,
    );
    onlyDiff.addEventListener('change', () => this.compareView.classList.toggle('only-differences', (onlyDiff as CheckElement).checked));
    const close = button('Close', { appearance: 'icon', icon: 'close', ariaLabel: 'Close the comparison' });
    close.addEventListener('click', () => {
      this.chart?.dispose();
      this.chart = undefined;
      this.compareView.replaceChildren();
    });
    const chartBox = h('div', { class: 'history-chart', 'aria-label': 'Loss curves' });
    const names = new Map(c.versions.map((v) => [v.id, v.name]));
    const inputs: ChartInput[] = c.curves.map((curve) => {
      const series = new MetricsSeries();
      series.appendAll(curve.steps.map((step, i) => ({ t: null, step, epoch: null, loss: curve.loss[i] ?? null, lr: curve.lr[i] ?? null })));
      return { id: curve.versionId, label: names.get(curve.versionId) ?? curve.versionId, series };
    });
    const missing = c.versions.filter((v) => !c.curves.some((x) => x.versionId === v.id)).map((v) => v.name);
    this.compareView.replaceChildren(
      h('div', { class: 'history-compare-head' }, h('h2', {}, `Compare ${c.versions.map((v) => v.name).join(' · ')}`), close),
      h('p', { class: 'history-diff-count' }, `${differing} of ${c.parameters.length} parameters differ (highlighted). `, onlyDiff),
      h(
        'div',
        { class: 'history-compare-body' },
        h('div', { class: 'history-compare-params' }, h('table', { class: 'history-compare-table' }, h('thead', {}, head), body)),
        h(
          'div',
          { class: 'history-compare-curves' },
          h('h3', {}, `Loss of the newest sessions${inputs.length ? `: ${inputs.map((i) => i.label).join(', ')}` : ''}`),
          inputs.length ? chartBox : h('p', { class: 'history-hint' }, 'None of these versions has loss metrics yet.'),
          ...(missing.length && inputs.length ? [h('p', { class: 'history-hint' }, `No metrics for ${missing.join(', ')}.`)] : []),
        ),
      ),
    );
    if (inputs.length) {
      this.chart = new LossChart(chartBox, { height: 260, showLr: false });
      this.chart.setInputs(inputs);
    }
    this.compareView.scrollIntoView({ block: 'nearest' });
  }

  /** The theme changed: the chart takes its colours again. */
  refreshTheme(): void {
    this.chart?.refreshTheme();
  }
}

function paramsTable(params: Record<string, unknown>): HTMLElement {
  const rows = Object.entries(params).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, formatParam(v))));
  return h('table', { class: 'history-params' }, h('tbody', {}, ...rows));
}
