import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../errors.js';

const run = promisify(execFile);
/** Git output can be a whole site's file list; allow far more than execFile's 1 MiB default. */
const MAX_BUFFER = 512 * 1024 * 1024;

/** A folder written from git, and how to remove it. */
export interface GitCheckout {
  /** The folder, or undefined when the path does not exist at that ref (a new site). */
  dir: string | undefined;
  dispose(): Promise<void>;
}

/**
 * Writes the files under `dir` (a folder inside a git work tree) as they are at `ref` into a
 * temporary folder, reading them with git itself (`ls-tree` and `cat-file`), never checking
 * anything out. Only regular files are written: links and submodules at the ref are left out, so
 * a base can never reach outside the repository.
 */
export async function filesAtRef(dir: string, ref: string, tmpDir: string): Promise<GitCheckout> {
  const git = async (args: string[], cwd: string): Promise<Buffer> => {
    try {
      return (await run('git', args, { cwd, encoding: 'buffer', maxBuffer: MAX_BUFFER })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new InputError(`git could not read ${ref} in ${cwd}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, {
        hint: 'pass a ref that exists in this repository (in CI, fetch the target branch first, e.g. git fetch origin main)',
      });
    }
  };
  const top = (await git(['rev-parse', '--show-toplevel'], dir)).toString().trim();
  await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  const rel = path.relative(top, path.resolve(dir)).split(path.sep).join('/');
  const listing = (await git(['ls-tree', '-r', '-z', ref, '--', rel || '.'], top)).toString('utf8');
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, file] = line.split('\t') as [string, string];
      const [mode, type, object] = meta.split(' ') as [string, string, string];
      return { mode, type, object, file };
    })
    .filter((e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755'));
  const out = await mkdtemp(path.join(tmpDir, 'netq-base-'));
  const dispose = (): Promise<void> => rm(out, { recursive: true, force: true });
  try {
    if (entries.length === 0) {
      await dispose();
      return { dir: undefined, dispose: async () => {} };
    }
    for (const entry of entries) {
      const inside = rel ? entry.file.slice(rel.length + 1) : entry.file;
      const target = path.join(out, ...inside.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await git(['cat-file', 'blob', entry.object], top));
    }
    return { dir: out, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * The files under `dir` that differ between `ref` and the work tree (committed or not, and new
 * files git does not ignore), as paths relative to `dir` with `/` separators: what a merge request
 * changed since its target branch.
 */
export async function changedSince(dir: string, ref: string): Promise<string[]> {
  try {
    const cwd = path.resolve(dir);
    const changed = await run('git', ['diff', '--name-only', '-z', '--relative', ref, '--', '.'], { cwd, maxBuffer: MAX_BUFFER });
    const added = await run('git', ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], { cwd, maxBuffer: MAX_BUFFER });
    return [...new Set([...changed.stdout.split('\0'), ...added.stdout.split('\0')].filter(Boolean))];
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new InputError(`git could not compare ${dir} with ${ref}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, {
      hint: 'pass a ref that exists in this repository (in CI, fetch the target branch first, e.g. git fetch origin main)',
    });
  }
}
