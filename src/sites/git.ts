import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../errors.js';

const execFileAsync = promisify(execFile);

/**
 * Options given to every git command netq runs. The repository is only read, and what configures
 * git inside it (its .git/config) never runs anything: no fsmonitor hook, no hooks, no external
 * diff or text conversion. With that, git may read a checkout another user owns (a CI container
 * running as uid 1000 on a checkout the runner made as root), which it otherwise refuses as
 * "dubious ownership".
 */
const SAFE_GIT = ['-c', 'safe.directory=*', '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.untrackedCache=false'];

function run(file: 'git', args: string[], options: { cwd: string; maxBuffer?: number }): Promise<{ stdout: string; stderr: string }>;
function run(file: 'git', args: string[], options: { cwd: string; maxBuffer?: number; encoding: 'buffer' }): Promise<{ stdout: Buffer; stderr: Buffer }>;
function run(file: 'git', args: string[], options: { cwd: string; maxBuffer?: number; encoding?: 'buffer' }): Promise<{ stdout: string | Buffer; stderr: string | Buffer }> {
  // GIT_OPTIONAL_LOCKS=0: reading never writes the index (a read-only checkout, a parallel job).
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' };
  return execFileAsync(file, [...SAFE_GIT, ...args], { ...options, env }) as Promise<{ stdout: string | Buffer; stderr: string | Buffer }>;
}
/** Git output can be a whole site's file list; allow far more than execFile's 1 MiB default. */
const MAX_BUFFER = 512 * 1024 * 1024;

/**
 * Refuses a ref git would take for something else: one that starts with `-` is an option to git
 * (`--output=<file>` writes a file), and control characters or spaces are in no ref name.
 */
export function checkRef(ref: string, flag: string): void {
  // eslint-disable-next-line no-control-regex
  if (ref === '' || ref.startsWith('-') || /[\u0000-\u0020\u007f]/.test(ref)) {
    throw new InputError(`${flag} ${JSON.stringify(ref)} is not a git ref`, {
      hint: 'pass a branch, tag or commit, e.g. origin/main (a ref never starts with "-" or holds spaces or control characters)',
    });
  }
}

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
  checkRef(ref, '--base-ref');
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
 * changed since its target branch. `only` narrows it to one path under `dir` (a file's name).
 */
export async function changedSince(dir: string, ref: string, only = '.'): Promise<string[]> {
  checkRef(ref, '--changed-since');
  try {
    const cwd = path.resolve(dir);
    const changed = await run('git', ['diff', '--no-ext-diff', '--no-textconv', '--name-only', '-z', '--relative', ref, '--', only], { cwd, maxBuffer: MAX_BUFFER });
    const added = await run('git', ['ls-files', '--others', '--exclude-standard', '-z', '--', only], { cwd, maxBuffer: MAX_BUFFER });
    return [...new Set([...changed.stdout.split('\0'), ...added.stdout.split('\0')].filter(Boolean))];
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new InputError(`git could not compare ${dir} with ${ref}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, {
      hint: 'pass a ref that exists in this repository (in CI, fetch the target branch first, e.g. git fetch origin main)',
    });
  }
}

/** Where a folder is in its git work tree. */
export interface RepositoryPath {
  /** The work tree's root, as git gives it (`git rev-parse --show-toplevel`). */
  root: string;
  /** The folder relative to the root, `/`-separated, without a trailing slash; '' for the root itself. */
  path: string;
}

/**
 * The git work tree that holds `dir` and where `dir` is in it, or null when there is none: git
 * is not installed, `dir` is outside any work tree, or git refuses the repository (a CI container
 * whose checkout belongs to another user: "dubious ownership"). A folder that does not exist (a
 * mistyped site) is placed by its nearest existing parent. git itself gives the path in the tree
 * (`--show-prefix`), so symbolic links between the current folder and the root do not matter.
 * `warn` hears why git refused, when git is there but would not answer.
 */
export async function repositoryPath(dir: string, warn?: (text: string) => void): Promise<RepositoryPath | null> {
  let existing = path.resolve(dir);
  const missing: string[] = [];
  for (;;) {
    const isDir = await stat(existing).then((s) => s.isDirectory(), () => false);
    if (isDir) break;
    const parent = path.dirname(existing);
    if (parent === existing) return null;
    missing.unshift(path.basename(existing));
    existing = parent;
  }
  let out: string;
  try {
    out = (await run('git', ['rev-parse', '--show-toplevel', '--show-prefix'], { cwd: existing })).stdout;
  } catch (error) {
    const failure = error as { code?: unknown; stderr?: unknown };
    const stderr = String(failure.stderr ?? '').trim();
    // No git, or simply no repository here: nothing to say. Anything else is worth a warning.
    if (warn && failure.code !== 'ENOENT' && stderr && !/not a git repository/i.test(stderr)) warn(stderr.split('\n')[0]!);
    return null;
  }
  const [root = '', prefix = ''] = out.split('\n');
  if (!root) return null;
  const inside = [...prefix.split('/').filter(Boolean), ...missing].join('/');
  return { root, path: inside };
}
