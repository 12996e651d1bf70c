/**
 * The Console tab: a session picker, the live loss chart (LossChart over a MetricsSeries, with a
 * smoothing slider) and the console (ConsoleView: ANSI colours, collapsed `\r` lines, follow,
 * search, copy, "Open full log"). It subscribes to its session while shown and unsubscribes
 * when hidden; its choices (session, follow, scroll, smoothing) go to the panel's state.
 */
import type { ConsoleDataMessage, ConsoleSessionMessage, ConsoleUiState, VersionSummary } from '../../src/shared/panel-protocol';
import { LossChart, MetricsSeries, onThemeChange } from '../chart';
import { ConsoleView } from '../console';
import { h } from '../dom';
import { button, dropdown, textField, type ValueElement } from '../toolkit';
import { AUTO_SESSION, consoleTarget, newestSessionOf, pickerOptions, sameTarget, statusText, type ConsoleTarget } from './model';

export interface ConsoleTabDeps {
  /** Posts a console message to the extension (subscribe / unsubscribe). */
  post(msg: unknown): void;
  /** Opens the session's console.log (a session of the version) in an editor. */
  openLog(versionId: string, sessionId: string): void;
  onStateChange(state: ConsoleUiState): void;
}

const SCROLL_SAVE_MS = 400;

export class ConsoleTab {
  readonly root = h('section', { class: 'console-tab', 'aria-label': 'Console' });
  private readonly pickerSlot = h('div', { class: 'console-picker' });
  private readonly statusEl = h('span', { class: 'console-status', role: 'status' });
  private readonly chartBox = h('div', { class: 'console-chart' });
  private readonly chartEmpty = h('div', { class: 'console-chart-empty' }, 'No metrics yet.');
  private readonly logBox = h('div', { class: 'console-log' });
  private readonly searchCount = h('span', { class: 'console-search-count', 'aria-live': 'polite' });
  private readonly followBtn = button('Pause', { id: 'console-follow', icon: 'debug-pause' });
  private readonly smoothing = h('input', { type: 'range', id: 'console-smoothing', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing' });
  private readonly smoothingValue = h('span', { class: 'console-smoothing-value' });
  readonly view: ConsoleView;
  private readonly series: MetricsSeries;
  private chart: LossChart | undefined;
  private state: ConsoleUiState;
  private versionId: string | undefined;
  private versions: readonly VersionSummary[] = [];
  private active = false;
  private seq = 0;
  private subscribed: (ConsoleTarget & { newest: string | null }) | undefined;
  private session: ConsoleSessionMessage | undefined;
  private restorePending = true;
  private scrollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: ConsoleTabDeps) {
    this.state = {};
    this.view = new ConsoleView(this.logBox, {
      onOpenFullLog: () => this.openLog(),
      onFollowChange: (follow) => {
        this.showFollow(follow);
        this.patch({ follow });
      },
      onSearchChange: (s) => (this.searchCount.textContent = s.query ? (s.count ? `${s.current} of ${s.count}` : 'No results') : ''),
    });
    this.series = new MetricsSeries({ smoothing: 0.6 });
    // The chart's colours come from the theme: redraw when VS Code switches it.
    onThemeChange(() => this.chart?.refreshTheme());

    const search = textField('', '', { id: 'console-search', placeholder: 'Search the log' }) as ValueElement;
    search.setAttribute('aria-label', 'Search the log');
    search.addEventListener('input', () => this.view.setSearch(search.value));
    search.addEventListener('keydown', (e) => {
      const k = e as KeyboardEvent;
      if (k.key !== 'Enter') return;
      if (k.shiftKey) this.view.findPrevious();
      else this.view.findNext();
    });
    const prev = button('Previous match', { appearance: 'icon', icon: 'arrow-up', ariaLabel: 'Previous match (Shift+Enter)' });
    prev.title = 'Previous match (Shift+Enter)';
    prev.addEventListener('click', () => this.view.findPrevious());
    const next = button('Next match', { appearance: 'icon', icon: 'arrow-down', ariaLabel: 'Next match (Enter)' });
    next.title = 'Next match (Enter)';
    next.addEventListener('click', () => this.view.findNext());
    const copy = button('Copy', { id: 'console-copy', icon: 'copy' });
    copy.title = 'Copy the selected lines, or all lines shown';
    copy.addEventListener('click', () => void this.view.copy().catch((e: unknown) => console.warn(`Trainlab panel: copy failed: ${String(e)}`)));
    const open = button('Open full log', { id: 'console-open', icon: 'go-to-file' });
    open.title = 'Open the whole console.log in an editor';
    open.addEventListener('click', () => this.openLog());
    this.followBtn.addEventListener('click', () => (this.view.isFollowing ? this.pause() : this.view.follow()));

    this.smoothing.addEventListener('input', () => {
      const w = Number(this.smoothing.value);
      this.smoothingValue.textContent = w.toFixed(2);
      this.series.setSmoothing(w);
      this.chart?.update();
      this.patch({ smoothing: w });
    });
    const smoothingLabel = h('label', { class: 'console-smoothing', for: 'console-smoothing' }, 'Smoothing ', this.smoothing, this.smoothingValue);

    this.root.append(
      h('div', { class: 'console-toolbar' }, this.pickerSlot, this.statusEl),
      h('div', { class: 'console-chart-wrap' }, h('div', { class: 'console-chart-head' }, h('span', { class: 'console-chart-title' }, 'Loss and learning rate'), smoothingLabel), this.chartBox, this.chartEmpty),
      h('div', { class: 'console-toolbar console-log-tools' }, search, prev, next, this.searchCount, h('span', { class: 'spacer' }), this.followBtn, copy, open),
      this.logBox,
    );
    this.logBox.querySelector('.tl-console-log')?.addEventListener('scroll', () => this.onScroll());
    this.renderPicker();
  }

  /** The state the panel restored (before the first subscription). */
  init(state: ConsoleUiState | undefined, selectedVersionId: string | undefined, versions: readonly VersionSummary[]): void {
    this.state = { ...(state ?? {}) };
    this.versionId = selectedVersionId;
    this.versions = versions;
    const w = this.state.smoothing ?? 0.6;
    this.smoothing.value = String(w);
    this.smoothingValue.textContent = w.toFixed(2);
    this.series.setSmoothing(w);
    this.restorePending = true;
    this.subscribed = undefined;
    this.resubscribe();
  }

  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) this.resubscribe();
    else {
      this.deps.post({ type: 'consoleUnsubscribe' });
      this.subscribed = undefined;
    }
  }

  setVersion(versionId: string | undefined): void {
    if (versionId === this.versionId) return;
    this.versionId = versionId;
    this.resubscribe();
  }

  setVersions(versions: readonly VersionSummary[]): void {
    this.versions = versions;
    this.resubscribe();
  }

  receive(m: ConsoleSessionMessage | ConsoleDataMessage): void {
    if (m.seq !== this.seq || !this.subscribed) return;
    if (m.type === 'consoleSession') {
      const switched = this.session?.sessionId !== m.sessionId;
      this.session = m;
      if (this.view.maxLines !== m.maxLines) this.view.maxLines = m.maxLines;
      this.statusEl.textContent = statusText(m.status, m.sessionId);
      this.renderPicker();
      if (switched && !m.sessionId) this.clearData();
      return;
    }
    if (m.stream === 'console') {
      if (m.reset) this.view.clear();
      if (m.text) this.view.append(m.text);
      if (m.reset && this.restorePending) {
        this.restorePending = false;
        const { follow = true, scrollTop = 0 } = this.state;
        this.view.restoreViewState({ follow, scrollTop });
        this.showFollow(follow);
      }
    } else {
      if (m.reset) this.series.clear();
      this.series.appendText(m.text);
      this.drawChart(m.reset);
    }
  }

  private clearData(): void {
    this.view.clear();
    this.series.clear();
    this.drawChart(true);
  }

  private drawChart(rebuild: boolean): void {
    this.chartEmpty.hidden = this.series.length > 0;
    this.chartBox.hidden = this.series.length === 0;
    if (!this.series.length) return;
    if (!this.chart) this.chart = new LossChart(this.chartBox, { height: 200 });
    if (rebuild || !this.chart.chart) this.chart.setInputs([{ id: this.session?.sessionId ?? 'session', label: 'loss', series: this.series }]);
    else this.chart.update();
  }

  private resubscribe(): void {
    if (!this.active) return;
    const target = consoleTarget(this.state, this.versionId);
    const newest = target.sessionId ? null : newestSessionOf(this.versions, target.versionId);
    if (sameTarget(this.subscribed, target) && this.subscribed!.newest === newest) return;
    const first = !this.subscribed;
    this.subscribed = { ...target, newest };
    this.seq++;
    if (!first) this.restorePending = false;
    this.clearData();
    this.deps.post({ type: 'consoleSubscribe', seq: this.seq, sessionId: target.sessionId, versionId: target.versionId });
  }

  private renderPicker(): void {
    const sessions = this.session?.sessions ?? [];
    const target = consoleTarget(this.state, this.versionId);
    const selected = target.sessionId ?? AUTO_SESSION;
    const options = pickerOptions(sessions, target.versionId);
    const d = dropdown(
      options.map((o) => ({ value: o.value, content: [o.text], text: o.text })),
      selected,
      { id: 'console-session', ariaLabel: 'Session shown' },
    );
    d.addEventListener('change', () => {
      const sessionId = d.value === AUTO_SESSION ? null : d.value;
      if ((this.state.sessionId ?? null) === sessionId) return;
      this.patch({ sessionId });
      this.resubscribe();
    });
    this.pickerSlot.replaceChildren(d);
  }

  private openLog(): void {
    const id = this.session?.sessionId;
    const versionId = this.session?.sessions.find((s) => s.id === id)?.versionId;
    if (id && versionId) this.deps.openLog(versionId, id);
  }

  private pause(): void {
    // Scrolling up a line stops following (the view notices and reports it).
    const log = this.logBox.querySelector('.tl-console-log');
    if (log) log.scrollTop = Math.max(0, log.scrollTop - 40);
    if (this.view.isFollowing) this.view.restoreViewState({ follow: false, scrollTop: log?.scrollTop ?? 0 });
    this.showFollow(false);
    this.patch({ follow: false });
  }

  private showFollow(follow: boolean): void {
    const label = follow ? 'Pause' : 'Follow';
    this.followBtn.replaceChildren(h('span', { slot: 'start', class: `codicon codicon-${follow ? 'debug-pause' : 'arrow-down'}`, 'aria-hidden': 'true' }), label);
    this.followBtn.title = follow ? 'Stop scrolling with the output' : 'Scroll to the bottom and follow the output (End)';
  }

  private onScroll(): void {
    if (this.scrollTimer) clearTimeout(this.scrollTimer);
    this.scrollTimer = setTimeout(() => {
      this.scrollTimer = undefined;
      const v = this.view.getViewState();
      this.patch({ follow: v.follow, scrollTop: Math.max(0, Math.round(v.scrollTop)) });
    }, SCROLL_SAVE_MS);
  }

  private patch(p: Partial<ConsoleUiState>): void {
    this.state = { ...this.state, ...p };
    this.deps.onStateChange(this.state);
  }
}
