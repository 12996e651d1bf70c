import type { Command } from 'commander';
import { CliContext, type GlobalOptions } from './context';
import { CliError, EXIT_OK, EXIT_USAGE } from './errors';
import type { CliIo } from './output';

/** A command's work: gets its context and its commander `Command` (arguments, options). */
export type Handler = (ctx: CliContext, cmd: Command) => Promise<number | void>;

/** `trainlab version add` for the `add` command under `version`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Connects commander to the handlers: builds each handler's context from the global options
 * and keeps the exit status it returns, so `runCli` can hand it back instead of exiting.
 */
export class CommandHost {
  exitCode = EXIT_OK;

  constructor(readonly io: CliIo) {}

  action(handler: Handler): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const ctx = new CliContext(this.io, { workspace: globals.workspace, json: globals.json });
      try {
        this.exitCode = (await handler(ctx, cmd)) ?? EXIT_OK;
      } catch (e) {
        if (e instanceof CliError && e.exitCode === EXIT_USAGE && !e.helpFor) e.helpFor = commandPath(cmd);
        throw e;
      }
    };
  }
}

/** Positional arguments as commander processed them (a variadic one is an array). */
export function argsOf<T extends unknown[]>(cmd: Command): T {
  return cmd.processedArgs as T;
}
