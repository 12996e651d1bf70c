import { Command, CommanderError } from 'commander';
import { StoreError } from '../core/store';
import { version as packageVersion } from '../../package.json';
import { CommandHost, commandPath } from './command-host';
import { registerCancel } from './commands/cancel';
import { registerCompare } from './commands/compare';
import { registerDataset } from './commands/dataset';
import { registerDemo } from './commands/demo';
import { registerDoctor } from './commands/doctor';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerInit } from './commands/init';
import { registerLogs } from './commands/logs';
import { registerRelaunch, registerResume } from './commands/resume';
import { registerRunPod } from './commands/runpod';
import { registerSessions } from './commands/sessions';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerStyle } from './commands/style';
import { registerStyles } from './commands/styles';
import { registerVersion } from './commands/version';
import { registerVersions } from './commands/versions';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors';
import type { CliIo } from './output';

export type { CliIo, OutStream } from './output';

const WORKSPACE_OPTION = ['-w, --workspace <dir>', 'the workspace folder (default: the current folder)'] as const;
const JSON_OPTION = ['--json', 'print one JSON document on stdout instead of a table'] as const;

function buildProgram(host: CommandHost): Command {
  const { io } = host;
  const program = new Command('trainlab')
    .description('Styles, versions and training sessions of a Trainlab workspace, from the command line.')
    .version(packageVersion, '-V, --version', 'print the Trainlab version')
    .option(...WORKSPACE_OPTION)
    .option(...JSON_OPTION)
    // Options before a command name are the program's; after it, the command's. Without this,
    // `trainlab sessions --version V1` would print the program version.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`trainlab: ${s.replace(/^error: /, '')}`),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
    })
    .exitOverride();

  // Subcommands inherit the output and exit settings above, so those come first.
  registerInit(program, host);
  registerStyle(program, host);
  registerVersion(program, host);
  registerDataset(program, host);
  registerStyles(program, host);
  registerVersions(program, host);
  registerSessions(program, host);
  registerStart(program, host);
  registerStatus(program, host);
  registerLogs(program, host);
  registerCancel(program, host);
  registerResume(program, host);
  registerRelaunch(program, host);
  registerRunPod(program, host);
  registerCompare(program, host);
  registerExport(program, host);
  registerImport(program, host);
  registerDoctor(program, host);
  registerDemo(program, host);

  const finish = (cmd: Command) => {
    cmd.showHelpAfterError(helpHint(commandPath(cmd)));
    // Every command takes the global options after its name too: `trainlab styles --json`.
    // (`demo` has a --workspace of its own, with another default.)
    if (cmd !== program && cmd.commands.length === 0) {
      if (!cmd.options.some((o) => o.long === '--workspace')) cmd.option(...WORKSPACE_OPTION);
      cmd.option(...JSON_OPTION);
    }
    cmd.commands.forEach(finish);
  };
  finish(program);
  return program;
}

const helpHint = (path: string) => `Run "${path} --help" for usage.`;

/** Errors we expect say what is wrong in one line; only a bug shows its stack (TRAINLAB_DEBUG=1). */
function report(io: CliIo, e: unknown): number {
  if (e instanceof CliError) {
    io.stderr.write(`trainlab: ${e.message}\n`);
    if (e.exitCode === EXIT_USAGE) io.stderr.write(`${helpHint(e.helpFor ?? 'trainlab')}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const expected = err instanceof StoreError || err.name === 'TransitionError' || 'code' in err;
  io.stderr.write(`trainlab: ${err.message}\n`);
  if (!expected || io.env.TRAINLAB_DEBUG) io.stderr.write(io.env.TRAINLAB_DEBUG ? `${err.stack ?? ''}\n` : 'trainlab: (an unexpected error; set TRAINLAB_DEBUG=1 to see where it happened)\n');
  return EXIT_FAILED;
}

/**
 * Runs the `trainlab` command line in this process and returns its exit status:
 * 0 done, 1 failed, 2 wrong usage. Never calls process.exit (main.ts does).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const host = new CommandHost(io);
  const program = buildProgram(host);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return host.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return report(io, e);
  }
}
