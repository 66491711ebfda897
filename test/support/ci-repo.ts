/**
 * What the CI template tests share: a network repository as a CI runner checks it out (a bare
 * `origin` with a default branch and a feature branch that introduces a problem), a folder
 * with a `netq` launcher (what netq's image or NETQ_PACKAGE gives a real job), gitlab-ci-local,
 * and the validation of each report with its reader's own schema.
 *
 * The repository: regions/ (the sample sites north_america/nyc and asia/bangalore) plus
 * regions/lab/edge, Batfish's example network, whose recorded answers the simulator serves when
 * a snapshot's files are exactly the fixture's. On `main`, edge's as1border1.cfg differs from the
 * fixture, so no recorded answer applies and every check passes; the `feature` branch restores
 * the fixture's file, and the check "no as2 to as3 sessions" finds one new session.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import * as draft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './harness.js';
import { FIXTURES_DIR } from './recorded.js';

const Draft04 = draft04.default.default ?? draft04.default;
const addFormats = addFormatsModule.default ?? addFormatsModule;
const execFileAsync = promisify(execFile);

export const EXAMPLE_NETWORK = path.join(FIXTURES_DIR, 'networks', 'example-live');

/** The checks file of the repository: one built-in kind, and one check the feature branch fails. */
export const CI_CHECKS = `version: 1
checks:
  - name: parse-clean
    check: parse-clean
  - name: no as2 to as3 sessions
    check: question
    with:
      question: bgpSessionStatus
      parameters: { nodes: "as2.*", remoteNodes: "as3.*" }
    expect: { rows: 0 }
`;

export function git(cwd: string, ...args: string[]): string {
  return spawnSyncOk('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], cwd);
}

function spawnSyncOk(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}: ${result.stderr}`);
  return result.stdout.trim();
}

export interface CiRepo {
  /** The bare repository, as `origin`. */
  origin: string;
  /** The commits of main (the base) and of feature (the change). */
  main: string;
  feature: string;
}

/**
 * Creates `<dir>/origin.git` with main and feature. `extraFiles` are committed on main too
 * (the pipeline file and the template, say), relative to the repository's root.
 */
export function createCiRepo(dir: string, extraFiles: Record<string, string> = {}): CiRepo {
  const origin = path.join(dir, 'origin.git');
  const seed = path.join(dir, 'seed');
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, seed);
  cpSync(path.join(REPO_ROOT, 'regions'), path.join(seed, 'regions'), { recursive: true });
  cpSync(EXAMPLE_NETWORK, path.join(seed, 'regions', 'lab', 'edge'), { recursive: true });
  writeFileSync(path.join(seed, 'regions', 'lab', 'edge', 'configs', 'as1border1.cfg'), 'hostname as1border1\n');
  writeFileSync(path.join(seed, 'netq-checks.yaml'), CI_CHECKS);
  for (const [file, text] of Object.entries(extraFiles)) {
    mkdirSync(path.dirname(path.join(seed, file)), { recursive: true });
    writeFileSync(path.join(seed, file), text);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'base: three sites');
  git(seed, 'push', '-q', 'origin', 'main');
  const main = git(seed, 'rev-parse', 'HEAD');
  git(seed, 'checkout', '-q', '-b', 'feature');
  cpSync(path.join(EXAMPLE_NETWORK, 'configs', 'as1border1.cfg'), path.join(seed, 'regions', 'lab', 'edge', 'configs', 'as1border1.cfg'));
  git(seed, 'commit', '-q', '-a', '-m', 'lab/edge: as1border1 as in the example network');
  git(seed, 'push', '-q', 'origin', 'feature');
  const feature = git(seed, 'rev-parse', 'HEAD');
  return { origin, main, feature };
}

/**
 * A clone as a CI runner makes it, HEAD detached at the branch's commit unless `attached`. By
 * default only `branch` is fetched, as actions/checkout does (a pull request's base branch is
 * not there until the job fetches it); `allBranches` fetches every branch, as gitlab-ci-local
 * needs to evaluate `rules: changes:` against origin's default branch.
 */
export function cloneForCi(repo: CiRepo, dir: string, branch: string, options: { attached?: boolean; allBranches?: boolean } = {}): string {
  git(path.dirname(dir), 'clone', '-q', ...(options.allBranches ? [] : ['--single-branch']), '--branch', branch, `file://${repo.origin}`, dir);
  if (!options.attached) git(dir, 'checkout', '-q', '--detach');
  return dir;
}

/** A folder holding `netq`, a link to this checkout's built program, as `npm install -g` makes it. */
export function netqLauncherDir(dir: string): string {
  const bin = path.join(dir, 'netq-bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'dist', 'bin', 'netq.js'), path.join(bin, 'netq'));
  return bin;
}

/** PATH without any folder that holds a `netq` (a global install on this machine must not count). */
export function pathWithoutNetq(pathValue = process.env.PATH ?? ''): string {
  return pathValue
    .split(path.delimiter)
    .filter((dir) => dir && !existsSync(path.join(dir, 'netq')))
    .join(path.delimiter);
}

/** Whether a program runs here (`PROGRAM --version` exits 0). */
export function hasProgram(program: string): boolean {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
}

// ---------------------------------------------------------------- gitlab-ci-local

export const GITLAB_CI_LOCAL = path.join(REPO_ROOT, 'node_modules', '.bin', 'gitlab-ci-local');

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs gitlab-ci-local in a repository, with a HOME of its own (no user variables file). */
export async function gitlabCiLocal(cwd: string, home: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await execFileAsync(GITLAB_CI_LOCAL, ['--home', home, '--no-color', ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// ---------------------------------------------------------------- report readers

/** A schema file of a report's reader: the test fixtures' copy, else the shared folder beside the checkout. */
export function readerSchema(name: string): string {
  const file = [path.join(FIXTURES_DIR, 'schemas', name), path.join(REPO_ROOT, '..', 'shared', 'schemas', name)].find((f) => existsSync(f));
  if (!file) throw new Error(`the schema ${name} is in neither test/fixtures/schemas nor ../shared/schemas`);
  return file;
}

/** Errors of a JUnit file against Jenkins' junit-10.xsd, by xmllint ('' when valid). */
export function junitErrors(file: string): string {
  const result = spawnSync('xmllint', ['--noout', '--schema', readerSchema('junit-10.xsd'), file], { encoding: 'utf8' });
  if (result.error) throw new Error(`xmllint could not run (Debian: libxml2-utils): ${result.error.message}`);
  return result.status === 0 ? '' : result.stderr;
}

/** Errors of a Code Quality report: an array whose every entry GitLab's entry schema accepts. */
export function codeQualityErrors(file: string): string {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(readerSchema('gitlab-code-quality-entry.schema.json'), 'utf8')) as object);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(doc)) return 'the report is not an array';
  return doc.map((entry, i) => (validate(entry) ? '' : `entry ${i}: ${ajv.errorsText(validate.errors)}`)).filter(Boolean).join('\n');
}

/** Errors of a SARIF file against the SARIF 2.1.0 schema. */
export function sarifErrors(file: string): string {
  const ajv = new Draft04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(readerSchema('sarif-schema-2.1.0.json'), 'utf8')) as object);
  return validate(JSON.parse(readFileSync(file, 'utf8'))) ? '' : ajv.errorsText(validate.errors);
}

/** Errors of a `--report json` file against netq's own schema of it. */
export function checkJsonErrors(file: string): string {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'netq-check-report.schema.json'), 'utf8')) as object);
  return validate(JSON.parse(readFileSync(file, 'utf8'))) ? '' : ajv.errorsText(validate.errors);
}
