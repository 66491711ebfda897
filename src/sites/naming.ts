/** How netq names the snapshots it uploads: `<site>-<first 16 hex of the input hash>`. */
const HASH_LENGTH = 16;

/** Network name for `--snapshot-dir` snapshots when no --network is given. */
export const DEFAULT_DIR_NETWORK = 'netq';

/** The snapshot name for a site's input hash; characters Batfish names cannot hold become `_`. */
export function snapshotName(site: string, inputHash: string): string {
  return `${safeSite(site)}-${inputHash.slice(0, HASH_LENGTH)}`;
}

/** Matches the names netq gives this site's snapshots, and no others. */
export function snapshotPattern(site: string): RegExp {
  return new RegExp(`^${safeSite(site).replace(/[-]/g, '\\-')}-[0-9a-f]{${HASH_LENGTH}}$`);
}

function safeSite(site: string): string {
  return site.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'snapshot';
}
