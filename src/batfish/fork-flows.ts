/**
 * Forks of a snapshot with elements deactivated (a node, an interface, a link down), the ground
 * of the single-failure checks. A fork is named by its content, its base snapshot and what is
 * deactivated, so the same failure of the same configs is forked once and reused by any run (a
 * base snapshot's name already carries a hash of its files).
 */
import { createHash } from 'node:crypto';
import { BatfishError, BatfishHttpError } from '../errors.js';
import type { BatfishClient, SnapshotFork } from './client.js';
import { checkName, type SessionFlow } from './session-flow.js';
import { PARSED_STATUSES, ensureParsed, optionalMetadata, type ParseHealth } from './snapshot-parse.js';

/** Asks Batfish for the fork; false when it exists already (another run made it at the same moment). */
async function fork(flow: SessionFlow, client: BatfishClient, network: string, name: string, request: SnapshotFork): Promise<boolean> {
  try {
    flow.options.onPhase?.(`forking ${request.base} as ${name}`);
    await client.forkSnapshot(network, request);
    return true;
  } catch (error) {
    if (error instanceof BatfishHttpError && error.status === 400 && /already exists/i.test(error.body)) return false;
    throw error;
  }
}

/** What a fork deactivates. */
export type Deactivation = Pick<SnapshotFork, 'deactivateNodes' | 'deactivateInterfaces' | 'deactivateLinks'>;

/** How often a fork deleted by another client while it is parsed is made again. */
const MAX_FORK_ROUNDS = 3;

/** What is deactivated, as one text whatever order it was given in (forks' names, questions' keys). */
export function deactivationKey(deactivation: Deactivation): string {
  const sorted = <T>(items: T[] | undefined, key: (t: T) => string): string[] => (items ?? []).map(key).sort();
  return JSON.stringify({
    nodes: sorted(deactivation.deactivateNodes, (n) => n),
    interfaces: sorted(deactivation.deactivateInterfaces, (i) => `${i.hostname}\u0000${i.interface}`),
    links: sorted(deactivation.deactivateLinks, (l) => [l.node1, l.node1interface, l.node2, l.node2interface].join('\u0000')),
  });
}

/** The fork's name: `<base>-down-<hash of what is deactivated>`. */
export function forkName(base: string, deactivation: Deactivation): string {
  const hash = createHash('sha256').update(deactivationKey(deactivation)).digest('hex').slice(0, 12);
  return `${base}-down-${hash}`;
}

export interface EnsureForkRequest {
  network: string;
  /** A parsed snapshot. */
  base: string;
  deactivation: Deactivation;
  deadline: number;
  /** Ask Batfish to reuse its parse of unchanged files (the `parsereuse` work-item flag). */
  parseReuse?: boolean;
}

/**
 * Makes sure the fork exists, parsed: reused when Batfish has it parsed already (`reused`), made
 * and parsed otherwise. Another run making the same fork at the same moment is waited for, not
 * fought (Batfish's `already exists`); a fork another client deletes while it is parsed is made again.
 */
export async function ensureFork(flow: SessionFlow, request: EnsureForkRequest): Promise<{ snapshot: string; reused: boolean; health?: ParseHealth }> {
  const { network, base, deactivation, deadline } = request;
  checkName('network', network);
  checkName('snapshot', base);
  const snapshot = forkName(base, deactivation);
  checkName('snapshot', snapshot);
  const client = flow.client.withDeadline(deadline);
  const known = await optionalMetadata(client, network, snapshot);
  if (known && PARSED_STATUSES.has(known.status)) return { snapshot, reused: true };
  // A fork that is there but not parsed yet (another run's, or one whose parse was lost) is parsed, not made again.
  let exists = known !== undefined;
  for (let round = 1; ; round++) {
    const forked = !exists && (await fork(flow, client, network, snapshot, { base, name: snapshot, ...deactivation }));
    exists = false;
    const outcome = await ensureParsed(flow, client, network, snapshot, deadline, forked, request.parseReuse ?? false);
    if (outcome !== 'gone') return { snapshot, reused: !forked, health: outcome.health };
    if (round >= MAX_FORK_ROUNDS) {
      throw new BatfishError(`the fork ${snapshot} of ${base} was deleted ${round} times while netq was parsing it`, {
        hint: 'another client keeps deleting it; run again when it is done',
      });
    }
  }
}
