/**
 * The npm package as a user gets it: `npm pack` in a clean copy of this checkout (no dist/: the
 * prepack script builds it), `npm install -g` of the tarball into a prefix of its own (its
 * production dependencies come from the registry), then netq run with a PATH of only that
 * prefix's bin and a folder holding node, from a folder outside the checkout, and the library
 * imported by a throw-away project. So a file missing from `files`, a dependency that is only a
 * devDependency, or a bin or `exports` entry that is wrong fails here.
 *
 * About 30 s: the build (prepack) ~8 s, the install ~5-20 s (npm's cache), the rest a few seconds.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const execFileAsync = promisify(execFile);
/** Top-level entries of the checkout that are not sources of the package. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'coverage', '.netq']);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
}

/** Every file below dir, relative to it, with / separators. */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('the npm package', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-package-test-'));
  const tree = path.join(tmp, 'tree');
  const prefix = path.join(tmp, 'prefix');
  const nodeOnly = path.join(tmp, 'node-bin');
  const work = path.join(tmp, 'work');
  let sim: BatfishSimulator;
  let packed: PackResult;
  let tarball: string;
  let entries: string[];
  let packMs: number;
  let installMs: number;

  /** The environment of a machine with only Node and the installed netq. */
  function onlyNodeEnv(): NodeJS.ProcessEnv {
    return { PATH: `${path.join(prefix, 'bin')}${path.delimiter}${nodeOnly}`, HOME: path.join(tmp, 'home'), XDG_RUNTIME_DIR: path.join(tmp, 'state'), NO_COLOR: '1' };
  }

  async function run(file: string, args: string[], cwd: string): Promise<Run> {
    try {
      const { stdout, stderr } = await execFileAsync(file, args, { cwd, env: onlyNodeEnv(), encoding: 'utf8' });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  before(async () => {
    // A checkout without a build: what a release job or `npm install -g git+...` starts from. The
    // copy uses this checkout's node_modules for the build tools (nothing of them is packed).
    cpSync(REPO_ROOT, tree, { recursive: true, filter: (source) => !(path.dirname(source) === REPO_ROOT && (NOT_COPIED.has(path.basename(source)) || source.endsWith('.tgz'))) });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    const started = Date.now();
    // With --json, npm writes the prepack script's output to stderr and the pack's JSON to stdout.
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: tree, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(pack.status, 0, `npm pack failed:\n${`${pack.stdout}${pack.stderr}`.slice(-3000)}`);
    packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;
    tarball = path.join(tmp, packed.filename);
    packMs = Date.now() - started;
    entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);

    const installStarted = Date.now();
    // --prefer-offline: npm's cache answers for what it holds; the rest comes from the registry.
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: tmp, encoding: 'utf8' });
    assert.equal(install.status, 0, `npm install -g failed:\n${install.stdout}${install.stderr}`);
    installMs = Date.now() - installStarted;

    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
    for (const dir of ['home', 'state', 'work']) mkdirSync(path.join(tmp, dir));
    cpSync(path.join(REPO_ROOT, 'regions'), path.join(work, 'regions'), { recursive: true });
    sim = await startSimulator();
  });

  after(async () => {
    await sim?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('packs the built program and library, the question templates, schemas and Dockerfile-batfish, and no sources, tests or modules', (t) => {
    t.diagnostic(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
    t.diagnostic(`npm pack (with the prepack build): ${packMs} ms; npm install -g: ${installMs} ms`);
    assert.ok(entries.every((e) => e.startsWith('package/')), 'every entry is under package/');
    const files = entries.map((e) => e.slice('package/'.length));
    assert.equal(files.length, packed.entryCount);
    for (const required of ['package.json', 'README.md', 'Dockerfile-batfish', 'dist/bin/netq.js', 'dist/index.js', 'dist/index.d.ts']) {
      assert.ok(files.includes(required), `${required} is packed`);
    }
    // Every question template and schema of the checkout is there (the program reads them at run time).
    for (const dir of ['questions', 'schemas']) {
      const missing = filesBelow(path.join(REPO_ROOT, dir)).filter((f) => !files.includes(`${dir}/${f}`));
      assert.deepEqual(missing, [], `every file of ${dir}/ is packed`);
    }
    const outside = files.filter((f) => !/^(dist|questions|schemas)\//.test(f) && !['package.json', 'README.md', 'Dockerfile-batfish'].includes(f));
    assert.deepEqual(outside, [], 'nothing else at the top');
    assert.deepEqual(files.filter((f) => /(^|\/)(src|test|node_modules|regions|examples|bench|scripts)\//.test(f) || /\.(map|tsbuildinfo)$|(^|\/)tsconfig/.test(f)), []);
    assert.deepEqual(files.filter((f) => /^dist\/main\./.test(f)), [], 'the unbundled program is left out (dist/bin is the program)');
  });

  it('installs a netq that prints its version with only node on the PATH', async () => {
    assert.ok(statSync(path.join(prefix, 'bin', 'netq')).isFile());
    const result = await run('netq', ['--version'], work);
    assert.deepEqual(result, { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('answers a question command and runs the check gate against Batfish', async () => {
    const answer = await run('netq', ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--format', 'json'], work);
    assert.equal(answer.code, 0, answer.stderr);
    const doc = JSON.parse(answer.stdout) as { network: string; question: { name: string } };
    assert.equal(doc.network, 'north_america');
    assert.equal(doc.question.name, 'bgpSessionStatus');
    assert.match(answer.stderr, /5 files: 5 passed/);
    assert.ok(sim.requests.some((r) => r.method === 'POST' && /\/networks\/north_america\/snapshots\/nyc-[0-9a-f]{16}$/.test(r.path)), 'the snapshot was uploaded');

    // The built-in checks validate their parameters against the packed question templates.
    const check = await run('netq', ['check', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--format', 'json'], work);
    assert.equal(check.code, 0, check.stderr);
    const report = JSON.parse(check.stdout) as { summary?: unknown };
    assert.ok(report.summary, 'a check report');
    const schema = await run('netq', ['check', '--schema'], work);
    assert.equal(schema.code, 0, schema.stderr);
    assert.deepEqual(JSON.parse(schema.stdout), JSON.parse(readFileSync(path.join(prefix, 'lib', 'node_modules', 'netq', 'schemas', 'netq-checks.schema.json'), 'utf8')));
  });

  it('serves the library, with its types, to a project that imports netq', async () => {
    const project = path.join(tmp, 'project');
    mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    // The installed package, as `npm link netq` would give it: its dependencies are its own.
    symlinkSync(path.join(prefix, 'lib', 'node_modules', 'netq'), path.join(project, 'node_modules', 'netq'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-netq', private: true, type: 'module' }));
    writeFileSync(
      path.join(project, 'use.ts'),
      `import { site, NetqError, type TableAnswer } from 'netq';
const url = process.argv[2]!;
const run = await site({ region: 'north_america', site: 'nyc', regionsDir: process.argv[3]! }, { batfishUrl: url });
try {
  const { answer }: { answer: TableAnswer } = await run.ask('bgpSessionStatus', {});
  console.log(JSON.stringify({ columns: answer.columns.map((c) => c.name), rows: answer.rows.length, error: NetqError.name }));
} finally {
  await run.close();
}
`,
    );
    // Type-checked against the packed declarations (strict, the declarations checked too).
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
          types: ['node'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')], outDir: 'out',
        },
        files: ['use.ts'],
      }),
    );
    const tsc = await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project);
    assert.equal(tsc.code, 0, `tsc: ${tsc.stdout}${tsc.stderr}`);
    const result = await run('node', [path.join(project, 'out', 'use.js'), sim.url, path.join(work, 'regions')], project);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { columns: string[]; rows: number; error: string };
    assert.ok(out.columns.includes('Remote_IP'), `bgpSessionStatus columns: ${out.columns.join(', ')}`);
    assert.equal(out.rows, 0);
    assert.equal(out.error, 'NetqError');
  });
});
