/**
 * The Configure tab: the version selector (seed 002's dropdown) with NEW, the selected
 * version's card, the dataset and description, the parameter form generated from the
 * trainer's specs (basic fields, then an Advanced section), and the action buttons.
 */
import {
  NEW_VERSION,
  type DatasetSummary,
  type FormDraft,
  type InitMessage,
  type PanelParamSpec,
  type PanelUiState,
  type SaveResult,
  type StartResult,
  type StyleSummary,
  type UpdateMessage,
  type VersionSummary,
} from '../../src/shared/panel-protocol';
import { h, icon } from '../dom';
import { RequestError, type Host } from '../host';
import { button, checkbox, dropdown, textArea, textField, type ButtonElement, type CheckElement, type ValueElement } from '../toolkit';
import { ACTIONS, buttonStates, type ButtonAction } from './buttons';
import { fieldError, formErrors, formFields, formParameters, formValues, isDirty, type FieldModel, type RawValue } from './form';
import { datasetIcon, datasetMeta, datasetOptionText, plural, shortDate, STATUS_ICON, STATUS_LABEL, versionOptionText, versionStats } from './format';

export interface ConfigureDeps {
  host: Pick<Host, 'request'>;
  /** The view's part of the panel state changed (selection, draft, Advanced open). */
  onStateChange(patch: Partial<PanelUiState>): void;
}

const BUTTONS: Record<ButtonAction, { label: string; icon: string; appearance: 'primary' | 'secondary' }> = {
  save: { label: 'Save as New Version', icon: 'save', appearance: 'secondary' },
  start: { label: 'Start', icon: 'play', appearance: 'primary' },
  check: { label: 'Check Status', icon: 'refresh', appearance: 'secondary' },
  cancel: { label: 'Cancel', icon: 'debug-stop', appearance: 'secondary' },
  resume: { label: 'Resume', icon: 'debug-continue', appearance: 'secondary' },
  retry: { label: 'Retry on RunPod', icon: 'sync', appearance: 'secondary' },
  relaunch: { label: 'Relaunch', icon: 'debug-restart', appearance: 'secondary' },
  extend: { label: 'Extend', icon: 'debug-step-over', appearance: 'secondary' },
};

/** "RunPod job 1a2b… IN_QUEUE · waited 12 s · worker w-3 · seen 20:01:05 (endpoint e)". */
function remoteText(r: NonNullable<NonNullable<VersionSummary['session']>['remote']>): string {
  const parts = [r.jobId ? `RunPod job ${r.jobId}` : 'RunPod job (no id: the answer to /run was lost)', r.status ?? ''];
  if (r.delayMs !== null && r.delayMs > 0) parts.push(`waited ${Math.round(r.delayMs / 1000)} s in the queue`);
  if (r.workerId) parts.push(`worker ${r.workerId}`);
  if (r.lastSeenAt) parts.push(`seen ${new Date(r.lastSeenAt).toLocaleTimeString()}`);
  return `${parts.filter(Boolean).join(' · ')} (endpoint ${r.endpointId})`;
}

/** Actions that may wait on a confirmation dialog or a launch: a long timeout. */
const SLOW_MS = 10 * 60_000;

function statusIcon(status: VersionSummary['status']): HTMLElement {
  const s = STATUS_ICON[status];
  return icon(s.icon, `status-icon status-${status}${s.spin ? ' codicon-modifier-spin' : ''}`);
}

function statusBadge(status: VersionSummary['status']): HTMLElement {
  return h('span', { class: `status-badge status-${status}` }, STATUS_LABEL[status]);
}

export class ConfigureView {
  readonly root = h('section', { class: 'configure', 'aria-label': 'Configure' });
  private style: StyleSummary | undefined;
  private specs: PanelParamSpec[] = [];
  private newParameters: Record<string, unknown> = {};
  private versions: VersionSummary[] = [];
  private datasets: DatasetSummary[] = [];
  private trusted = true;
  private gone = false;
  private notice: string | null = null;
  private selection: string = NEW_VERSION;
  private form: Omit<FormDraft, 'base'> = { values: {}, datasetId: null, description: '' };
  private advancedOpen = false;
  private busy: ButtonAction | null = null;
  /** A version just saved or started: selected once it shows up in the list. */
  private pendingSelect: string | undefined;

  // Parts drawn again independently.
  private readonly header = h('header', { class: 'style-header' });
  private readonly noticeEl = h('div', { class: 'notice', role: 'status' });
  private readonly pickerSlot = h('div', { class: 'version-picker' });
  private readonly card = h('div', { class: 'version-card', 'aria-live': 'polite' });
  private readonly datasetSlot = h('div', { class: 'field dataset-field' });
  private readonly descriptionSlot = h('div', { class: 'field description-field' });
  private readonly basicFields = h('div', { class: 'fields' });
  private readonly advancedFields = h('div', { class: 'fields' });
  private readonly advanced = h('details', { class: 'advanced' });
  private readonly advancedSummary = h('summary', {}, 'Advanced');
  private readonly actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Version actions' });
  private readonly runOnSlot = h('div', { class: 'field run-on-field' });
  /** "Run on" for NEW or edited forms (a saved version keeps its own in versions.json). */
  private draftBackend: 'local' | 'runpod' | undefined;
  private readonly messageEl = h('div', { class: 'message', role: 'status', 'aria-live': 'polite' });
  private readonly buttons = {} as Record<ButtonAction, { el: ButtonElement; wrap: HTMLElement }>;
  private readonly errorEls = new Map<string, HTMLElement>();
  private pickerSignature = '';
  /** What persist() last reported. */
  private persisted = '';

  constructor(private readonly deps: ConfigureDeps) {
    this.advanced.append(this.advancedSummary, this.advancedFields);
    this.advanced.addEventListener('toggle', () => {
      if (this.advanced.open === this.advancedOpen) return;
      this.advancedOpen = this.advanced.open;
      this.deps.onStateChange({ advancedOpen: this.advancedOpen });
    });
    for (const a of ACTIONS) {
      const b = BUTTONS[a];
      const el = button(b.label, { id: `action-${a}`, appearance: b.appearance, icon: b.icon });
      el.addEventListener('click', () => void this.run(a));
      const wrap = h('span', { class: 'action' }, el);
      this.buttons[a] = { el, wrap };
      this.actions.append(wrap);
    }
    this.root.append(
      this.header,
      this.noticeEl,
      this.pickerSlot,
      this.card,
      h('h2', {}, 'Dataset and description'),
      h('div', { class: 'pair' }, this.datasetSlot, this.descriptionSlot),
      h('h2', {}, 'Parameters'),
      this.basicFields,
      this.advanced,
      this.runOnSlot,
      this.actions,
      this.messageEl,
    );
  }

  // ---------------------------------------------------------------- data in

  init(m: InitMessage): void {
    this.style = m.style;
    this.specs = m.params;
    this.newParameters = m.newParameters;
    this.versions = m.versions;
    this.datasets = m.datasets;
    this.trusted = m.trusted;
    this.notice = m.notice;
    this.gone = false;
    this.advancedOpen = m.state.advancedOpen ?? false;
    const wanted = m.state.selectedVersionId;
    this.selection = wanted && (wanted === NEW_VERSION || this.versionById(wanted)) ? wanted : (this.versions[0]?.id ?? NEW_VERSION);
    const draft = m.state.draft;
    if (draft && draft.base === this.selection) this.form = { values: { ...this.baseForm().values, ...draft.values }, datasetId: draft.datasetId, description: draft.description };
    else this.form = this.baseForm();
    this.persisted = JSON.stringify({ selectedVersionId: this.selection, draft: this.dirty() ? { base: this.selection, ...this.form } : null });
    this.pickerSignature = '';
    this.renderAll();
  }

  update(m: UpdateMessage): void {
    if (m.gone) this.gone = true;
    if (m.style) {
      this.style = m.style;
      this.gone = false;
    }
    if (m.trusted !== undefined) this.trusted = m.trusted;
    if (m.notice !== undefined) this.notice = m.notice;
    if (m.datasets) {
      this.datasets = m.datasets;
      this.renderDataset();
    }
    if (m.versions) {
      const dirty = this.dirty();
      const before = this.selected();
      this.versions = m.versions;
      if (this.pendingSelect && this.versionById(this.pendingSelect)) {
        this.select(this.pendingSelect);
        this.pendingSelect = undefined;
      } else if (this.selection !== NEW_VERSION && !this.selected()) {
        // The selected version is gone (deleted on disk): the form keeps what it shows, as NEW.
        this.selection = NEW_VERSION;
        this.persist();
      } else if (!dirty && before && this.selected() && JSON.stringify(before.parameters) !== JSON.stringify(this.selected()!.parameters)) {
        // The file changed on disk and nothing was edited here: show what the file says now.
        this.form = this.baseForm();
        this.renderForm();
      }
    }
    if (m.select && this.versionById(m.select)) this.select(m.select);
    this.renderHeader();
    this.renderPicker();
    this.renderCard();
    this.renderButtons();
  }

  // ---------------------------------------------------------------- model

  private versionById(id: string): VersionSummary | undefined {
    return this.versions.find((v) => v.id === id);
  }

  private selected(): VersionSummary | undefined {
    return this.selection === NEW_VERSION ? undefined : this.versionById(this.selection);
  }

  /** What the selection holds: a version's parameters, dataset and description, or NEW's. */
  private base(): { parameters: Record<string, unknown>; datasetId: string | null; description: string } {
    const v = this.selected();
    return v ? { parameters: v.parameters, datasetId: v.datasetId, description: v.description } : { parameters: this.newParameters, datasetId: null, description: '' };
  }

  private baseForm(): Omit<FormDraft, 'base'> {
    const b = this.base();
    return { values: formValues(this.specs, b.parameters), datasetId: b.datasetId, description: b.description };
  }

  private dirty(): boolean {
    return isDirty(this.specs, this.form, this.base());
  }

  private parameters(): Record<string, unknown> {
    return formParameters(this.specs, this.form.values, this.base().parameters);
  }

  private select(id: string): void {
    this.selection = id;
    this.form = this.baseForm();
    this.renderForm();
    this.persist();
  }

  /** The selected version id, or NEW_VERSION. */
  get selectedId(): string {
    return this.selection;
  }

  /** The selection and the unsaved edits (none when the form equals its base); only when they changed. */
  private persist(): void {
    const draft: FormDraft | null = this.dirty() ? { base: this.selection as FormDraft['base'], ...structuredClone(this.form) } : null;
    const patch = { selectedVersionId: this.selection as PanelUiState['selectedVersionId'], draft };
    const signature = JSON.stringify(patch);
    if (signature === this.persisted) return;
    this.persisted = signature;
    this.deps.onStateChange(patch);
  }

  private edited(): void {
    this.renderCard();
    this.renderButtons();
    this.persist();
  }

  // ---------------------------------------------------------------- drawing

  private renderAll(): void {
    this.renderHeader();
    this.renderPicker();
    this.renderCard();
    this.renderForm();
  }

  private renderHeader(): void {
    const s = this.style;
    this.header.replaceChildren(h('h1', {}, s?.name ?? ''));
    if (s) this.header.append(h('span', { class: 'meta' }, [s.trainerLabel, s.triggerToken ? `trigger ${s.triggerToken}` : ''].filter(Boolean).join(' • ')));
    this.noticeEl.replaceChildren(...(this.notice ? [icon(this.gone ? 'warning' : 'info'), h('span', {}, this.notice)] : []));
    this.noticeEl.hidden = !this.notice;
  }

  private renderPicker(): void {
    const signature = JSON.stringify([this.selection, this.versions.map((v) => [v.id, v.name, v.status, v.imageCount, v.steps, v.description, v.createdAt])]);
    if (signature === this.pickerSignature) return;
    this.pickerSignature = signature;
    const options = [
      ...this.versions.map((v) => ({
        value: v.id,
        text: versionOptionText(v),
        content: [
          statusIcon(v.status),
          h('span', { class: 'option-name' }, v.name),
          h('span', { class: `option-status status-${v.status}` }, STATUS_LABEL[v.status].toUpperCase()),
          h('span', { class: 'option-meta' }, [versionStats(v), v.description].filter(Boolean).join(' • ')),
        ],
      })),
      { value: NEW_VERSION, text: 'New version (defaults)', content: [icon('add', 'status-icon'), h('span', { class: 'option-name' }, 'New version'), h('span', { class: 'option-meta' }, `${this.style?.trainerLabel ?? ''} defaults`)] },
    ];
    const dd = dropdown(options, this.selection, { id: 'version-select', ariaLabelledby: 'version-label' });
    dd.addEventListener('change', () => {
      if (dd.value && dd.value !== this.selection) this.select(dd.value);
    });
    const newButton = button('NEW', { id: 'new-version', appearance: 'primary', icon: 'add' });
    newButton.title = `Start from ${this.style?.trainerLabel ?? 'the trainer'}'s defaults and the style's, keeping the trigger token`;
    newButton.addEventListener('click', () => {
      this.select(NEW_VERSION);
      this.pickerSignature = '';
      this.renderPicker();
      this.renderCard();
      this.renderButtons();
    });
    this.pickerSlot.replaceChildren(h('label', { id: 'version-label', class: 'label', for: 'version-select' }, 'Version'), h('div', { class: 'picker-row' }, dd, newButton));
  }

  private renderCard(): void {
    const v = this.selected();
    const dirty = this.dirty();
    if (!v) {
      this.card.replaceChildren(
        h('div', { class: 'card-title' }, icon('add', 'status-icon'), h('strong', {}, 'New version'), h('span', { class: 'status-badge status-draft' }, 'Unsaved')),
        h('div', { class: 'card-meta' }, `${this.style?.trainerLabel ?? 'Trainer'} defaults, then the style's${this.style?.triggerToken ? `; trigger token ${this.style.triggerToken}` : ''}. Save or Start creates it.`),
      );
      return;
    }
    const s = v.session;
    this.card.replaceChildren(
      ...[
      h('div', { class: 'card-title' }, statusIcon(v.status), h('strong', {}, v.name), statusBadge(v.status), dirty ? h('span', { class: 'edited' }, icon('edit'), 'edited — Save or Start makes a new version') : null),
      h('div', { class: 'card-meta' }, [`Created ${shortDate(v.createdAt)}`, v.completedAt ? `completed ${shortDate(v.completedAt)}` : '', v.imageCount !== null ? plural(v.imageCount, 'image') : '', v.steps !== null ? plural(v.steps, 'step') : ''].filter(Boolean).join(' • ')),
      v.description ? h('div', { class: 'card-description' }, v.description) : null,
      v.notes ? h('div', { class: 'card-notes' }, icon('note'), h('span', {}, v.notes)) : null,
      s ? h('div', { class: 'card-session' }, icon('pulse'), h('span', {}, `Newest session ${s.id}: ${s.progressText}`)) : null,
      s?.remote ? h('div', { class: 'card-remote' }, icon('cloud'), h('span', {}, remoteText(s.remote))) : null,
      s?.model ? h('div', { class: 'card-model' }, icon('package'), h('span', {}, 'Model '), h('code', { title: s.model }, s.model)) : null,
      s?.error ? h('div', { class: 'card-error' }, icon('error'), h('span', {}, s.error)) : null,
      ].filter((x): x is HTMLDivElement => x !== null),
    );
  }

  private renderDataset(): void {
    const current = this.form.datasetId;
    const options = [
      { value: '', text: 'No dataset', content: ['No dataset'] as (string | Node)[] },
      ...this.datasets.map((d) => ({
        value: d.id,
        text: datasetOptionText(d),
        content: [
          icon(datasetIcon(d)),
          h('span', { class: 'option-name' }, d.id),
          h('span', { class: 'option-meta' }, datasetMeta(d)),
          // A worker on RunPod downloads from the URL: the cloud says one is set (the title shows it).
          ...(d.url && d.imageCount !== null ? [h('span', { class: 'option-url', title: d.url }, icon('cloud'))] : []),
        ] as (string | Node)[],
      })),
    ];
    if (current && !this.datasets.some((d) => d.id === current)) options.push({ value: current, text: `${current} (missing)`, content: [icon('warning'), `${current} (missing)`] });
    const dd = dropdown(options, current ?? '', { id: 'dataset-select', ariaLabelledby: 'dataset-label' });
    dd.addEventListener('change', () => {
      this.form.datasetId = dd.value || null;
      this.edited();
    });
    this.datasetSlot.replaceChildren(h('label', { id: 'dataset-label', class: 'label', for: 'dataset-select' }, 'Dataset'), dd);
  }

  private renderForm(): void {
    this.renderDataset();
    const desc = textArea('Description', this.form.description, { id: 'description', rows: 2, placeholder: 'What does this version try? (Test with low LR)' });
    desc.addEventListener('input', () => {
      this.form.description = desc.value;
      this.edited();
    });
    this.descriptionSlot.replaceChildren(desc);

    this.errorEls.clear();
    const { basic, advanced } = formFields(this.specs);
    this.basicFields.replaceChildren(...basic.map((f) => this.field(f)));
    this.advancedFields.replaceChildren(...advanced.map((f) => this.field(f)));
    this.advanced.hidden = advanced.length === 0;
    this.advancedSummary.textContent = `Advanced (${advanced.length})`;
    this.advanced.open = this.advancedOpen;
    this.renderButtons();
    this.renderCard();
  }

  private field(f: FieldModel): HTMLElement {
    const id = `param-${f.key}`;
    const raw = this.form.values[f.key] ?? '';
    const error = h('span', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    this.errorEls.set(f.key, error);
    const help = f.spec.description ? h('span', { class: 'field-help' }, f.spec.description) : null;
    const set = (value: RawValue) => {
      this.form.values[f.key] = value;
      this.showError(f, value);
      this.edited();
    };
    let control: HTMLElement;
    switch (f.kind) {
      case 'checkbox': {
        const c: CheckElement = checkbox(f.label, raw === true, { id });
        c.addEventListener('change', () => set(c.checked));
        control = c;
        break;
      }
      case 'select': {
        const values = f.spec.values ?? [];
        const current = typeof raw === 'string' ? raw : '';
        const opts = [...(f.spec.required ? [] : [{ value: '', text: '(trainer default)', content: ['(trainer default)'] }]), ...values.map((v) => ({ value: v, text: v, content: [v] }))];
        if (current && !values.includes(current)) opts.push({ value: current, text: current, content: [current] });
        const d: ValueElement = dropdown(opts, current, { id, ariaLabelledby: `${id}-label` });
        d.addEventListener('change', () => set(d.value));
        control = h('div', { class: 'select-field' }, h('label', { id: `${id}-label`, class: 'label', for: id }, f.label), d);
        break;
      }
      default: {
        const t = textField(f.label, typeof raw === 'string' ? raw : String(raw), { id, placeholder: f.spec.default !== undefined && f.spec.default !== null ? `default ${String(f.spec.default)}` : undefined });
        if (f.kind === 'number') t.setAttribute('inputmode', 'decimal');
        t.addEventListener('input', () => set(t.value));
        control = t;
      }
    }
    const wrap = h('div', { class: `field param-field kind-${f.kind}`, 'data-key': f.key }, control, error, help);
    this.showError(f, raw);
    return wrap;
  }

  private showError(f: FieldModel, raw: RawValue): void {
    const el = this.errorEls.get(f.key);
    if (!el) return;
    const message = fieldError(f.spec, raw);
    el.replaceChildren(...(message ? [icon('error'), h('span', {}, `${f.label} ${message}`)] : []));
    el.closest('.field')?.classList.toggle('invalid', !!message);
  }

  private renderButtons(): void {
    const states = buttonStates({
      version: this.selected() ?? null,
      dirty: this.selection === NEW_VERSION || this.dirty(),
      invalid: formErrors(this.specs, this.form.values),
      trusted: this.trusted,
      busy: this.busy,
      gone: this.gone,
      backend: this.runOn(),
    });
    if (this.runOnSlot.firstChild === null || (this.runOnSlot.querySelector('#run-on') as ValueElement | null)?.value !== this.runOn()) this.renderRunOn();
    for (const a of ACTIONS) {
      const { el, wrap } = this.buttons[a];
      const st = states[a];
      el.disabled = !st.enabled;
      el.title = st.reason;
      wrap.title = st.reason;
      el.setAttribute('aria-description', st.reason);
    }
  }

  private say(text: string, kind: 'info' | 'error' = 'info'): void {
    this.messageEl.className = `message ${kind}`;
    this.messageEl.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.messageEl.replaceChildren(...(text ? [icon(kind === 'error' ? 'error' : 'info'), h('span', {}, text)] : []));
  }

  // ---------------------------------------------------------------- actions

  private formArgs() {
    return { parameters: this.parameters(), datasetId: this.form.datasetId, description: this.form.description, basedOn: this.selected()?.id ?? null, backend: this.runOn() };
  }

  /** Where Start runs: a saved version's own choice; for NEW or edits, the choice made here (else the base version's). */
  private runOn(): 'local' | 'runpod' {
    const v = this.selected();
    if (v && !this.dirty()) return v.backend ?? 'local';
    return this.draftBackend ?? v?.backend ?? 'local';
  }

  private renderRunOn(): void {
    const current = this.runOn();
    const dd = dropdown(
      [
        { value: 'local', content: [icon('vm'), 'This machine'], text: 'This machine' },
        { value: 'runpod', content: [icon('cloud'), 'RunPod'], text: 'RunPod' },
      ],
      current,
      { id: 'run-on', ariaLabelledby: 'run-on-label' },
    );
    dd.addEventListener('change', () => {
      const value = dd.value === 'runpod' ? 'runpod' : 'local';
      if (value === this.runOn()) return;
      const v = this.selected();
      if (v && !this.dirty()) {
        // A saved version's choice is saved at once (versions.json), like its notes.
        this.deps.host.request('setBackend', { versionId: v.id, backend: value }).catch((e: unknown) => this.say(e instanceof Error ? e.message : String(e), 'error'));
      } else this.draftBackend = value;
      this.renderButtons();
    });
    this.runOnSlot.replaceChildren(h('label', { id: 'run-on-label', class: 'label', for: 'run-on' }, 'Run on'), dd);
  }

  private async run(action: ButtonAction): Promise<void> {
    if (this.busy) return;
    const v = this.selected();
    this.busy = action;
    this.renderButtons();
    this.say(`${BUTTONS[action].label}…`);
    try {
      const { host } = this.deps;
      switch (action) {
        case 'save': {
          const r = (await host.request('saveVersion', this.formArgs())) as SaveResult;
          this.selectSoon(r.versionId);
          this.say(`Saved ${r.versionId}.`);
          break;
        }
        case 'start': {
          const useDraft = !v || this.dirty();
          const r = (await host.request('startTraining', useDraft ? { draft: this.formArgs() } : { versionId: v.id }, SLOW_MS)) as StartResult;
          this.selectSoon(r.versionId);
          this.say(`Started ${r.versionId}: session ${r.sessionId}.`);
          break;
        }
        case 'extend': {
          const sessionId = v?.session?.id;
          if (!v || !sessionId) throw new RequestError('Select a version with a completed session first.');
          const r = (await host.request('extend', { sessionId }, SLOW_MS)) as { sessionId: string; status: string };
          this.say(`${v.name}: extended as session ${r.sessionId} (${r.status}).`);
          break;
        }
        default: {
          if (!v) throw new RequestError('Select a saved version first.');
          const name = ({ check: 'checkStatus', cancel: 'cancel', resume: 'resume', retry: 'retry', relaunch: 'relaunch' } as const)[action];
          const r = (await host.request(name, { versionId: v.id }, action === 'check' ? 60_000 : SLOW_MS)) as { sessionId: string; status: string };
          this.say(`${v.name}: session ${r.sessionId} is ${r.status}.`);
        }
      }
    } catch (e) {
      if (e instanceof RequestError && e.cancelled) this.say('');
      else this.say(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      this.busy = null;
      this.renderButtons();
    }
  }

  private selectSoon(versionId: string): void {
    if (this.versionById(versionId)) {
      this.select(versionId);
      this.renderPicker();
      this.renderCard();
    } else this.pendingSelect = versionId;
  }
}
