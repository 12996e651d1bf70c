import assert from 'node:assert/strict';
import { ConsoleView } from '../../../webview-ui/console/view';

/** Just enough DOM for ConsoleView: elements, text nodes, events and a scroll model (one line = 10px). */
class FakeNode {
  parentNode: FakeElement | null = null;
  constructor(readonly ownerDocument: FakeDocument) {}
  get textContent(): string {
    return '';
  }
}
class FakeText extends FakeNode {
  constructor(doc: FakeDocument, public data: string) {
    super(doc);
  }
  override get textContent(): string {
    return this.data;
  }
}
class FakeElement extends FakeNode {
  className = '';
  hidden = false;
  childNodes: FakeNode[] = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, ((e: unknown) => void)[]>();
  private _scrollTop = 0;
  clientHeight = 100;
  constructor(doc: FakeDocument, readonly tagName: string) {
    super(doc);
  }
  override get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  override set textContent(v: string) {
    this.replaceChildren(new FakeText(this.ownerDocument, v));
  }
  get classList() {
    return { add: (c: string) => (this.className = `${this.className} ${c}`.trim()) };
  }
  setAttribute(k: string, v: string) {
    this.attributes.set(k, v);
  }
  appendChild(n: FakeNode) {
    n.parentNode = this;
    this.childNodes.push(n);
    this.ownerDocument.ops.push('append');
    return n;
  }
  removeChild(n: FakeNode) {
    const i = this.childNodes.indexOf(n);
    assert.ok(i >= 0, 'removeChild of a non-child');
    this.childNodes.splice(i, 1);
    n.parentNode = null;
    this.ownerDocument.ops.push('remove');
    return n;
  }
  replaceChildren(...nodes: FakeNode[]) {
    for (const n of nodes) n.parentNode = this;
    this.childNodes = nodes;
    this.ownerDocument.ops.push('replace');
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  removeEventListener(type: string, fn: (e: unknown) => void) {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((f) => f !== fn));
  }
  dispatch(type: string, e: unknown = {}) {
    for (const fn of this.listeners.get(type) ?? []) fn(e);
  }
  /** The console lines, inside the view's layout blocks (tl-console-chunk). */
  get lines(): FakeElement[] {
    return this.childNodes.flatMap((c) =>
      c instanceof FakeElement ? (c.className === 'tl-console-line' ? [c] : c.className === 'tl-console-chunk' ? c.lines : []) : [],
    );
  }
  get scrollHeight(): number {
    return this.childNodes.reduce((n, c) => n + (c instanceof FakeElement && c.className === 'tl-console-chunk' ? c.lines.length : 1), 0) * 10;
  }
  get scrollTop(): number {
    return this._scrollTop;
  }
  set scrollTop(v: number) {
    this._scrollTop = Math.max(0, Math.min(v, this.scrollHeight - this.clientHeight));
  }
  get offsetTop(): number {
    // Relative to the positioned log: a line's place among all lines.
    let log: FakeElement | null = this.parentNode;
    while (log && log.className === 'tl-console-chunk') log = log.parentNode;
    return log ? Math.max(0, log.lines.indexOf(this)) * 10 : 0;
  }
}
class FakeDocument {
  ops: string[] = [];
  createElement(tag: string) {
    return new FakeElement(this, tag);
  }
  createTextNode(text: string) {
    return new FakeText(this, text);
  }
}

function setup(opts: { maxLines?: number; selection?: () => { anchorNode: unknown; focusNode: unknown; isCollapsed: boolean } | null } = {}) {
  const doc = new FakeDocument();
  const container = doc.createElement('div');
  const follows: boolean[] = [];
  const copied: string[] = [];
  let opened = 0;
  const view = new ConsoleView(container as unknown as HTMLElement, {
    maxLines: opts.maxLines,
    schedule: () => {},
    onFollowChange: (f) => follows.push(f),
    onOpenFullLog: () => opened++,
    writeClipboard: async (t) => void copied.push(t),
    getSelection: (opts.selection ?? (() => null)) as never,
  });
  const log = container.childNodes[0] as FakeElement;
  const jump = container.childNodes[1] as FakeElement;
  return { doc, container, view, log, jump, follows, copied, opened: () => opened };
}

const lineTexts = (log: FakeElement) => log.lines.map((l) => l.textContent);

describe('webview console: ConsoleView (fake DOM)', () => {
  it('renders lines with classes and appends only new lines', () => {
    const { view, log, doc } = setup();
    view.append('\x1b[31mred\x1b[0m plain\nsecond\n');
    view.flush();
    assert.deepEqual(lineTexts(log), ['red plain', 'second']);
    const first = log.lines[0]!;
    assert.equal((first.childNodes[0] as FakeElement).className, 'ansi-fg-1');
    doc.ops = [];
    view.append('third\n');
    view.flush();
    assert.deepEqual(doc.ops, ['append', 'replace'], 'one new line, nothing else touched');
    assert.equal(log.lines[0], first);
  });

  it('updates the last line in place when a \\r rewrites it', () => {
    const { view, log, doc } = setup();
    view.append('head\n 10%');
    view.flush();
    const bar = log.lines[1]!;
    doc.ops = [];
    view.append('\r 20%');
    view.flush();
    assert.deepEqual(doc.ops, ['replace']);
    assert.equal(log.lines[1], bar);
    assert.equal(bar.textContent, ' 20%');
  });

  it('drops the oldest lines from the DOM at the cap and shows how many are hidden', () => {
    const { view, log, opened } = setup({ maxLines: 3 });
    for (let i = 0; i < 5; i++) view.append(`l${i}\n`);
    view.flush();
    assert.deepEqual(lineTexts(log), ['l2', 'l3', 'l4']);
    const notice = log.childNodes[0] as FakeElement;
    assert.equal(notice.hidden, false);
    assert.match(notice.textContent, /^2 earlier lines are not shown here\. Open full log$/);
    ((notice.childNodes[1] as FakeElement).dispatch('click'));
    assert.equal(opened(), 1);
  });

  it('follows the output at the bottom, pauses when scrolled up, jumps back', () => {
    const { view, log, jump, follows } = setup();
    for (let i = 0; i < 50; i++) view.append(`l${i}\n`);
    view.flush();
    assert.equal(log.scrollTop, log.scrollHeight - log.clientHeight);
    assert.equal(jump.hidden, true);
    log.scrollTop = 100;
    log.dispatch('scroll');
    assert.equal(view.isFollowing, false);
    assert.equal(jump.hidden, false);
    view.append('more\n');
    view.flush();
    assert.equal(log.scrollTop, 100, 'paused: stays where the person is');
    jump.dispatch('click');
    assert.equal(view.isFollowing, true);
    assert.equal(log.scrollTop, log.scrollHeight - log.clientHeight);
    log.dispatch('keydown', { key: 'End', preventDefault() {} });
    assert.deepEqual(follows, [false, true]);
    assert.deepEqual(view.getViewState(), { follow: true, scrollTop: log.scrollTop });
  });

  it('keeps the viewport steady when lines drop off the top while paused', () => {
    const { view, log } = setup({ maxLines: 30 });
    for (let i = 0; i < 30; i++) view.append(`l${i}\n`);
    view.flush();
    log.scrollTop = 100;
    log.dispatch('scroll');
    view.append('a\nb\n');
    view.flush();
    assert.equal(log.scrollTop, 80);
  });

  it('searches, highlights and steps through matches', () => {
    const statuses: string[] = [];
    const doc = new FakeDocument();
    const container = doc.createElement('div');
    const view = new ConsoleView(container as unknown as HTMLElement, { schedule: () => {}, onSearchChange: (s) => statuses.push(`${s.current}/${s.count}`) });
    const log = container.childNodes[0] as FakeElement;
    view.append('Error one\nfine\nerror two\n');
    view.setSearch('ERROR');
    const marks = (i: number) => log.lines[i]!.childNodes.filter((n): n is FakeElement => n instanceof FakeElement).map((n) => n.className);
    assert.deepEqual(marks(0), ['tl-console-match']);
    assert.deepEqual(marks(2), ['tl-console-match tl-console-match-current']);
    assert.equal(view.findNext()!.line, 0);
    assert.deepEqual(marks(0), ['tl-console-match tl-console-match-current']);
    assert.deepEqual(marks(2), ['tl-console-match']);
    assert.equal(view.findPrevious()!.line, 2);
    view.setSearch('');
    assert.deepEqual(marks(0), []);
    assert.deepEqual(statuses, ['2/2', '1/2', '2/2', '0/0']);
  });

  it('copies the selected lines, or everything', async () => {
    let selection: { anchorNode: unknown; focusNode: unknown; isCollapsed: boolean } | null = null;
    const { view, log, copied } = setup({ selection: () => selection });
    view.append('\x1b[1ma\x1b[0m\nb\nc\nd');
    view.flush();
    assert.equal(await view.copy(), 'a\nb\nc\nd');
    selection = { anchorNode: log.lines[2]!.childNodes[0], focusNode: log.lines[1]!, isCollapsed: false };
    assert.equal(await view.copy(), 'b\nc');
    assert.deepEqual(copied, ['a\nb\nc\nd', 'b\nc']);
  });

  it('rebuilds after clear (another session)', () => {
    const { view, log } = setup();
    view.append('old\n');
    view.flush();
    view.clear();
    view.append('new\n');
    view.flush();
    assert.deepEqual(lineTexts(log), ['new']);
  });
});
