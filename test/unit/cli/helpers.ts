import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/run';

/** The CLI's fixture workspace (see test/fixtures/cli/README.md). */
export const FIXTURE_WORKSPACE = join(__dirname, '..', '..', 'fixtures', 'cli', 'workspace');

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
  runWith(options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean }, ...argv: string[]): Promise<RunResult>;
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
      write(s: string) {
        text += s;
        return true;
      },
    },
    text: () => text,
  };
}

export async function runIn(cwd: string, argv: string[], options: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<RunResult> {
  const out = collector(options.tty ?? false);
  const err = collector(false);
  const code = await runCli(argv, { stdout: out.stream, stderr: err.stream, cwd, env: options.env ?? {} });
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
