import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A process, told apart from every other one this machine ran: its pid, the boot it runs in
 * (`/proc/sys/kernel/random/boot_id`) and its pid namespace (netq in a CI job container that
 * shares the host's engine, or its /tmp, has pids of its own).
 */
export interface ProcessIdentity {
  pid: number;
  bootId: string;
  pidNamespace: string;
}

/** What netq asks about this machine's processes; tests pass a fake. */
export interface HostProcesses {
  /** This process; undefined where the system does not say (no /proc, e.g. macOS). */
  self(): ProcessIdentity | undefined;
  /** True only when the process is surely gone: same boot and pid namespace as this one, and its pid is free. */
  isGone(owner: ProcessIdentity): boolean;
  /** False when `pid` is surely not running here (it may still be another process that reused it). */
  pidAlive(pid: number): boolean;
}

let cachedSelf: ProcessIdentity | null | undefined;

/** The processes of the machine netq runs on (Linux /proc). */
export const localProcesses: HostProcesses = {
  self() {
    if (cachedSelf === undefined) {
      try {
        cachedSelf = {
          pid: process.pid,
          bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
          pidNamespace: readlinkSync('/proc/self/ns/pid'),
        };
      } catch {
        cachedSelf = null;
      }
    }
    return cachedSelf ?? undefined;
  },
  isGone(owner) {
    const self = this.self();
    if (!self || owner.bootId !== self.bootId || owner.pidNamespace !== self.pidNamespace) return false;
    return !this.pidAlive(owner.pid);
  },
  pidAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists but belongs to another user.
      return (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  },
};

/** A process identity read back from JSON, or undefined when it is not one. */
export function parseIdentity(value: unknown): ProcessIdentity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, bootId, pidNamespace } = value as Record<string, unknown>;
  if (!Number.isInteger(pid) || (pid as number) <= 0 || typeof bootId !== 'string' || typeof pidNamespace !== 'string' || !bootId || !pidNamespace) return undefined;
  return { pid: pid as number, bootId, pidNamespace };
}

/** The process identity a file holds, or undefined when it holds none (missing, being written, damaged). */
export async function readIdentity(file: string): Promise<ProcessIdentity | undefined> {
  try {
    return parseIdentity(JSON.parse(await readFile(file, 'utf8')) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The folder of netq's lock, leases and caches: `$XDG_RUNTIME_DIR/netq-<uid>`, else the temp
 * folder's. An XDG_RUNTIME_DIR that is not an existing folder is not used (netq never makes the
 * path to it).
 */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  const runtime = env.XDG_RUNTIME_DIR;
  const base = runtime && isDirectory(runtime) ? runtime : os.tmpdir();
  // process.getuid, not os.userInfo(): a container run with `-u 4321` has no passwd entry, and
  // userInfo() throws there.
  return path.join(base, `netq-${process.getuid?.() ?? os.userInfo().uid}`);
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes `<stateDir>/<sub>` (private to the user) and returns it. Only netq's own folders are made:
 * the state folder's parent must exist, or this rejects (callers that only cache skip the cache).
 */
export async function stateSubdir(stateDir: string, sub: string): Promise<string> {
  await mkdir(stateDir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const dir = path.join(stateDir, sub);
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return dir;
}

/**
 * `mkdir -p`, one folder at a time from the nearest one that exists. Node's own recursive mkdir
 * never returns where the file system refuses a new folder with ENOENT although its parent
 * exists (`/proc/x`: it retries forever, at full CPU, deaf to signals); this rejects with the
 * file system's error instead. A part of the path that is a file rejects with ENOTDIR.
 */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: current });
      break;
    }
    if (info.code !== 'ENOENT') throw info;
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    await mkdir(folder, mode === undefined ? {} : { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** What a file system entry that is not a regular file is, for messages ("that path is a FIFO"). */
export function fileTypeName(info: { isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'of another kind than a file';
}
