/**
 * The forks one site run makes of its snapshot (a node, an interface or a link down, for the
 * single-failure checks): each made once however many checks need it, all queued together,
 * leased while the run reads them, and deleted when the run ends unless another live run still
 * reads one (Batfish collects deleted snapshots late, so a gate that leaves its forks behind
 * fills the server's disk).
 */
import { forkName, type Deactivation } from '../batfish/fork-flows.js';
import type { NetqEventListener } from './events.js';
import type { BatfishConnection } from './provider.js';
import type { SnapshotLeases } from './snapshot-leases.js';

/** How a run treats its forks. */
export interface ForkSettings {
  /** Ask Batfish to reuse its parse of unchanged files (the work item's `parsereuse` flag). */
  parseReuse?: boolean;
  /** Leave the forks on the server when the run ends (the next run with the same configs reuses them). */
  keepForks?: boolean;
}

export { forkName, type Deactivation } from '../batfish/fork-flows.js';

export class SiteForks {
  readonly #forks = new Map<string, Promise<string>>();
  readonly #deactivations = new Map<string, Deactivation>();
  /** Forks this run made (Batfish holds no answers for them yet). */
  readonly #made = new Set<string>();
  readonly #releases: Array<() => Promise<void>> = [];

  constructor(
    private readonly batfish: BatfishConnection,
    private readonly network: string,
    /** The parsed snapshot the forks are made of. */
    private readonly base: string,
    private readonly leases: SnapshotLeases,
    private readonly deadline: number,
    private readonly onEvent: NetqEventListener,
    private readonly settings: ForkSettings = {},
  ) {}

  /** The fork of the base with this deactivated, made (or reused) and parsed; its snapshot name. */
  fork(deactivation: Deactivation): Promise<string> {
    const name = forkName(this.base, deactivation);
    this.#deactivations.set(name, deactivation);
    let made = this.#forks.get(name);
    if (!made) {
      made = (async () => {
        // Leased before it is looked for: another run's clean-up leaves it alone while this one reads it.
        this.#releases.push(await this.leases.take(this.network, name));
        const { snapshot, reused } = await this.batfish.session.ensureFork({
          network: this.network,
          base: this.base,
          deactivation,
          deadline: this.deadline,
          ...(this.settings.parseReuse ? { parseReuse: true } : {}),
        });
        if (!reused) this.#made.add(snapshot);
        this.onEvent({ type: 'debug', text: `fork ${snapshot} of ${this.base}: ${describeDeactivation(deactivation)}${reused ? ' (reused)' : ''}` });
        return snapshot;
      })();
      // A failed fork is tried again by the next ask that needs it.
      made.catch(() => this.#forks.delete(name));
      this.#forks.set(name, made);
    }
    return made;
  }

  /** Whether this run made the fork (no answer Batfish stored can be about it). */
  madeNow(snapshot: string): boolean {
    return this.#made.has(snapshot);
  }

  /** Makes a fork again that another client deleted under the run. */
  async remake(snapshot: string): Promise<void> {
    const deactivation = this.#deactivations.get(snapshot);
    if (!deactivation) return;
    this.#forks.delete(snapshot);
    this.onEvent({ type: 'warning', text: `fork ${snapshot} was deleted by another client while this run used it; making it again` });
    await this.fork(deactivation);
  }

  /**
   * Deletes the run's forks (not with `keepForks`, and never one another live run leases) and
   * gives up the leases. Never fails: a fork left behind is a warning.
   */
  async close(): Promise<void> {
    const forks = await Promise.all([...this.#forks.values()].map((f) => f.catch(() => undefined)));
    try {
      if (this.settings.keepForks) return;
      const left: string[] = [];
      await Promise.all(
        forks.map(async (snapshot) => {
          if (!snapshot || (await this.leases.heldByOthers(this.network, snapshot))) return;
          try {
            await this.batfish.session.deleteSnapshot(this.network, snapshot, this.deadline);
          } catch {
            left.push(snapshot);
          }
        }),
      );
      if (left.length) {
        this.onEvent({ type: 'warning', text: `could not delete ${left.length} fork(s) of ${this.base} (${left.join(', ')}); delete them with the next run or by hand` });
      } else if (forks.length) {
        this.onEvent({ type: 'debug', text: `deleted ${forks.filter(Boolean).length} fork(s) of ${this.base}` });
      }
    } finally {
      await Promise.all(this.#releases.splice(0).map((r) => r()));
    }
  }
}

/** What a fork deactivates, in words: `node a; interface b[Gi0/0]; link c[x] - d[y]`. */
export function describeDeactivation(d: Deactivation): string {
  return [
    ...(d.deactivateNodes ?? []).map((n) => `node ${n}`),
    ...(d.deactivateInterfaces ?? []).map((i) => `interface ${i.hostname}[${i.interface}]`),
    ...(d.deactivateLinks ?? []).map((l) => `link ${l.node1}[${l.node1interface}] - ${l.node2}[${l.node2interface}]`),
  ].join('; ');
}
