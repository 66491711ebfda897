/**
 * BatfishSession's snapshot flows, as pybatfish performs them: the early look at a snapshot's
 * metadata (sent alongside the version request), finding a parsed snapshot to reuse, uploading a
 * snapshot zip and getting it parsed, and pruning a site's older snapshots.
 */
import { createReadStream } from 'node:fs';
import { timerMs } from '../clock.js';
import { BatfishError, BatfishHttpError } from '../errors.js';
import type { BatfishClient, SnapshotMetadata } from './client.js';
import { checkName, validName, type SessionFlow } from './session-flow.js';
import { ensureParsed, INITIALISING_STATUSES, optionalMetadata, PARSED_STATUSES, type ParseHealth } from './snapshot-parse.js';

/** How many times an upload starts over when another client deletes the snapshot under it. */
const MAX_UPLOAD_ROUNDS = 3;

/** A snapshot's metadata looked up early; `metadata` undefined: the server has no such snapshot. */
export interface EarlyLook {
  metadata: SnapshotMetadata | undefined;
  /** When the answer came (clock.now()). */
  at: number;
}

/** Early looks under way or done, by `network/snapshot`. */
export type EarlyLooks = Map<string, Promise<EarlyLook | undefined>>;

/** An early look older than this is asked again (the snapshot may have gone meanwhile). */
const EARLY_LOOK_MAX_AGE_MS = 5000;

/**
 * Asks for a snapshot's metadata now, without waiting, so the answer is there when findSnapshot
 * needs it: an unchanged site's check then costs no round trip of its own (it travels with the
 * version request). Tried once; if it fails (a server still starting), findSnapshot asks again.
 */
export function lookEarly(flow: SessionFlow, early: EarlyLooks, network: string, snapshot: string): void {
  if (!validName(network) || !validName(snapshot)) return;
  const look = flow.client.snapshotMetadata(network, snapshot, { once: true }).then(
    (metadata): EarlyLook => ({ metadata, at: flow.options.clock.now() }),
    (error: unknown): EarlyLook | undefined =>
      error instanceof BatfishHttpError && error.status === 404 ? { metadata: undefined, at: flow.options.clock.now() } : undefined,
  );
  early.set(`${network}/${snapshot}`, look);
}

/** What findSnapshot is asked. */
export interface FindSnapshotRequest {
  network: string;
  snapshot: string;
  fresh: boolean;
  deadline: number;
  /** Whether another live run reads the snapshot: then `fresh` asks again on it instead of deleting it. */
  inUseElsewhere?: () => Promise<boolean>;
}

/** See BatfishSession.findSnapshot; `early` holds the looks sent while connecting. */
export async function findSnapshot(flow: SessionFlow, early: EarlyLooks, request: FindSnapshotRequest): Promise<'parsed' | 'missing'> {
  const { network, snapshot, deadline } = request;
  checkName('network', network);
  checkName('snapshot', snapshot);
  const client = flow.client.withDeadline(deadline);
  // The common case first: the snapshot is there and parsed, one request says so.
  const look = early.get(`${network}/${snapshot}`);
  early.delete(`${network}/${snapshot}`);
  let looked = request.fresh || !look ? undefined : await beforeDeadline(look, deadline - flow.options.clock.now());
  if (looked && flow.options.clock.now() - looked.at > EARLY_LOOK_MAX_AGE_MS) looked = undefined;
  const known = request.fresh ? undefined : looked ? looked.metadata : await optionalMetadata(client, network, snapshot);
  if (known && PARSED_STATUSES.has(known.status)) {
    flow.options.onPhase?.(`reusing snapshot ${snapshot}`);
    return 'parsed';
  }
  await client.ensureNetwork(network);
  if (!(await client.listSnapshots(network)).includes(snapshot)) return 'missing';
  const metadata = await optionalMetadata(client, network, snapshot);
  if (!metadata) return 'missing';
  if (metadata.status === 'PARSING_FAIL' || (request.fresh && !INITIALISING_STATUSES.has(metadata.status))) {
    if (metadata.status !== 'PARSING_FAIL' && (await request.inUseElsewhere?.())) {
      // The same files, parsed: only its answers could be stale, and --fresh asks them again.
      flow.options.onPhase?.(`snapshot ${snapshot} is in use by another netq run: asking again on it instead of uploading it again`);
      return 'parsed';
    }
    await deleteSnapshot(client, network, snapshot);
    return 'missing';
  }
  flow.options.onPhase?.(`reusing snapshot ${snapshot}`);
  const outcome = await ensureParsed(flow, client, network, snapshot, deadline, false);
  return outcome === 'gone' ? 'missing' : 'parsed';
}

/** What uploadSnapshot is asked. */
export interface UploadSnapshotRequest {
  network: string;
  snapshot: string;
  zip: { zipPath: string; sizeBytes: number };
  deadline: number;
}

/** See BatfishSession.uploadSnapshot. */
export async function uploadSnapshot(flow: SessionFlow, request: UploadSnapshotRequest): Promise<{ reused: boolean; health: ParseHealth }> {
  const { network, snapshot, zip, deadline } = request;
  checkName('network', network);
  checkName('snapshot', snapshot);
  const client = flow.client.withDeadline(deadline);
  for (let round = 1; ; round++) {
    let uploaded = true;
    try {
      flow.options.onPhase?.(`uploading snapshot ${snapshot} (${formatBytes(zip.sizeBytes)})`);
      await client.uploadSnapshot(network, snapshot, createReadStream(zip.zipPath), zip.sizeBytes, deadline - flow.options.clock.now());
    } catch (error) {
      if (!(error instanceof BatfishHttpError && error.status === 400 && /already exists/i.test(error.body))) throw error;
      uploaded = false;
    }
    const outcome = await ensureParsed(flow, client, network, snapshot, deadline, uploaded);
    if (outcome !== 'gone') return { reused: !uploaded, health: outcome.health };
    if (round >= MAX_UPLOAD_ROUNDS) {
      throw new BatfishError(`snapshot ${snapshot} was deleted ${round} times while netq was initialising it`, {
        hint: 'another client keeps replacing it (several netq --fresh runs of this site?); run again when they are done',
      });
    }
    flow.options.onPhase?.(`snapshot ${snapshot} was deleted by another client; uploading it again`);
  }
}

/** See BatfishSession.pruneSnapshots. */
export async function pruneSnapshots(
  client: BatfishClient,
  network: string,
  pattern: RegExp,
  keep: number,
  inUse: string[],
  leased: (snapshot: string) => Promise<boolean>,
): Promise<string[]> {
  const ours = (await client.listSnapshots(network)).filter((s) => pattern.test(s) && !inUse.includes(s));
  const doomed = ours.slice(Math.max(keep - inUse.filter((s) => pattern.test(s)).length, 0));
  const deleted: string[] = [];
  for (const name of doomed) {
    if (await leased(name)) continue;
    await client.deleteSnapshot(network, name).then(() => deleted.push(name), () => undefined);
  }
  return deleted;
}

/** The promise's value, or undefined when it takes longer than `ms` (the run's time left). */
async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timerMs(ms));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes a snapshot; one already gone (another client deleted it first) is fine. */
export async function deleteSnapshot(client: BatfishClient, network: string, snapshot: string): Promise<void> {
  try {
    await client.deleteSnapshot(network, snapshot);
  } catch (error) {
    if (!(error instanceof BatfishHttpError && error.status === 404)) throw error;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
