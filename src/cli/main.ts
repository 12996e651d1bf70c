import { basename, isAbsolute, relative } from 'node:path';
import { runCli } from './run';

/** `trainlab` when run through its bin link; `node dist/cli.js` when the bundle is run directly (a clone). */
function commandName(): string {
  const script = process.argv[1];
  if (!script || basename(script) !== 'cli.js') return 'trainlab';
  const rel = relative(process.cwd(), script);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  return /^[\w./@:+-]+$/.test(shown) ? `node ${shown}` : 'trainlab';
}

// The `trainlab` executable (bundled to dist/cli.js). All the work is in runCli.
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  // process.stdin is created on first use: only a command that asks a question touches it.
  get stdin() {
    return process.stdin;
  },
  distDir: __dirname,
  commandName: commandName(),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then((code) => {
  // Exit once stdout is flushed, so a piped `--json` document is never cut short.
  process.stdout.write('', () => process.exit(code));
});
