import { relative, isAbsolute } from 'node:path';

/** Where the CLI writes; `process.stdout` fits, and so does a string collector in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where a confirmation is read from: `process.stdin`, or a stream in tests. */
export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Answers to questions (`cancel` asks y/N on a terminal); without it nothing is asked. */
  stdin?: InStream;
  /**
   * The folder of the built bundles `runner.js` and `demo-trainer.js`. Default: the folder of
   * this CLI bundle (dist/). Tests that run the CLI from source pass the repository's dist/.
   */
  distDir?: string;
  /**
   * Calls `handler` on Ctrl+C (SIGINT) until the returned function is called. Used only while
   * following a session, so Ctrl+C stops the following and never the training; without it,
   * following ends only with the session.
   */
  onInterrupt?: (handler: () => void) => () => void;
  /**
   * How the user runs this CLI, for commands printed to be pasted back (`node dist/cli.js` in a
   * clone that has no `trainlab` on the PATH). Default `trainlab`.
   */
  commandName?: string;
}

type Paint = (text: string) => string;

export interface Palette {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
  magenta: Paint;
}

const sgr = (open: number, close: number): Paint => (text) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`);
const plain: Paint = (text) => text;

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
export function palette(io: CliIo): Palette {
  const enabled = io.stdout.isTTY === true && !io.env.NO_COLOR;
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, cyan: plain, magenta: plain };
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
  };
}

/** Everything a command prints goes through here: data on stdout, messages on stderr. */
export class Output {
  readonly color: Palette;

  constructor(private readonly io: CliIo) {
    this.color = palette(io);
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** One JSON document on stdout. */
  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  error(message: string): void {
    this.io.stderr.write(`trainlab: ${message}\n`);
  }

  warn(message: string): void {
    this.io.stderr.write(`trainlab: warning: ${message}\n`);
  }

  /** A remark on stderr that does not disturb what stdout carries (`--json` stays parseable). */
  note(message: string): void {
    this.io.stderr.write(`trainlab: ${message}\n`);
  }

  /** A path as the user can use it from where they ran the command. */
  path(p: string): string {
    const rel = relative(this.io.cwd, p);
    if (rel === '') return '.';
    return isAbsolute(rel) ? p : rel;
  }
}
