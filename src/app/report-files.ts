import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NetqError, OutputError } from '../errors.js';
import { fileTypeName, localProcesses, makeDirs, type HostProcesses } from '../host.js';
import { printable } from '../text.js';

/** Longest file name (bytes) the common Linux file systems take. */
const NAME_MAX = 255;

/** A `--report FORMAT=FILE` destination, checked: a regular file (or none yet), or stdout. */
export interface ReportTarget<F extends string = string> {
  format: F;
  /** FILE as the user wrote it, for messages. */
  given: string;
  /** The absolute path; undefined for stdout (`-` or `/dev/stdout`). */
  file: string | undefined;
}

/**
 * Checks every `--report` destination before anything runs, so a bad one costs no upload and
 * leaves nothing behind (exit 2). A report goes to a regular file, written atomically (a
 * temporary file renamed over it), or to stdout when FILE is `-` or `/dev/stdout`; anything
 * else that exists there (a folder, a device, a FIFO, a socket, a symbolic link) is refused,
 * never replaced. Refused too: two reports to one file or to stdout, a report over the checks
 * file, a name longer than 255 bytes, a folder that cannot be made or written.
 */
export async function checkReportTargets<F extends string>(
  reports: ReadonlyArray<{ format: F; path: string }>,
  cwd: string,
  protect: Protected = {},
): Promise<{ targets: Array<ReportTarget<F>>; error: NetqError | undefined }> {
  const targets: Array<ReportTarget<F>> = [];
  const seen = new Map<string, string>();
  let first: NetqError | undefined;
  // What must not be replaced, by real path: a symbolic link on the way is no way around it.
  const files = await Promise.all((protect.files ?? []).map(async (p) => ({ ...p, real: await realPath(p.file) })));
  const dirs = await Promise.all((protect.dirs ?? []).map(async (p) => ({ ...p, real: await realPath(p.dir) })));
  for (const { format, path: given } of reports) {
    try {
      targets.push(await checkOne(format, given, cwd, seen, files, dirs));
    } catch (error) {
      first ??= error instanceof NetqError ? error : reportError(error, `--report ${format}=${printable(given)}`);
    }
  }
  return { targets, error: first };
}

/** Files a report must never replace (the checks file) and folders it must not go into (the sites being read). */
export interface Protected {
  files?: ReadonlyArray<{ file: string; what: string }>;
  /** `depth`: how many folders below `dir` the files netq reads start (2 for a regions folder: REGION/SITE/...). */
  dirs?: ReadonlyArray<{ dir: string; what: string; depth?: number }>;
}

/**
 * The path with every symbolic link in it resolved; for a path that does not exist yet, its
 * nearest existing folder resolved and the rest appended.
 */
async function realPath(file: string): Promise<string> {
  const rest: string[] = [];
  let current = path.resolve(file);
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...rest);
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

async function checkOne<F extends string>(
  format: F,
  given: string,
  cwd: string,
  seen: Map<string, string>,
  files: ReadonlyArray<{ real: string; what: string }>,
  dirs: ReadonlyArray<{ real: string; what: string; depth?: number }>,
): Promise<ReportTarget<F>> {
  const flag = `--report ${format}=${printable(given)}`;
  if (given === '-' || given === '/dev/stdout') {
    const earlier = seen.get('-');
    if (earlier !== undefined) throw new InputError(`${flag}: ${earlier} already goes to stdout`, { hint: 'give one report to stdout (or use --format for it); write the others to files' });
    seen.set('-', flag);
    return { format, given, file: undefined };
  }
  if (/[/\\]$/.test(given)) throw new InputError(`${flag}: the path ends with a slash, so it names a folder`, { hint: 'give the report a file name, e.g. reports/netq.json' });
  const file = path.resolve(cwd, given);
  // The folder's links resolved (the file itself, if a link, is refused below).
  const real = path.join(await realPath(path.dirname(file)), path.basename(file));
  const earlier = seen.get(real);
  if (earlier !== undefined) throw new InputError(`${flag}: ${earlier} writes that file too`, { hint: 'give each report its own file' });
  seen.set(real, flag);
  const realFile = files.length > 0 ? await realPath(file) : real;
  for (const p of files) {
    if (p.real === real || p.real === realFile) throw new InputError(`${flag} would replace ${p.what}`, { hint: 'write the report to a file of its own' });
  }
  for (const d of dirs) {
    const inside = path.relative(d.real, real);
    const parts = inside.split(path.sep);
    if (inside !== '' && !path.isAbsolute(inside) && parts[0] !== '..' && parts.length > (d.depth ?? 0)) {
      throw new InputError(`${flag} is inside ${d.what}: it would replace or join the files netq reads there`, { hint: 'write reports outside the sites, e.g. reports/netq.json at the top of the repository' });
    }
  }
  await checkTarget(file, flag);
  return { format, given, file };
}

/**
 * Checks a file netq appends to (GitHub's step summary): it must be a regular file or not exist
 * yet; a folder, a FIFO (which would block) or a device is refused (exit 2).
 */
export async function checkAppendTarget(file: string, what: string): Promise<void> {
  const hint = 'point it at a file (GitHub Actions sets it to one), or unset it';
  const link = await lstat(file).catch((error: NodeJS.ErrnoException) => error);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT') throw reportError(info, what);
    // A link that points nowhere would make netq create a file wherever it points.
    if (!(link instanceof Error)) throw new InputError(`${what} is a symbolic link to nothing: netq appends the step summary only to a regular file`, { hint });
    const dir = await stat(path.dirname(path.resolve(file))).catch(() => undefined);
    if (!dir?.isDirectory()) throw new InputError(`${what}: its folder ${printable(path.dirname(path.resolve(file)))} does not exist`, { hint });
    return;
  }
  if (!info.isFile()) throw new InputError(`${what} is ${fileTypeName(info)}: netq appends the step summary only to a regular file`, { hint });
}

/** Appends to a file checked with checkAppendTarget; failures as netq's errors (2 or 74). */
export async function appendReportFile(file: string, text: string, what: string): Promise<void> {
  try {
    const handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, 0o644);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notRegular(what, info);
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw reportError(error, what);
  }
}

/** Refuses a destination netq may not or cannot replace with a regular file. */
async function checkTarget(file: string, flag: string): Promise<void> {
  const name = path.basename(file);
  if (Buffer.byteLength(name) > NAME_MAX) throw new InputError(`${flag}: the file name is ${Buffer.byteLength(name)} bytes long; file systems take at most ${NAME_MAX}`, { hint: 'give the report a shorter name' });
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => error);
  if (!(existing instanceof Error)) {
    if (!existing.isFile()) throw notRegular(flag, existing);
    return checkWritableFolder(path.dirname(file), flag);
  }
  if (existing.code === 'ENOTDIR') throw new InputError(`${flag}: a part of the path is a file, not a folder`, { hint: 'give a path whose folders are folders' });
  if (existing.code === 'ENAMETOOLONG') throw new InputError(`${flag}: the path is too long`, { hint: 'give the report a shorter path' });
  if (existing.code !== 'ENOENT') throw reportError(existing, flag);
  // Not there yet: the nearest folder that exists must be one netq may write in (it makes the rest).
  let dir = path.dirname(file);
  for (;;) {
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw new InputError(`${flag}: ${printable(dir)} is not a folder`, { hint: 'give a path whose folders are folders' });
      return checkWritableFolder(dir, flag);
    }
    if (info.code !== 'ENOENT') throw reportError(info, flag);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function checkWritableFolder(dir: string, flag: string): Promise<void> {
  const ok = await access(dir, constants.W_OK | constants.X_OK).then(() => true, () => false);
  if (!ok) throw new InputError(`${flag}: netq may not write in ${printable(dir)}`, { hint: 'write the report to a folder you may write in (or fix the folder\'s permissions)' });
}

function notRegular(flag: string, info: Parameters<typeof fileTypeName>[0]): InputError {
  const what = fileTypeName(info);
  return new InputError(`${flag}: that path is ${what}; a report replaces only a regular file`, {
    hint: info.isSymbolicLink() ? 'give the path of the file itself' : 'give a file name (- or /dev/stdout for stdout)',
  });
}

/**
 * What went wrong writing a report, as netq's errors: the path or the permissions (exit 2, the
 * user's to fix), or the disk (no space, an I/O error: exit 74, as stdout's own failures).
 */
function reportError(error: unknown, flag: string): NetqError {
  if (error instanceof NetqError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const usage: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'that path is a folder',
    ENAMETOOLONG: 'the path is too long',
    ENOENT: 'the file system would not create the file there',
    ELOOP: 'too many symbolic links',
  };
  if (code && usage[code]) return new InputError(`${flag}: cannot write the report: ${usage[code]}`, { cause: error, hint: 'write the report to a file in a folder you may write in' });
  const why = code === 'ENOSPC' ? 'no space left on the device' : code === 'EDQUOT' ? 'the disk quota is used up' : code === 'EIO' ? 'an input/output error' : (error as Error | undefined)?.message ?? String(error);
  return new OutputError(`${flag}: cannot write the report: ${why}${code ? ` (${code})` : ''}`, { cause: error, hint: 'free some space (or write the report elsewhere) and run again' });
}

/**
 * A tag of this process's boot and pid namespace for temporary names, so a leftover is removed
 * only by a netq that can tell its writer is gone (a netq in another container, sharing the
 * folder but not the pids, leaves it alone). Empty where the system does not say.
 */
function hostTag(processes: HostProcesses): string {
  const self = processes.self();
  return self ? createHash('sha256').update(`${self.bootId}\0${self.pidNamespace}`).digest('hex').slice(0, 8) : 'x';
}

/** The temporary name for `name` (kept within NAME_MAX bytes: the report's name may already be long). */
function tempName(name: string, pid: number, tag: string): string {
  const suffix = `.${pid}.${tag}.${randomBytes(6).toString('hex')}.tmp`;
  let stem = name;
  while (Buffer.byteLength(`.${stem}${suffix}`) > NAME_MAX) stem = [...stem].slice(0, -1).join('');
  return `.${stem}${suffix}`;
}

/**
 * Removes hidden temporary files of this report left in `dir` by a netq that was killed while
 * writing it (SIGKILL leaves no chance to clean up): only those of this boot and pid namespace
 * whose process is gone.
 */
async function removeLeftovers(dir: string, name: string, processes: HostProcesses): Promise<void> {
  const tag = hostTag(processes);
  if (tag === 'x') return;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const entry of names) {
    const m = /^\.(.*)\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]{12}\.tmp$/.exec(entry);
    if (!m || m[3] !== tag || !name.startsWith(m[1]!)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processes.pidAlive(pid)) continue;
    const info = await lstat(path.join(dir, entry)).catch(() => undefined);
    if (info?.isFile()) await unlink(path.join(dir, entry)).catch(() => undefined);
  }
}

/**
 * Writes a report file atomically: the text goes to a temporary file in the same folder, is
 * flushed to disk, and then renamed over the target, so a reader (a CI upload step, a second
 * netq) sees the old file or the new one, never half of one. The folder is created when
 * missing. Only a regular file is ever replaced (checked again just before the rename). On any
 * failure the temporary file is removed and a NetqError is thrown (exit 2 for the path or its
 * permissions, 74 for the disk); the target is left as it was. `flag` names the report in errors.
 */
export async function writeReportFile(file: string, text: string, flag = `--report ${file}`, processes: HostProcesses = localProcesses): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await makeDirs(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is a file' : code === 'EROFS' ? 'the file system is read-only' : code === 'ENOSPC' ? 'no space left on the device' : `the file system refused it (${code ?? 'error'})`;
    throw new InputError(`${flag}: cannot make the folder ${printable(dir)}: ${why}`, { cause: error, hint: 'write the report to a folder that exists, or one netq may make' });
  }
  await removeLeftovers(dir, path.basename(file), processes);
  // Same folder, so the rename never crosses a file system; hidden, so globs skip it.
  const temp = path.join(dir, tempName(path.basename(file), process.pid, hostTag(processes)));
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    const now = await lstat(file).catch(() => undefined);
    if (now && !now.isFile()) throw notRegular(flag, now);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw reportError(error, flag);
  }
}
