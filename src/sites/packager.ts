import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { InputError } from '../errors.js';
import { fileReadError, type SnapshotFile } from './sites.js';

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
 * A file that cannot be read, or that changed size since the scan, is an InputError naming it.
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
    // yazl reports a failed entry as an 'error' event on the ZipFile and then never ends its
    // output; ending the output with the error makes the pipeline below reject instead of hang.
    let current: SnapshotFile | undefined;
    // (@types/yazl types outputStream as NodeJS.ReadableStream; yazl makes it a PassThrough.)
    const output = zip.outputStream as PassThrough;
    zip.on('error', (error: unknown) => output.destroy(zipReadError(current, error)));
    // Directory entries for every folder, as pybatfish writes them; Batfish accepts both.
    const folders = new Set<string>([topFolder]);
    for (const file of files) {
      const parts = file.relPath.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(`${topFolder}/${parts.slice(0, i).join('/')}`);
    }
    for (const folder of [...folders].sort()) zip.addEmptyDirectory(folder);
    for (const file of files) {
      // The size from the scan is what the hash covered; yazl fails the entry if the file now differs.
      zip.addReadStreamLazy(`${topFolder}/${file.relPath}`, { size: file.sizeBytes }, (callback) => {
        current = file;
        const stream = createReadStream(file.absPath);
        stream.on('error', (error) => zip.emit('error', error));
        callback(null, stream);
      });
    }
    zip.end();
    await pipeline(output, createWriteStream(zipPath));
    const { size } = await stat(zipPath);
    return { zipPath, sizeBytes: size, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function zipReadError(file: SnapshotFile | undefined, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (!file || error instanceof InputError) return error;
  if (/unexpected number of bytes/.test(error.message)) {
    return new InputError(`cannot read ${file.absPath}: it changed while netq was zipping it`, {
      hint: 'something changed the site folder while netq read it; run netq again',
      cause: error,
    });
  }
  return fileReadError(file.absPath, error);
}
