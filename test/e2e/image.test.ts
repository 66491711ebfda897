/**
 * The netq image (the top-level Dockerfile) on the real Docker engine: built from this checkout on
 * a Node base assembled here (test/support/node-image.ts; no registry image can be pulled), then
 * `netq check` run in it against the Batfish stand-in (test/support/standin-image.ts) over a
 * Docker network of the test's own, the regions mounted at the image's workdir. Skipped, with the
 * reason, on a machine without an engine unless CI is set.
 *
 * Names: images netq-test/node-base:20, netq-test/netq:e2e (and its build stage,
 * netq-test/netq:e2e-build), kept for the next run's cache; containers and the network
 * netq-test-image-*, removed (checked). A cold build takes about a minute (npm ci of every
 * dependency from the registry); with the engine's cache a few seconds.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT } from '../support/harness.js';
import { NETQ_IMAGE, buildNetqImage, type NetqImageBuild } from '../support/node-image.js';
import { STANDIN_IMAGE, buildStandinImage } from '../support/standin-image.js';

const engineUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const skip = !engineUp && !process.env.CI ? 'no Docker engine answers here (docker info failed); set CI=true to make this an error' : false;
const execFileAsync = promisify(execFile);
const PREFIX = 'netq-test-image-';
const RUN_ID = randomBytes(4).toString('hex');
const NETWORK = `${PREFIX}${RUN_ID}`;
const BATFISH = `${PREFIX}batfish-${RUN_ID}`;
const NETQ = `${PREFIX}netq-${RUN_ID}`;
/** The uid of the `node` user of node:20-slim (and of the assembled base). */
const NODE_UID = 1000;

const CHECKS = `version: 1
checks:
  - name: configs parse
    check: parse-clean
  # The stand-in answers nodeProperties with no rows: a finding, so the gate exits 1.
  - name: every node has an NTP server
    check: question
    with:
      question: nodeProperties
      parameters: { properties: NTP_Servers }
    expect: { rows: 5 }
`;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Containers and networks of this test (any run of it), by name. */
function leftovers(): { containers: string[]; networks: string[] } {
  const list = (...args: string[]) => docker(...args).split('\n').filter((name) => name.startsWith(PREFIX));
  return { containers: list('ps', '-a', '--format', '{{.Names}}'), networks: list('network', 'ls', '--format', '{{.Name}}') };
}

function removeLeftovers(): void {
  const { containers, networks } = leftovers();
  if (containers.length) spawnSync('docker', ['rm', '-f', ...containers], { stdio: 'ignore' });
  for (const network of networks) spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
}

/** The git revision and commit time of the checkout: stable between runs, so the cache holds. */
function gitLabel(format: string): string {
  const result = spawnSync('git', ['log', '-1', `--format=${format}`], { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'unknown';
}

/** The JUnit schema Jenkins' xunit plugin validates with, where this checkout or its neighbours hold it. */
function junitSchema(): string | undefined {
  return [path.join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'junit-10.xsd'), path.join(REPO_ROOT, '..', 'shared', 'schemas', 'junit-10.xsd')].find((file) => existsSync(file));
}

describe('the netq image', { skip }, () => {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let build: NetqImageBuild;
  let work: string;

  before(async () => {
    assert.ok(engineUp, 'CI=true but no Docker engine answers: .ci/run should have started dockerd');
    removeLeftovers();
    await buildStandinImage(STANDIN_IMAGE);
    build = buildNetqImage(REPO_ROOT, {
      VERSION: version,
      REVISION: gitLabel('%H'),
      CREATED: gitLabel('%cI'),
      SOURCE: 'https://example.invalid/netq.git',
    });
    // A repository as CI checks it out: the sample regions and a checks file. The image's user
    // (uid 1000) writes the report into it, as a runner's workspace lets the job's user do.
    work = mkdtempSync(path.join(os.tmpdir(), 'netq-image-work-'));
    cpSync(path.join(REPO_ROOT, 'regions'), path.join(work, 'regions'), { recursive: true });
    writeFileSync(path.join(work, 'netq-checks.yaml'), CHECKS);
    chmodSync(work, 0o777);
  });

  after(() => {
    removeLeftovers();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is labelled, runs netq as a user that is not root from /work, and holds no regions', (t) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
    const image: any = JSON.parse(docker('image', 'inspect', NETQ_IMAGE))[0];
    t.diagnostic(`image ${NETQ_IMAGE}: ${image.Size} bytes (${(image.Size / 1e6).toFixed(1)} MB), built in ${(build.buildMs / 1000).toFixed(1)} s`);
    assert.deepEqual(image.Config.Entrypoint, ['netq']);
    assert.equal(image.Config.User, 'node');
    assert.equal(image.Config.WorkingDir, '/work');
    const labels = image.Config.Labels as Record<string, string>;
    assert.deepEqual(
      Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('org.opencontainers.image.'))),
      {
        'org.opencontainers.image.title': 'netq',
        'org.opencontainers.image.description': "Ask Batfish questions about a site's device configurations, and gate CI on the answers",
        'org.opencontainers.image.licenses': 'Apache-2.0',
        'org.opencontainers.image.source': build.buildArgs.SOURCE,
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.revision': build.buildArgs.REVISION,
        'org.opencontainers.image.created': build.buildArgs.CREATED,
      },
    );
    assert.equal(docker('run', '--rm', NETQ_IMAGE, '--version'), version, 'the version label is the version netq reports');

    // What the image holds, seen from inside: the package and its production dependencies only.
    const probe = `const fs = require('node:fs');
      const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? [d + '/' + e.name, ...walk(d + '/' + e.name)] : [d + '/' + e.name]);
      console.log(JSON.stringify({ uid: process.getuid(), cwd: process.cwd(), work: fs.readdirSync('/work'), top: fs.readdirSync('/opt/netq').sort(),
        deps: fs.readdirSync('/opt/netq/node_modules'), files: walk('/opt/netq').filter((f) => !f.startsWith('/opt/netq/node_modules/')) }));`;
    const inside = JSON.parse(docker('run', '--rm', '--entrypoint', 'node', NETQ_IMAGE, '-e', probe)) as {
      uid: number;
      cwd: string;
      work: string[];
      top: string[];
      deps: string[];
      files: string[];
    };
    assert.equal(inside.uid, NODE_UID);
    assert.equal(inside.cwd, '/work');
    assert.deepEqual(inside.work, [], 'nothing is baked into /work');
    assert.deepEqual(inside.top, ['Dockerfile-batfish', 'README.md', 'dist', 'node_modules', 'package.json', 'questions', 'schemas']);
    assert.deepEqual(inside.files.filter((f) => /\/(regions|src|test|configs)(\/|$)|\.cfg$/.test(f)), [], 'no regions, configs, sources or tests');
    for (const dev of ['typescript', 'esbuild', 'tsx', 'eslint', 'jsdom']) assert.ok(!inside.deps.includes(dev), `${dev} (a devDependency) is not in the image`);
    for (const prod of ['clipanion', 'axios', 'dockerode', 'cli-table3']) assert.ok(inside.deps.includes(prod), `${prod} is in the image`);
  });

  it('checks a site against the stand-in Batfish over a Docker network and writes the JUnit report into the mount', async (t) => {
    docker('network', 'create', NETWORK);
    docker('run', '-d', '--name', BATFISH, '--network', NETWORK, STANDIN_IMAGE);
    const started = Date.now();
    // The report goes to a folder netq creates in the mount; --connect-timeout covers the stand-in's start.
    const args = ['run', '--name', NETQ, '--network', NETWORK, '-v', `${work}:/work`, NETQ_IMAGE];
    args.push('check', '-r', 'north_america', '-s', 'nyc', '--batfish-url', `http://${BATFISH}:9996`, '--connect-timeout', '60');
    args.push('--report', 'junit=reports/netq-junit.xml');
    const result = await execFileAsync('docker', args, { encoding: 'utf8' }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    t.diagnostic(`netq check in the image: ${Date.now() - started} ms`);
    assert.equal(result.code, 1, `the gate fails on the finding\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /== north_america\/nyc ==/);
    assert.match(result.stdout, /PASS\s+configs parse\s+no findings/);
    assert.match(result.stdout, /FAIL\s+every node has an NTP server\s+1 finding/);
    assert.match(result.stdout, /nodeProperties returned 0 rows, expected 5/);
    assert.match(result.stdout, /2 checks on 1 site: 1 pass, 1 fail/);
    assert.match(result.stderr, /parsed nyc-[0-9a-f]{16}: 5 files: 5 passed/);

    // The container ran as the image's user, and what it wrote into the mount is that user's.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
    const container: any = JSON.parse(docker('container', 'inspect', NETQ))[0];
    assert.equal(container.State.ExitCode, 1);
    assert.equal(container.Config.User, 'node');
    const report = path.join(work, 'reports', 'netq-junit.xml');
    assert.equal(statSync(report).uid, NODE_UID, 'the report was written by uid 1000, not root');
    assert.equal(statSync(path.dirname(report)).uid, NODE_UID);

    const xml = readFileSync(report, 'utf8');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(xml) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string; testcase: { name: string; failure?: { message: string; '#text': string } }[] } };
    };
    assert.equal(doc.testsuites.tests, '2');
    assert.equal(doc.testsuites.failures, '1');
    assert.equal(doc.testsuites.testsuite.name, 'north_america/nyc');
    const cases = doc.testsuites.testsuite.testcase;
    assert.deepEqual(cases.map((c) => c.name), ['configs parse', 'every node has an NTP server']);
    assert.equal(cases[0]!.failure, undefined);
    assert.match(cases[1]!.failure!['#text'], /nodeProperties returned 0 rows, expected 5/);
    const schema = junitSchema();
    const xmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
    if (schema && xmllint) {
      const validation = spawnSync('xmllint', ['--noout', '--schema', schema, report], { encoding: 'utf8' });
      assert.equal(validation.status, 0, `the report is valid against ${schema}:\n${validation.stderr}`);
    } else {
      assert.ok(!process.env.CI, `CI=true: the JUnit report must be validated (xmllint: ${xmllint ? 'yes' : 'missing, Debian libxml2-utils'}; junit-10.xsd: ${schema ?? 'missing'})`);
      t.diagnostic(`JUnit schema validation skipped (xmllint ${xmllint ? 'present' : 'missing'}, junit-10.xsd ${schema ? 'present' : 'missing'})`);
    }

    // What the stand-in received came over the network from the netq container.
    const log = spawnSync('docker', ['logs', BATFISH], { encoding: 'utf8' });
    const requests = `${log.stdout}${log.stderr}`;
    for (const expected of [/200 GET \/v2\/version/, /POST \/v2\/networks\/north_america\/snapshots\/nyc-[0-9a-f]{16}/]) {
      assert.match(requests, expected);
    }
  });

  it("reads a merge request's base with git in a checkout the runner made as another user, and fails only on what is new", async () => {
    // The checkout belongs to the test's user (root in CI); netq runs as uid 1000 in the image.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: work, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', 'regions', 'netq-checks.yaml');
    git('commit', '-q', '-m', 'base');
    const config = path.join(work, 'regions', 'north_america', 'nyc', 'configs');
    const [first] = readdirSync(config).filter((f) => !f.startsWith('.')).sort();
    writeFileSync(path.join(config, first!), `${readFileSync(path.join(config, first!), 'utf8')}\n! changed by the merge request\n`);
    const args = ['run', '--rm', '--name', `${NETQ}-git`, '--network', NETWORK, '-v', `${work}:/work`, NETQ_IMAGE];
    args.push('check', '--all', '--changed-since', 'main', '--base-ref', 'main', '--batfish-url', `http://${BATFISH}:9996`, '--connect-timeout', '60');
    const result = await execFileAsync('docker', args, { encoding: 'utf8' }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    // The stand-in's empty nodeProperties answer is a finding on the base too: existing, so exit 0.
    assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stderr, /1 of 2 site\(s\) changed since main: north_america\/nyc/);
    assert.doesNotMatch(result.stderr, /dubious|git could not/);
    assert.match(result.stdout, /1 existing/);
  });

  it('runs as any uid a runner gives it (docker run -u), one without a passwd entry included', async () => {
    // CI runners and `docker run -u "$(id -u):$(id -g)"` (so reports belong to the checkout's
    // owner) run the image as a uid the image does not know.
    const uid = 4321;
    const result = await execFileAsync('docker', ['run', '--rm', '--name', `${NETQ}-uid`, '-u', `${uid}:${uid}`, '-v', `${work}:/work`, NETQ_IMAGE, 'sites', '--format', 'json'], { encoding: 'utf8' }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    assert.equal(result.code, 0, result.stderr);
    const sites = (JSON.parse(result.stdout) as { sites: { region: string; site: string }[] }).sites.map((s) => `${s.region}/${s.site}`);
    assert.deepEqual(sites, ['asia/bangalore', 'north_america/nyc']);
  });

  it('leaves no container or network behind', () => {
    for (const name of [NETQ, BATFISH]) docker('rm', '-f', name);
    docker('network', 'rm', NETWORK);
    assert.deepEqual(leftovers(), { containers: [], networks: [] });
  });
});
