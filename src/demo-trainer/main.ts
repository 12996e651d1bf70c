// The demo trainer's program entry (bundled to dist/demo-trainer.js; in development
// `node --import tsx src/demo-trainer/main.ts`): arguments, signals, exit status.
// Exit status: 0 trained, 1 failed, 2 wrong usage, 143 stopped by SIGTERM, 130 by SIGINT.
import { parseArgs, USAGE } from './args';
import { train, TrainingError } from './train';

let stopSignal: string | undefined;
let wakeSleeper: (() => void) | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (stopSignal !== undefined) {
    // A second signal: the user does not want to wait for the step to finish.
    process.stderr.write(`\nreceived ${signal} again: exiting now\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  stopSignal = signal;
  wakeSleeper?.();
}

/** A pause that a stop request cuts short; at 0 ms it still yields, so signals are seen between steps. */
function sleep(ms: number): Promise<void> {
  if (stopSignal !== undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakeSleeper = undefined;
      resolve();
    };
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    wakeSleeper = done;
    if (ms <= 0) setImmediate(done);
  });
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`demo-trainer: error: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    return await train(parsed.args, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (text) => process.stderr.write(text),
      now: () => performance.now(),
      sleep,
      stopRequested: () => stopSignal,
    });
  } catch (e) {
    // A TrainingError is the user's to fix and its message says how; anything else is a bug, so the stack helps.
    if (e instanceof TrainingError) {
      process.stderr.write(`\ndemo-trainer: error: ${e.message}\n${e.exitCode === 2 ? 'see --help\n' : ''}`);
      return e.exitCode;
    }
    process.stderr.write(`\ndemo-trainer: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
