/**
 * The container lifecycle on the real Docker engine, through the built CLI, with the Batfish
 * stand-in image (test/support/standin-image.ts). Skipped, with the reason, on a machine without
 * an engine unless CI is set; in CI they must run.
 *
 * Every run here has NETQ_DOCKER_NAMESPACE=test, so netq labels, names and looks for everything
 * under netq-test (containers, network, netq-test/batfish:local, netq-test/batfish:upstream in
 * place of the pinned image), and its own state folder: the tests never build, run or remove
 * anything under netq's real names (checked at the end), and leave nothing behind.
 *
 * The timing cases are deterministic through a stand-in that takes 15 s to start (like a JVM).
 * About 90 s in all, of which the stand-in build is ~10 s and the four-runs case ~17 s.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { STANDIN_IMAGE, STANDIN_VERSION, buildStandinImage, buildVariant, removeImages } from '../support/standin-image.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
/** The names netq uses under NETQ_DOCKER_NAMESPACE=test (src/docker/names.ts). */
const NS = {
  label: 'io.netq.managed-by=netq-test',
  network: 'netq-test-batfish',
  localImage: 'netq-test/batfish:local',
  upstreamImage: 'netq-test/batfish:upstream',
  container: /netq-test-batfish-[0-9a-f]{8}/,
};
const SLOW_START_MS = 15_000;
const engineUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const skip = !engineUp && !process.env.CI ? 'no Docker engine answers here (docker info failed); set CI=true to make this an error' : false;
const execFileAsync = promisify(execFile);
/** The test's own XDG_RUNTIME_DIR: netq's start lock and use leases live there. */
const stateRoot = mkdtempSync(path.join(os.tmpdir(), 'netq-docker-test-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function netqEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['NETQ_BATFISH_IMAGE', 'NETQ_BATFISH_URL', 'NETQ_BATFISH_API_KEY']) delete base[name];
  return { ...base, NO_COLOR: '1', NETQ_DOCKER_NAMESPACE: 'test', XDG_RUNTIME_DIR: stateRoot, ...env };
}

async function netq(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(BIN, args, { cwd: REPO_ROOT, env: netqEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface Spawned {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function spawnNetq(args: string[]): Spawned {
  const child = spawn(BIN, args, { cwd: REPO_ROOT, env: netqEnv({}) });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function containers(label = NS.label): string[] {
  return docker('ps', '-aq', '--no-trunc', '--filter', `label=${label}`).split('\n').filter(Boolean);
}

function networks(label = NS.label): string[] {
  return docker('network', 'ls', '-q', '--filter', `label=${label}`).split('\n').filter(Boolean);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
function inspect(id: string): any {
  return JSON.parse(docker('inspect', id))[0];
}

function containerLog(id: string): string {
  const result = spawnSync('docker', ['logs', id], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

/** Removes everything netq made under the test namespace. */
function removeNamespace(): void {
  const ids = containers();
  if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  for (const id of networks()) spawnSync('docker', ['network', 'rm', id], { stdio: 'ignore' });
  removeImages([NS.localImage, NS.upstreamImage]);
}

/** What exists under netq's real names: images, containers and networks. */
function productionState(): string {
  const images = docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}')
    .split('\n')
    .filter((line) => /^(netq\/|batfish\/)/.test(line));
  return JSON.stringify({ images: images.sort(), containers: containers('io.netq.managed-by=netq').sort(), networks: networks('io.netq.managed-by=netq').sort() });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const nyc = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc'];

describe('netq manages Batfish on the real Docker engine', { skip }, () => {
  let crashImage: string;
  let slowImage: string;
  let hungryImage: string;
  let slowParseImage: string;
  let production: string;
  const testImages: string[] = [];

  before(async () => {
    assert.ok(engineUp, 'CI=true but no Docker engine answers: .ci/run should have started dockerd');
    production = productionState();
    removeNamespace();
    // Rebuilt every run so the image holds the simulator as it is in this checkout.
    await buildStandinImage(STANDIN_IMAGE, true);
    crashImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-crash', { NETQ_SIM_CRASH: '1' });
    slowImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-slow', { NETQ_SIM_STARTUP_DELAY_MS: String(SLOW_START_MS) });
    hungryImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-hungry', { NETQ_SIM_ALLOCATE_MB: '400' });
    slowParseImage = buildVariant(STANDIN_IMAGE, 'netq-test/batfish-slow-parse', { NETQ_SIM_PARSE_MS: '5000' });
    testImages.push(STANDIN_IMAGE, crashImage, slowImage, hungryImage, slowParseImage);
  });

  after(() => {
    removeNamespace();
    removeImages(testImages);
    rmSync(stateRoot, { recursive: true, force: true });
    assert.equal(productionState(), production, "nothing under netq's real names was made, changed or removed");
  });

  describe('images', () => {
    it('tells a machine that cannot pull the pinned image what works instead', async () => {
      const run = await netq(nyc);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /netq: error: could not pull netq-test\/batfish:upstream: /);
      const hint = /hint: (.*)/.exec(run.stderr)?.[1] ?? '';
      assert.match(hint, /a mirror of it with --image or NETQ_BATFISH_IMAGE/);
      assert.match(hint, /docker save netq-test\/batfish:upstream -o batfish\.tar where it can be pulled, then docker load -i batfish\.tar here/);
      assert.match(hint, /--batfish-url/);
      assert.doesNotMatch(hint, /service build/, 'building needs the same image');
      assert.deepEqual(containers(), []);
    });

    it('a mirror given with NETQ_BATFISH_IMAGE works', async () => {
      const run = await netq([...nyc, '--ephemeral'], { NETQ_BATFISH_IMAGE: STANDIN_IMAGE });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(containers(), []);
    });

    it('a saved copy of the pinned image, docker loaded, works', async () => {
      const tar = path.join(stateRoot, 'batfish.tar');
      docker('tag', STANDIN_IMAGE, NS.upstreamImage);
      docker('save', NS.upstreamImage, '-o', tar);
      docker('image', 'rm', NS.upstreamImage);
      docker('load', '-i', tar);
      rmSync(tar);
      const run = await netq([...nyc, '--ephemeral']);
      assert.equal(run.code, 0, run.stderr);
      removeImages([NS.upstreamImage]);
    });

    it('service build makes the image commands prefer, labelled with its base', async () => {
      const run = await netq(['service', 'build', '--base-image', STANDIN_IMAGE]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), NS.localImage);
      assert.match(run.stderr, /netq: built netq-test\/batfish:local \(base netq-test\/batfish-standin:base\)/);
      assert.equal(inspect(NS.localImage).Config.Labels['io.netq.base-image'], STANDIN_IMAGE);
    });

    it('service build names the image and the fix when the base is missing', async () => {
      const run = await netq(['service', 'build', '--base-image', 'netq-test/no-such-image:1', '--tag', 'netq-test/never']);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /netq: error: could not build netq-test\/never: .*\(base image netq-test\/no-such-image:1\)/);
      assert.match(run.stderr, /hint: .*docker load/);
    });
  });

  describe('the shared Batfish', () => {
    it('starts on first use on its own network, then is reused and uploads nothing the second time', async () => {
      const first = await netq([...nyc, '--format', 'json']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /started Batfish netq-test-batfish-[0-9a-f]{8} \(netq-test\/batfish:local\)/);
      assert.equal((JSON.parse(first.stdout) as { network: string }).network, 'north_america');
      const [id, ...others] = containers();
      assert.ok(id);
      assert.deepEqual(others, []);
      const info = inspect(id);
      assert.match(info.Name, NS.container);
      assert.equal(info.Config.Labels['io.netq.version'], JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
      assert.equal(info.Config.Labels['io.netq.owner-pid'], undefined, 'a shared container has no owner');
      const bindings = info.HostConfig.PortBindings['9996/tcp'];
      assert.deepEqual(bindings.map((b: { HostIp: string }) => b.HostIp), ['127.0.0.1'], 'published on loopback only');
      assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [NS.network], "on netq's network, not the default bridge");
      assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } });
      const network = JSON.parse(docker('network', 'inspect', NS.network))[0];
      assert.equal(network.Driver, 'bridge');
      assert.equal(network.Labels['io.netq.managed-by'], 'netq-test');

      const second = await netq(nyc);
      assert.equal(second.code, 0, second.stderr);
      assert.doesNotMatch(second.stderr, /started Batfish|warning/);
      assert.match(second.stderr, /nothing uploaded/);
      assert.deepEqual(containers(), [id]);
      await sleep(600); // the stand-in writes its request log every 200 ms
      const uploads = containerLog(id).split('\n').filter((l) => /^201 POST \/v2\/networks\/north_america\/snapshots\/nyc-/.test(l));
      assert.equal(uploads.length, 1, 'the snapshot was uploaded once');
    });

    it('the question commands work against it', async () => {
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

    it('service status shows the image, what it was built on and what the server says it is', async () => {
      const status = await netq(['service', 'status', '--format', 'json']);
      assert.equal(status.code, 0, status.stderr);
      const doc = JSON.parse(status.stdout) as { containers: Array<Record<string, unknown>> };
      assert.equal(doc.containers.length, 1);
      const [row] = doc.containers;
      assert.equal(row!.state, 'running');
      assert.equal(row!.image, NS.localImage);
      assert.equal(row!.baseImage, STANDIN_IMAGE);
      assert.equal(row!.batfishVersion, STANDIN_VERSION, 'the stand-in is never called a Batfish release');
      assert.match(String(row!.url), /^http:\/\/127\.0\.0\.1:\d+$/);
      const table = await netq(['service', 'status']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /Built on/);
      assert.match(table.stdout, /standin-simulator \(not Batfish\)/);
      assert.doesNotMatch(table.stdout, /2025\.07\.07\.2423/);
    });

    it('reports flags the running Batfish does not have, with what to run, and uses it as it is', async () => {
      const [id] = containers();
      const port = await freePort();
      const run = await netq([...nyc, '--image', STANDIN_IMAGE, '--memory', '300m', '--port', String(port), '--jvm-opts=-Xss4m']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `netq: warning: Batfish netq-test-batfish-[0-9a-f]{8} is already running, and not as asked: ` +
            `--image netq-test/batfish-standin:base \\(it runs netq-test/batfish:local\\); --memory 300m \\(it has no limit\\); ` +
            `--port ${port} \\(it listens on \\d+\\); --jvm-opts=-Xss4m \\(it has none\\); netq uses it as it is\\. ` +
            'To apply the flags: add --restart \\(replaces it when no other netq uses it\\), or netq service stop first',
        ),
      );
      assert.deepEqual(containers(), [id]);
    });

    it('--restart replaces it with one started with the flags given', async () => {
      const [old] = containers();
      const run = await netq([...nyc, '--memory', '300m', '--jvm-opts=-Xss4m', '--restart']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /netq: removed Batfish netq-test-batfish-[0-9a-f]{8} to start a new one \(--restart\)/);
      assert.match(run.stderr, /started Batfish/);
      const [id, ...others] = containers();
      assert.deepEqual(others, []);
      assert.notEqual(id, old);
      const info = inspect(id!);
      assert.equal(info.HostConfig.Memory, 300 * 1024 ** 2);
      assert.ok(info.Config.Env.includes('JAVA_TOOL_OPTIONS=-Xss4m'));
      const again = await netq([...nyc, '--memory', '300m']);
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /warning/, 'matching flags: nothing to say');
    });

    it('a killed container is removed when the next run starts a new one', async () => {
      const [killed] = containers();
      docker('kill', killed!);
      assert.equal(inspect(killed!).State.Status, 'exited');
      const run = await netq(nyc);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /netq: removed Batfish netq-test-batfish-[0-9a-f]{8}, which had exited \(code 137\)/);
      const [id, ...others] = containers();
      assert.deepEqual(others, []);
      assert.notEqual(id, killed);
    });

    it('a paused container is resumed, and said so', async () => {
      const [id] = containers();
      docker('pause', id!);
      const run = await netq(nyc);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /netq: Batfish netq-test-batfish-[0-9a-f]{8} was paused \(docker pause\); netq resumed it/);
      assert.equal(inspect(id!).State.Status, 'running');
      assert.deepEqual(containers(), [id]);
    });

    it('service logs prints its log; --follow stops on the first Ctrl-C', async () => {
      const logs = await netq(['service', 'logs', '--tail', '20']);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /GET \/v2\/version/);
      const follow = spawnNetq(['service', 'logs', '--follow', '--tail', '5']);
      await waitFor('the followed log', () => follow.output.stdout.length > 0);
      const interrupted = Date.now();
      follow.child.kill('SIGINT');
      assert.equal(await follow.exited, 130, follow.output.stderr);
      assert.ok(Date.now() - interrupted < 3000, 'ended at once');
    });

    it('service stop removes the containers and the network', async () => {
      const stop = await netq(['service', 'stop']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.deepEqual(containers(), []);
      assert.deepEqual(networks(), []);
      assert.equal((await netq(['service', 'status'])).code, 1);
      assert.equal((await netq(['service', 'logs'])).code, 1);
    });

    it(`four runs started together against a ${SLOW_START_MS / 1000} s start all succeed, with one container`, async () => {
      const sites = [nyc, ['bgp-sessions', '-r', 'asia', '-s', 'bangalore'], ['summary', '-r', 'north_america', '-s', 'nyc'], ['parse-status', '-r', 'asia', '-s', 'bangalore']];
      const started = Date.now();
      const runs = await Promise.all(sites.map((args) => netq([...args, '--image', slowImage, '--verbose'])));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      assert.ok(Date.now() - started >= SLOW_START_MS, 'the start took its time');
      assert.equal(containers().length, 1);
      assert.equal(runs.filter((r) => /started Batfish/.test(r.stderr)).length, 1);
      const waited = runs.filter((r) => /netq: waiting for the Batfish another netq is starting/.test(r.stderr));
      assert.equal(waited.length, 3, 'the other three said what they wait for');
    });

    it('--restart leaves a Batfish another netq is using, and says so', async () => {
      assert.equal((await netq(['service', 'start', '--image', slowParseImage, '--restart'])).code, 0);
      const [id] = containers();
      // A run that uploads a new snapshot and waits 5 s for its parse, using the container meanwhile.
      const user = spawnNetq(['bgp-sessions', '-r', 'asia', '-s', 'bangalore']);
      await waitFor('the upload of the other run', () => /POST \/v2\/networks\/asia\/snapshots\/bangalore-/.test(containerLog(id!)));
      const restart = await netq(['service', 'start', '--memory', '300m', '--restart']);
      assert.equal(restart.code, 0, restart.stderr);
      assert.match(
        restart.stderr,
        new RegExp(`netq: warning: --restart: Batfish netq-test-batfish-[0-9a-f]{8} is in use by 1 other netq process \\(pid ${user.child.pid}\\), and not as asked: --memory 300m`),
      );
      assert.match(restart.stderr, /Batfish already running/);
      assert.equal(await user.exited, 0, user.output.stderr);
      assert.deepEqual(containers(), [id]);
      const later = await netq(['service', 'start', '--memory', '300m', '--restart']);
      assert.match(later.stderr, /Batfish started/, 'replaced once no netq uses it');
      assert.equal((await netq(['service', 'stop'])).code, 0);
    });
  });

  describe('interrupts and crashes', () => {
    for (const delayMs of [0, 150, 400]) {
      it(`Ctrl-C twice, ${delayMs} ms into a start, exits 130 and leaves no container`, async () => {
        const run = spawnNetq([...nyc, '--image', slowImage]);
        await waitFor('the container', () => containers().length > 0);
        await sleep(delayMs);
        run.child.kill('SIGINT');
        await sleep(20);
        run.child.kill('SIGINT');
        assert.equal(await run.exited, 130, run.output.stderr);
        assert.match(run.output.stderr, /interrupted by SIGINT/);
        assert.deepEqual(containers(), []);
      });
    }

    it('SIGTERM twice during an --ephemeral start exits 143 and leaves nothing', async () => {
      const run = spawnNetq([...nyc, '--image', slowImage, '--ephemeral']);
      await waitFor('the container', () => containers().length > 0);
      run.child.kill('SIGTERM');
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 143, run.output.stderr);
      assert.deepEqual(containers(), []);
    });

    it('the container of a SIGKILLed --ephemeral netq is removed by the next run', async () => {
      const run = spawnNetq([...nyc, '--image', slowImage, '--ephemeral']);
      await waitFor('the container', () => containers().length > 0);
      const [orphan] = containers();
      const labels = inspect(orphan!).Config.Labels;
      assert.equal(labels['io.netq.owner-pid'], String(run.child.pid));
      assert.equal(labels['io.netq.owner-boot-id'], readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
      assert.equal(labels['io.netq.owner-pid-ns'], readlinkSync('/proc/self/ns/pid'));
      run.child.kill('SIGKILL');
      await run.exited;
      assert.deepEqual(containers(), [orphan], 'a killed netq cannot clean up');
      const next = await netq([...nyc, '--ephemeral', '--image', STANDIN_IMAGE]);
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stderr, new RegExp(`netq: removed netq-test-batfish-[0-9a-f]{8}, an --ephemeral Batfish left by netq pid ${run.child.pid}, which is gone`));
      assert.deepEqual(containers(), []);
    });

    it('--ephemeral starts a private Batfish and leaves nothing behind', async () => {
      const run = await netq([...nyc, '--ephemeral', '--image', STANDIN_IMAGE, '--memory', '256m', '--jvm-opts=-Xss4m']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(containers(), []);
      const both = await netq([...nyc, '--ephemeral', '--restart']);
      assert.equal(both.code, 2, 'a private Batfish has nothing to restart');
      assert.match(both.stderr, /--restart replaces the shared Batfish, and --ephemeral starts a private one/);
    });
  });

  describe('failed starts', () => {
    it('gives up after --startup-timeout with the log tail and removes the container', async () => {
      const run = await netq([...nyc, '--image', slowImage, '--startup-timeout', '2']);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /Batfish did not answer within 2s \(image netq-test\/batfish-slow\)/);
      assert.match(run.stderr, /container log \(last 50 lines\):\n.*simulated JVM start/);
      assert.match(run.stderr, /hint: .*--startup-timeout/);
      assert.deepEqual(containers(), []);
    });

    it('names the image and the fix when a requested image cannot be pulled', async () => {
      const run = await netq([...nyc, '--image', 'netq-test/not-built:1']);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /netq: error: could not pull netq-test\/not-built:1: /);
      assert.match(run.stderr, /hint: check the name and your access to its registry .*docker load .*--batfish-url/);
      assert.deepEqual(containers(), []);
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
});
