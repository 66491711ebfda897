/**
 * The walk of a snapshot folder: every file inside it, each folder entered once by its real path,
 * and the entries left out (links out of the folder, loops, second ways into a folder, broken
 * links, FIFOs, sockets and devices) with the warning for each.
 */
import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, fileReadError } from './fs-errors.js';

/** Folders Batfish reads device data from; a snapshot needs at least one of them. */
export const SNAPSHOT_DATA_DIRS = ['configs', 'hosts', 'aws_configs', 'sonic_configs', 'azure_configs'] as const;

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

/** A file found by the walk, not yet opened. */
export interface FoundFile {
  relPath: string;
  absPath: string;
}

export interface WalkedTree {
  files: FoundFile[];
  skipped: SkippedEntry[];
}

/**
 * Walks a snapshot folder. Each folder is entered once, by its real path: a link back to a folder
 * that contains it is a loop, a second way into a folder already walked is a duplicate; both are
 * skipped. The data folders (configs/, ...) are walked first, so when a link elsewhere points into
 * configs/, configs/ keeps its files and the link is what is skipped.
 */
export async function walkSnapshot(root: string): Promise<WalkedTree> {
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
export function specialEntry(relPath: string, kind: Pick<Dirent, 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice' | 'isDirectory'>): SkippedEntry {
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

export function isDeviceFile(relPath: string): boolean {
  return SNAPSHOT_DATA_DIRS.some((d) => relPath.startsWith(`${d}/`));
}

/** Top level: the data folders first (see walkSnapshot), then everything else by name. */
function compareTopLevel(a: Dirent, b: Dirent): number {
  const rank = (name: string): number => ((SNAPSHOT_DATA_DIRS as readonly string[]).includes(name) ? 0 : 1);
  return rank(a.name) - rank(b.name) || compareStrings(a.name, b.name);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
