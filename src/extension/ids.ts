/**
 * Every identifier the extension shares with package.json: command ids, view ids, context
 * keys and setting names. A unit test checks this file against package.json both ways.
 * No `vscode` import, so plain-Node tests can read it.
 */

export const Commands = {
  init: 'trainlab.init',
  newStyle: 'trainlab.newStyle',
  newVersion: 'trainlab.newVersion',
  newVersionFrom: 'trainlab.newVersionFrom',
  editDescription: 'trainlab.editDescription',
  editNotes: 'trainlab.editNotes',
  editTags: 'trainlab.editTags',
  deleteVersion: 'trainlab.deleteVersion',
  revealInExplorer: 'trainlab.revealInExplorer',
  openJson: 'trainlab.openJson',
  openFile: 'trainlab.openFile',
  refresh: 'trainlab.refresh',
  resetStyleState: 'trainlab.resetStyleState',
  import: 'trainlab.import',
  exportVersion: 'trainlab.exportVersion',
  doctor: 'trainlab.doctor',
  startTraining: 'trainlab.startTraining',
  checkStatus: 'trainlab.checkStatus',
  cancel: 'trainlab.cancel',
  resume: 'trainlab.resume',
  relaunch: 'trainlab.relaunch',
  extend: 'trainlab.extend',
  showLogs: 'trainlab.showLogs',
  showTrainings: 'trainlab.showTrainings',
  openPanel: 'trainlab.openPanel',
  setDatasetUrl: 'trainlab.setDatasetUrl',
  setRunPodApiKey: 'trainlab.setRunPodApiKey',
  clearRunPodApiKey: 'trainlab.clearRunPodApiKey',
  runpodHealth: 'trainlab.runpodHealth',
  retryOnRunPod: 'trainlab.retryOnRunPod',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ViewContainerId = 'trainlab';

export const Views = {
  styles: 'trainlab.styles',
  activeSessions: 'trainlab.activeSessions',
} as const;

/** Context keys set with `setContext`, used in `when` clauses of package.json. */
export const ContextKeys = {
  /** The `trainlab/` root folder exists. */
  hasRoot: 'trainlab.hasRoot',
  /** The first load of the index has finished (or there is nothing to load). */
  loaded: 'trainlab.loaded',
  /** The index holds at least one style. */
  hasStyles: 'trainlab.hasStyles',
  /** Some file could not be used (`trainlab doctor` has something to say). */
  hasProblems: 'trainlab.hasProblems',
  /** The workspace is trusted: features that run processes may be offered. */
  trusted: 'trainlab.trusted',
} as const;

export const Settings = {
  section: 'trainlab',
  root: 'trainlab.root',
  pollIntervalSeconds: 'trainlab.pollIntervalSeconds',
  consoleMaxLines: 'trainlab.console.maxLines',
  runpodBaseUrl: 'trainlab.runpod.baseUrl',
  runpodEndpointId: 'trainlab.runpod.endpointId',
  runpodExecutionTimeoutMinutes: 'trainlab.runpod.executionTimeoutMinutes',
  runpodTtlHours: 'trainlab.runpod.ttlHours',
  python: 'trainlab.python',
  accelerate: 'trainlab.accelerate',
  kohyaSdScriptsDir: 'trainlab.kohya.sdScriptsDir',
  aiToolkitDir: 'trainlab.aiToolkit.dir',
  cancelGraceSeconds: 'trainlab.cancelGraceSeconds',
} as const;

/** Settings a workspace may not set while it is untrusted (package.json `restrictedConfigurations`). */
export const RESTRICTED_SETTINGS: readonly string[] = [Settings.runpodBaseUrl, Settings.python, Settings.accelerate, Settings.kohyaSdScriptsDir, Settings.aiToolkitDir];

/** The one status bar item (its id in the status bar's context menu). */
export const STATUS_BAR_ID = 'trainlab.training';

export const OUTPUT_CHANNEL_NAME = 'Trainlab';
