/**
 * compose.yaml, through the engine's compose tooling (docker-compose, Debian's 1.29.2 here):
 * `config` resolves it as written, then it is really brought up with the Batfish stand-in and the
 * test's netq image substituted through its environment variables, and taken down with its
 * volume. The stand-in takes 8 s to start, longer than netq's default connect timeout (5 s): the
 * gate passes only because compose.yaml gives netq a connect timeout long enough for a JVM start.
 * Skipped, with the reason, without an engine or docker-compose, unless CI is set.
 *
 * Names: a project netq-test-compose-<random> (its containers, network and volume carry it);
 * images netq-test/netq:e2e (test/support/node-image.ts) and the stand-in variant
 * netq-test/batfish-standin:compose-slow (removed afterwards).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/harness.js';
import { NETQ_IMAGE, buildNetqImage } from '../support/node-image.js';
import { STANDIN_IMAGE, buildStandinImage, buildVariant, removeImages } from '../support/standin-image.js';

const COMPOSE_FILE = path.join(REPO_ROOT, 'compose.yaml');
const SLOW_STANDIN = 'netq-test/batfish-standin:compose-slow';
const STARTUP_DELAY_MS = 8_000;
const PROJECT = `netq-test-compose-${randomBytes(4).toString('hex')}`;
const PINNED_BATFISH = 'batfish/batfish:2025.07.07.2423';

const engineUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const composeVersion = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
const composeFound = composeVersion.status === 0;
const skip = process.env.CI
  ? false
  : !engineUp
    ? 'no Docker engine answers here (docker info failed); set CI=true to make this an error'
    : !composeFound
      ? 'docker-compose is not installed (Debian package docker-compose); set CI=true to make this an error'
      : false;
const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** What the project has on the engine, by the label compose puts on it and by name. */
function projectState(): { containers: string[]; networks: string[]; volumes: string[] } {
  const byName = (...args: string[]) => docker(...args).split('\n').filter((name) => name.startsWith(PROJECT));
  return {
    containers: docker('ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Names}}').split('\n').filter(Boolean),
    networks: byName('network', 'ls', '--format', '{{.Name}}'),
    volumes: byName('volume', 'ls', '--format', '{{.Name}}'),
  };
}

describe('compose.yaml', { skip }, () => {
  let work: string;
  /** docker-compose's environment: the caller's, without anything that would choose for it. */
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NETQ_|COMPOSE_)/.test(k)));

  async function compose(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const argv = ['-p', PROJECT, '-f', COMPOSE_FILE, '--project-directory', work, ...args];
    try {
      const { stdout, stderr } = await execFileAsync('docker-compose', argv, { cwd: work, env: { ...baseEnv, ...env }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  before(async () => {
    assert.ok(engineUp, 'CI=true but no Docker engine answers: .ci/run should have started dockerd');
    assert.ok(composeFound, 'CI=true but docker-compose is not installed: .ci/run should install the Debian package docker-compose');
    await buildStandinImage(STANDIN_IMAGE);
    buildVariant(STANDIN_IMAGE, SLOW_STANDIN, { NETQ_SIM_STARTUP_DELAY_MS: String(STARTUP_DELAY_MS) });
    buildNetqImage(REPO_ROOT, { VERSION: (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version });
    // The repository compose.yaml sits in: the sample regions and a checks file.
    work = mkdtempSync(path.join(os.tmpdir(), 'netq-compose-work-'));
    cpSync(path.join(REPO_ROOT, 'regions'), path.join(work, 'regions'), { recursive: true });
    writeFileSync(path.join(work, 'netq-checks.yaml'), 'version: 1\nchecks:\n  - name: configs parse\n    check: parse-clean\n');
    chmodSync(work, 0o777);
  });

  after(async () => {
    if (work) {
      await compose(['down', '-v', '--remove-orphans']);
      rmSync(work, { recursive: true, force: true });
    }
    removeImages([SLOW_STANDIN]);
  });

  it('resolves as written: the pinned Batfish with its data volume and a memory limit, no port published, netq beside it on the repository', async (t) => {
    t.diagnostic(`docker-compose ${composeVersion.stdout.trim()}`);
    const result = await compose(['config']);
    assert.equal(result.code, 0, result.stderr);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the resolved compose file
    const config: any = parse(result.stdout);
    const { batfish, netq } = config.services;
    assert.equal(batfish.image, PINNED_BATFISH);
    assert.deepEqual(batfish.volumes, ['batfish-data:/data:rw']);
    assert.ok('batfish-data' in config.volumes, 'a named volume');
    assert.equal(batfish.mem_limit, '8g');
    for (const service of [batfish, netq]) {
      assert.equal(service.ports, undefined, 'no port published');
      assert.equal(service.healthcheck, undefined);
    }
    assert.equal(netq.image, 'netq:local');
    assert.deepEqual(netq.build, { context: work });
    assert.equal(netq.user, 'node');
    assert.deepEqual(netq.depends_on, { batfish: { condition: 'service_started' } });
    assert.deepEqual(netq.environment, { NETQ_BATFISH_URL: 'http://batfish:9996' });
    assert.deepEqual(netq.volumes, [`${work}:/work:rw`]);
    assert.deepEqual(netq.command, ['check', '--all', '--connect-timeout', '300']);

    const overridden = await compose(['config'], { NETQ_BATFISH_IMAGE: 'mirror.example/batfish/batfish:2025.07.07.2423', NETQ_BATFISH_MEMORY: '12g', NETQ_IMAGE: 'mirror.example/netq:1' });
    assert.equal(overridden.code, 0, overridden.stderr);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the resolved compose file
    const services: any = parse(overridden.stdout).services;
    assert.equal(services.batfish.image, 'mirror.example/batfish/batfish:2025.07.07.2423');
    assert.equal(services.batfish.mem_limit, '12g');
    assert.equal(services.netq.image, 'mirror.example/netq:1');
  });

  it('brings Batfish and netq up: netq waits for a slow Batfish start and gates every site, and Batfish is reachable from nowhere else', async (t) => {
    const env = { NETQ_BATFISH_IMAGE: SLOW_STANDIN, NETQ_IMAGE: NETQ_IMAGE };
    const started = Date.now();
    const up = await compose(['--ansi', 'never', 'up', '--no-build', '--exit-code-from', 'netq'], env);
    const elapsedMs = Date.now() - started;
    t.diagnostic(`docker-compose up until netq's exit: ${elapsedMs} ms (the stand-in starts in ${STARTUP_DELAY_MS} ms)`);
    const output = `${up.stdout}${up.stderr}`;
    assert.equal(up.code, 0, output);
    assert.ok(elapsedMs >= STARTUP_DELAY_MS, 'netq answered only once Batfish was up');
    assert.match(output, /starting \(simulated JVM start/, "the Batfish service's log is shown");
    assert.match(output, /^netq_1 +\| == asia\/bangalore ==\nnetq_1 +\| +PASS +configs parse +no findings/m);
    assert.match(output, /^netq_1 +\| == north_america\/nyc ==\nnetq_1 +\| +PASS +configs parse +no findings/m);
    assert.match(output, /^netq_1 +\| 2 checks on 2 sites: 2 pass, 0 fail/m);
    assert.match(output, /_netq_1 exited with code 0/);

    // The containers stay until `down`: what they were given.
    const [batfishId] = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', 'label=com.docker.compose.service=batfish').split('\n');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
    const batfish: any = JSON.parse(docker('container', 'inspect', batfishId!))[0];
    assert.equal(batfish.Config.Image, SLOW_STANDIN);
    assert.deepEqual(batfish.HostConfig.PortBindings ?? {}, {}, 'no port published on the host');
    assert.equal(batfish.HostConfig.Memory, 8 * 1024 ** 3);
    assert.deepEqual(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
      batfish.Mounts.map((m: any) => ({ type: m.Type, name: m.Name, to: m.Destination })),
      [{ type: 'volume', name: `${PROJECT}_batfish-data`, to: '/data' }],
    );
  });

  it('comes down with its volume and leaves nothing behind', async () => {
    assert.notDeepEqual(projectState(), { containers: [], networks: [], volumes: [] }, 'the project was up');
    const down = await compose(['down', '-v']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(projectState(), { containers: [], networks: [], volumes: [] });
  });
});
