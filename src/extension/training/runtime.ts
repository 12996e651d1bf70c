import { join } from 'node:path';
import { DEFAULT_START_TIMEOUT_MS, type LocalRuntime } from '../../core/sessions';
import type { TrainlabConfig } from '../config';

/**
 * The programs a local launch needs, from the extension's own folder and the settings:
 * the runner and the demo trainer are bundled next to dist/extension.js and run with the
 * extension host's own executable (Electron in desktop VS Code, hence ELECTRON_RUN_AS_NODE).
 */
export function localRuntime(extensionPath: string, config: TrainlabConfig, overrides: Partial<LocalRuntime> = {}): LocalRuntime {
  const dist = join(extensionPath, 'dist');
  const nodePath = process.execPath;
  return {
    nodePath,
    runnerPath: join(dist, 'runner.js'),
    electronAsNode: Boolean(process.versions.electron),
    trainer: {
      nodePath,
      demoTrainerPath: join(dist, 'demo-trainer.js'),
      ...(config.python ? { python: config.python } : {}),
      ...(config.accelerate ? { accelerate: config.accelerate } : {}),
      ...(config.kohyaSdScriptsDir ? { sdScriptsDir: config.kohyaSdScriptsDir } : {}),
      ...(config.aiToolkitDir ? { aiToolkitDir: config.aiToolkitDir } : {}),
    },
    cancelGraceMs: config.cancelGraceSeconds * 1000,
    startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
    ...overrides,
  };
}
