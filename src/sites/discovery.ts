/**
 * Region and site discovery: the regions of a regions folder, the sites of a region, `-r REGION
 * -s SITE` resolved to its folder (with errors that list what does exist), and a `--snapshot-dir`.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError, errorCode } from './fs-errors.js';
import { SNAPSHOT_DATA_DIRS } from './snapshot-walk.js';

/** Where a site lives. `region` is absent for a `--snapshot-dir` snapshot. */
export interface SiteLocation {
  region?: string;
  site: string;
  dir: string;
}

/** The regions under a regions folder, sorted. */
export async function listRegions(regionsDir: string): Promise<string[]> {
  return subdirectories(regionsDir, async (error) => {
    const code = errorCode(error);
    if (code === 'ENOENT') {
      throw new InputError(`the regions folder ${regionsDir} does not exist`, {
        hint: 'run netq from the folder that holds regions/, or pass --regions-dir (env NETQ_REGIONS_DIR)',
      });
    }
    if (code === 'ENOTDIR') {
      const isFile = await stat(regionsDir).then(
        (info) => info.isFile(),
        () => false,
      );
      throw new InputError(`the regions folder ${regionsDir} ${isFile ? 'is a file, not a folder' : 'is not a folder'}`, {
        hint: 'pass the folder that holds <region>/<site>/configs/ to --regions-dir (env NETQ_REGIONS_DIR)',
      });
    }
    throw new InputError(`cannot read the regions folder ${regionsDir}: ${describeFsError(error)}`, {
      hint: 'check its permissions, or pass another folder with --regions-dir (env NETQ_REGIONS_DIR)',
    });
  });
}

/** The sites of a region, sorted. */
export async function listSites(regionsDir: string, region: string): Promise<string[]> {
  const regions = await listRegions(regionsDir);
  if (!regions.includes(region)) {
    throw new InputError(`unknown region '${region}' in ${regionsDir}`, {
      hint: regions.length ? `known regions: ${regions.join(', ')}` : `${regionsDir} holds no regions yet`,
    });
  }
  return subdirectories(path.join(regionsDir, region), () => Promise.resolve([]));
}

/** Resolves `-r REGION -s SITE` to the site folder, with errors that list what does exist. */
export async function resolveSite(regionsDir: string, region: string, site: string): Promise<SiteLocation> {
  const sites = await listSites(regionsDir, region);
  if (!sites.includes(site)) {
    throw new InputError(`unknown site '${site}' in region ${region}`, {
      hint: sites.length ? `sites of ${region}: ${sites.join(', ')}` : `region ${region} has no sites`,
    });
  }
  return { region, site, dir: path.join(regionsDir, region, site) };
}

/** A `--snapshot-dir` folder: any Batfish snapshot folder, named after its base name. */
export async function resolveSnapshotDir(dir: string): Promise<SiteLocation> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError(`snapshot folder ${dir} does not exist or is not a folder`, {
      hint: `pass a folder that holds ${SNAPSHOT_DATA_DIRS.slice(0, 2).join('/ or ')}/`,
    });
  }
  return { site: path.basename(path.resolve(dir)), dir };
}

async function subdirectories(dir: string, onUnreadable: (error: unknown) => Promise<string[]>): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    return onUnreadable(error);
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path.join(dir, entry.name)).catch(() => undefined))?.isDirectory());
    if (isDir) names.push(entry.name);
  }
  return names.sort();
}
