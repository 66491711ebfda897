/**
 * A site's snapshot before and as it reaches Batfish: found, checked, hashed and named
 * (`prepareSnapshot`, no network traffic), then made sure of on the server (`ensureSnapshot`:
 * reused when parsed, else zipped, uploaded and parsed).
 */
import path from 'node:path';
import { formatBytes } from '../batfish/snapshot-flows.js';
import { summarizeParseHealth } from '../batfish/snapshot-parse.js';
import { hashSnapshotFiles } from '../sites/hash.js';
import { DEFAULT_DIR_NETWORK, snapshotName } from '../sites/naming.js';
import { scanSnapshot, type SnapshotScan } from '../sites/sites.js';
import { resolveSite, resolveSnapshotDir, type SiteLocation } from '../sites/discovery.js';
import type { SnapshotSource } from '../sites/source.js';
import type { BatfishConnection } from './provider.js';
import type { RunDeps } from './site-run.js';
import type { SnapshotLeases } from './snapshot-leases.js';

/** A site (or snapshot folder) checked and named, before anything is sent to Batfish. */
export interface PreparedSnapshot {
  source: SnapshotSource;
  location: SiteLocation;
  scan: SnapshotScan;
  network: string;
  snapshot: string;
}

/** Finds and checks a site or snapshot folder and names its snapshot; no network traffic. */
export async function prepareSnapshot(
  source: SnapshotSource,
  network: string | undefined,
  deps: Pick<RunDeps, 'cwd' | 'onEvent' | 'stateDir' | 'clock'>,
  role?: 'reference' | 'base',
): Promise<PreparedSnapshot> {
  const now = (): number => deps.clock.now();
  const location =
    source.kind === 'site'
      ? await resolveSite(path.resolve(deps.cwd, source.regionsDir), source.region, source.site)
      : { ...(await resolveSnapshotDir(path.resolve(deps.cwd, source.dir))), ...(source.name ? { site: source.name } : {}) };
  const started = now();
  const scan = await scanSnapshot(location);
  const scanned = now();
  for (const text of scan.warnings) deps.onEvent({ type: 'warning', text, ...(role ? { role } : {}) });
  const hash = await hashSnapshotFiles(scan.files, { stateDir: deps.stateDir });
  const bytes = scan.files.reduce((sum, f) => sum + f.sizeBytes, 0);
  deps.onEvent({
    type: 'debug',
    text: `${location.dir}: ${scan.files.length} files (${formatBytes(bytes)}) scanned in ${Math.round(scanned - started)} ms, hashed in ${Math.round(now() - scanned)} ms`,
  });
  return {
    source,
    location,
    scan,
    network: network ?? location.region ?? DEFAULT_DIR_NETWORK,
    snapshot: snapshotName(location.site, hash),
  };
}

/**
 * Makes sure Batfish has a prepared snapshot, parsed; true when it was already there. `uploading`
 * is called when it was not, as the upload starts.
 */
export async function ensureSnapshot(
  batfish: BatfishConnection,
  prepared: PreparedSnapshot,
  fresh: boolean,
  deadline: number,
  deps: RunDeps,
  leases: SnapshotLeases,
  uploading: () => void = () => {},
): Promise<boolean> {
  const { session } = batfish;
  const { network, snapshot, scan, location } = prepared;
  const inUseElsewhere = (): Promise<boolean> => leases.heldByOthers(network, snapshot);
  if ((await session.findSnapshot({ network, snapshot, fresh, deadline, inUseElsewhere })) === 'parsed') {
    deps.onEvent({ type: 'parse', network, snapshot, reused: true, health: null });
    return true;
  }
  uploading();
  deps.onEvent({ type: 'phase', text: `packaging ${scan.files.length} files of ${location.site}` });
  // The zip library is loaded only when something is uploaded: an unchanged site never needs it.
  const { packageSnapshot } = await import('../sites/packager.js');
  const zip = await packageSnapshot(scan.files, snapshot, deps.tmpDir);
  try {
    deps.onEvent({ type: 'upload', network, snapshot, sizeBytes: zip.sizeBytes, files: scan.files.length });
    const { reused, health } = await session.uploadSnapshot({ network, snapshot, zip, deadline });
    deps.onEvent({ type: 'parse', network, snapshot, reused, health: reused ? null : summarizeParseHealth(health) || null });
    return reused;
  } finally {
    await zip.dispose();
  }
}

