import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localProcesses, readIdentity, stateSubdir, type HostProcesses, type ProcessIdentity } from '../host.js';

/** A lease written from another pid namespace stops counting after this long (its process cannot be checked). */
const STALE_FOREIGN_MS = 6 * 60 * 60 * 1000;

/**
 * Which netq runs on this machine use which snapshot of which Batfish: each run holds a lease
 * file on every snapshot it reads while it reads it (`<stateDir>/snapshot-leases/<key>.<pid>.<id>`,
 * holding its process identity). Pruning older snapshots and `--fresh` never delete a snapshot
 * another live run leases. A lease whose process is gone does not count and is removed when seen.
 * Runs on other machines are not seen here; a run whose snapshot another client deletes anyway
 * uploads it again (SiteRun).
 */
export class SnapshotLeases {
  readonly #held = new Set<string>();

  constructor(
    private readonly stateDir: string | undefined,
    /** The Batfish the snapshots are on (its URL): the same snapshot name elsewhere is another snapshot. */
    private readonly server: string,
    private readonly processes: HostProcesses = localProcesses,
  ) {}

  /** Leases a snapshot for this run; returns the release (safe to call twice). Without a state folder, nothing is recorded. */
  async take(network: string, snapshot: string): Promise<() => Promise<void>> {
    if (!this.stateDir) return async () => {};
    const self = this.processes.self() ?? { pid: process.pid, bootId: '', pidNamespace: '' };
    let file: string;
    try {
      const dir = await stateSubdir(this.stateDir, 'snapshot-leases');
      file = path.join(dir, `${this.#key(network, snapshot)}.${self.pid}.${randomBytes(4).toString('hex')}`);
      await writeFile(file, JSON.stringify(self), { mode: 0o600 });
    } catch {
      // A lease is a courtesy to other runs; without a place to write it this run still works.
      return async () => {};
    }
    this.#held.add(file);
    return async () => {
      if (!this.#held.delete(file)) return;
      await rm(file, { force: true });
    };
  }

  /** Whether another live run (another process, or another lease of this one) holds the snapshot. */
  async heldByOthers(network: string, snapshot: string): Promise<boolean> {
    if (!this.stateDir) return false;
    const dir = path.join(this.stateDir, 'snapshot-leases');
    const prefix = `${this.#key(network, snapshot)}.`;
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
    for (const name of names) {
      const file = path.join(dir, name);
      if (this.#held.has(file)) continue;
      const owner = await readIdentity(file);
      // An unreadable lease is a run writing it this moment: it counts.
      if (owner && (await this.#stale(file, owner))) {
        await rm(file, { force: true });
        continue;
      }
      return true;
    }
    return false;
  }

  /**
   * A lease of a process that is surely gone: written in an earlier boot, or by a process of this
   * pid namespace whose pid is free. One from another pid namespace (a container sharing the state
   * folder) cannot be checked: it counts until it is older than STALE_FOREIGN_MS.
   */
  async #stale(file: string, owner: ProcessIdentity): Promise<boolean> {
    const self = this.processes.self();
    if (self?.bootId && owner.bootId && owner.bootId !== self.bootId) return true;
    if (this.processes.isGone(owner)) return true;
    if (self && owner.pidNamespace !== self.pidNamespace) {
      const written = await stat(file).then((s) => s.mtimeMs, () => Date.now());
      return Date.now() - written > STALE_FOREIGN_MS;
    }
    return false;
  }

  #key(network: string, snapshot: string): string {
    return createHash('sha256').update(`${this.server}\0${network}\0${snapshot}`).digest('hex').slice(0, 24);
  }
}
