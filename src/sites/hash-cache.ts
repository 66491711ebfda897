import { createHash, randomBytes } from 'node:crypto';
import { constants, statSync, type BigIntStats, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { stateSubdir } from '../host.js';
import type { FileChangeStamp, SnapshotFile } from './sites.js';

/**
 * The snapshot hash of a file list, remembered between runs so that an unchanged site of
 * thousands of files is not read again just to learn that it is unchanged.
 *
 * One record per snapshot folder, in `<stateDir>/hashes/`: the hash, and for every file (in hash
 * order) its path, size, mtime and ctime in nanoseconds, inode and device. A record is used only
 * when every one of those is the same now; anything else reads the files again.
 *
 * What this detects: any change made through the file system. Writing, truncating, replacing or
 * renaming a file changes its ctime (or its inode), which no program can set back (`touch -d`
 * and `cp -p` restore the mtime, not the ctime). What it cannot detect: a change within the
 * timestamp granularity of the moment the record was made (so no record is made while any file
 * is less than two seconds old, the coarsest common granularity, FAT's), a file system whose
 * ctime does not follow writes, a system clock set back across the change, or bytes changed under
 * the file system (a raw device write). Those cases are the price of not reading the files; a
 * fresh hash is one `--fresh` away, and the record of a folder is replaced on any change.
 *
 * The cache is only an accelerator: a record that is missing, unreadable, malformed, larger than
 * its file list can explain, or not a private file of this user is ignored; records are written
 * to a temporary name and renamed into place, so concurrent netq processes each read a whole
 * record (either one); failures to write are ignored.
 */

/** Bumped whenever the snapshot hash or the record changes: older records are then ignored. */
const RECORD_VERSION = 1;
const CACHE_FOLDER = 'hashes';
/** Records kept: one per snapshot folder used recently; the least recently written go first. */
const MAX_RECORDS = 64;
/** Files changed less than this long ago are "racily clean": a record is not made. */
const RACY_NS = 2_000_000_000n;
/** Files stat'ed between two turns of the event loop (sync stats are 2x faster than async ones). */
const STAT_BATCH = 256;

interface HashRecord {
  version: number;
  /** The snapshot folder. */
  root: string;
  hash: string;
  /** One stamp per file: `relPath\0size\0mtimeNs\0ctimeNs\0ino\0dev`. */
  files: string[];
}

/**
 * The hash of `sorted` (sorted as the hash reads them): from the record of its folder when no file
 * changed, else `compute()`, which is then recorded.
 */
export async function cachedSnapshotHash(sorted: readonly SnapshotFile[], stateDir: string, compute: () => Promise<string>): Promise<string> {
  const root = snapshotRoot(sorted);
  if (root === undefined) return compute();
  const dir = path.join(stateDir, CACHE_FOLDER);
  const recordPath = path.join(dir, `${createHash('sha256').update(root).digest('hex').slice(0, 32)}.json`);
  const before = await stampFiles(sorted, true);
  // A file that is gone, or not the size the scan saw: hashing reports it properly.
  if (!before) return compute();
  const record = await readRecord(recordPath, sorted.length);
  if (record && record.root === root && sameStamps(record.files, before.stamps)) return record.hash;
  const hash = await compute();
  if (!before.racy) {
    // Unchanged while it was read: the hash belongs to these stamps.
    const after = await stampFiles(sorted, false);
    if (after && sameStamps(before.stamps, after.stamps)) {
      await writeRecord(dir, recordPath, { version: RECORD_VERSION, root, hash, files: before.stamps }).catch(() => undefined);
    }
  }
  return hash;
}

/** The folder every file's path is relative to, or undefined when there is no single one. */
function snapshotRoot(files: readonly SnapshotFile[]): string | undefined {
  let root: string | undefined;
  for (const file of files) {
    const rel = file.relPath.split('/').join(path.sep);
    if (!file.absPath.endsWith(path.sep + rel)) return undefined;
    const candidate = file.absPath.slice(0, file.absPath.length - rel.length - 1);
    if (root !== undefined && candidate !== root) return undefined;
    root = candidate;
  }
  return root;
}

/**
 * Every file's stamp, and whether any changed too recently to be trusted; undefined when one is
 * not the file the scan saw. `fromScan`: take what the scan saw where it recorded it.
 */
async function stampFiles(files: readonly SnapshotFile[], fromScan: boolean): Promise<{ stamps: string[]; racy: boolean } | undefined> {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const stamps: string[] = [];
  let racy = false;
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % STAT_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    const file = files[i]!;
    let seen: FileChangeStamp | undefined = fromScan ? file.seen : undefined;
    if (!seen) {
      let info: BigIntStats | undefined;
      try {
        info = statSync(file.absPath, { bigint: true, throwIfNoEntry: false });
      } catch {
        return undefined;
      }
      if (!info?.isFile() || info.size !== BigInt(file.sizeBytes)) return undefined;
      seen = info;
    }
    if (nowNs - seen.mtimeNs < RACY_NS || nowNs - seen.ctimeNs < RACY_NS) racy = true;
    stamps.push(`${file.relPath}\0${file.sizeBytes}\0${seen.mtimeNs}\0${seen.ctimeNs}\0${seen.ino}\0${seen.dev}`);
  }
  return { stamps, racy };
}

function sameStamps(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((stamp, i) => stamp === b[i]);
}

/** Owned by this user and writable by no one else (where the platform has owners). */
function isPrivate(info: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  return info.uid === uid && (info.mode & 0o022) === 0;
}

async function readRecord(file: string, fileCount: number): Promise<HashRecord | undefined> {
  let handle: FileHandle | undefined;
  try {
    // Not through a link, never blocking on a FIFO: the file must be a private regular file.
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || !isPrivate(info) || info.size > 16 * 1024 + fileCount * 4096) return undefined;
    return parseRecord(JSON.parse(await handle.readFile('utf8')));
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function parseRecord(value: unknown): HashRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, root, hash, files } = value as Record<string, unknown>;
  if (version !== RECORD_VERSION || typeof root !== 'string' || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string')) return undefined;
  return { version, root, hash, files };
}

async function writeRecord(dir: string, file: string, record: HashRecord): Promise<void> {
  // Only netq's own folders are made: a state folder whose parent is missing means no cache.
  await stateSubdir(path.dirname(dir), path.basename(dir));
  if (!isPrivate(await lstat(dir))) return;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await pruneRecords(dir);
}

async function pruneRecords(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json') || name.endsWith('.tmp'));
  if (names.length <= MAX_RECORDS) return;
  const dated = await Promise.all(
    names.map(async (name) => ({ name, mtimeMs: (await stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  dated.sort((a, b) => b.mtimeMs - a.mtimeMs);
  await Promise.all(dated.slice(MAX_RECORDS).map(({ name }) => rm(path.join(dir, name), { force: true })));
}
