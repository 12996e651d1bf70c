/**
 * The panel page: the tab strip (Configure, Console, History, Samples) with a Reset State button, the
 * state kept with `setState` (for the serializer) and sent to the extension (workspaceState),
 * and the messages from the extension handed to the views.
 */
import { webviewStateSchema, type InitMessage, type PanelTab, type PanelUiState, type UpdateMessage } from '../src/shared/panel-protocol';
import { ConfigureView } from './configure/view';
import { ConsoleTab } from './console-tab';
import { h } from './dom';
import { HistoryView } from './history-tab';
import { Host, type VsCodeApi } from './host';
import { SamplesTab } from './samples-tab';
import { button, registerToolkit, tabs } from './toolkit';

/** How long state changes are gathered before they are sent to the extension. */
const PERSIST_DELAY_MS = 150;

export function startApp(api: VsCodeApi): void {
  registerToolkit();
  const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
  const restored = webviewStateSchema.safeParse(api.getState());
  let styleId: string | undefined = restored.success ? restored.data.styleId : undefined;
  let ui: PanelUiState = restored.success ? restored.data.ui : {};
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    host.request('persistState', { state: ui }).catch((e: unknown) => console.warn(`Trainlab panel: state not saved: ${String(e)}`));
  };
  const save = (patch: Partial<PanelUiState>, now = false) => {
    const { savedAt: _, ...before } = ui;
    if (!now && JSON.stringify({ ...before, ...patch }) === JSON.stringify(before)) return;
    ui = { ...ui, ...patch, savedAt: Date.now() };
    if (styleId) host.setState({ styleId, ui });
    if (timer) clearTimeout(timer);
    if (now) flush();
    else timer = setTimeout(flush, PERSIST_DELAY_MS);
  };
  // A closing page still gets its last edits out.
  window.addEventListener('pagehide', () => timer && (clearTimeout(timer), flush()));

  // The Console tab (console-tab/): the live log and loss chart of a session, subscribed while shown.
  const consoleTab = new ConsoleTab({
    post: (m) => api.postMessage(m),
    openLog: (versionId, sessionId) => void host.request('openFile', { file: 'log', versionId, sessionId }).catch((e: unknown) => console.warn(`Trainlab panel: ${String(e)}`)),
    onStateChange: (c) => save({ console: c }),
  });
  const configure = new ConfigureView({
    host: { request: (a, args, t) => host.request(a, args, t) },
    onStateChange: (p) => (save(p), p.selectedVersionId !== undefined && consoleTab.setVersion(p.selectedVersionId)),
  });
  // The History tab (history-tab/): sessions table, details, notes and tags, compare.
  const history = new HistoryView({ request: (a, args, t) => host.request(a, args, t) }, (h) => save({ history: h }));
  // The Samples tab (samples-tab/): the trainer's sample images by step, and a prompt across versions.
  const samples = new SamplesTab({ host: { request: (a, args, t) => host.request(a, args, t) }, onStateChange: (s) => save({ samples: s }) });
  const TABS: { id: PanelTab; label: string; view: HTMLElement }[] = [{ id: 'configure', label: 'Configure', view: configure.root }, { id: 'console', label: 'Console', view: consoleTab.root }];
  TABS.push({ id: 'history', label: 'History', view: history.root }, { id: 'samples', label: 'Samples', view: samples.root });
  const showTab = (id: string) => (consoleTab.setActive(id === 'console'), history.setActive(id === 'history'), samples.setActive(id === 'samples'));

  // "Reset State": the extension asks first, then sends a fresh init.
  const reset = button('Reset State', { id: 'panel-reset', appearance: 'icon', icon: 'discard', ariaLabel: 'Reset the panel state' });
  reset.title = 'Reset State: forget the selected version, unsaved edits and view choices of this panel';
  reset.addEventListener('click', () => void host.request('resetState', {}).catch((e: unknown) => console.warn(`Trainlab panel: ${String(e)}`)));

  const onInit = (m: InitMessage) => {
    styleId = m.style.id;
    ui = { ...m.state };
    document.title = `Train: ${m.style.name}`;
    const active = TABS.some((t) => t.id === ui.activeTab) ? ui.activeTab! : 'configure';
    const strip = tabs(TABS, active, (id) => (save({ activeTab: id as PanelTab }), showTab(id)));
    strip.classList.add('tabs');
    configure.init(m);
    history.init(m, m.state.history);
    consoleTab.init(m.state.console, configure.selectedId, m.versions);
    samples.init(m.state.samples);
    app.replaceChildren(h('div', { class: 'panel-tools' }, reset), strip);
    app.removeAttribute('aria-busy');
    showTab(active);
    // The page's state as it now stands goes back at once (both copies agree from here on).
    save({ activeTab: ui.activeTab ?? active, selectedVersionId: configure.selectedId as PanelUiState['selectedVersionId'] }, true);
  };

  const onUpdate = (m: UpdateMessage) => (configure.update(m), history.update(m), m.versions && consoleTab.setVersions(m.versions), (m.versions || m.gone) && samples.changed());

  const host = new Host(api, (m) => (m.type === 'init' ? onInit(m) : m.type === 'update' ? onUpdate(m) : consoleTab.receive(m)));
  host.ready();
}
