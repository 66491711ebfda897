import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import lockfile from 'proper-lockfile';
import {
  BATFISH_CONTAINER_PORT,
  CONTAINER_LOG,
  LABELS,
  MANAGED_BY,
  NETQ_BATFISH_IMAGE,
  PINNED_BATFISH_IMAGE,
  type ContainerManagerOptions,
  type StartOptions,
} from '../../src/docker/container-settings.js';
import { BatfishContainers } from '../../src/docker/lifecycle.js';
import type { ContainerSpec } from '../../src/docker/engine.js';
import { NETQ_NAMES, dockerNamesOf } from '../../src/docker/names.js';
import { ContainerLeases, OWNER_LABELS, type HostProcesses, type ProcessIdentity } from '../../src/docker/owners.js';
import { DockerError, InputError } from '../../src/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeDockerEngine } from '../support/fake-engine.js';

const IMAGE = 'batfish/batfish:test';
const NETQ_LABELS = { [LABELS.managedBy]: MANAGED_BY, [LABELS.ephemeral]: 'false' };
const START: Omit<StartOptions, 'ephemeral'> = { image: IMAGE, startupTimeoutMs: 180_000 };
const SELF: ProcessIdentity = { pid: 4242, bootId: 'boot-1', pidNamespace: 'pid:[4026531836]' };

/** This machine's processes as the tests set them: `alive` pids run, every other one is free. */
class FakeProcesses implements HostProcesses {
  readonly alive = new Set<number>([SELF.pid]);
  self(): ProcessIdentity {
    return SELF;
  }
  isGone(owner: ProcessIdentity): boolean {
    return owner.bootId === SELF.bootId && owner.pidNamespace === SELF.pidNamespace && !this.alive.has(owner.pid);
  }
  pidAlive(pid: number): boolean {
    return this.alive.has(pid);
  }
}

let stateRoot: string;
let stateDirs = 0;
before(async () => {
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'netq-lifecycle-'));
});
after(() => rm(stateRoot, { recursive: true, force: true }));

/** A container manager on a fake engine, fake clock and fake processes, with its own state folder. */
function setup(overrides: Partial<ContainerManagerOptions> = {}) {
  const engine = new FakeDockerEngine({ images: [IMAGE] });
  const clock = new FakeClock();
  const processes = new FakeProcesses();
  const phases: string[] = [];
  const notices: string[] = [];
  const warnings: string[] = [];
  const stateDir = path.join(stateRoot, `state-${++stateDirs}`);
  const options: ContainerManagerOptions = {
    engine,
    clock,
    newId: () => '0123456789abcdef-uuid',
    netqVersion: '9.9.9',
    stateDir,
    processes,
    probe: engine.answers,
    onPhase: (text) => phases.push(text),
    onNotice: (text) => notices.push(text),
    onWarning: (text) => warnings.push(text),
    ...overrides,
  };
  const containers = new BatfishContainers(options);
  /** Another netq process of this machine, with the same state folder. */
  const other = (pid: number) => {
    processes.alive.add(pid);
    const identity = { ...SELF, pid };
    return new ContainerLeases(path.join(stateDir, 'netq-users'), { ...processes, self: () => identity, isGone: () => false, pidAlive: (p) => processes.alive.has(p) });
  };
  return { engine, clock, processes, phases, notices, warnings, stateDir, containers, other };
}

/** The spec of the one container the manager created. */
function createdSpec(engine: FakeDockerEngine): ContainerSpec {
  const creates = engine.callsTo('createContainer');
  assert.equal(creates.length, 1, 'one container created');
  return creates[0]![0] as ContainerSpec;
}

/** Runs `promise`, which must reject, and returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/** The lease files of the state folder. */
async function leases(stateDir: string): Promise<string[]> {
  return readdir(path.join(stateDir, 'netq-users')).catch(() => []);
}

describe('BatfishContainers.ensure', () => {
  it('reuses the running shared container without creating or pulling anything, and holds a lease while used', async () => {
    const { engine, containers, stateDir, warnings } = setup();
    const running = engine.addContainer({ labels: NETQ_LABELS });
    const managed = await containers.ensure({ startupTimeoutMs: 180_000 });
    assert.equal(managed.started, false);
    assert.equal(managed.id, running.id);
    assert.equal(managed.url, `http://127.0.0.1:${running.hostPort}`);
    assert.deepEqual(engine.callsTo('createContainer'), []);
    assert.deepEqual(engine.callsTo('pullImage'), []);
    assert.deepEqual(engine.callsTo('inspectImage'), [], 'no image is looked for when none is started');
    assert.ok(engine.callsTo('listContainers').every((args) => JSON.stringify(args) === JSON.stringify([{ [LABELS.managedBy]: MANAGED_BY }])), 'found by label, never by name');
    assert.deepEqual(await leases(stateDir), [`${running.id}.${SELF.pid}`]);
    await managed.release();
    await managed.release();
    assert.deepEqual(await leases(stateDir), []);
    assert.deepEqual(warnings, []);
  });

  it('starts one when only ephemeral, stopped or foreign containers exist, removes the stopped one, and leaves the new one running', async () => {
    const { engine, containers, stateDir, notices } = setup();
    const ephemeral = engine.addContainer({ labels: { ...NETQ_LABELS, [LABELS.ephemeral]: 'true' } });
    const killed = engine.addContainer({ name: 'netq-batfish-killed', labels: NETQ_LABELS, running: false, state: 'exited', exitCode: 137, oomKilled: true });
    const neverStarted = engine.addContainer({ name: 'netq-batfish-created', labels: NETQ_LABELS, running: false, state: 'created' });
    const foreign = engine.addContainer({ labels: { 'com.example.other': 'yes' } });
    const managed = await containers.ensure({ image: IMAGE, startupTimeoutMs: 180_000 });
    assert.equal(managed.started, true);
    assert.equal(managed.url, `http://127.0.0.1:${managed.info.hostPort}`);
    assert.deepEqual(
      engine.containers.map((c) => c.id).sort(),
      [ephemeral.id, foreign.id, managed.id].sort(),
      'the stopped netq containers are removed, the ephemeral and foreign ones kept',
    );
    assert.ok(engine.containers.some((c) => c.id === managed.id && c.running), 'left running for the next command');
    assert.deepEqual(engine.callsTo('removeContainer'), [[killed.id], [neverStarted.id]]);
    assert.deepEqual(notices, [
      'removed Batfish netq-batfish-killed, which had exited (code 137, out of memory)',
      'removed Batfish netq-batfish-created, which had never started',
    ]);
    assert.equal(createdSpec(engine).labels[LABELS.ephemeral], 'false');
    assert.ok(!existsSync(path.join(stateDir, 'netq-start.lock')), 'the start lock is released');
  });

  it('pings the engine once per manager and fails with its error when it is unreachable', async () => {
    const { engine, containers } = setup();
    await containers.list();
    await containers.ensure(START);
    assert.equal(engine.callsTo('ping').length, 1);
    const down = setup();
    down.engine.unreachable = new DockerError('Docker is not reachable at unix:///var/run/docker.sock');
    await assert.rejects(down.containers.ensure(START), /Docker is not reachable/);
    assert.deepEqual(down.engine.callsTo('createContainer'), []);
  });

  it('waits for another netq that holds the start lock, then reuses the container it started', async () => {
    const { engine, clock, phases, stateDir, containers } = setup();
    await mkdir(stateDir, { recursive: true });
    const release = await lockfile.lock(path.join(stateDir, 'netq-start'), { realpath: false });
    let other: string | undefined;
    clock.onSleep(() => {
      if (clock.sleepsMs.length !== 2) return;
      // The other netq finishes its start while this one waits.
      other = engine.addContainer({ labels: NETQ_LABELS }).id;
      void release();
    });
    const managed = await containers.ensure(START);
    assert.equal(managed.started, false);
    assert.equal(managed.id, other);
    assert.deepEqual(clock.sleepsMs, [250, 250]);
    assert.ok(phases.includes('waiting for the Batfish another netq is starting'));
    assert.deepEqual(engine.callsTo('createContainer'), []);
  });

  it('gives up on a lock held past the startup timeout, saying which lock', async () => {
    const { engine, clock, stateDir, containers } = setup();
    await mkdir(stateDir, { recursive: true });
    const release = await lockfile.lock(path.join(stateDir, 'netq-start'), { realpath: false });
    try {
      const started = clock.now();
      const error = await rejection(containers.ensure({ ...START, startupTimeoutMs: 1000 }));
      assert.ok(error instanceof DockerError);
      assert.equal(error.message, 'another netq is still starting Batfish');
      assert.equal(error.hint, `wait for it, or remove the lock ${path.join(stateDir, 'netq-start')}.lock if no netq is running`);
      // Tries every 250 ms and gives up at the first try after the timeout has passed.
      assert.deepEqual(clock.sleepsMs, [250, 250, 250, 250, 250]);
      assert.equal(clock.now() - started, 1250);
      assert.deepEqual(engine.callsTo('createContainer'), []);
    } finally {
      await release();
    }
  });

  it('waits for a running container that does not answer yet (its netq died while starting it), then uses it', async () => {
    const { engine, clock, phases, containers } = setup();
    const starting = engine.addContainer({ name: 'netq-batfish-starting', labels: NETQ_LABELS }, { kind: 'ready', afterInspects: 4 });
    const managed = await containers.ensure(START);
    assert.equal(managed.started, false);
    assert.equal(managed.id, starting.id);
    assert.deepEqual(clock.sleepsMs, [250, 375, 562.5]);
    assert.ok(phases.includes(`waiting for Batfish netq-batfish-starting, which another netq started, to answer (port ${starting.hostPort})`));
    assert.deepEqual(engine.callsTo('createContainer'), []);
  });

  it('gives up on a running container that never answers, with its log and how to replace it', async () => {
    const { engine, clock, containers } = setup();
    const hung = engine.addContainer({ name: 'netq-batfish-hung', labels: NETQ_LABELS }, { kind: 'never-ready' });
    const started = clock.now();
    const error = await rejection(containers.ensure({ ...START, startupTimeoutMs: 20_000 }));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, 'Batfish netq-batfish-hung is running but did not answer within 20s');
    assert.match(error.hint ?? '', /--restart to replace it \(or netq service stop to remove it\)/);
    assert.ok(clock.now() - started <= 20_000);
    assert.deepEqual(engine.containers.map((c) => c.id), [hung.id], 'left as it is: another netq may be using it');
  });

  it('starts a new container when the one it waits for exits meanwhile', async () => {
    const { engine, containers, notices } = setup();
    const dying = engine.addContainer({ name: 'netq-batfish-dying', labels: NETQ_LABELS }, { kind: 'exits', exitCode: 1, afterInspects: 2 });
    const managed = await containers.ensure(START);
    assert.equal(managed.started, true);
    assert.notEqual(managed.id, dying.id);
    assert.deepEqual(engine.containers.map((c) => c.id), [managed.id]);
    assert.deepEqual(notices, ['removed Batfish netq-batfish-dying, which had exited (code 1)']);
  });

  it('resumes a paused container and says so', async () => {
    const { engine, containers, notices } = setup();
    const paused = engine.addContainer({ name: 'netq-batfish-paused', labels: NETQ_LABELS });
    engine.pause(paused.id);
    const managed = await containers.ensure(START);
    assert.equal(managed.id, paused.id);
    assert.deepEqual(engine.callsTo('unpauseContainer'), [[paused.id]]);
    assert.deepEqual(notices, ['Batfish netq-batfish-paused was paused (docker pause); netq resumed it']);
    assert.equal(engine.containers[0]!.state, 'running');
  });

  it('says which flags the running container does not have, and what to run, but uses it', async () => {
    const { engine, containers, warnings } = setup();
    engine.images.add('batfish/batfish:other');
    const running = engine.addContainer({
      name: 'netq-batfish-running',
      labels: NETQ_LABELS,
      hostPort: 49999,
      memoryLimitBytes: 4 * 1024 ** 3,
      env: ['PATH=/usr/bin', 'JAVA_TOOL_OPTIONS=-Xss2m'],
    });
    const managed = await containers.ensure({ image: 'batfish/batfish:other', hostPort: 9996, memoryBytes: 8 * 1024 ** 3, jvmOpts: '-Xss4m', startupTimeoutMs: 1000 });
    assert.equal(managed.id, running.id);
    assert.deepEqual(warnings, [
      'Batfish netq-batfish-running is already running, and not as asked: --image batfish/batfish:other (it runs batfish/batfish:test); ' +
        '--memory 8g (it has 4g); --port 9996 (it listens on 49999); --jvm-opts=-Xss4m (it has -Xss2m); netq uses it as it is. ' +
        'To apply the flags: add --restart (replaces it when no other netq uses it), or netq service stop first',
    ]);
    assert.deepEqual(engine.callsTo('pullImage'), []);
  });

  it('says nothing when the flags match, or name the same image another way', async () => {
    const { engine, containers, warnings } = setup();
    engine.addContainer({ labels: NETQ_LABELS, image: 'batfish/batfish:test', hostPort: 49999, memoryLimitBytes: 2 * 1024 ** 3, env: ['JAVA_TOOL_OPTIONS=-Xss4m'] });
    await containers.ensure({ image: 'docker.io/batfish/batfish:test', hostPort: 49999, memoryBytes: 2 * 1024 ** 3, jvmOpts: '-Xss4m', startupTimeoutMs: 1000 });
    await containers.ensure(START);
    assert.deepEqual(warnings, []);
  });

  it('says so when the tag asked for now names a newer build than the one running', async () => {
    const { engine, containers, warnings } = setup();
    engine.addContainer({ name: 'netq-batfish-old', labels: NETQ_LABELS, image: IMAGE, imageId: 'sha256:an-earlier-build' });
    await containers.ensure({ image: IMAGE, startupTimeoutMs: 1000 });
    assert.match(warnings[0] ?? '', /--image batfish\/batfish:test \(it runs an earlier build of batfish\/batfish:test\)/);
  });

  it('--restart replaces the running container when no other netq uses it (leases of gone processes do not count)', async () => {
    const { engine, containers, notices, stateDir, other, processes } = setup();
    const old = engine.addContainer({ name: 'netq-batfish-old', labels: NETQ_LABELS, memoryLimitBytes: 4 * 1024 ** 3 });
    await (await other(5001)).take(old.id);
    processes.alive.delete(5001); // that netq was killed without releasing its lease
    const managed = await containers.ensure({ ...START, memoryBytes: 8 * 1024 ** 3, restart: true });
    assert.equal(managed.started, true);
    assert.deepEqual(engine.containers.map((c) => c.id), [managed.id]);
    assert.equal(managed.info.memoryLimitBytes, 8 * 1024 ** 3);
    assert.deepEqual(notices, ['removed Batfish netq-batfish-old to start a new one (--restart)']);
    assert.deepEqual(await leases(stateDir), [`${managed.id}.${SELF.pid}`], 'the stale lease is gone');
  });

  it('--restart leaves the container to another netq that is using it, and says so', async () => {
    const { engine, containers, warnings, other } = setup();
    const used = engine.addContainer({ name: 'netq-batfish-used', labels: NETQ_LABELS });
    const release = await (await other(5002)).take(used.id);
    const managed = await containers.ensure({ ...START, memoryBytes: 8 * 1024 ** 3, restart: true });
    assert.equal(managed.id, used.id);
    assert.deepEqual(engine.callsTo('removeContainer'), []);
    assert.deepEqual(warnings, [
      '--restart: Batfish netq-batfish-used is in use by 1 other netq process (pid 5002), and not as asked: --memory 8g (it has no limit); ' +
        'netq uses it as it is. Run --restart again when they are done, or netq service stop (which stops it for them too)',
    ]);
    await release();
    const replaced = await containers.ensure({ ...START, restart: true });
    assert.equal(replaced.started, true, 'replaced once that netq is done');
  });

  it('removes --ephemeral containers whose netq is gone, and keeps those it cannot judge', async () => {
    const { engine, containers, notices, processes } = setup();
    processes.alive.add(7001);
    const owner = (pid: number, bootId = SELF.bootId, pidNamespace = SELF.pidNamespace) => ({
      [OWNER_LABELS.pid]: String(pid),
      [OWNER_LABELS.bootId]: bootId,
      [OWNER_LABELS.pidNamespace]: pidNamespace,
    });
    const ephemeral = { ...NETQ_LABELS, [LABELS.ephemeral]: 'true' };
    const orphan = engine.addContainer({ name: 'netq-batfish-orphan', labels: { ...ephemeral, ...owner(7000) } });
    const live = engine.addContainer({ labels: { ...ephemeral, ...owner(7001) } });
    const otherBoot = engine.addContainer({ labels: { ...ephemeral, ...owner(7000, 'boot-0') } });
    const otherNamespace = engine.addContainer({ labels: { ...ephemeral, ...owner(7000, SELF.bootId, 'pid:[1]') } });
    const unlabelled = engine.addContainer({ labels: ephemeral });
    const managed = await containers.ensure(START);
    assert.ok(!engine.containers.some((c) => c.id === orphan.id));
    assert.deepEqual(
      engine.containers.map((c) => c.id).sort(),
      [live.id, otherBoot.id, otherNamespace.id, unlabelled.id, managed.id].sort(),
    );
    assert.deepEqual(notices, ['removed netq-batfish-orphan, an --ephemeral Batfish left by netq pid 7000, which is gone']);
  });
});

describe('BatfishContainers.startEphemeral', () => {
  it('labels its container with its owner, removes orphans first, and removes its own on release', async () => {
    const { engine, containers, notices } = setup();
    const orphan = engine.addContainer({
      name: 'netq-batfish-orphan',
      labels: { ...NETQ_LABELS, [LABELS.ephemeral]: 'true', [OWNER_LABELS.pid]: '7000', [OWNER_LABELS.bootId]: SELF.bootId, [OWNER_LABELS.pidNamespace]: SELF.pidNamespace },
    });
    const managed = await containers.startEphemeral({ image: IMAGE, startupTimeoutMs: 1000 });
    assert.deepEqual(engine.callsTo('removeContainer'), [[orphan.id]]);
    assert.equal(notices.length, 1);
    const { labels } = createdSpec(engine);
    assert.equal(labels[LABELS.ephemeral], 'true');
    assert.equal(labels[OWNER_LABELS.pid], String(SELF.pid));
    assert.equal(labels[OWNER_LABELS.bootId], SELF.bootId);
    assert.equal(labels[OWNER_LABELS.pidNamespace], SELF.pidNamespace);
    await managed.release();
    await managed.release();
    assert.deepEqual(engine.containers, []);
    assert.equal(engine.callsTo('removeContainer').length, 2, 'removed once');
  });
});

describe('BatfishContainers.start', () => {
  it("creates the container on netq's network, with labels, a loopback publish of 9996, a capped log, memory and JVM options", async () => {
    const { engine, containers } = setup();
    const managed = await containers.start({
      image: IMAGE,
      hostPort: 19996,
      memoryBytes: 8 * 1024 ** 3,
      jvmOpts: '-XX:+UseG1GC',
      startupTimeoutMs: 1000,
      ephemeral: true,
    });
    assert.deepEqual(createdSpec(engine), {
      name: 'netq-batfish-01234567',
      image: IMAGE,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.version]: '9.9.9',
        [LABELS.image]: IMAGE,
        [LABELS.ephemeral]: 'true',
        [OWNER_LABELS.pid]: String(SELF.pid),
        [OWNER_LABELS.bootId]: SELF.bootId,
        [OWNER_LABELS.pidNamespace]: SELF.pidNamespace,
      },
      env: ['JAVA_TOOL_OPTIONS=-XX:+UseG1GC'],
      publish: { containerPort: BATFISH_CONTAINER_PORT, hostIp: '127.0.0.1', hostPort: 19996 },
      network: 'netq-batfish',
      log: { maxSize: '10m', maxFiles: 3 },
      memoryBytes: 8 * 1024 ** 3,
    });
    assert.deepEqual(CONTAINER_LOG, { maxSize: '10m', maxFiles: 3 });
    assert.equal(managed.url, 'http://127.0.0.1:19996');
  });

  it("creates netq's labelled bridge network once, and never takes a network netq did not create", async () => {
    const { engine, containers } = setup();
    await containers.start({ ...START, ephemeral: false });
    await containers.start({ ...START, ephemeral: false });
    assert.deepEqual(engine.callsTo('createNetwork'), [['netq-batfish', { [LABELS.managedBy]: MANAGED_BY, [LABELS.version]: '9.9.9' }]]);
    assert.deepEqual(engine.callsTo('inspectNetwork'), [['netq-batfish']], 'looked up once per manager');
    const foreign = setup();
    foreign.engine.networks.set('netq-batfish', { id: 'n1', name: 'netq-batfish', driver: 'bridge', labels: {} });
    const error = await rejection(foreign.containers.start({ ...START, ephemeral: false }));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, 'a Docker network named netq-batfish exists, but netq did not create it');
    assert.deepEqual(foreign.engine.callsTo('createContainer'), []);
  });

  it('labels shared containers with no owner: they outlive the netq that starts them', async () => {
    const { engine, containers } = setup();
    await containers.start({ ...START, ephemeral: false });
    assert.ok(!Object.keys(createdSpec(engine).labels).some((k) => k.startsWith('io.netq.owner')));
  });

  it('lets the engine pick the port and sets no memory limit or JVM options unless asked', async () => {
    const { engine, containers } = setup();
    const managed = await containers.start({ image: IMAGE, startupTimeoutMs: 1000, ephemeral: false });
    const spec = createdSpec(engine);
    assert.deepEqual(spec.publish, { containerPort: '9996/tcp', hostIp: '127.0.0.1', hostPort: 0 });
    assert.deepEqual(spec.env, []);
    assert.ok(!('memoryBytes' in spec));
    assert.match(managed.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(managed.url, `http://127.0.0.1:${managed.info.hostPort}`);
  });

  it('fails with the engine error, and leaves nothing behind, when the image is missing', async () => {
    const { engine, containers } = setup();
    await assert.rejects(containers.start({ ...START, image: 'netq-test/missing:1', ephemeral: false }), /No such image: netq-test\/missing:1/);
    assert.deepEqual(engine.containers, []);
    assert.deepEqual(engine.callsTo('startContainer'), []);
  });

  it('checks readiness with a growing interval until Batfish answers', async () => {
    const { engine, clock, phases, containers } = setup();
    engine.script = { kind: 'ready', afterInspects: 5 };
    const managed = await containers.start({ ...START, ephemeral: false });
    assert.equal(managed.started, true);
    assert.deepEqual(clock.sleepsMs, [250, 375, 562.5, 843.75]);
    assert.equal(engine.callsTo('inspectContainer').length, 5);
    assert.equal(phases.filter((p) => p.startsWith(`starting Batfish (container ${managed.id.slice(0, 12)}, port ${managed.info.hostPort})`)).length, 5);
    assert.deepEqual(engine.callsTo('removeContainer'), []);
  });

  it('grows the interval to at most 2 s', async () => {
    const { engine, clock, containers } = setup();
    engine.script = { kind: 'ready', afterInspects: 10 };
    await containers.start({ ...START, ephemeral: false });
    assert.deepEqual(clock.sleepsMs.slice(5), [1898.4375, 2000, 2000, 2000]);
  });

  it('removes a container that does not answer in time and shows its last 50 log lines', async () => {
    const { engine, clock, containers } = setup();
    engine.script = { kind: 'never-ready' };
    engine.logLineCount = 80;
    const started = clock.now();
    const error = await rejection(containers.start({ image: IMAGE, startupTimeoutMs: 10_000, ephemeral: false }));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, `Batfish did not answer within 10s (image ${IMAGE})`);
    assert.equal(error.hint, 'a large heap takes longer to start: raise --startup-timeout, or check the log above');
    const tail = Array.from({ length: 50 }, (_, i) => `batfish log line ${i + 31}`).join('\n');
    assert.equal(error.details, `container log (last 50 lines):\n${tail}`);
    assert.ok(clock.now() - started <= 10_000, 'never sleeps past the startup timeout');
    assert.ok(clock.now() - started > 8000, 'waits until the next check would pass the timeout');
    assert.deepEqual(engine.containers, [], 'the container is removed');
    const [created] = engine.callsTo('startContainer');
    assert.deepEqual(engine.callsTo('removeContainer'), [created]);
  });

  it('removes a container that exits while starting, with its exit code and log', async () => {
    const { engine, containers } = setup();
    engine.script = { kind: 'exits', exitCode: 1, afterInspects: 3 };
    engine.logLineCount = 3;
    const error = await rejection(containers.start({ ...START, ephemeral: false }));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, `Batfish exited while starting (image ${IMAGE}, exit code 1)`);
    assert.equal(error.details, 'container log (last 50 lines):\nbatfish log line 1\nbatfish log line 2\nbatfish log line 3');
    assert.equal(error.hint, 'the container log above says why; check --image and --jvm-opts');
    assert.deepEqual(engine.containers, []);
  });

  it('says the exit code is unknown when the container vanished while starting', async () => {
    const { engine, clock, containers } = setup();
    engine.script = { kind: 'never-ready' };
    clock.onSleep(() => {
      for (const c of engine.containers) void engine.removeContainer(c.id);
    });
    const error = await rejection(containers.start({ ...START, ephemeral: false }));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, `Batfish exited while starting (image ${IMAGE}, exit code unknown)`);
  });

  it('gives a --memory hint when the container is killed for memory', async () => {
    const { engine, containers } = setup();
    engine.script = { kind: 'oom', afterInspects: 2 };
    const limited = await rejection(containers.start({ ...START, memoryBytes: 2 * 1024 ** 3, ephemeral: false }));
    assert.ok(limited instanceof DockerError);
    assert.equal(limited.message, 'Batfish ran out of memory while starting (container exit code 137, OOMKilled true)');
    assert.equal(limited.hint, "give it more memory with --memory (now 2g); Batfish's heap is 80% of it");
    assert.match(limited.details ?? '', /^container log \(last 50 lines\):\n/);
    assert.deepEqual(engine.containers, []);
    const unlimited = await rejection(containers.start({ ...START, ephemeral: false }));
    assert.ok(unlimited instanceof DockerError);
    assert.match(unlimited.hint ?? '', /--memory \(now no limit\)/);
  });

  it('removes the half-started container when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const interrupt = new Error('interrupted by SIGINT');
    const { engine, clock, containers } = setup({ signal: controller.signal });
    engine.script = { kind: 'never-ready' };
    clock.onSleep(() => {
      if (clock.sleepsMs.length === 3) controller.abort(interrupt);
    });
    const error = await rejection(containers.start({ ...START, ephemeral: false }));
    assert.equal(error, interrupt);
    assert.deepEqual(engine.containers, []);
    assert.equal(engine.callsTo('removeContainer').length, 1);
    assert.deepEqual(engine.callsTo('logs'), [], 'an interrupt is not a failure: no log tail');
  });

  it('removes the container when the signal has aborted before the first check', async () => {
    const interrupt = new Error('interrupted by SIGTERM');
    const { engine, containers } = setup({ signal: AbortSignal.abort(interrupt) });
    assert.equal(await rejection(containers.start({ ...START, ephemeral: false })), interrupt);
    assert.deepEqual(engine.containers, []);
  });
});

describe('BatfishContainers.resolveImage', () => {
  it('prefers the requested image, pulling it when missing', async () => {
    const { engine, containers, phases } = setup();
    engine.images.add(NETQ_BATFISH_IMAGE);
    assert.equal(await containers.resolveImage(IMAGE), IMAGE);
    assert.deepEqual(engine.callsTo('pullImage'), []);
    assert.equal(await containers.resolveImage('registry.example/batfish:mirror'), 'registry.example/batfish:mirror');
    assert.deepEqual(engine.callsTo('pullImage'), [['registry.example/batfish:mirror']]);
    assert.deepEqual(phases, [
      'pulling registry.example/batfish:mirror',
      'pulling registry.example/batfish:mirror: Pulling fs layer',
      'pulling registry.example/batfish:mirror: Download complete',
    ]);
  });

  it('takes netq/batfish:local when service build made it', async () => {
    const { engine, containers } = setup();
    engine.images.add(NETQ_BATFISH_IMAGE);
    engine.images.add(PINNED_BATFISH_IMAGE);
    assert.equal(await containers.resolveImage(undefined), NETQ_BATFISH_IMAGE);
    assert.deepEqual(engine.callsTo('pullImage'), []);
  });

  it('falls back to the pinned image, pulled when missing', async () => {
    const { engine, containers } = setup();
    assert.equal(await containers.resolveImage(undefined), PINNED_BATFISH_IMAGE);
    assert.deepEqual(engine.callsTo('pullImage'), [[PINNED_BATFISH_IMAGE]]);
    assert.ok(engine.images.has(PINNED_BATFISH_IMAGE));
    assert.equal(await containers.resolveImage(undefined), PINNED_BATFISH_IMAGE);
    assert.equal(engine.callsTo('pullImage').length, 1, 'pulled once');
  });

  it('says what works without the registry when the pinned image cannot be pulled', async () => {
    const { engine, containers } = setup();
    engine.pullFailure = new DockerError(`could not pull ${PINNED_BATFISH_IMAGE}: dial tcp: lookup registry-1.docker.io: no such host`);
    const error = await rejection(containers.resolveImage(undefined));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, engine.pullFailure.message);
    assert.equal(
      error.hint,
      `without access to its registry: run a mirror of it with --image or NETQ_BATFISH_IMAGE (e.g. registry.example.com/${PINNED_BATFISH_IMAGE}), ` +
        `load a saved copy (docker save ${PINNED_BATFISH_IMAGE} -o batfish.tar where it can be pulled, then docker load -i batfish.tar here), ` +
        'or use a Batfish that runs elsewhere with --batfish-url http://HOST:9996',
    );
    assert.doesNotMatch(error.hint ?? '', /service build/, 'building needs the same image');
  });

  it('says to check the name, or load a copy, when a requested image cannot be pulled', async () => {
    const { engine, containers } = setup();
    engine.pullFailure = new DockerError('could not pull registry.example/batfish:mirror: manifest unknown');
    const error = await rejection(containers.resolveImage('registry.example/batfish:mirror'));
    assert.ok(error instanceof DockerError);
    assert.match(error.hint ?? '', /^check the name and your access to its registry \(docker login\); without that registry: load a saved copy \(docker save registry\.example\/batfish:mirror/);
    assert.match(error.hint ?? '', /--batfish-url/);
  });
});

describe('BatfishContainers.removeAll', () => {
  it('stops and removes every container labelled as netq, oldest first, and nothing else', async () => {
    const { engine, containers, phases } = setup();
    const newer = engine.addContainer({ name: 'netq-batfish-newer', labels: NETQ_LABELS, startedAt: '2026-02-01T00:00:00Z' });
    const older = engine.addContainer({
      name: 'netq-batfish-older',
      labels: { ...NETQ_LABELS, [LABELS.ephemeral]: 'true' },
      startedAt: '2026-01-01T00:00:00Z',
    });
    const stopped = engine.addContainer({ name: 'netq-batfish-stopped', labels: NETQ_LABELS, running: false, state: 'exited', startedAt: '2026-03-01T00:00:00Z' });
    const foreign = engine.addContainer({ name: 'someone-else', labels: { 'com.example.app': 'db' } });
    assert.deepEqual(await containers.removeAll(), [older.id, newer.id, stopped.id]);
    assert.deepEqual(engine.callsTo('stopContainer'), [[older.id, 10], [newer.id, 10], [stopped.id, 10]]);
    assert.deepEqual(engine.callsTo('removeContainer'), [[older.id], [newer.id], [stopped.id]]);
    assert.deepEqual(engine.containers.map((c) => c.id), [foreign.id]);
    assert.deepEqual(phases, ['stopping netq-batfish-older', 'stopping netq-batfish-newer', 'stopping netq-batfish-stopped']);
  });

  it("removes netq's network with its containers, but never a network netq did not create", async () => {
    const { engine, containers } = setup();
    await containers.start({ ...START, ephemeral: false });
    assert.ok(engine.networks.has('netq-batfish'));
    await containers.removeAll();
    assert.deepEqual(engine.containers, []);
    assert.ok(!engine.networks.has('netq-batfish'));
    const foreign = setup();
    foreign.engine.networks.set('netq-batfish', { id: 'n1', name: 'netq-batfish', driver: 'bridge', labels: {} });
    await foreign.containers.removeAll();
    assert.deepEqual(foreign.engine.callsTo('removeNetwork'), []);
  });

  it('returns nothing when netq has no containers', async () => {
    const { containers } = setup();
    assert.deepEqual(await containers.removeAll(), []);
  });
});

describe('BatfishContainers.buildImage and baseImageOf', () => {
  it('builds Dockerfile-batfish on the pinned image as netq/batfish:local by default, and reads the base back', async () => {
    const { engine, containers } = setup();
    engine.images.add(PINNED_BATFISH_IMAGE);
    assert.deepEqual(await containers.buildImage({ contextDir: '/pkg' }, () => {}), { tag: NETQ_BATFISH_IMAGE, base: PINNED_BATFISH_IMAGE });
    assert.deepEqual(engine.callsTo('buildImage')[0]![0], {
      contextDir: '/pkg',
      files: ['Dockerfile-batfish'],
      dockerfile: 'Dockerfile-batfish',
      tag: NETQ_BATFISH_IMAGE,
      buildArgs: { BATFISH_IMAGE: PINNED_BATFISH_IMAGE },
    });
    const running = engine.addContainer({ labels: NETQ_LABELS, image: NETQ_BATFISH_IMAGE });
    assert.equal(await containers.baseImageOf(running), PINNED_BATFISH_IMAGE);
    assert.equal(await containers.baseImageOf(engine.addContainer({ labels: NETQ_LABELS, image: IMAGE })), undefined);
  });

  it('names the base and what to do when the base is not here', async () => {
    const { containers } = setup();
    const error = await rejection(containers.buildImage({ contextDir: '/pkg', base: 'registry.example/batfish:1', tag: 'netq-test/x' }, () => {}));
    assert.ok(error instanceof DockerError);
    assert.match(error.message, /\(base image registry\.example\/batfish:1\)$/);
    assert.match(error.hint ?? '', /docker load a saved copy \(docker save registry\.example\/batfish:1 -o batfish\.tar/);
  });
});

describe('Docker names', () => {
  it("are netq's own unless NETQ_DOCKER_NAMESPACE gives a namespace", () => {
    assert.equal(dockerNamesOf({}), NETQ_NAMES);
    assert.deepEqual(NETQ_NAMES, {
      owner: 'netq',
      containerPrefix: 'netq-batfish',
      network: 'netq-batfish',
      localImage: 'netq/batfish:local',
      pinnedImage: 'batfish/batfish:2025.07.07.2423',
    });
    assert.deepEqual(dockerNamesOf({ NETQ_DOCKER_NAMESPACE: 'test' }), {
      owner: 'netq-test',
      containerPrefix: 'netq-test-batfish',
      network: 'netq-test-batfish',
      localImage: 'netq-test/batfish:local',
      pinnedImage: 'netq-test/batfish:upstream',
    });
    assert.throws(() => dockerNamesOf({ NETQ_DOCKER_NAMESPACE: 'Bad Name' }), InputError);
  });

  it('in a namespace, label, name, network, images and lock are all its own', async () => {
    const names = dockerNamesOf({ NETQ_DOCKER_NAMESPACE: 'test' });
    const { engine, containers, stateDir } = setup({ names });
    engine.images.add('netq-test/batfish:upstream');
    engine.addContainer({ labels: NETQ_LABELS }); // netq's own: not seen
    const managed = await containers.ensure({ startupTimeoutMs: 1000 });
    assert.equal(managed.started, true);
    const spec = createdSpec(engine);
    assert.equal(spec.image, 'netq-test/batfish:upstream');
    assert.equal(spec.labels[LABELS.managedBy], 'netq-test');
    assert.match(spec.name, /^netq-test-batfish-[0-9a-f]{8}$/);
    assert.equal(spec.network, 'netq-test-batfish');
    assert.deepEqual(engine.callsTo('inspectImage').slice(0, 1), [['netq-test/batfish:local']]);
    assert.deepEqual(await readdir(path.join(stateDir, 'netq-test-users')), [`${managed.id}.${SELF.pid}`]);
  });
});

describe('ContainerLeases', () => {
  it('counts the live processes holding a lease, not this one, and deletes the leases of gone ones', async () => {
    const dir = path.join(stateRoot, 'leases');
    const processes = new FakeProcesses();
    processes.alive.add(100);
    const mine = new ContainerLeases(dir, processes);
    await mine.take('c1');
    await writeFile(path.join(dir, 'c1.100'), JSON.stringify({ ...SELF, pid: 100 }));
    await writeFile(path.join(dir, 'c1.101'), JSON.stringify({ ...SELF, pid: 101 }));
    await writeFile(path.join(dir, 'c1.102'), JSON.stringify({ ...SELF, pid: 100, bootId: 'an earlier boot' }).replace('"pid":100', '"pid":102'));
    await writeFile(path.join(dir, 'c2.100'), JSON.stringify({ ...SELF, pid: 100 }));
    processes.alive.add(102);
    assert.deepEqual(await mine.holders('c1'), [100]);
    assert.deepEqual((await readdir(dir)).sort(), ['c1.100', `c1.${SELF.pid}`, 'c2.100'], 'the gone and earlier-boot leases are deleted');
    await mine.forget('c1');
    assert.deepEqual(await readdir(dir), ['c2.100']);
  });
});
