/**
 * The container lifecycle on the real Docker engine, through the built CLI, with the Batfish
 * stand-in image (test/support/standin-image.ts). Skipped, with the reason, on a machine without
 * an engine unless CI is set; in CI they must run.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { STANDIN_IMAGE, buildStandinImage, buildVariant } from '../support/standin-image.js';

const BIN = path.join(REPO_ROOT, 'dist', 'cli.js');
const LABEL = 'io.netq.managed-by=netq';
const engineUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const skip = !engineUp && !process.env.CI ? 'no Docker engine answers here (docker info failed); set CI=true to make this an error' : false;
const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function netq(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(BIN, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function containers(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function removeAll(): void {
  const ids = containers();
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

function containerLog(id: string): string {
  const result = spawnSync('docker', ['logs', id], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nyc = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc'];

describe('netq manages Batfish on the real Docker engine', { skip }, () => {
  let crashImage: string;
  let slowImage: string;
  let hungryImage: string;

  before(async () => {
    assert.ok(engineUp, 'CI=true but no Docker engine answers: .ci/run should have started dockerd');
    removeAll();
    // Rebuilt every run so the image holds the simulator as it is in this checkout.
    await buildStandinImage(STANDIN_IMAGE, true);
    crashImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-crash', { NETQ_SIM_CRASH: '1' });
    slowImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-slow', { NETQ_SIM_STARTUP_DELAY_MS: '60000' });
    hungryImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-hungry', { NETQ_SIM_ALLOCATE_MB: '400' });
  });
  after(() => removeAll());

  it('service build makes netq/batfish:local on the given base', async () => {
    const run = await netq(['service', 'build', '--base-image', STANDIN_IMAGE]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'netq/batfish:local');
    assert.equal(spawnSync('docker', ['image', 'inspect', 'netq/batfish:local'], { stdio: 'ignore' }).status, 0);
  });

  it('service build names the image and the fix when the base is missing', async () => {
    const run = await netq(['service', 'build', '--base-image', 'netq-test/no-such-image:1', '--tag', 'netq-test/never']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /netq: error: could not build netq-test\/never: .*no-such-image/);
    assert.match(run.stderr, /hint: /);
  });

  it('starts Batfish on first use, then reuses it and uploads nothing the second time', async () => {
    const first = await netq([...nyc, '--format', 'json']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /started Batfish netq-batfish-\w+ \(netq\/batfish:local\)/);
    assert.equal((JSON.parse(first.stdout) as { network: string }).network, 'north_america');
    const [id, ...others] = containers();
    assert.ok(id);
    assert.deepEqual(others, []);
    const inspect = JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];
    assert.equal(inspect.Config.Labels['io.netq.version'], JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").version)'], { cwd: REPO_ROOT, encoding: 'utf8' })));
    const bindings = inspect.HostConfig.PortBindings['9996/tcp'];
    assert.deepEqual(bindings.map((b: { HostIp: string }) => b.HostIp), ['127.0.0.1'], 'published on loopback only');

    const second = await netq(nyc);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /started Batfish/);
    assert.match(second.stderr, /nothing uploaded/);
    assert.deepEqual(containers(), [id]);
    await sleep(600); // the stand-in writes its request log every 200 ms
    const uploads = containerLog(id).split('\n').filter((l) => /^201 POST \/v2\/networks\/north_america\/snapshots\/nyc-/.test(l));
    assert.equal(uploads.length, 1, 'the snapshot was uploaded once');
  });

  it('the question commands work against the managed container', async () => {
    const summary = await netq(['summary', '-r', 'north_america', '-s', 'nyc', '--format', 'json']);
    assert.equal(summary.code, 0, summary.stderr);
    assert.equal((JSON.parse(summary.stdout) as { site: string }).site, 'nyc');
    const trace = await netq(['traceroute', '--snapshot-dir', 'test/fixtures/networks/example-live', '--start-location', 'host2', '--dst-ips', '1.0.1.1']);
    assert.equal(trace.code, 0, trace.stderr);
    assert.match(trace.stdout, /start=host2 \[2\.128\.1\.101:49152->1\.0\.1\.1:33434 UDP\]/);
    const all = await netq(['parse-status', '--all']);
    assert.equal(all.code, 0, all.stderr);
    const gate = await netq(['check', '-r', 'north_america', '-s', 'nyc']);
    assert.equal(gate.code, 0, gate.stderr);
    assert.match(gate.stdout, /== north_america\/nyc ==/);
    assert.match(gate.stdout, /PASS +bgp-sessions-established/);
    assert.equal(containers().length, 1, 'all of it through the one shared container');
  });

  it('service status shows the running container; service stop removes it', async () => {
    const status = await netq(['service', 'status', '--format', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const doc = JSON.parse(status.stdout) as { containers: Array<{ state: string; batfishVersion: string; url: string }> };
    assert.equal(doc.containers.length, 1);
    assert.equal(doc.containers[0]!.state, 'running');
    assert.equal(doc.containers[0]!.batfishVersion, '2025.07.07.2423');
    assert.match(doc.containers[0]!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const stop = await netq(['service', 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(containers(), []);
    assert.equal((await netq(['service', 'status'])).code, 1);
  });

  it('two netq processes started together share one container', async () => {
    const [a, b] = await Promise.all([netq(nyc), netq(['bgp-sessions', '-r', 'asia', '-s', 'bangalore'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(containers().length, 1);
    assert.equal((await netq(['service', 'stop'])).code, 0);
  });

  it('--ephemeral starts a private Batfish and leaves nothing behind', async () => {
    const run = await netq([...nyc, '--ephemeral', '--image', STANDIN_IMAGE, '--memory', '256m', '--jvm-opts=-Xss4m']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(containers(), []);
  });

  it('SIGINT during startup exits 130 and leaves no container', async () => {
    const child = spawn(BIN, [...nyc, '--image', slowImage], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && containers().length === 0; i++) await sleep(100);
    assert.equal(containers().length, 1, 'the container was being started');
    await sleep(500);
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /interrupted by SIGINT/);
    assert.deepEqual(containers(), []);
  });

  it('SIGTERM during an --ephemeral start exits 143 and leaves nothing', async () => {
    const child = spawn(BIN, [...nyc, '--image', slowImage, '--ephemeral'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && containers().length === 0; i++) await sleep(100);
    assert.equal(containers().length, 1);
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.deepEqual(containers(), []);
  });

  it('gives up after --startup-timeout with the log tail and removes the container', async () => {
    const run = await netq([...nyc, '--image', slowImage, '--startup-timeout', '2']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /Batfish did not answer within 2s \(image netq-test\/batfish-slow\)/);
    assert.match(run.stderr, /container log \(last 50 lines\):\n.*simulated JVM start/);
    assert.match(run.stderr, /hint: .*--startup-timeout/);
    assert.deepEqual(containers(), []);
  });

  it('names the image and the fix when it cannot be pulled', async () => {
    const run = await netq([...nyc, '--image', 'netq-test/not-built:1']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /netq: error: could not pull netq-test\/not-built:1: /);
    assert.match(run.stderr, /hint: .*netq service build/);
    assert.deepEqual(containers(), []);
  });

  it('service logs prints the log of the running Batfish', async () => {
    assert.equal((await netq(nyc)).code, 0);
    await sleep(600);
    const logs = await netq(['service', 'logs', '--tail', '20']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /GET \/v2\/version/);
    assert.equal((await netq(['service', 'stop'])).code, 0);
    assert.equal((await netq(['service', 'logs'])).code, 1);
  });

  it('exits 4 with a hint when the Docker engine is unreachable', async () => {
    const run = await netq(nyc, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /the Docker engine is not reachable at unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\)\nhint: start Docker.*--batfish-url/);
  });

  it('reports the log tail of a container that dies at start, and removes it', async () => {
    const run = await netq([...nyc, '--image', crashImage]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /Batfish exited while starting \(image netq-test\/batfish-crash, exit code 3\)/);
    assert.match(run.stderr, /container log \(last 50 lines\):\n.*simulated start failure/);
    assert.deepEqual(containers(), []);
  });

  it('gives a memory hint when Batfish is killed for memory', async () => {
    const run = await netq([...nyc, '--image', hungryImage, '--memory', '64m', '--ephemeral']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /Batfish ran out of memory while starting/);
    assert.match(run.stderr, /hint: give it more memory with --memory \(now 64m\)/);
    assert.deepEqual(containers(), []);
  });

  it('says the port is taken when --port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const run = await netq([...nyc, '--image', STANDIN_IMAGE, '--port', String(port), '--ephemeral']);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /the host port is taken/);
      assert.match(run.stderr, /hint: pick another port with --port/);
    } finally {
      blocker.close();
    }
    assert.deepEqual(containers(), []);
  });
});
