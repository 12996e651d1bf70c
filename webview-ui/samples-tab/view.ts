/**
 * The Samples tab: the images a trainer wrote while training. "By step" shows one session's
 * samples grouped by the step they were made at (its picker lists every session with samples);
 * "By prompt" shows one prompt side by side across versions (their newest sampled sessions),
 * a row per step. An image opens full size in an editor. Its choices go to the panel's state;
 * it asks the extension again when the style changes on disk while it is shown.
 */
import { samplesResultSchema, type RequestAction, type RequestArgs, type SampleImage, type SamplesUiState } from '../../src/shared/panel-protocol';
import { h } from '../dom';
import { checkbox, dropdown, type ValueElement } from '../toolkit';
import { defaultVersionIds, groupByStep, newestPerVersion, promptChoices, promptGrid, promptLabel, type SamplesSession } from './logic';

export interface SamplesHost {
  request<A extends RequestAction>(action: A, args: RequestArgs<A>, timeoutMs?: number): Promise<unknown>;
}

export interface SamplesTabDeps {
  host: SamplesHost;
  onStateChange(state: SamplesUiState): void;
}

/** Changes on disk (a trainer writing a sample every few seconds) are gathered this long. */
const REFRESH_DELAY_MS = 600;
/** The most versions shown side by side. */
const MAX_COLUMNS = 8;

export class SamplesTab {
  readonly root = h('section', { class: 'samples', 'aria-label': 'Samples' });
  private readonly bar = h('div', { class: 'samples-bar' });
  private readonly message = h('p', { class: 'samples-message', role: 'status' });
  private readonly body = h('div', { class: 'samples-body' });
  private sessions: SamplesSession[] = [];
  private state: SamplesUiState = {};
  private active = false;
  private stale = true;
  private loaded = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: SamplesTabDeps) {
    this.root.append(this.bar, this.message, this.body);
  }

  init(state: SamplesUiState | undefined): void {
    this.state = { ...(state ?? {}) };
    this.stale = true;
    if (this.active) this.refresh(true);
  }

  setActive(active: boolean): void {
    this.active = active;
    if (active && this.stale) this.refresh(true);
  }

  /** Something of the style changed on disk: ask again (now if shown, else when shown). */
  changed(): void {
    this.stale = true;
    if (this.active) this.refresh();
  }

  private refresh(now = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), now ? 0 : REFRESH_DELAY_MS);
  }

  private async load(): Promise<void> {
    this.timer = undefined;
    this.stale = false;
    try {
      const r = samplesResultSchema.safeParse(await this.deps.host.request('getSamples', {}));
      if (!r.success) throw new Error('the answer was not a list of samples');
      this.sessions = r.data.sessions;
      this.message.textContent = '';
    } catch (e) {
      this.message.textContent = `Samples not loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.loaded = true;
    this.render();
  }

  private patch(p: Partial<SamplesUiState>): void {
    this.state = { ...this.state, ...p };
    this.deps.onStateChange(this.state);
  }

  private render(): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    this.bar.replaceChildren();
    this.body.replaceChildren();
    if (!this.sessions.length) {
      if (this.loaded) this.body.append(h('p', { class: 'samples-empty' }, 'No sample images yet. Trainers write them when sampling is on (kohya: sample_every_n_steps with sample_prompts; the demo trainer: sample_every_n_steps).'));
      return;
    }
    const mode = this.state.mode ?? 'step';
    const modePick = dropdown(
      [
        { value: 'step', content: ['By step'] },
        { value: 'prompt', content: ['By prompt, across versions'] },
      ],
      mode,
      { id: 'samples-mode', ariaLabel: 'View' },
    );
    modePick.addEventListener('change', () => {
      if (modePick.value === (this.state.mode ?? 'step')) return;
      this.patch({ mode: modePick.value === 'prompt' ? 'prompt' : 'step' });
      this.render();
    });
    this.bar.append(labelled('View', 'samples-mode', modePick));
    if (mode === 'step') this.renderByStep();
    else this.renderByPrompt();
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private renderByStep(): void {
    const chosen = this.sessions.find((s) => s.id === this.state.sessionId) ?? this.sessions[0]!;
    const pick = dropdown(
      this.sessions.map((s) => ({ value: s.id, content: [`${s.versionName} · ${s.id} · ${s.status} · ${s.images.length} images`] })),
      chosen.id,
      { id: 'samples-session', ariaLabel: 'Session' },
    );
    pick.addEventListener('change', () => {
      if (!pick.value || pick.value === chosen.id) return;
      this.patch({ sessionId: pick.value });
      this.render();
    });
    this.bar.append(labelled('Session', 'samples-session', pick));
    for (const g of groupByStep(chosen.images)) {
      const figures = g.images.map((img) => this.figure(chosen, img, promptLabel(img.prompt, chosen.prompts)));
      this.body.append(h('section', { class: 'samples-step', 'aria-label': g.label }, h('h3', {}, capital(g.label)), h('div', { class: 'samples-grid' }, ...figures)));
    }
  }

  private renderByPrompt(): void {
    const newest = newestPerVersion(this.sessions);
    const prompts = promptChoices(newest);
    const prompt = prompts.some((p) => p.index === this.state.prompt) ? this.state.prompt! : (prompts[0]?.index ?? 0);
    const pick: ValueElement = dropdown(
      prompts.map((p) => ({ value: String(p.index), content: [p.label] })),
      String(prompt),
      { id: 'samples-prompt', ariaLabel: 'Prompt' },
    );
    pick.addEventListener('change', () => {
      const n = Number(pick.value);
      if (!Number.isInteger(n) || n === prompt) return;
      this.patch({ prompt: n });
      this.render();
    });
    const known = new Set(newest.map((s) => s.versionId));
    const chosenIds = (this.state.versionIds ?? defaultVersionIds(newest)).filter((id) => known.has(id));
    const boxes = newest.map((s) => {
      const c = checkbox(s.versionName, chosenIds.includes(s.versionId), { id: `samples-v-${s.versionId}` });
      c.addEventListener('change', () => {
        const ids = newest.map((x) => x.versionId).filter((id) => (id === s.versionId ? c.checked : chosenIds.includes(id)));
        this.patch({ versionIds: ids.slice(0, MAX_COLUMNS) });
        this.render();
      });
      return c;
    });
    this.bar.append(labelled('Prompt', 'samples-prompt', pick), h('fieldset', { class: 'samples-versions' }, h('legend', {}, 'Versions'), ...boxes));

    const columns = newest.filter((s) => chosenIds.includes(s.versionId)).slice(0, MAX_COLUMNS);
    if (!columns.length) {
      this.body.append(h('p', { class: 'samples-empty' }, 'Tick one or more versions to see this prompt side by side.'));
      return;
    }
    const grid = promptGrid(columns, prompt);
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Step'), ...columns.map((s) => h('th', { scope: 'col' }, s.versionName, h('span', { class: 'samples-session-id' }, s.id))));
    const rows = grid.rows.map((r) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, capital(r.label)),
        ...r.cells.map((img, i) => h('td', {}, img ? this.figure(columns[i]!, img, `${columns[i]!.versionName}, ${r.label}`) : h('span', { class: 'samples-none' }, '—'))),
      ),
    );
    this.body.append(
      h('p', { class: 'samples-prompt-text' }, promptLabel(prompt, columns.find((s) => s.prompts[prompt])?.prompts ?? [])),
      rows.length ? h('div', { class: 'samples-compare-wrap' }, h('table', { class: 'samples-compare' }, h('thead', {}, head), h('tbody', {}, ...rows))) : h('p', { class: 'samples-empty' }, 'No samples of this prompt in the chosen versions.'),
    );
  }

  /** An image as a button: opens it full size in an editor (and shows the file's name when it cannot be drawn here). */
  private figure(session: SamplesSession, img: SampleImage, caption: string): HTMLElement {
    const open = h('button', { type: 'button', class: 'samples-open', title: `Open ${img.file}`, 'aria-label': `${caption} — open ${img.file}` });
    if (img.uri) open.append(h('img', { src: img.uri, alt: caption, loading: 'lazy', decoding: 'async' }));
    else open.append(h('span', { class: 'samples-outside' }, `${img.file} (outside the style's folder: open it)`));
    open.addEventListener('click', () => {
      this.deps.host.request('openSample', { sessionId: session.id, file: img.file }).catch((e: unknown) => (this.message.textContent = `Not opened: ${e instanceof Error ? e.message : String(e)}`));
    });
    return h('figure', { class: 'samples-figure' }, open, h('figcaption', {}, caption));
  }
}

function labelled(label: string, id: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'samples-field' }, h('label', { for: id }, label), control);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
