/**
 * The snapshot scan: the one file list of a snapshot folder (what is hashed, zipped and counted),
 * each file opened once in synchronous batches and stamped for the hash cache, and checked as
 * Batfish will read it (a data folder, non-empty device files, none too large; binary and empty
 * files warned about). Site discovery is in discovery.ts, the walk in snapshot-walk.ts.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { SiteLocation } from './discovery.js';
import { fileReadError } from './fs-errors.js';
import { compareStrings, isDeviceFile, specialEntry, walkSnapshot, type FoundFile, type SkippedEntry } from './snapshot-walk.js';

// Site discovery, which the application layer imports from here.

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
