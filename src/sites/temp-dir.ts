import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { localProcesses, readIdentity, type HostProcesses } from '../host.js';

/** The file in each of netq's temporary folders that names the process it belongs to. */
const OWNER_FILE = '.netq-owner';

/**
 * A private temporary folder of this process, `<tmpDir>/netq-<kind>-XXXXXX`, holding a file that
 * names its owner. A folder left behind by a netq that was killed (SIGKILL leaves no chance to
 * remove it, and it holds every config of a site) is removed by the next netq that makes one of
 * the same kind: only when its owner is surely gone (same boot and pid namespace, pid free).
 * `tmpDir` must exist: netq makes only its own folder in it. Failing to make it is an InputError.
 */
export async function ownTempDir(tmpDir: string, kind: string, processes: HostProcesses = localProcesses): Promise<string> {
  await removeLeftovers(tmpDir, kind, processes);
  let dir: string;
  try {
    dir = await mkdtemp(path.join(tmpDir, `netq-${kind}-`));
  } catch (error) {
    throw tempDirError(error, tmpDir);
  }
  const self = processes.self();
  if (self) await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(self), { mode: 0o600 }).catch(() => undefined);
  return dir;
}

/** The folders of this kind whose owner is gone, removed; anything else is left alone. */
export async function removeLeftovers(tmpDir: string, kind: string, processes: HostProcesses = localProcesses): Promise<string[]> {
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith(`netq-${kind}-`))) {
    const dir = path.join(tmpDir, name);
    const owner = await readIdentity(path.join(dir, OWNER_FILE));
    if (!owner || !processes.isGone(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function tempDirError(error: unknown, tmpDir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : code === 'EACCES' || code === 'EPERM' ? 'netq may not write there' : code === 'ENOSPC' ? 'the disk is full' : undefined;
  if (!why) return error;
  return new InputError(`cannot make a temporary folder in ${tmpDir}: ${why}`, {
    cause: error,
    hint: 'netq writes snapshot zips to the temp folder: set TMPDIR to an existing folder it may write to',
  });
}
