/**
 * Running a command for the speed bench: its wall time, its peak memory (the largest resident set
 * of it and its children, as GNU time reports it, else the process's own VmHWM from /proc), its
 * exit code, with a time limit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunResult {
  ms: number;
  /** Peak resident set in KiB; undefined when it could not be read (a run that was killed). */
  rssKiB: number | undefined;
  code: number | null;
  timedOut: boolean;
  /** The end of stderr, for error messages. */
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes (a file, as `> out.csv` would); discarded when absent. */
  stdoutFile?: string;
  timeoutMs?: number;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
let runs = 0;

/** Runs `command args` and measures it. */
export async function measure(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const rssFile = path.join(os.tmpdir(), `netq-bench-rss-${process.pid}-${runs++}`);
  const out = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'ignore';
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8000);
  });
  let peakKiB: number | undefined;
  const poll = hasGnuTime ? undefined : setInterval(() => (peakKiB = Math.max(peakKiB ?? 0, vmHwmKiB(child.pid) ?? 0)), 20);
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          // The whole process group: GNU time and the command under it.
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve(status));
  });
  const ms = performance.now() - started;
  if (timer) clearTimeout(timer);
  if (poll) clearInterval(poll);
  if (typeof out === 'number') closeSync(out);
  let rssKiB = peakKiB;
  if (hasGnuTime && !timedOut) {
    const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
    // GNU time writes "Command exited with non-zero status N" before the figure.
    const last = text.trim().split('\n').pop();
    rssKiB = last && /^\d+$/.test(last) ? Number(last) : undefined;
  }
  rmSync(rssFile, { force: true });
  return { ms, rssKiB, code, timedOut, stderr };
}

function vmHwmKiB(pid: number | undefined): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
