/**
 * The README's examples that output-contract.test.ts does not run: Quick start, Install, The
 * Batfish netq runs (with Using a remote Docker engine), Using an existing Batfish, Exit codes,
 * CI gate (Reports, In a pipeline), The simulator and Development.
 *
 * Every `netq …` example of those sections runs as written, in-process against the simulator
 * (`NETQ_BATFISH_URL`), from the repository's root or, for the CI gate, from a git repository
 * holding a copy of regions/ with an `origin/main` to compare with. The last test fails when an
 * example was found that none ran and none names as run elsewhere. What needs the network or
 * Docker is checked for shape instead, against the files and tests that do run it: `npm pack`
 * (test/e2e/package.test.ts), the image and compose.yaml (test/e2e/image.test.ts,
 * compose.test.ts), the GitHub Action and the GitLab template (ci-github.test.ts,
 * ci-gitlab.test.ts), a remote engine (remote-engine.test.ts), the service commands
 * (docker.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CHECK_FORMATS } from '../../src/check/report/index.js';
import { HOST_IP_ENV, announcement } from '../../src/docker/endpoint.js';
import { PINNED_BATFISH_IMAGE } from '../../src/docker/container-settings.js';
import { ExitCode } from '../../src/errors.js';
import { REPO_ROOT, runNetq, type RunResult } from '../support/harness.js';
import { startSimulator, type BatfishSimulator, type Fault } from '../support/simulator.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const PKG = JSON.parse(read('package.json')) as { version: string; scripts: Record<string, string>; files: string[] };

/** The text of a section: from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has the section ${heading}`);
  const rest = README.slice(start + heading.length + 2);
  const next = new RegExp(`^#{1,${level}} `, 'm').exec(rest);
  return rest.slice(0, next ? next.index : undefined);
}

/** Inline code spans (fenced blocks left out), whitespace collapsed. */
function codeSpans(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```$/gm, '');
  return [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
}

/** The lines of indented code blocks, `\` continuations joined, trailing `# comments` dropped. */
function blockLines(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```$/gm, '');
  const lines: string[] = [];
  let pending = '';
  for (const raw of prose.split('\n')) {
    if (!/^ {4}\S/.test(raw) && !pending) continue;
    const line = raw.trim();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push((pending + line).replace(/\s{2,}#.*$/, '').trim());
    pending = '';
  }
  return lines.filter(Boolean);
}

/** The `netq …` examples of a section: inline and in blocks, with a `cd DIR &&` or `VAR=value` prefix kept. */
function netqExamples(text: string): string[] {
  const isExample = (line: string): boolean => /^(cd \S+ && |[A-Z_]+=\S+ )*netq /.test(line);
  // `netq check` alone, in a sentence, names the command; it is no example.
  const spans = codeSpans(text).filter((s) => isExample(s) && !/^netq [a-z-]+$/.test(s));
  return [...new Set([...spans, ...blockLines(text).filter(isExample)])];
}

/** Splits a command line into words as a POSIX shell would (quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/((?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"])+)/g)) {
    words.push(m[1]!.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_, single: string | undefined, double: string | undefined) => single ?? double ?? ''));
  }
  return words;
}

/** Table rows (cells trimmed) of the first markdown table after `header` in `text`. */
function tableRows(text: string, header: string): string[][] {
  const start = text.indexOf(header);
  assert.ok(start >= 0, `a table headed ${header}`);
  const rows: string[][] = [];
  for (const line of text.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    // An escaped `\|` is part of a cell, not a border.
    rows.push(line.replace(/\\\|/g, '\u2980').split('|').slice(1, -1).map((c) => c.replaceAll('\u2980', '|').trim()));
  }
  return rows;
}

/** `code` spans of a table cell. */
const spansOf = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Examples found in the sections, and those that ran or are run by another test. */
const found = new Map<string, string>();
const ran = new Set<string>();
/** Examples another test runs, by pattern, and which test. */
const RUN_ELSEWHERE: Array<[RegExp, string]> = [
  [/^netq service /, 'the service commands drive Docker: test/e2e/docker.test.ts and remote-engine.test.ts run them'],
  [/\.\.\./, 'a pattern, not a command (NODE_EXTRA_CA_CERTS: hardening.test.ts; a reader that goes away: hardening.test.ts)'],
];

function collect(heading: string): string[] {
  const examples = netqExamples(section(heading));
  for (const e of examples) found.set(e, heading);
  return examples;
}

let sim: BatfishSimulator;
let tmp: string;
/** A git repository as CI checks it out: regions/ and network/regions/, `origin/main` before a change of nyc. */
let repo: string;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

before(async () => {
  sim = await startSimulator();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-readme-'));
  repo = path.join(tmp, 'repo');
  for (const dir of ['regions', 'network/regions']) cpSync(path.join(REPO_ROOT, 'regions'), path.join(repo, dir), { recursive: true });
  // The checks file of the section "What does this change do?", as the README writes it.
  writeFileSync(path.join(repo, 'impact-checks.yaml'), /```yaml\n([\s\S]*?)```/.exec(section('### What does this change do?'))![1]!);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
  const config = path.join(repo, 'regions', 'north_america', 'nyc', 'configs', 'core-rtr01.cfg');
  writeFileSync(config, `${readFileSync(config, 'utf8')}\n! changed by the merge request\n`);
});

after(async () => {
  await sim.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Runs one README example: `cd DIR &&`, `VAR=value` and `> FILE` as a shell would, the rest
 * in-process against the simulator. `url` replaces a Batfish URL the example names.
 */
async function runExample(example: string, cwd: string, options: { url?: RegExp } = {}): Promise<RunResult> {
  let line = example;
  let dir = cwd;
  const env: Record<string, string> = { NETQ_BATFISH_URL: sim.url };
  const cd = /^cd (\S+) && /.exec(line);
  if (cd) {
    dir = path.join(cwd, cd[1]!);
    line = line.slice(cd[0].length);
  }
  for (let v = /^([A-Z_]+)=(\S+) /.exec(line); v; v = /^([A-Z_]+)=(\S+) /.exec(line)) {
    env[v[1]!] = v[2]!;
    line = line.slice(v[0].length);
  }
  const redirect = /\s*>\s*(\S+)$/.exec(line);
  if (redirect) line = line.slice(0, redirect.index);
  const words = shellWords(line).map((w) => (options.url?.test(w) ? sim.url : w));
  assert.equal(words.shift(), 'netq', example);
  const result = await runNetq(words, { env, cwd: dir });
  if (redirect) writeFileSync(path.join(dir, redirect[1]!), result.stdout);
  ran.add(example);
  return result;
}

/** netq check exits 1 on findings; anything else is 0. */
function assertRan(example: string, result: RunResult): void {
  const check = /(^|\s)netq check /.test(example);
  assert.ok(result.code === 0 || (check && result.code === 1), `${example}: exit ${result.code}\n${result.stderr}`);
}

describe('Quick start, The Batfish netq runs and Using an existing Batfish', () => {
  it('runs every netq example against the simulator (service commands and patterns are run elsewhere)', async () => {
    const examples = ['## Quick start', '### The Batfish netq runs', '### Using an existing Batfish'].flatMap(collect);
    assert.ok(examples.length >= 3, `found ${examples.length}`);
    for (const example of examples) {
      if (RUN_ELSEWHERE.some(([pattern]) => pattern.test(example))) continue;
      const result = await runExample(example, REPO_ROOT, { url: /^http:\/\/127\.0\.0\.1:9996$/ });
      assertRan(example, result);
    }
    const docker = read('test/e2e/docker.test.ts');
    for (const sub of ['start', 'status', 'logs', 'stop', 'build']) assert.match(docker, new RegExp(`'service', '${sub}'`), `docker.test.ts runs netq service ${sub}`);
  });
});

describe('Install', () => {
  const text = section('## Install');
  const lines = blockLines(text);

  it('from source and from a tarball: the scripts exist, npm pack names the file and packs what the README lists', () => {
    assert.ok(lines.includes('npm ci && npm run build && npm link'));
    assert.ok(PKG.scripts.build, 'npm run build');
    assert.match(PKG.scripts.prepack ?? '', /rmSync\('dist'.*npm run build/, 'prepack builds a clean dist/');
    const tarball = `netq-${PKG.version}.tgz`;
    for (const line of ['npm pack', `npm install -g ./${tarball}`]) assert.ok(lines.includes(line), `${line} (as test/e2e/package.test.ts runs it)`);
    assert.match(text, new RegExp(`npm pack\\s+# writes ${tarball.replace(/\./g, '\\.')}`));
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.equal(packed!.filename, tarball);
    const files = packed!.files.map((f) => f.path);
    for (const named of ['dist/', 'questions/', 'schemas/', 'Dockerfile-batfish']) {
      assert.match(text, new RegExp(`\`${named}\``), `the README names ${named}`);
      assert.ok(files.some((f) => f === named || f.startsWith(named)), `${named} is packed`);
    }
    assert.ok(files.includes('dist/index.d.ts') && files.includes('dist/bin/netq.js'), 'the program and the type declarations');
    assert.deepEqual(files.filter((f) => /^(src|test)\//.test(f)), [], 'no sources or tests');
    const test = read('test/e2e/package.test.ts');
    assert.match(test, /'npm', \['pack'/);
    assert.match(test, /'install', '--global'/);
  });

  it('netq --version prints the version, as an installed netq does', () => {
    assert.deepEqual(collect('## Install'), ['netq --version']);
    const result = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.deepEqual([result.status, result.stdout], [0, `${PKG.version}\n`]);
    ran.add('netq --version');
  });

  it('the image: what the Dockerfile builds, and the docker runs test/e2e/image.test.ts makes, netq part run here', async () => {
    const dockerfile = read('Dockerfile');
    const build = lines.find((l) => l.startsWith('docker build '))!;
    for (const arg of [...build.matchAll(/--build-arg (\w+)=/g)].map((m) => m[1]!)) assert.match(dockerfile, new RegExp(`^ARG ${arg}=`, 'm'), `ARG ${arg}`);
    assert.match(build, /-t netq:local/);
    assert.match(text, /--build-arg NODE_IMAGE=/);
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:20[\w.-]*-slim$/m);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^WORKDIR \/work$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["netq"\]$/m);
    assert.match(dockerfile, /apt-get install -y --no-install-recommends git/);

    const imageTest = read('test/e2e/image.test.ts');
    const runs = lines.filter((l) => l.startsWith('docker run '));
    assert.ok(runs.length >= 4, `found ${runs.length} docker runs`);
    const work = path.join(tmp, 'image-work');
    cpSync(path.join(REPO_ROOT, 'regions'), path.join(work, 'regions'), { recursive: true });
    for (const run of runs) {
      const words = shellWords(run);
      const image = words.findIndex((w) => w === 'netq:local');
      if (image < 0) {
        // The Batfish beside it: the image netq pins.
        assert.equal(words.at(-1), PINNED_BATFISH_IMAGE, run);
        continue;
      }
      for (const flag of words.slice(2, image).filter((w) => w.startsWith('-'))) assert.ok(imageTest.includes(`'${flag}'`), `image.test.ts runs docker run ${flag} (${run})`);
      if (words.includes('-v')) assert.equal(words[words.indexOf('-v') + 1], '$PWD:/work', 'the repository at the image workdir');
      const args = words.slice(image + 1);
      for (const arg of args.filter((a) => !/^http:/.test(a) && !/^\d+$/.test(a))) assert.ok(imageTest.includes(`'${arg}'`), `image.test.ts runs netq ${arg} in the image`);
      if (args[0] === '--version') continue;
      const result = await runExample(['netq', ...args].join(' '), work, { url: /^http:\/\/batfish:9996$/ });
      assertRan(run, result);
      if (args.includes('--report')) assert.ok(existsSync(path.join(work, args[args.indexOf('--report') + 1]!.split('=')[1]!)), 'the report is written, its folder made');
    }
  });

  it('compose: compose.yaml as the README says, and only the docker-compose commands compose.test.ts runs', () => {
    const compose = parseYaml(read('compose.yaml')) as {
      services: Record<string, { image: string; mem_limit?: string; volumes?: string[]; ports?: unknown; user?: string; environment?: Record<string, string>; command?: string[]; build?: string }>;
      volumes: Record<string, unknown>;
    };
    const { batfish, netq } = compose.services as Record<'batfish' | 'netq', (typeof compose.services)[string]>;
    assert.equal(batfish.image, `\${NETQ_BATFISH_IMAGE:-${PINNED_BATFISH_IMAGE}}`);
    assert.equal(batfish.mem_limit, '${NETQ_BATFISH_MEMORY:-8g}');
    assert.deepEqual(batfish.volumes, ['batfish-data:/data']);
    assert.ok('batfish-data' in compose.volumes);
    assert.equal(batfish.ports ?? netq.ports, undefined, 'no port published');
    assert.equal(netq.image, '${NETQ_IMAGE:-netq:local}');
    assert.equal(netq.build, '.');
    assert.equal(netq.user, '${NETQ_USER:-node}');
    assert.deepEqual(netq.volumes, ['.:/work']);
    assert.equal(netq.environment?.NETQ_BATFISH_URL, 'http://batfish:9996');
    assert.match(text, /`NETQ_BATFISH_URL=http:\/\/batfish:9996`/);
    assert.deepEqual(netq.command, ['check', '--all', '--connect-timeout', '300']);
    assert.match(text, new RegExp(`# netq ${netq.command!.join(' ')};`), 'the README says what up runs');
    for (const variable of ['NETQ_BATFISH_IMAGE', 'NETQ_BATFISH_MEMORY', 'NETQ_IMAGE', 'NETQ_USER']) assert.match(text, new RegExp(`\`${variable}\``));

    const composeTest = read('test/e2e/compose.test.ts');
    const commands = lines.filter((l) => l.startsWith('docker-compose '));
    assert.ok(commands.length >= 2);
    for (const command of commands) {
      for (const arg of shellWords(command).slice(1)) assert.ok(composeTest.includes(`'${arg}'`), `compose.test.ts runs docker-compose ${arg} (${command})`);
    }
  });
});

describe('CI gate: netq check', () => {
  const gate = section('## CI gate: `netq check`');
  const reportsText = section('### Reports');

  it('runs every netq example of the section as written, in a git repository with origin/main', async () => {
    const examples = collect('## CI gate: `netq check`');
    assert.ok(examples.length >= 7, `found ${examples.length}`);
    const results = new Map<string, RunResult>();
    for (const example of examples) {
      const result = await runExample(example, repo);
      assertRan(example, result);
      results.set(example, result);
    }
    const find = (pattern: RegExp): [string, RunResult] => {
      const hit = [...results].find(([e]) => pattern.test(e));
      assert.ok(hit, `an example matching ${pattern}`);
      return hit;
    };
    assert.match(find(/^netq check --list$/)[1].stdout, /parse-clean/);
    assert.deepEqual(JSON.parse(readFileSync(path.join(repo, 'netq-checks.schema.json'), 'utf8')), JSON.parse(read('schemas/netq-checks.schema.json')));
    assert.match(find(/--changed-since origin\/main/)[1].stderr, /1 of 2 site\(s\) changed since origin\/main: north_america\/nyc/);
    // Paths relative to the repository's root, from a folder inside it.
    const [cdExample] = find(/^cd network && /);
    const report = JSON.parse(readFileSync(path.join(repo, 'network', /--report json=(\S+)/.exec(cdExample)![1]!), 'utf8')) as { sites: Array<{ dir: string }> };
    const claimed = /--report json=netq\.json` gives the site as `([^`]+)`/.exec(reportsText.replace(/\s+/g, ' '))![1];
    assert.equal(report.sites[0]!.dir, claimed);
  });

  it('every flag of the table is one netq check takes', async () => {
    const help = await runNetq(['check', '--help']);
    const flags = tableRows(gate, '| flag | meaning |').flatMap(([flag]) => [...flag!.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!));
    assert.ok(flags.length >= 10);
    for (const flag of flags) assert.match(help.stdout, new RegExp(`${flag}\\b`), flag);
  });

  it('SARIF categories are as the Reports section says', async () => {
    const text = reportsText.replace(/\s+/g, ' ');
    const claims = [...text.matchAll(/`((?:--all|-r |--snapshot-dir)[^`]*)` is `([^`]+)`/g)].map((m) => [m[1]!, m[2]!] as const);
    assert.ok(claims.length >= 4, `found ${claims.length}`);
    for (const [flags, category] of claims) {
      const dir = 'regions/north_america/nyc';
      const args = shellWords(flags.replace('DIR', dir));
      const file = path.join(tmp, 'category.sarif');
      const result = await runNetq(['check', ...args, '--report', `sarif=${file}`], { env: { NETQ_BATFISH_URL: sim.url }, cwd: repo });
      assertRan(`netq check ${flags}`, result);
      const sarif = JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ automationDetails: { id: string } }> };
      assert.equal(sarif.runs[0]!.automationDetails.id, category.replace('DIR', dir), flags);
    }
  });

  it('the report table names every format, and a gate that cannot run writes each as the README says', async () => {
    const formats = tableRows(reportsText, '| format | reader | what it holds |').map(([format]) => spansOf(format!)[0]);
    assert.deepEqual([...formats].sort(), [...CHECK_FORMATS].sort());
    const failed = tableRows(reportsText, '| report | holds |');
    assert.deepEqual(failed.map(([r]) => spansOf(r!)[0]).sort(), [...CHECK_FORMATS].sort());
    const dir = path.join(tmp, 'failed');
    mkdirSync(dir);
    const reports = CHECK_FORMATS.flatMap((f) => ['--report', `${f}=${path.join(dir, f)}`]);
    const result = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--fail-on', 'bogus', ...reports], { env: { NETQ_BATFISH_URL: sim.url }, cwd: repo });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '', 'the table format leaves the error to stderr');
    for (const [cell, holds] of failed) {
      const format = spansOf(cell!)[0]!;
      const written = readFileSync(path.join(dir, format), 'utf8');
      for (const quoted of spansOf(holds!).filter((q) => /\(exit N\)/.test(q))) assert.ok(written.includes(quoted.replace('(exit N)', '(exit 2)').replace(/…$/, '')), `${format} holds ${quoted}`);
      for (const quoted of spansOf(holds!).filter((q) => /^[\w ]+$/.test(q) && !['netq check'].includes(q))) assert.ok(written.includes(quoted), `${format} holds ${quoted}`);
    }
    assert.match(readFileSync(path.join(dir, 'sarif'), 'utf8'), /"executionSuccessful": false/);
    const doc = JSON.parse(readFileSync(path.join(dir, 'json'), 'utf8')) as { exitCode: number; error: { exitCode: number } };
    assert.deepEqual([doc.exitCode, doc.error.exitCode], [2, 2]);
    // Values clipanion refuses exit 2 without reports.
    const refused = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--timeout', 'abc', '--report', `json=${path.join(dir, 'refused.json')}`], { cwd: repo });
    assert.equal(refused.code, 2);
    assert.ok(!existsSync(path.join(dir, 'refused.json')));
  });

  it('the GitHub Action: every input with its default, every output and report file name', () => {
    const action = parseYaml(read('action.yml')) as { inputs: Record<string, { default: string }>; outputs: Record<string, unknown> };
    const rows = tableRows(gate, '| input | default | meaning |');
    assert.deepEqual(rows.map(([input]) => spansOf(input!)[0]), Object.keys(action.inputs), 'the inputs, in the order action.yml declares them');
    for (const [input, defaultCell] of rows) {
      const value = action.inputs[spansOf(input!)[0]!]!.default;
      if (value !== '') assert.ok(spansOf(defaultCell!).includes(value), `${input} defaults to ${value}`);
    }
    const pipeline = section('### In a pipeline').replace(/\s+/g, ' ');
    const outputs = /Outputs: (.*?)\. One `sites` entry/.exec(pipeline)![1]!;
    assert.deepEqual(spansOf(outputs).sort(), Object.keys(action.outputs).sort());
    const script = read('ci/github/netq-action.mjs');
    const single = /One `sites` entry writes (.*?); several/.exec(pipeline)![1]!;
    for (const file of spansOf(single)) assert.ok(script.includes(`file: '${file}'`), `the action writes ${file}`);
    assert.ok(existsSync(path.join(REPO_ROOT, 'examples', 'github-actions.yml')));
  });

  it('the GitLab template: the variables, defaults, service and artifacts the README names', () => {
    const template = parseYaml(read('ci/gitlab/netq.gitlab-ci.yml')) as Record<string, { variables?: Record<string, string>; services?: Array<{ name: string; alias: string }>; artifacts?: { paths: string[] }; extends?: string }>;
    const job = template['.netq-check']!;
    assert.equal(template['netq-check']?.extends, '.netq-check');
    const text = section('### In a pipeline');
    const gitlab = text.slice(text.indexOf('**GitLab CI.**'));
    const variables = [...new Set([...gitlab.matchAll(/\bNETQ_[A-Z_]+/g)].map((m) => m[0]))];
    assert.ok(variables.length >= 9, variables.join(' '));
    for (const variable of variables) assert.ok(variable in job.variables!, `${variable} is a variable of the template`);
    for (const [, name, value] of gitlab.matchAll(/`(NETQ_[A-Z_]+)=([^`]+)`/g)) assert.equal(job.variables![name!], value, name);
    assert.equal(job.variables!.NETQ_IMAGE, 'node:20');
    assert.equal(job.variables!.NETQ_BATFISH_SERVICE_IMAGE, PINNED_BATFISH_IMAGE);
    assert.equal(job.variables!.NETQ_CONNECT_TIMEOUT, '300');
    assert.equal(job.services![0]!.alias, 'batfish');
    for (const file of ['gl-code-quality.json', 'netq-junit.xml', 'netq.md']) {
      assert.ok(job.artifacts!.paths.includes(file), file);
      assert.match(gitlab, new RegExp(`\`${file.replace(/\./g, '\\.')}\``));
    }
    assert.ok(existsSync(path.join(REPO_ROOT, 'examples', 'gitlab-ci.yml')));
  });
});

describe('Using a remote Docker engine', () => {
  const text = section('#### Using a remote Docker engine');

  it('quotes the notice and the warning netq gives, word for word', () => {
    const spans = codeSpans(text);
    const notice = spans.find((s) => s.startsWith('netq: Batfish is at '))!;
    const warning = spans.find((s) => s.startsWith('Batfish has no authentication'))!;
    const [, url, address, port] = /^netq: Batfish is at (http:\/\/([\d.]+):(\d+)):/.exec(notice)!;
    const docker = /\((tcp:\/\/[^)]+)\)/.exec(notice)![1]!;
    const said = announcement({ docker, remote: { scheme: 'tcp', host: 'docker', address: address! }, bindIp: address!, fromEnv: false }, { hostIp: address!, hostPort: Number(port) }, url!);
    assert.equal(notice, `netq: ${said.notice}`);
    assert.equal(warning, said.warning);
    assert.equal(HOST_IP_ENV, 'NETQ_BATFISH_HOST_IP');
    assert.match(read('src/docker/lifecycle.ts'), /is running, but published on \$\{published\} of the Docker engine's host, which this netq cannot reach/);
  });

  it('the dind job: DOCKER_* as netq reads them, and its netq command runs', async () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)![1]!;
    const job = (parseYaml(yaml) as Record<string, { variables: Record<string, string>; script: string[] }>)['netq-check']!;
    assert.equal(job.variables.DOCKER_HOST, 'tcp://docker:2376');
    const endpoint = read('src/docker/endpoint.ts') + read('src/docker/dockerode-engine.ts');
    for (const name of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) assert.ok(endpoint.includes(name), `netq reads ${name}`);
    assert.match(read('test/e2e/remote-engine.test.ts'), /DOCKER_HOST: 'tcp:\/\/docker:2376'/);
    const command = job.script.map((s) => s.replace(/\s+#.*$/, '')).find((s) => s.startsWith('netq '))!;
    assertRan(command, await runExample(command, REPO_ROOT));
    for (const example of collect('#### Using a remote Docker engine')) assert.ok(RUN_ELSEWHERE.some(([p]) => p.test(example)), example);
  });
});

describe('Exit codes', () => {
  it('the table lists every exit code of src/errors.ts (1 is described under it)', () => {
    const rows = tableRows(section('### Exit codes'), '| code | meaning |');
    const codes = rows.flatMap(([code]) => code!.split('/').map((c) => Number(c.trim())));
    assert.deepEqual(codes.sort((a, b) => a - b), Object.values(ExitCode).filter((c) => c !== ExitCode.findings).sort((a, b) => a - b));
    assert.match(read('src/errors.ts'), /cannot write the output to stdout: \$\{why\} \(\$\{code\}\)/);
    assert.match(section('### Exit codes'), /no space left on the device \(ENOSPC\)/);
    for (const example of collect('### Exit codes')) assert.ok(RUN_ELSEWHERE.some(([p]) => p.test(example)), example);
  });
});

describe('The simulator', () => {
  const text = section('## The simulator');

  /** Starts `npm run sim`'s program with these arguments and resolves with the URL it prints. */
  function simCli(args: string[]): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'sim-cli.ts'), '--port', '0', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    return new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('exit', (code) => reject(new Error(`sim ${args.join(' ')} exited ${code}: ${err}`)));
    }).finally(() => child.kill('SIGTERM'));
  }

  it('npm run sim takes every option and fault the README names', async () => {
    assert.equal(PKG.scripts.sim, 'tsx test/support/sim-cli.ts');
    const usage = /`npm run sim \[-- ([^\]]+)\]`/.exec(text)![1]!;
    const options = shellWords(usage).filter((w) => w.startsWith('--') && w !== '--fault' && w !== '--port');
    assert.match(await simCli(options.flatMap((o) => (o === '--worker-delay' ? [o, '0'] : [o]))), /^http:\/\/127\.0\.0\.1:\d+$/);
    const faults = codeSpans(text).filter((s) => s.startsWith('--fault ') && !s.includes('METHOD'));
    assert.ok(faults.length >= 3);
    for (const fault of faults) assert.match(await simCli(shellWords(fault)), /^http:\/\//, fault);
  });

  it('its examples print what the README says, also through a trickling and a cut-off answer', async () => {
    const examples = collect('## The simulator');
    assert.deepEqual(examples, ['netq bgp-sessions -r north_america -s nyc']);
    const trickle: Fault = { method: 'GET', path: /\/answer$/, trickle: { bytesPerSecond: 200_000 } };
    const cut: Fault = { method: 'GET', path: /\/question_templates$/, times: 1, cutBody: { bytes: 5, then: 'drop' } };
    assert.match(text, /`trickle=BYTES_PER_SECOND`/);
    assert.match(text, /`cut=BYTES\[:drop\|:hang\]`/);
    const slow = await startSimulator({ faults: [trickle, cut] });
    try {
      const result = await runNetq(shellWords(examples[0]!).slice(1), { env: { NETQ_BATFISH_URL: slow.url } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Remote_IP/);
      assert.match(result.stderr, /0 rows|no rows/i);
      ran.add(examples[0]!);
    } finally {
      await slow.stop();
    }
    const recorded = codeSpans(text).find((s) => s.startsWith('--snapshot-dir '))!;
    const result = await runNetq(['bgp-sessions', ...shellWords(recorded)], { env: { NETQ_BATFISH_URL: sim.url } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /as2border2.*10\.23\.21\.3.*ESTABLISHED/s);
  });
});

describe('Development', () => {
  const text = section('## Development');

  it('every npm script named exists, and .ci/run installs the Debian tools named and runs npm test', () => {
    for (const line of blockLines(text)) {
      const script = /^npm (?:run )?([\w:]+)/.exec(line)?.[1];
      if (script) assert.ok(PKG.scripts[script], `npm run ${script}`);
    }
    const ci = read('.ci/run');
    const packages = /^PACKAGES="([^"]+)"$/m.exec(ci)![1]!.split(' ');
    const paragraph = text.slice(text.indexOf('CI runs `.ci/run`'));
    const named = spansOf(paragraph.slice(0, paragraph.indexOf('\n\n'))).filter((s) => packages.includes(s));
    assert.deepEqual(named.sort(), [...packages].sort(), 'the README names every package .ci/run installs');
    assert.match(ci, /^npm test$/m);
    assert.match(README, /^ {4}npm test /m);
  });

  it('npm run bench: its sections, and the gate section as described', () => {
    const bench = read('bench/speed.ts');
    const sections = /const SECTIONS = \[([^\]]+)\]/.exec(bench)![1]!.replace(/['\s]/g, '');
    assert.match(text, new RegExp(`--only ${sections}\``));
    const checks = parseYaml(read('bench/gate-checks.yaml')) as { checks: unknown[] };
    assert.equal(checks.checks.length, 9);
    assert.match(text, /the nine checks of\s+`bench\/gate-checks\.yaml`/);
    assert.match(bench, /\['--base-dir', baseDir\]/);
    assert.match(bench, /target: '≤ 1\.30x'/);
    assert.match(text, /target ≤ 1\.30x/);
  });
});

describe('every example found', () => {
  it('ran here, or is named as run by another test', (t) => {
    const missed = [...found].filter(([e]) => !ran.has(e) && !RUN_ELSEWHERE.some(([p]) => p.test(e))).map(([e, s]) => `${s}: ${e}`);
    assert.deepEqual(missed, []);
    t.diagnostic(`${ran.size} examples ran: ${[...ran].join(' | ')}`);
    assert.ok(ran.size >= 12, `${ran.size} examples ran`);
  });
});
