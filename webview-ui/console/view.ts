/**
 * The console's DOM renderer. Renders only what changed since the last frame (appends new
 * lines, updates the rewritten last line, removes dropped lines from the top); colours and
 * highlights are CSS classes only (console.css), never inline styles (the panel's CSP).
 *
 * Scrolling follows the output while the view is at the bottom and pauses when the person
 * scrolls up; a "Jump to bottom" button (and the End key) resumes following. Search is
 * case-insensitive and literal; copy copies the selected lines, or all kept lines.
 *
 * The DOM use is deliberately small (createElement, createTextNode, appendChild,
 * insertBefore, removeChild, replaceChildren, className, textContent, hidden, setAttribute,
 * addEventListener, scrollTop/scrollHeight/clientHeight, parentNode), so the tests drive it
 * with a small fake DOM.
 */
import { ConsoleBuffer, type ConsoleChanges } from './buffer';
import { ConsoleSearch, segmentLine, type Match } from './search';

/** Lines per layout block (see `chunks`). */
const CHUNK_LINES = 200;

export interface ConsoleViewState {
  /** Following the output (scrolled to the bottom). */
  follow: boolean;
  scrollTop: number;
}

export interface ConsoleSearchStatus {
  query: string;
  /** 1-based index of the current match, 0 when none. */
  current: number;
  count: number;
}

export interface ConsoleViewOptions {
  /** Lines kept (setting `trainlab.console.maxLines`). */
  maxLines?: number;
  /** The host opens the session's full `console.log` (shown as a button when given). */
  onOpenFullLog?: () => void;
  /** Called when following starts or stops (for the panel's saved state). */
  onFollowChange?: (follow: boolean) => void;
  /** Called when the search's matches or current match change (for "3 of 12"). */
  onSearchChange?: (status: ConsoleSearchStatus) => void;
  /** Writes text to the clipboard; default `navigator.clipboard.writeText`. */
  writeClipboard?: (text: string) => Promise<void>;
  /** The current selection; default `document.getSelection()`. */
  getSelection?: () => Pick<Selection, 'anchorNode' | 'focusNode' | 'isCollapsed'> | null;
  /** Runs a render later; default `requestAnimationFrame`. */
  schedule?: (callback: () => void) => void;
  /** Pixels from the bottom that still count as "at the bottom". */
  bottomSlack?: number;
}

export const CONSOLE_CLASS = 'tl-console';

export class ConsoleView {
  readonly buffer: ConsoleBuffer;
  readonly search = new ConsoleSearch();
  private readonly doc: Document;
  private readonly log: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly noticeText: HTMLElement;
  private readonly jump: HTMLElement;
  private readonly lineEls: HTMLElement[] = [];
  /** Absolute index of `lineEls[0]`. */
  private domFirst = 0;
  /**
   * Lines live in blocks of CHUNK_LINES: each block is laid out (and, off screen, skipped via
   * content-visibility) as a unit, so an append re-lays out one block instead of every line
   * kept — at 10,000 lines a second a per-line layout falls behind.
   */
  private readonly chunks: { el: HTMLElement; size: number }[] = [];
  private readonly lineOf = new WeakMap<object, number>();
  private following = true;
  private scheduled = false;
  private disposed = false;
  private readonly slack: number;
  private readonly listeners: [EventTarget, string, EventListener][] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly options: ConsoleViewOptions = {},
  ) {
    this.buffer = new ConsoleBuffer({ maxLines: options.maxLines });
    this.slack = options.bottomSlack ?? 4;
    this.doc = container.ownerDocument;
    container.className = container.className ? `${container.className} ${CONSOLE_CLASS}` : CONSOLE_CLASS;

    this.log = this.el('div', 'tl-console-log');
    this.log.setAttribute('role', 'log');
    this.log.setAttribute('aria-label', 'Training console output');
    this.log.setAttribute('tabindex', '0');

    this.notice = this.el('div', 'tl-console-dropped');
    this.notice.hidden = true;
    this.noticeText = this.el('span', 'tl-console-dropped-text');
    this.notice.appendChild(this.noticeText);
    if (options.onOpenFullLog) {
      const open = this.el('button', 'tl-console-open-full');
      open.setAttribute('type', 'button');
      open.textContent = 'Open full log';
      this.on(open, 'click', () => this.openFullLog());
      this.notice.appendChild(open);
    }
    this.log.appendChild(this.notice);

    this.jump = this.el('button', 'tl-console-jump');
    this.jump.setAttribute('type', 'button');
    this.jump.setAttribute('title', 'Jump to bottom and follow the output (End)');
    const icon = this.el('span', 'codicon codicon-arrow-down');
    icon.setAttribute('aria-hidden', 'true');
    this.jump.appendChild(icon);
    this.jump.appendChild(this.doc.createTextNode(' Jump to bottom'));
    this.jump.hidden = true;
    this.on(this.jump, 'click', () => this.follow());

    container.appendChild(this.log);
    container.appendChild(this.jump);
    this.on(this.log, 'scroll', () => this.onScroll());
    this.on(this.log, 'keydown', (e) => {
      if ((e as KeyboardEvent).key === 'End') {
        e.preventDefault();
        this.follow();
      }
    });
  }

  /** Appends raw trainer output; the DOM is updated on the next frame. */
  append(chunk: string): void {
    this.buffer.append(chunk);
    this.requestRender();
  }

  /** Shows another log from scratch (another session). */
  clear(): void {
    this.buffer.clear();
    this.requestRender();
  }

  set maxLines(value: number) {
    this.buffer.maxLines = value;
    this.requestRender();
  }

  get maxLines(): number {
    return this.buffer.maxLines;
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** Scrolls to the bottom and follows the output again. */
  follow(): void {
    this.setFollowing(true);
    this.scrollToBottom();
  }

  getViewState(): ConsoleViewState {
    return { follow: this.following, scrollTop: this.log.scrollTop };
  }

  restoreViewState(state: ConsoleViewState): void {
    this.flush();
    if (state.follow) this.follow();
    else {
      this.setFollowing(false);
      this.log.scrollTop = state.scrollTop;
    }
  }

  openFullLog(): void {
    this.options.onOpenFullLog?.();
  }

  /** Searches (case-insensitive); highlights all matches and scrolls to the newest. */
  setSearch(query: string): void {
    this.flush();
    const before = new Set(this.search.matches.map((m) => m.line));
    this.search.setQuery(this.buffer, query);
    for (const m of this.search.matches) before.add(m.line);
    for (const line of before) this.renderLine(line);
    this.reveal(this.search.current);
    this.emitSearch();
  }

  findNext(): Match | undefined {
    return this.step(() => this.search.next());
  }

  findPrevious(): Match | undefined {
    return this.step(() => this.search.previous());
  }

  /** Text of the selected lines (whole lines), or of all kept lines when nothing is selected. */
  copyText(): string {
    const sel = (this.options.getSelection ?? (() => this.doc.getSelection?.() ?? null))();
    if (sel && !sel.isCollapsed) {
      const a = this.lineIndexOf(sel.anchorNode);
      const b = this.lineIndexOf(sel.focusNode);
      if (a !== undefined && b !== undefined) return this.buffer.text(Math.min(a, b), Math.max(a, b) + 1);
    }
    return this.buffer.text();
  }

  /** Copies `copyText()` to the clipboard; returns what was copied. */
  async copy(): Promise<string> {
    const text = this.copyText();
    const write = this.options.writeClipboard ?? ((t: string) => navigator.clipboard.writeText(t));
    await write(text);
    return text;
  }

  /** Renders pending changes now (normally done on the next animation frame). */
  flush(): void {
    this.scheduled = false;
    if (this.disposed) return;
    const changes = this.buffer.takeChanges();
    const oldCurrent = this.search.current;
    this.search.update(this.buffer, changes);
    this.apply(changes);
    const cur = this.search.current;
    if (oldCurrent !== cur) {
      if (oldCurrent) this.renderLine(oldCurrent.line);
      if (cur) this.renderLine(cur.line);
      this.emitSearch();
    } else if (this.search.query && changes.from < changes.end) {
      this.emitSearch();
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const [target, type, fn] of this.listeners) target.removeEventListener(type, fn);
    this.listeners.length = 0;
    this.container.removeChild(this.log);
    this.container.removeChild(this.jump);
  }

  private apply(changes: ConsoleChanges): void {
    const log = this.log;
    if (changes.reset) {
      for (const c of this.chunks) log.removeChild(c.el);
      this.chunks.length = 0;
      this.lineEls.length = 0;
      this.domFirst = changes.dropped;
    }
    const drop = Math.min(changes.dropped - this.domFirst, this.lineEls.length);
    if (drop > 0) {
      // While paused, keep the viewport on the same lines: scroll up by the height removed.
      const heightBefore = this.following ? 0 : log.scrollHeight;
      for (let i = 0; i < drop; i++) {
        const first = this.chunks[0]!;
        first.el.removeChild(this.lineEls[i]!);
        if (--first.size === 0) {
          log.removeChild(first.el);
          this.chunks.shift();
        }
      }
      this.lineEls.splice(0, drop);
      if (!this.following) log.scrollTop = Math.max(0, log.scrollTop - (heightBefore - log.scrollHeight));
    }
    this.domFirst = changes.dropped;
    for (let abs = Math.max(changes.from, changes.dropped); abs < changes.end; abs++) {
      const idx = abs - this.domFirst;
      let el = this.lineEls[idx];
      if (!el) {
        el = this.el('div', 'tl-console-line');
        this.lineOf.set(el, abs);
        this.lineEls.push(el);
        let last = this.chunks[this.chunks.length - 1];
        if (!last || last.size >= CHUNK_LINES) {
          last = { el: this.el('div', 'tl-console-chunk'), size: 0 };
          this.chunks.push(last);
          log.appendChild(last.el);
        }
        last.el.appendChild(el);
        last.size++;
      }
      this.fillLine(el, abs);
    }
    const dropped = this.buffer.dropped;
    this.notice.hidden = dropped === 0;
    if (dropped) this.noticeText.textContent = `${dropped.toLocaleString('en-US')} earlier ${dropped === 1 ? 'line is' : 'lines are'} not shown here. `;
    if (this.following) this.scrollToBottom();
  }

  private renderLine(abs: number): void {
    const el = this.lineEls[abs - this.domFirst];
    if (el) this.fillLine(el, abs);
  }

  private fillLine(el: HTMLElement, abs: number): void {
    const line = this.buffer.lineAt(abs);
    if (!line) return;
    const matches = this.search.query ? this.search.matchesOnLine(abs) : [];
    const nodes: Node[] = [];
    for (const seg of segmentLine(line.spans, matches, this.search.current)) {
      if (!seg.classes.length) nodes.push(this.doc.createTextNode(seg.text));
      else {
        const span = this.el('span', seg.classes.join(' '));
        span.textContent = seg.text;
        nodes.push(span);
      }
    }
    el.replaceChildren(...nodes);
  }

  private step(move: () => Match | undefined): Match | undefined {
    this.flush();
    const old = this.search.current;
    const m = move();
    if (old) this.renderLine(old.line);
    if (m) this.renderLine(m.line);
    this.reveal(m);
    this.emitSearch();
    return m;
  }

  private reveal(m: Match | undefined): void {
    if (!m) return;
    const el = this.lineEls[m.line - this.domFirst];
    if (!el) return;
    this.setFollowing(false);
    // Centre the line in the view.
    const top = el.offsetTop ?? 0;
    this.log.scrollTop = Math.max(0, top - this.log.clientHeight / 2);
  }

  private emitSearch(): void {
    this.options.onSearchChange?.({ query: this.search.query, current: this.search.currentIndex + 1, count: this.search.matches.length });
  }

  private lineIndexOf(node: Node | null): number | undefined {
    for (let n: Node | null = node; n; n = n.parentNode) {
      const abs = this.lineOf.get(n);
      if (abs !== undefined) return abs;
      if (n === this.log) return undefined;
    }
    return undefined;
  }

  private onScroll(): void {
    const log = this.log;
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - this.slack;
    this.setFollowing(atBottom);
  }

  private setFollowing(follow: boolean): void {
    if (this.following === follow) return;
    this.following = follow;
    this.jump.hidden = follow;
    this.options.onFollowChange?.(follow);
  }

  private scrollToBottom(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private requestRender(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    const schedule = this.options.schedule ?? ((cb: () => void) => requestAnimationFrame(() => cb()));
    schedule(() => this.flush());
  }

  private el(tag: string, className: string): HTMLElement {
    const el = this.doc.createElement(tag);
    el.className = className;
    return el;
  }

  private on(target: EventTarget, type: string, fn: EventListener): void {
    target.addEventListener(type, fn);
    this.listeners.push([target, type, fn]);
  }
}
