import { runCli } from './run';

// The `trainlab` executable (bundled to dist/cli.js). All the work is in runCli.
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then((code) => {
  // Exit once stdout is flushed, so a piped `--json` document is never cut short.
  process.stdout.write('', () => process.exit(code));
});
