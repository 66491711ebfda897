import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats, type Dirent } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

/** Folders Batfish reads device data from; a snapshot needs at least one of them. */
export const SNAPSHOT_DATA_DIRS = ['configs', 'hosts', 'aws_configs', 'sonic_configs', 'azure_configs'] as const;

/** The largest device file netq uploads (256 MiB): Batfish cannot parse a config that size anyway. */
export const MAX_DEVICE_FILE_BYTES = 256 * 1024 * 1024;

/** How much of each device file is read to tell text from binary, as git and grep do. */
export const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * Files checked between two turns of the event loop. The checks are synchronous system calls
 * (open, fstat, one read, close): on a 5 000-file site that is 8x faster than the same calls
 * through the thread pool, and a batch blocks the loop for a few milliseconds only.
 */
const SCAN_BATCH = 200;

/** A file that goes into the snapshot zip. */
export interface SnapshotFile {
  /** Path inside the snapshot folder, with `/` separators: `configs/r1.cfg`. */
  relPath: string;
  absPath: string;
  sizeBytes: number;
  /**
   * The file as the scan saw it (nanosecond times, inode, device): what the hash cache compares
   * with its record, so an unchanged site is not stat'ed twice. Absent: the cache stats the file.
   */
  seen?: FileChangeStamp;
}

/** What tells a file apart from its earlier versions without reading it (see hash-cache.ts). */
export interface FileChangeStamp {
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

/** Why an entry of a snapshot folder was left out of the snapshot. */
export type SkipReason = 'outside' | 'loop' | 'duplicate' | 'dangling' | 'special';

/** An entry of a snapshot folder that is not uploaded (hidden files are left out silently). */
export interface SkippedEntry {
  /** Path inside the snapshot folder, with `/` separators. */
  relPath: string;
  reason: SkipReason;
  /** The warning shown for it: `configs/passwd -> /etc/passwd is outside the site folder; not uploaded`. */
  message: string;
}

/** What netq learnt about a snapshot folder before talking to Batfish. */
export interface SnapshotScan {
  dir: string;
  /**
   * Every file that is uploaded, sorted by path. The hash, the zip and `netq sites` all use this
   * list, so what is counted, named and uploaded is the same.
   */
  files: SnapshotFile[];
  /** Files in the data folders (configs/, hosts/, ...), the devices Batfish will see. */
  deviceFiles: SnapshotFile[];
  /** Device files of zero bytes: Batfish ignores them. */
  emptyFiles: string[];
  /** Device files with a NUL byte in their first 8 KiB: Batfish cannot parse them. */
  binaryFiles: string[];
  /** Links, loops and special files that are not uploaded, in path order. */
  skipped: SkippedEntry[];
  warnings: string[];
}

/** Where a site lives. `region` is absent for a `--snapshot-dir` snapshot. */
export interface SiteLocation {
  region?: string;
  site: string;
  dir: string;
}

/** Ways to reach the file system that tests replace. */
export interface ScanOptions {
  /**
   * The file calls the scan makes (Node's synchronous ones by default). Tests pass an `open` that
   * fails with EACCES, because CI runs them as root and root reads a chmod 000 file anyway.
   */
  files?: Partial<ScanFileCalls>;
}

/** How the scan opens, inspects and closes a file: file descriptors, as node:fs's sync calls. */
export interface ScanFileCalls {
  open(absPath: string): number;
  fstat(fd: number): BigIntStats;
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  close(fd: number): void;
}

/** O_NONBLOCK: should a FIFO take a file's place after the walk, opening it must not hang netq. */
const NODE_FILE_CALLS: ScanFileCalls = {
  open: (absPath) => openSync(absPath, constants.O_RDONLY | constants.O_NONBLOCK),
  fstat: (fd) => fstatSync(fd, { bigint: true }),
  read: (fd, buffer, offset, length, position) => readSync(fd, buffer, offset, length, position),
  close: (fd) => closeSync(fd),
};

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

/**
 * Lists the files of a snapshot folder and checks them as Batfish will: at least one data folder
 * with at least one non-empty file, every file readable. Only what lies inside the folder is
 * uploaded: links that lead out of it, loops, and FIFOs, sockets and devices are skipped with a
 * warning. Hidden files (editor swap files, .DS_Store, .git) are left out.
 */
export async function scanSnapshot(location: SiteLocation, options: ScanOptions = {}): Promise<SnapshotScan> {
  const { dir } = location;
  const where = location.region ? `site ${location.region}/${location.site} (${dir})` : dir;
  const tree = await walkSnapshot(dir);
  const calls: ScanFileCalls = { ...NODE_FILE_CALLS, ...options.files };
  const head = Buffer.allocUnsafe(BINARY_SNIFF_BYTES);
  const inspected: Array<Inspected | { relPath: string; error: InputError }> = [];
  for (let i = 0; i < tree.files.length; i++) {
    if (i > 0 && i % SCAN_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    const entry = tree.files[i]!;
    try {
      inspected.push(inspectFile(entry, calls, head));
    } catch (error) {
      inspected.push({ relPath: entry.relPath, error: error instanceof InputError ? error : fileReadError(entry.absPath, error) });
    }
  }
  const failures = inspected.flatMap((r) => ('error' in r ? [r.error] : []));
  if (failures[0]) throw withOthers(failures[0], failures.length - 1);

  const files: SnapshotFile[] = [];
  const skipped = [...tree.skipped];
  const binaryFiles: string[] = [];
  for (const result of inspected) {
    if ('error' in result) continue;
    if ('skip' in result) skipped.push(result.skip);
    else {
      files.push(result.file);
      if (result.binary) binaryFiles.push(result.file.relPath);
    }
  }
  skipped.sort((a, b) => compareStrings(a.relPath, b.relPath));
  const deviceFiles = files.filter((f) => isDeviceFile(f.relPath));
  const skippedNote = skipped.length ? ` (netq skipped ${nameList(skipped.map((s) => s.relPath))})` : '';
  if (deviceFiles.length === 0) {
    const hasConfigDir = await stat(path.join(dir, 'configs')).then(
      (s) => s.isDirectory(),
      () => false,
    );
    throw new InputError(
      hasConfigDir ? `${where} has an empty configs/ folder${skippedNote}` : `${where} has no device configs${skippedNote}`,
      { hint: `put one config file per device in ${path.join(dir, 'configs')}/` },
    );
  }
  const emptyFiles = deviceFiles.filter((f) => f.sizeBytes === 0).map((f) => f.relPath);
  if (emptyFiles.length === deviceFiles.length) {
    throw new InputError(`nothing to analyse: every config file of ${where} is empty`, {
      hint: `Batfish ignores empty files; put the device configs in ${path.join(dir, 'configs')}/`,
    });
  }
  // One line each, whatever the count: thousands of files are named by the first few.
  const warnings = skipped.slice(0, MAX_NAMED).map((s) => s.message);
  if (skipped.length > MAX_NAMED) warnings.push(`and ${skipped.length - MAX_NAMED} more files in ${where} that netq skipped`);
  if (emptyFiles.length) {
    warnings.push(`${countOf(emptyFiles.length, 'empty file')} in ${where}, which Batfish ignores: ${nameList(emptyFiles)}`);
  }
  if (binaryFiles.length) {
    warnings.push(
      `${countOf(binaryFiles.length, 'binary file')} in ${where} (a NUL byte in the first 8 KiB), which Batfish cannot parse: ${nameList(binaryFiles)}`,
    );
  }
  return { dir, files, deviceFiles, emptyFiles, binaryFiles, skipped, warnings };
}

/**
 * The InputError for a snapshot file that cannot be read, naming it and why:
 * `cannot read regions/lab/r1/configs/r1.cfg: permission denied`. Scanning, hashing and zipping
 * all report read failures through it, so an unreadable config is never an internal error.
 */
export function fileReadError(file: string, error: unknown): InputError {
  const code = errorCode(error);
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? `make it readable for the user running netq (ls -l ${file} shows who may read it), or remove it from the site folder`
      : code === 'ENOENT'
        ? 'something changed the site folder while netq read it; run netq again'
        : `check the file, or remove it from the site folder`;
  return new InputError(`cannot read ${file}: ${describeFsError(error)}`, { hint, cause: error });
}

/** A file found by the walk, not yet opened. */
interface FoundFile {
  relPath: string;
  absPath: string;
}

type Inspected = { file: SnapshotFile; binary: boolean } | { skip: SkippedEntry };

/**
 * Opens a file once: fstat tells its type and size (so a file swapped for a FIFO after the walk
 * is still caught), and a device file's first 8 KiB (read into `head`) tell whether it is binary.
 */
function inspectFile(entry: FoundFile, calls: ScanFileCalls, head: Buffer): Inspected {
  const fd = calls.open(entry.absPath);
  try {
    const info = calls.fstat(fd);
    if (!info.isFile()) return { skip: specialEntry(entry.relPath, info) };
    const size = Number(info.size);
    const seen = { mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs, ino: info.ino, dev: info.dev };
    const file: SnapshotFile = { relPath: entry.relPath, absPath: entry.absPath, sizeBytes: size, seen };
    if (!isDeviceFile(entry.relPath) || size === 0) return { file, binary: false };
    if (size > MAX_DEVICE_FILE_BYTES) {
      throw new InputError(`${entry.absPath} is larger than ${formatMiB(MAX_DEVICE_FILE_BYTES)} (${size} bytes), netq's limit for one device file`, {
        hint: 'Batfish cannot parse a config that large; remove it from the site folder, or split it',
      });
    }
    const bytesRead = calls.read(fd, head, 0, Math.min(BINARY_SNIFF_BYTES, size), 0);
    return { file, binary: head.subarray(0, bytesRead).includes(0) };
  } finally {
    calls.close(fd);
  }
}

interface WalkedTree {
  files: FoundFile[];
  skipped: SkippedEntry[];
}

/**
 * Walks a snapshot folder. Each folder is entered once, by its real path: a link back to a folder
 * that contains it is a loop, a second way into a folder already walked is a duplicate; both are
 * skipped. The data folders (configs/, ...) are walked first, so when a link elsewhere points into
 * configs/, configs/ keeps its files and the link is what is skipped.
 */
async function walkSnapshot(root: string): Promise<WalkedTree> {
  const rootReal = await realpath(root).catch((error: unknown) => {
    throw fileReadError(root, error);
  });
  const tree: WalkedTree = { files: [], skipped: [] };
  const visited = new Map<string, string>();
  const rootPrefix = rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep;
  const inside = (target: string): boolean => target === rootReal || target.startsWith(rootPrefix);

  const walkDir = async (rel: string, real: string): Promise<void> => {
    visited.set(real, rel);
    const absDir = path.join(root, rel);
    const entries = await readdir(absDir, { withFileTypes: true }).catch((error: unknown) => {
      throw fileReadError(absDir, error);
    });
    entries.sort(rel === '' ? compareTopLevel : (a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const absPath = path.join(root, relPath);
      if (entry.isDirectory()) {
        const childReal = path.join(real, entry.name);
        const seenAs = visited.get(childReal);
        if (seenAs === undefined) await walkDir(relPath, childReal);
        else tree.skipped.push(skip(relPath, 'duplicate', `${relPath} is the same folder as ${seenAs || '.'}; not uploaded twice`));
      } else if (entry.isFile()) {
        tree.files.push({ relPath, absPath });
      } else if (entry.isSymbolicLink()) {
        await followLink(relPath, absPath, real);
      } else {
        tree.skipped.push(specialEntry(relPath, entry));
      }
    }
  };

  const followLink = async (relPath: string, absPath: string, parentReal: string): Promise<void> => {
    let target: string;
    try {
      target = await realpath(absPath);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        const text = await readlink(absPath).catch(() => '?');
        tree.skipped.push(skip(relPath, 'dangling', `${relPath} -> ${text} is a broken link; not uploaded`));
      } else if (code === 'ELOOP') {
        tree.skipped.push(skip(relPath, 'loop', `${relPath} is a link that leads back to itself; not uploaded`));
      } else throw fileReadError(absPath, error);
      return;
    }
    if (!inside(target)) {
      tree.skipped.push(skip(relPath, 'outside', `${relPath} -> ${target} is outside the site folder; not uploaded`));
      return;
    }
    const info = await stat(target).catch((error: unknown) => {
      throw fileReadError(absPath, error);
    });
    if (info.isFile()) {
      tree.files.push({ relPath, absPath });
    } else if (!info.isDirectory()) {
      tree.skipped.push(specialEntry(relPath, info));
    } else if (parentReal === target || parentReal.startsWith(target + path.sep)) {
      tree.skipped.push(skip(relPath, 'loop', `${relPath} -> ${target} links to a folder that holds it (a loop); not uploaded`));
    } else {
      const seenAs = visited.get(target);
      if (seenAs === undefined) await walkDir(relPath, target);
      else tree.skipped.push(skip(relPath, 'duplicate', `${relPath} -> ${target} is the same folder as ${seenAs || '.'}; not uploaded twice`));
    }
  };

  await walkDir('', rootReal);
  tree.files.sort((a, b) => compareStrings(a.relPath, b.relPath));
  return tree;
}

function skip(relPath: string, reason: SkipReason, message: string): SkippedEntry {
  return { relPath, reason, message };
}

/**
 * A FIFO, socket or device: never opened (opening a FIFO blocks until a writer comes). A folder
 * only gets here when one took a file's place between the walk and the open.
 */
function specialEntry(relPath: string, kind: Pick<Dirent, 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice' | 'isDirectory'>): SkippedEntry {
  const what = kind.isFIFO()
    ? 'a FIFO'
    : kind.isSocket()
      ? 'a socket'
      : kind.isBlockDevice()
        ? 'a block device'
        : kind.isCharacterDevice()
          ? 'a character device'
          : kind.isDirectory()
            ? 'a folder'
            : 'of an unknown kind';
  return skip(relPath, 'special', `${relPath} is ${what}, not a regular file; not uploaded`);
}

function isDeviceFile(relPath: string): boolean {
  return SNAPSHOT_DATA_DIRS.some((d) => relPath.startsWith(`${d}/`));
}

/** Top level: the data folders first (see walkSnapshot), then everything else by name. */
function compareTopLevel(a: Dirent, b: Dirent): number {
  const rank = (name: string): number => ((SNAPSHOT_DATA_DIRS as readonly string[]).includes(name) ? 0 : 1);
  return rank(a.name) - rank(b.name) || compareStrings(a.name, b.name);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many file names a warning names before it counts the rest. */
const MAX_NAMED = 10;

/** `a, b, c` or, past MAX_NAMED names, the first ones and `and N more`. */
function nameList(names: readonly string[]): string {
  if (names.length <= MAX_NAMED) return names.join(', ');
  return `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more`;
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

function withOthers(error: InputError, others: number): InputError {
  if (others === 0) return error;
  return new InputError(`${error.message} (and ${countOf(others, 'more file')} netq cannot read)`, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error.cause,
  });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason part of a file-system error, in words: `permission denied`. */
function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EIO':
      return 'input/output error';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return error instanceof Error ? error.message : String(error);
  }
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
