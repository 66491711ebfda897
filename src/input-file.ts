import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileTypeName } from './host.js';

/** Why an input file could not be read, in words; `code` is the errno code (ENOENT, ...). */
export class InputFileError extends Error {
  constructor(
    readonly reason: string,
    readonly code: string,
  ) {
    super(reason);
  }
}

/**
 * Reads a small input file the user named (a checks file, say) as UTF-8 text, refusing what is
 * not a regular file before reading a byte: a FIFO with no writer would block netq forever
 * (and the signal that should end it with it), /dev/zero never ends, a folder has no text.
 * The file is opened non-blocking, so even opening a FIFO returns at once; a file over
 * `maxBytes` is refused rather than read into memory. Throws InputFileError.
 */
export async function readInputFile(file: string, maxBytes: number, signal?: AbortSignal): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : code === 'ELOOP' ? 'too many symbolic links' : `it cannot be opened (${code})`;
    throw new InputFileError(reason, code);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputFileError('it is a folder', 'EISDIR');
    if (!info.isFile()) throw new InputFileError(`it is ${fileTypeName(info)}, not a regular file`, 'ENOTREG');
    if (info.size > maxBytes) throw new InputFileError(`it is ${info.size} bytes; at most ${maxBytes} are read`, 'EFBIG');
    return await handle.readFile({ encoding: 'utf8', ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    if ((error as Error).name === 'AbortError') throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InputFileError(code === 'EISDIR' ? 'it is a folder' : `it cannot be read (${code})`, code);
  } finally {
    await handle.close();
  }
}
