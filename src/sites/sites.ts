import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

/** Folders Batfish reads device data from; a snapshot needs at least one of them. */
export const SNAPSHOT_DATA_DIRS = ['configs', 'hosts', 'aws_configs', 'sonic_configs', 'azure_configs'] as const;

/** A file that goes into the snapshot zip. */
export interface SnapshotFile {
  /** Path inside the snapshot folder, with `/` separators: `configs/r1.cfg`. */
  relPath: string;
  absPath: string;
  sizeBytes: number;
}

/** What netq learnt about a snapshot folder before talking to Batfish. */
export interface SnapshotScan {
  dir: string;
  files: SnapshotFile[];
  /** Files in the data folders (configs/, hosts/, ...), the devices Batfish will see. */
  deviceFiles: SnapshotFile[];
  /** Device files of zero bytes: Batfish ignores them. */
  emptyFiles: string[];
  warnings: string[];
}

/** Where a site lives. `region` is absent for a `--snapshot-dir` snapshot. */
export interface SiteLocation {
  region?: string;
  site: string;
  dir: string;
}

/** The regions under a regions folder, sorted. */
export async function listRegions(regionsDir: string): Promise<string[]> {
  return subdirectories(regionsDir, () => {
    throw new InputError(`the regions folder ${regionsDir} does not exist`, {
      hint: 'run netq from the folder that holds regions/, or pass --regions-dir (env NETQ_REGIONS_DIR)',
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
  return subdirectories(path.join(regionsDir, region), () => []);
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

/**
 * Lists the files of a snapshot folder and checks them as Batfish will: at least one data folder
 * with at least one file. Hidden files (editor swap files, .DS_Store, .git) are left out.
 */
export async function scanSnapshot(location: SiteLocation): Promise<SnapshotScan> {
  const { dir } = location;
  const files = await walk(dir, '');
  const deviceFiles = files.filter((f) => SNAPSHOT_DATA_DIRS.some((d) => f.relPath.startsWith(`${d}/`)));
  const where = location.region ? `site ${location.region}/${location.site} (${dir})` : dir;
  if (deviceFiles.length === 0) {
    const hasConfigDir = await stat(path.join(dir, 'configs')).then(
      (s) => s.isDirectory(),
      () => false,
    );
    throw new InputError(
      hasConfigDir ? `${where} has an empty configs/ folder` : `${where} has no device configs`,
      { hint: `put one config file per device in ${path.join(dir, 'configs')}/` },
    );
  }
  const emptyFiles = deviceFiles.filter((f) => f.sizeBytes === 0).map((f) => f.relPath);
  const warnings: string[] = [];
  if (emptyFiles.length) {
    warnings.push(
      `${emptyFiles.length} empty file${emptyFiles.length === 1 ? '' : 's'} in ${where}, which Batfish ignores: ${emptyFiles.join(', ')}`,
    );
  }
  return { dir, files, deviceFiles, emptyFiles, warnings };
}

async function walk(root: string, rel: string): Promise<SnapshotFile[]> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: SnapshotFile[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    const absPath = path.join(root, relPath);
    // stat follows symbolic links, so a linked config or folder counts as what it points to.
    const info = await stat(absPath).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await walk(root, relPath)));
    else if (info?.isFile()) files.push({ relPath, absPath, sizeBytes: info.size });
  }
  return files;
}

async function subdirectories(dir: string, onMissing: () => string[]): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return onMissing();
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path.join(dir, entry.name)).catch(() => undefined))?.isDirectory());
    if (isDir) names.push(entry.name);
  }
  return names.sort();
}
