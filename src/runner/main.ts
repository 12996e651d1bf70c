// The detached runner (dist/runner.js): wraps one trainer process for one session.
//
//   node runner.js --session <session folder> [--attempt N] [--cwd DIR] -- <trainer argv...>
//
// It writes runner.json (pids, their OS start times, host, start time), lets the trainer
// write stdout and stderr straight into console.log (so the log survives even the runner's
// death), and when the trainer ends adds the exit record. It keeps no other state and
// outlives the VS Code window or the terminal that started it (it is spawned detached, in a
// process group of its own). One writer per file: it writes only runner.json and console.log.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '../core/backends/local/proc';
import { writeJsonAtomic } from '../core/store/fileio';
import { SCHEMA_VERSION, type RunnerRecord } from '../core/model/schemas';

const USAGE = 'usage: node runner.js --session <session folder> [--attempt N] [--cwd DIR] -- <trainer argv...>';

interface Args {
  sessionDir: string;
  attempt: number | null;
  cwd: string;
  argv: string[];
}

function parseArgs(argv: string[]): Args | string {
  const sep = argv.indexOf('--');
  if (sep < 0 || sep === argv.length - 1) return 'missing "-- <trainer argv...>"';
  const own = argv.slice(0, sep);
  const get = (name: string) => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const sessionDir = get('--session');
  if (!sessionDir) return 'missing --session <session folder>';
  const attempt = get('--attempt');
  if (attempt !== undefined && !/^[1-9]\d*$/.test(attempt)) return `--attempt must be a positive whole number, not "${attempt}"`;
  return { sessionDir, attempt: attempt ? Number(attempt) : null, cwd: get('--cwd') ?? sessionDir, argv: argv.slice(sep + 1) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`trainlab runner: ${args}\n${USAGE}\n`);
    return 2;
  }
  const recordPath = join(args.sessionDir, 'runner.json');
  const logFd = openSync(join(args.sessionDir, 'console.log'), 'a');
  const record: RunnerRecord = {
    schemaVersion: SCHEMA_VERSION,
    host: hostname(),
    startedAt: new Date().toISOString(),
    attempt: args.attempt,
    runnerPid: process.pid,
    runnerStartTime: await processStartTime(process.pid),
    trainerPid: null,
    trainerStartTime: null,
    argv: args.argv,
    exit: null,
  };
  // A cancel signals the whole group; the runner stays to record how the trainer ended.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => undefined);

  const [cmd, ...rest] = args.argv;
  const child = spawn(cmd!, rest, { cwd: args.cwd, stdio: ['ignore', logFd, logFd], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.once('error', (e) => resolve({ code: 127, signal: null, error: e.message }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid) {
    record.trainerPid = child.pid;
    record.trainerStartTime = await processStartTime(child.pid);
  }
  await writeJsonAtomic(recordPath, record);
  const end = await exited;
  if (end.error) {
    // The trainer never started (e.g. the program is not installed): say so in the log.
    const fd = openSync(join(args.sessionDir, 'console.log'), 'a');
    try {
      writeSync(fd, `trainlab runner: could not start ${JSON.stringify(cmd)}: ${end.error}\n`);
    } finally {
      closeSync(fd);
    }
  }
  closeSync(logFd);
  record.exit = { code: end.code, signal: end.signal, endedAt: new Date().toISOString() };
  await writeJsonAtomic(recordPath, record);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`trainlab runner: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
