import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { SnapshotFile } from './sites.js';

/** A snapshot zip on disk, ready to stream to Batfish. `dispose` removes it. */
export interface PackagedSnapshot {
  zipPath: string;
  sizeBytes: number;
  dispose(): Promise<void>;
}

/**
 * Zips snapshot files under one top-level folder, as Batfish requires (exactly one top-level
 * entry, a directory). Files are streamed from disk into a temporary zip file, so a large site
 * never sits in memory, and the upload can send a Content-Length like pybatfish does.
 */
export async function packageSnapshot(
  files: readonly SnapshotFile[],
  topFolder: string,
  tmpDir: string = os.tmpdir(),
): Promise<PackagedSnapshot> {
  const dir = await mkdtemp(path.join(tmpDir, 'netq-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const zipPath = path.join(dir, `${topFolder}.zip`);
    const zip = new yazl.ZipFile();
    // Directory entries for every folder, as pybatfish writes them; Batfish accepts both.
    const folders = new Set<string>([topFolder]);
    for (const file of files) {
      const parts = file.relPath.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(`${topFolder}/${parts.slice(0, i).join('/')}`);
    }
    for (const folder of [...folders].sort()) zip.addEmptyDirectory(folder);
    for (const file of files) zip.addFile(file.absPath, `${topFolder}/${file.relPath}`);
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipPath));
    const { size } = await stat(zipPath);
    return { zipPath, sizeBytes: size, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
