import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';

/**
 * Process identity. A pid alone is not an identity: after a reboot or a long time the OS
 * reuses it. A process is "ours" only when the pid exists and its start time, as the OS
 * reports it, matches the one recorded when it started.
 */

/** The start time of a process as the OS reports it, or null when there is no such process. */
export async function processStartTime(pid: number): Promise<string | null> {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux') {
    try {
      const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
      // Field 22 (starttime, clock ticks since boot); the command name (field 2) may hold
      // spaces and parentheses, so count fields after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie (Z) or dead (X) process has ended; only its parent has not reaped it yet.
      if (fields[0] === 'Z' || fields[0] === 'X') return null;
      const start = fields[19];
      return start ? `linux:${start}` : null;
    } catch {
      return null;
    }
  }
  if (process.platform === 'win32') return pidExists(pid) ? 'win32:unknown' : null;
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 }, (err, stdout) => {
      const text = stdout?.trim();
      resolve(err || !text ? null : `ps:${text}`);
    });
  });
}

export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process with this pid is the one that started at `startTime`. */
export async function isSameProcessAlive(pid: number | null | undefined, startTime: string | null | undefined): Promise<boolean> {
  if (!pid || !pidExists(pid)) return false;
  const now = await processStartTime(pid);
  if (now === null) return false;
  // Without a recorded start time we cannot tell a reused pid apart: trust the pid.
  return !startTime || now === startTime;
}

/** Sends a signal to a whole process group (the runner's, which holds the trainer too). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false;
  }
}
