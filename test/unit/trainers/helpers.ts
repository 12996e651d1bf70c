import type { LaunchContext, LaunchSpec, TrainerSettings } from '../../../src/core/trainers';

/** Values that must reach the trainer exactly as typed: shell syntax, quotes, newlines, unicode. */
export const NASTY: readonly string[] = [
  'with spaces',
  'quote " and \' quotes',
  '$(rm -rf ~)',
  '`id`; echo pwned',
  'a;b && c | d > e',
  'line1\nline2\r\nline3',
  'ünïcödé 学習 🎉',
  '*.safetensors ~ $HOME %PATH%',
  'C:\\back\\slash\\',
  '\ttab',
];

export const SETTINGS: TrainerSettings = {
  python: '/opt/py env/bin/python',
  accelerate: '/opt/py env/bin/accelerate',
  sdScriptsDir: '/opt/sd scripts',
  aiToolkitDir: '/opt/ai toolkit',
  nodePath: '/usr/bin/node',
  demoTrainerPath: '/ext/dist/demo-trainer.js',
};

export function context(overrides: Partial<LaunchContext> = {}): LaunchContext {
  return {
    sessionId: '20261123-160422-3fa9c1',
    sessionDir: '/ws/trainlab/styles/neon/sessions/20261123-160422-3fa9c1',
    outputDir: '/ws/trainlab/styles/neon/sessions/20261123-160422-3fa9c1/output',
    params: {},
    datasetDir: '/ws/trainlab/styles/neon/datasets/main set',
    triggerToken: 'n30n',
    settings: SETTINGS,
    ...overrides,
  };
}

export function isSpec(x: LaunchSpec | { error: string }): x is LaunchSpec {
  return 'argv' in x;
}

/** The value after `--key` in argv (or of a `--key=value` element). */
export function argOf(argv: readonly string[], key: string): string | undefined {
  const i = argv.indexOf(`--${key}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${key}=`))?.slice(key.length + 3);
}
