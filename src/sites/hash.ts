import { createHash } from 'node:crypto';
import { filePieces, inPieceOrder, readPiece } from './file-pieces.js';
import { cachedSnapshotHash } from './hash-cache.js';
import type { SnapshotFile } from './sites.js';

export interface HashOptions {
  /**
   * netq's state folder (`defaultStateDir`). When given, the hash of an unchanged file list is
   * taken from a cache there (`hashes/`) instead of reading every file again; see hash-cache.ts
   * for what counts as unchanged. The hash is the same with or without the cache.
   */
  stateDir?: string;
}

/** Files read at once while hashing: hides the latency of opening thousands of small files. */
const LIMITS = { pieces: 16, bytes: 8 * 1024 * 1024 };

/**
 * A hash of a snapshot's input: every file's path, size and bytes, in path order. It names the
 * snapshot, so an unchanged site maps to a snapshot Batfish already has. Files are read in pieces,
 * never loaded whole. A file that cannot be read, or that changed size since the scan, is an
 * InputError naming it.
 */
export async function hashSnapshotFiles(files: readonly SnapshotFile[], options: HashOptions = {}): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  if (options.stateDir === undefined) return hashContents(sorted);
  return cachedSnapshotHash(sorted, options.stateDir, () => hashContents(sorted));
}

async function hashContents(sorted: readonly SnapshotFile[]): Promise<string> {
  const hash = createHash('sha256');
  await inPieceOrder(
    filePieces(sorted),
    (piece, buffer) => readPiece(piece, buffer, 'hashing'),
    (piece, data) => {
      if (piece.first) hash.update(`${piece.file.relPath}\0${piece.file.sizeBytes}\0`);
      hash.update(data);
      if (piece.last) hash.update('\0');
    },
    LIMITS,
  );
  return hash.digest('hex');
}
