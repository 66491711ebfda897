import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs, type HostProcesses, type ProcessIdentity } from '../host.js';

// The process identity and this machine's processes live in src/host.ts (the temp folders and
// report files use them too); re-exported for the container lifecycle.
export { localProcesses, type HostProcesses, type ProcessIdentity } from '../host.js';

/** The labels that name an ephemeral container's owner, and back. */
export const OWNER_LABELS = {
  pid: 'io.netq.owner-pid',
  bootId: 'io.netq.owner-boot-id',
  pidNamespace: 'io.netq.owner-pid-ns',
} as const;

export function ownerLabels(owner: ProcessIdentity | undefined): Record<string, string> {
  if (!owner) return {};
  return { [OWNER_LABELS.pid]: String(owner.pid), [OWNER_LABELS.bootId]: owner.bootId, [OWNER_LABELS.pidNamespace]: owner.pidNamespace };
}

export function ownerOf(labels: Record<string, string>): ProcessIdentity | undefined {
  const pid = Number(labels[OWNER_LABELS.pid]);
  const bootId = labels[OWNER_LABELS.bootId];
  const pidNamespace = labels[OWNER_LABELS.pidNamespace];
  if (!Number.isInteger(pid) || pid <= 0 || !bootId || !pidNamespace) return undefined;
  return { pid, bootId, pidNamespace };
}

/**
 * Which netq processes of this user use a shared container: each holds a lease file while it does,
 * `<dir>/<container id>.<pid>` holding the process identity. A lease whose process is gone (its pid
 * is free, or it was written in an earlier boot) does not count and is deleted when seen.
 */
export class ContainerLeases {
  constructor(
    private readonly dir: string,
    private readonly processes: HostProcesses,
  ) {}

  /** Records that this process uses the container; returns the release (safe to call twice). */
  async take(containerId: string): Promise<() => Promise<void>> {
    const self = this.processes.self() ?? { pid: process.pid, bootId: '', pidNamespace: '' };
    await makeDirs(this.dir);
    const file = path.join(this.dir, `${containerId}.${self.pid}`);
    await writeFile(file, JSON.stringify(self));
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await rm(file, { force: true });
    };
  }

  /** The other live processes holding a lease on the container. */
  async holders(containerId: string): Promise<number[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const self = this.processes.self();
    const holders: number[] = [];
    for (const name of names.filter((n) => n.startsWith(`${containerId}.`))) {
      const file = path.join(this.dir, name);
      const lease = await readFile(file, 'utf8').then(
        (text) => JSON.parse(text) as Partial<ProcessIdentity>,
        () => undefined,
      );
      const pid = lease?.pid;
      if (typeof pid !== 'number' || pid === (self?.pid ?? process.pid)) continue;
      const earlierBoot = Boolean(self?.bootId && lease?.bootId && lease.bootId !== self.bootId);
      if (earlierBoot || !this.processes.pidAlive(pid)) {
        await rm(file, { force: true });
        continue;
      }
      holders.push(pid);
    }
    return holders;
  }

  /** Deletes the leases of a container that is gone. */
  async forget(containerId: string): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(`${containerId}.`)).map((n) => rm(path.join(this.dir, n), { force: true })));
  }
}
