/**
 * File-system errors of a site's files, in words: the InputError for a file that cannot be read
 * (scanning, hashing and zipping all report through it), and an error's code and reason.
 */
import { InputError } from '../errors.js';

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

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason part of a file-system error, in words: `permission denied`. */
export function describeFsError(error: unknown): string {
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
