import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import lockfile from 'proper-lockfile';
import {
  BATFISH_CONTAINER_PORT,
  BatfishContainers,
  LABELS,
  MANAGED_BY,
  NETQ_BATFISH_IMAGE,
  PINNED_BATFISH_IMAGE,
  type ContainerManagerOptions,
  type StartOptions,
} from '../../src/docker/lifecycle.js';
import type { ContainerSpec } from '../../src/docker/engine.js';
import { DockerError } from '../../src/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeDockerEngine } from '../support/fake-engine.js';

const IMAGE = 'batfish/batfish:test';
const NETQ_LABELS = { [LABELS.managedBy]: MANAGED_BY, [LABELS.ephemeral]: 'false' };
const START: Omit<StartOptions, 'ephemeral'> = { image: IMAGE, startupTimeoutMs: 180_000 };

let stateRoot: string;
let stateDirs = 0;
before(async () => {
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'netq-lifecycle-'));
});
after(() => rm(stateRoot, { recursive: true, force: true }));

/** A container manager on a fake engine and a fake clock, with its own lock folder. */
function setup(overrides: Partial<ContainerManagerOptions> = {}) {
  const engine = new FakeDockerEngine({ images: [IMAGE] });
  const clock = new FakeClock();
  const phases: string[] = [];
  const stateDir = path.join(stateRoot, `state-${++stateDirs}`);
  const containers = new BatfishContainers({
    engine,
    clock,
    newId: () => '0123456789abcdef-uuid',
    netqVersion: '9.9.9',
    stateDir,
    probe: engine.answers,
    onPhase: (text) => phases.push(text),
    ...overrides,
  });
  return { engine, clock, phases, stateDir, containers };
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

describe('BatfishContainers.ensure', () => {
  it('reuses the running shared container without creating one', async () => {
    const { engine, containers } = setup();
    const running = engine.addContainer({ labels: NETQ_LABELS });
    const managed = await containers.ensure(START);
    assert.equal(managed.started, false);
    assert.equal(managed.id, running.id);
    assert.equal(managed.url, `http://127.0.0.1:${running.hostPort}`);
    assert.deepEqual(engine.callsTo('createContainer'), []);
    assert.deepEqual(engine.callsTo('listContainers'), [[{ [LABELS.managedBy]: MANAGED_BY }]], 'found by label, never by name');
  });

  it('starts one when only ephemeral, stopped or foreign containers exist, and leaves it running', async () => {
    const { engine, containers, stateDir } = setup();
    engine.addContainer({ labels: { ...NETQ_LABELS, [LABELS.ephemeral]: 'true' } });
    engine.addContainer({ labels: NETQ_LABELS, running: false, state: 'exited' });
    engine.addContainer({ labels: { 'com.example.other': 'yes' } });
    const managed = await containers.ensure(START);
    assert.equal(managed.started, true);
    assert.equal(managed.url, `http://127.0.0.1:${managed.info.hostPort}`);
    assert.ok(engine.containers.some((c) => c.id === managed.id && c.running), 'left running for the next command');
    assert.deepEqual(engine.callsTo('startContainer'), [[managed.id]]);
    assert.deepEqual(engine.callsTo('removeContainer'), []);
    assert.equal(createdSpec(engine).labels[LABELS.ephemeral], 'false');
    assert.ok(!existsSync(path.join(stateDir, 'service.lock')), 'the start lock is released');
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
    const release = await lockfile.lock(path.join(stateDir, 'service'), { realpath: false });
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
    assert.ok(phases.includes('waiting for another netq that is starting Batfish'));
    assert.deepEqual(engine.callsTo('createContainer'), []);
  });

  it('gives up on a lock held past the startup timeout, saying which lock', async () => {
    const { engine, clock, stateDir, containers } = setup();
    await mkdir(stateDir, { recursive: true });
    const release = await lockfile.lock(path.join(stateDir, 'service'), { realpath: false });
    try {
      const started = clock.now();
      const error = await rejection(containers.ensure({ ...START, startupTimeoutMs: 1000 }));
      assert.ok(error instanceof DockerError);
      assert.equal(error.message, 'another netq is still starting Batfish');
      assert.equal(error.hint, `wait for it, or remove the lock ${path.join(stateDir, 'service')}.lock if no netq is running`);
      // Tries every 250 ms and gives up at the first try after the timeout has passed.
      assert.deepEqual(clock.sleepsMs, [250, 250, 250, 250, 250]);
      assert.equal(clock.now() - started, 1250);
      assert.deepEqual(engine.callsTo('createContainer'), []);
    } finally {
      await release();
    }
  });
});

describe('BatfishContainers.start', () => {
  it('creates the container with labels, a loopback publish of 9996, memory and JVM options', async () => {
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
      },
      env: ['JAVA_TOOL_OPTIONS=-XX:+UseG1GC'],
      publish: { containerPort: BATFISH_CONTAINER_PORT, hostPort: 19996 },
      memoryBytes: 8 * 1024 ** 3,
    });
    assert.equal(managed.url, 'http://127.0.0.1:19996');
  });

  it('lets the engine pick the port and sets no memory limit or JVM options unless asked', async () => {
    const { engine, containers } = setup();
    const managed = await containers.start({ image: IMAGE, startupTimeoutMs: 1000, ephemeral: false });
    const spec = createdSpec(engine);
    assert.deepEqual(spec.publish, { containerPort: '9996/tcp', hostPort: 0 });
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

  it('fails with the engine error when the pull fails', async () => {
    const { engine, containers } = setup();
    engine.pullFailure = new DockerError(`could not pull ${PINNED_BATFISH_IMAGE}: manifest unknown`);
    await assert.rejects(containers.resolveImage(undefined), (e: unknown) => e === engine.pullFailure);
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

  it('returns nothing when netq has no containers', async () => {
    const { containers } = setup();
    assert.deepEqual(await containers.removeAll(), []);
  });
});
