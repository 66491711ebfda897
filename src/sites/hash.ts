import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileReadError, type SnapshotFile } from './sites.js';

/**
 * A hash of a snapshot's input: every file's path and bytes, in path order. It names the snapshot,
 * so an unchanged site maps to a snapshot Batfish already has. Files are streamed, never loaded.
 * A file that cannot be read is an InputError naming it.
 */
export async function hashSnapshotFiles(files: readonly SnapshotFile[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0))) {
    hash.update(`${file.relPath}\0${file.sizeBytes}\0`);
    try {
      for await (const chunk of createReadStream(file.absPath)) hash.update(chunk as Buffer);
    } catch (error) {
      throw fileReadError(file.absPath, error);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
