import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { fileReadError } from './fs-errors.js';
import type { SnapshotFile } from './sites.js';

/**
 * Hashing and zipping read a snapshot's files the same way: in pieces of at most 1 MiB, several
 * at once (so the disk, the thread pool and the CPU cores all stay busy), and hand them on in
 * file order. Memory stays bounded by the pieces in flight, whatever the size of the site.
 */

/** The most bytes of one file read (and compressed) as one unit. */
export const PIECE_BYTES = 1024 * 1024;

/** The smallest read buffer: most config files fit, so buffers rarely need to grow. */
const MIN_BUFFER_BYTES = 256 * 1024;

/** A range of one snapshot file. */
export interface FilePiece {
  file: SnapshotFile;
  offset: number;
  length: number;
  /** The file's first piece (its header goes before it). */
  first: boolean;
  /** The file's last piece (it checks that the file ends where the scan said). */
  last: boolean;
}

/** How much work may be under way at once. */
export interface PieceLimits {
  pieces: number;
  bytes: number;
}

/** The pieces of the files, in order; an empty file is one empty piece. */
export function* filePieces(files: readonly SnapshotFile[], pieceBytes: number = PIECE_BYTES): Generator<FilePiece> {
  for (const file of files) {
    let offset = 0;
    do {
      const length = Math.min(pieceBytes, file.sizeBytes - offset);
      yield { file, offset, length, first: offset === 0, last: offset + length >= file.sizeBytes };
      offset += length;
    } while (offset < file.sizeBytes);
  }
}

/**
 * Reads one piece into `buffer` (which holds at least `piece.length + 1` bytes) and returns the
 * bytes read. The size the scan saw is what the hash covers and what the zip declares, so a file
 * that is now shorter, or longer (the last piece asks for one byte more), is an InputError:
 * `cannot read …: it changed while netq was zipping it`. Other failures name the file and why.
 * Opened non-blocking: should a FIFO take a file's place after the scan, netq must not hang on it.
 */
export async function readPiece(piece: FilePiece, buffer: Buffer, activity: 'hashing' | 'zipping'): Promise<Buffer> {
  const { file, offset, length, last } = piece;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file.absPath, constants.O_RDONLY | constants.O_NONBLOCK);
    const wanted = length + (last ? 1 : 0);
    let filled = 0;
    // A regular file returns less than asked only at its end, so one read is the rule (an empty
    // file too is read once, for the byte that would mean it grew).
    do {
      const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    } while (filled < length);
    if (filled !== length) {
      throw new InputError(`cannot read ${file.absPath}: it changed while netq was ${activity} it`, {
        hint: 'something changed the site folder while netq read it; run netq again',
      });
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw error instanceof InputError ? error : fileReadError(file.absPath, error);
  } finally {
    await handle?.close();
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` on the pieces, as many at once as `limits` allow, and calls `consume` with each
 * result in piece order. Each piece gets a buffer of at least `length + 1` bytes to read into,
 * valid until its `consume` returns: buffers are reused, so reading a large site leaves no
 * garbage for the collector (fresh ones raised the peak by about 15 MiB hashing the bench's
 * 250 MB site). The first failure in piece order is thrown, once every piece already started
 * has settled (none is left holding a file open).
 */
export async function inPieceOrder<T>(
  pieces: Iterable<FilePiece>,
  work: (piece: FilePiece, buffer: Buffer) => Promise<T>,
  consume: (piece: FilePiece, value: T) => Promise<void> | void,
  limits: PieceLimits,
): Promise<void> {
  const iterator = pieces[Symbol.iterator]();
  const queue: Array<{ piece: FilePiece; buffer: Buffer; outcome: Promise<Outcome<T>> }> = [];
  const free: Buffer[] = [];
  const take = (bytes: number): Buffer => {
    const index = free.findIndex((b) => b.length >= bytes);
    if (index >= 0) return free.splice(index, 1)[0]!;
    // Grow the smallest free buffer's slot rather than adding one: the pool stays `pieces` long.
    if (free.length) free.sort((a, b) => a.length - b.length).shift();
    return Buffer.allocUnsafeSlow(Math.max(bytes, MIN_BUFFER_BYTES));
  };
  let queuedBytes = 0;
  let exhausted = false;
  const fill = (): void => {
    while (!exhausted && (queue.length === 0 || (queue.length < limits.pieces && queuedBytes < limits.bytes))) {
      const next = iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const piece = next.value;
      queuedBytes += piece.length;
      const buffer = take(piece.length + 1);
      queue.push({
        piece,
        buffer,
        outcome: work(piece, buffer).then(
          (value): Outcome<T> => ({ ok: true, value }),
          (error: unknown): Outcome<T> => ({ ok: false, error }),
        ),
      });
    }
  };
  try {
    fill();
    for (let head = queue.shift(); head; head = queue.shift()) {
      const outcome = await head.outcome;
      queuedBytes -= head.piece.length;
      if (!outcome.ok) throw outcome.error;
      // Start the next pieces before consuming this one, so reading overlaps the consumer.
      fill();
      await consume(head.piece, outcome.value);
      free.push(head.buffer);
    }
  } finally {
    await Promise.all(queue.map((q) => q.outcome));
  }
}
