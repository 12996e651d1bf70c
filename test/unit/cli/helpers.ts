import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/run';
import type { InStream } from '../../../src/cli/output';

/** The CLI's fixture workspace (see test/fixtures/cli/README.md). */
export const FIXTURE_WORKSPACE = join(__dirname, '..', '..', 'fixtures', 'cli', 'workspace');

/** The repository's built bundles: the CLI run from source launches dist/runner.js and dist/demo-trainer.js. */
export const DIST = join(__dirname, '..', '..', '..', 'dist');
export const BUILT = existsSync(join(DIST, 'runner.js')) && existsSync(join(DIST, 'demo-trainer.js'));

/** What a test can give the CLI besides arguments. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** stdout is a terminal. */
  tty?: boolean;
  stdin?: InStream;
  /** Gets the CLI's Ctrl+C handler when it follows a session; call it to press Ctrl+C. */
  onInterrupt?: (handler: () => void) => () => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document a `--json` command prints. */
  json<T = unknown>(): T;
}

export interface TempWorkspace {
  dir: string;
  root: string;
  run(...argv: string[]): Promise<RunResult>;
  /** Runs with more control: another current folder, environment, or a terminal on stdout. */
  runWith(options: RunOptions & { cwd?: string }, ...argv: string[]): Promise<RunResult>;
  file(rel: string): string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  cleanup(): void;
}

function collector(tty: boolean) {
  let text = '';
  return {
    stream: {
      isTTY: tty,
      columns: tty ? 100 : undefined,
      write(s: string) {
        text += s;
        return true;
      },
    },
    text: () => text,
  };
}

export async function runIn(cwd: string, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const out = collector(options.tty ?? false);
  const err = collector(false);
  const code = await runCli(argv, {
    stdout: out.stream,
    stderr: err.stream,
    cwd,
    env: options.env ?? {},
    distDir: DIST,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
  });
  const stdout = out.text();
  return { code, stdout, stderr: err.text(), json: <T>() => JSON.parse(stdout) as T };
}

/** A temporary workspace: empty, or a copy of the fixture workspace. Removed by cleanup(). */
export function tempWorkspace(options: { fixture?: boolean } = {}): TempWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-cli-'));
  if (options.fixture) cpSync(FIXTURE_WORKSPACE, dir, { recursive: true });
  const file = (rel: string) => join(dir, ...rel.split('/'));
  return {
    dir,
    root: join(dir, 'trainlab'),
    run: (...argv) => runIn(dir, argv),
    runWith: (o, ...argv) => runIn(o.cwd ?? dir, argv, o),
    file,
    read: (rel) => readFileSync(file(rel), 'utf8'),
    write: (rel, text) => writeFileSync(file(rel), text),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Lines of a table or listing, trailing spaces gone. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
