/**
 * Errors the CLI expects, each with its exit status (DESIGN.md "The command line"):
 * 1 when the command failed (the message says why, naming the file or argument),
 * 2 when the command line itself is wrong.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof EXIT_FAILED | typeof EXIT_USAGE = EXIT_FAILED,
    /** The command whose `--help` the usage hint points to (`version add`). */
    public helpFor?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command failed: the workspace does not hold what was asked for, a file is broken, … */
export function failure(message: string): CliError {
  return new CliError(message, EXIT_FAILED);
}

/** The command line is wrong: a malformed argument or option value. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}
