/**
 * netq's Batfish through a Docker engine on another host (DOCKER_HOST=tcp://docker:2376 from a CI
 * job, ssh://): which address the port is published on, which URL netq connects to, and what it
 * says. The container manager runs on the fake engine (whose readiness probe answers only at an
 * address the container is published on and the client reaches) and the fake clock.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  LOCAL_VIEW,
  announcement,
  engineEndpointOf,
  hostIpOf,
  reachBatfish,
  resolveEngineView,
  type EngineEndpoint,
  type EngineView,
  type ResolveDeps,
} from '../../src/docker/endpoint.js';
import type { ContainerSpec } from '../../src/docker/engine.js';
import { LABELS, MANAGED_BY, type ContainerManagerOptions } from '../../src/docker/container-settings.js';
import { BatfishContainers } from '../../src/docker/lifecycle.js';
import { ContainerLeases, OWNER_LABELS, type HostProcesses, type ProcessIdentity } from '../../src/docker/owners.js';
import { DockerError, InputError } from '../../src/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeDockerEngine } from '../support/fake-engine.js';

const IMAGE = 'batfish/batfish:test';
const NETQ_LABELS = { [LABELS.managedBy]: MANAGED_BY, [LABELS.ephemeral]: 'false' };
const START = { image: IMAGE, startupTimeoutMs: 180_000 };
const SELF: ProcessIdentity = { pid: 4242, bootId: 'boot-1', pidNamespace: 'pid:[4026531836]' };
/** The dind service as a GitLab job sees it: `docker` on the job's network. */
const DIND = '10.213.0.1';
const DIND_ENDPOINT: EngineEndpoint = { kind: 'remote', docker: 'tcp://docker:2376', scheme: 'tcp', host: 'docker', port: 2376 };

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

/** A resolver with fixed answers, recording what it was asked. */
function fakeResolver(addresses: Record<string, string[]>, accepting: string[] = []): ResolveDeps & { lookups: string[]; dialed: Array<[string, number]> } {
  const lookups: string[] = [];
  const dialed: Array<[string, number]> = [];
  return {
    lookups,
    dialed,
    lookup: async (host) => {
      lookups.push(host);
      const found = addresses[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
    connects: async (address, port) => {
      dialed.push([address, port]);
      return accepting.includes(address);
    },
  };
}

/** The view of the dind engine of a GitLab job. */
const dindView = (hostIp?: string): Promise<EngineView> => resolveEngineView(DIND_ENDPOINT, hostIp, fakeResolver({ docker: [DIND] }));

let stateRoot: string;
let stateDirs = 0;
before(async () => {
  stateRoot = await mkdtemp(path.join(os.tmpdir(), 'netq-remote-'));
});
after(() => rm(stateRoot, { recursive: true, force: true }));

/** A container manager whose engine runs on another host (addresses `hostAddresses`), seen through `view`. */
function setup(view: EngineView, hostAddresses: string[] = [DIND], overrides: Partial<ContainerManagerOptions> = {}) {
  const engine = new FakeDockerEngine({ images: [IMAGE] });
  engine.remoteHost(hostAddresses);
  const clock = new FakeClock();
  const processes = new FakeProcesses();
  const notices: string[] = [];
  const warnings: string[] = [];
  const probed: string[] = [];
  const stateDir = path.join(stateRoot, `state-${++stateDirs}`);
  let viewAsked = 0;
  const containers = new BatfishContainers({
    engine,
    clock,
    newId: () => '0123456789abcdef-uuid',
    netqVersion: '9.9.9',
    stateDir,
    processes,
    engineView: async () => {
      viewAsked++;
      return view;
    },
    probe: (url) => {
      probed.push(url);
      return engine.answers(url);
    },
    onNotice: (text) => notices.push(text),
    onWarning: (text) => warnings.push(text),
    ...overrides,
  });
  const other = (pid: number) => {
    processes.alive.add(pid);
    const identity = { ...SELF, pid };
    return new ContainerLeases(path.join(stateDir, 'netq-users'), { ...processes, self: () => identity, isGone: () => false, pidAlive: (p) => processes.alive.has(p) });
  };
  return { engine, clock, containers, notices, warnings, probed, stateDir, other, viewAsked: () => viewAsked };
}

function createdSpecs(engine: FakeDockerEngine): ContainerSpec[] {
  return engine.callsTo('createContainer').map((args) => args[0] as ContainerSpec);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

const NO_AUTH = (reach: string, port: number) =>
  `Batfish has no authentication: whatever can reach ${reach} on port ${port} can use it, and read the snapshots on it, while it runs (netq service stop removes it)`;

describe('the engine DOCKER_HOST names', () => {
  it('is local for unix sockets, named pipes, no DOCKER_HOST and tcp to a loopback address', () => {
    for (const docker of [undefined, '', 'unix:///var/run/docker.sock', 'unix:///run/user/1000/podman/podman.sock', 'npipe:////./pipe/docker_engine', 'tcp://127.0.0.1:2375', 'tcp://localhost:2376', 'tcp://[::1]:2375', '127.0.0.2:2375']) {
      assert.equal(engineEndpointOf({ DOCKER_HOST: docker }).kind, 'local', String(docker));
    }
  });

  it('is remote for tcp and ssh to another host, with the port dockerode dials', () => {
    assert.deepEqual(engineEndpointOf({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1' }), DIND_ENDPOINT);
    assert.deepEqual(engineEndpointOf({ DOCKER_HOST: 'tcp://docker:2375' }), { ...DIND_ENDPOINT, docker: 'tcp://docker:2375', port: 2375 });
    assert.deepEqual(engineEndpointOf({ DOCKER_HOST: 'docker:2375' }), { ...DIND_ENDPOINT, docker: 'docker:2375', port: 2375 });
    assert.deepEqual(engineEndpointOf({ DOCKER_HOST: 'tcp://[2001:db8::5]:2376' }), { kind: 'remote', docker: 'tcp://[2001:db8::5]:2376', scheme: 'tcp', host: '2001:db8::5', port: 2376 });
    assert.deepEqual(engineEndpointOf({ DOCKER_HOST: 'ssh://ci@build.example:2222' }), { kind: 'remote', docker: 'ssh://ci@build.example:2222', scheme: 'ssh', host: 'build.example', port: 2222 });
    assert.equal((engineEndpointOf({ DOCKER_HOST: 'ssh://ci@build.example' }) as { port: number }).port, 22);
  });

  it('NETQ_BATFISH_HOST_IP is an IP address, or exit 2', () => {
    assert.equal(hostIpOf({}), undefined);
    assert.equal(hostIpOf({ NETQ_BATFISH_HOST_IP: '10.0.0.5' }), '10.0.0.5');
    assert.equal(hostIpOf({ NETQ_BATFISH_HOST_IP: '[2001:DB8:0::5]' }), '2001:db8::5');
    assert.throws(() => hostIpOf({ NETQ_BATFISH_HOST_IP: 'docker' }), (error: unknown) => error instanceof InputError && /NETQ_BATFISH_HOST_IP 'docker' is not an IP address/.test(error.message));
  });
});

describe('the address netq reaches the engine host through', () => {
  it('is the one address the host name resolves to, without a probe', async () => {
    const resolver = fakeResolver({ docker: [DIND] });
    const view = await resolveEngineView(DIND_ENDPOINT, undefined, resolver);
    assert.deepEqual(view, { docker: 'tcp://docker:2376', remote: { scheme: 'tcp', host: 'docker', address: DIND }, bindIp: DIND, fromEnv: false });
    assert.deepEqual(resolver.dialed, []);
  });

  it('of several addresses, is the first that accepts a connection on the engine port, in the resolver order', async () => {
    const resolver = fakeResolver({ docker: ['2001:db8::9', '10.213.0.9', DIND, '10.213.0.9'] }, ['10.213.0.9', DIND]);
    const view = await resolveEngineView(DIND_ENDPOINT, undefined, resolver);
    assert.equal(view.bindIp, '10.213.0.9');
    assert.deepEqual(resolver.dialed, [['2001:db8::9', 2376], ['10.213.0.9', 2376]]);
    const none = await resolveEngineView(DIND_ENDPOINT, undefined, fakeResolver({ docker: ['10.213.0.9', DIND] }));
    assert.equal(none.bindIp, '10.213.0.9', 'none accepts now: the first (the engine call says what failed)');
  });

  it('needs no lookup for an address in DOCKER_HOST, IPv6 included', async () => {
    const resolver = fakeResolver({});
    const view = await resolveEngineView({ kind: 'remote', docker: 'tcp://[2001:DB8::5]:2376', scheme: 'tcp', host: '2001:DB8::5', port: 2376 }, undefined, resolver);
    assert.equal(view.bindIp, '2001:db8::5');
    assert.deepEqual(resolver.lookups, []);
  });

  it('makes a host name that resolves to loopback a local engine (a service sharing this network namespace)', async () => {
    const view = await resolveEngineView(DIND_ENDPOINT, undefined, fakeResolver({ docker: ['127.0.0.1'] }));
    assert.deepEqual(view, { docker: 'tcp://docker:2376', bindIp: '127.0.0.1', fromEnv: false });
  });

  it('gives way to NETQ_BATFISH_HOST_IP', async () => {
    const view = await dindView('0.0.0.0');
    assert.equal(view.bindIp, '0.0.0.0');
    assert.equal(view.fromEnv, true);
    assert.equal(view.remote?.address, DIND);
  });

  it('is an error, exit 4, when the name has no address here', async () => {
    const error = await rejection(resolveEngineView(DIND_ENDPOINT, undefined, fakeResolver({})));
    assert.ok(error instanceof DockerError);
    assert.equal(error.message, "the Docker engine's host docker (tcp://docker:2376) has no address here");
  });
});

describe('the URL of a published Batfish', () => {
  it('through a local engine: 127.0.0.1 for loopback and every-address bindings, as ever', () => {
    assert.equal(reachBatfish([{ hostIp: '127.0.0.1', hostPort: 49153 }], LOCAL_VIEW)?.url, 'http://127.0.0.1:49153');
    assert.equal(reachBatfish([{ hostIp: '0.0.0.0', hostPort: 49153 }, { hostIp: '::', hostPort: 49153 }], LOCAL_VIEW)?.url, 'http://127.0.0.1:49153');
    assert.equal(reachBatfish([{ hostIp: DIND, hostPort: 49153 }], LOCAL_VIEW)?.url, `http://${DIND}:49153`, "another address of this machine is this machine's");
    assert.equal(reachBatfish([], LOCAL_VIEW), undefined);
  });

  it("through a remote engine: the address netq reaches the host through, never the host's loopback or other addresses", async () => {
    const view = await dindView();
    assert.equal(reachBatfish([{ hostIp: DIND, hostPort: 49153 }], view)?.url, `http://${DIND}:49153`);
    assert.equal(reachBatfish([{ hostIp: '0.0.0.0', hostPort: 49153 }, { hostIp: '::', hostPort: 49153 }], view)?.url, `http://${DIND}:49153`);
    assert.equal(reachBatfish([{ hostIp: '127.0.0.1', hostPort: 49153 }], view), undefined);
    assert.equal(reachBatfish([{ hostIp: '172.17.0.1', hostPort: 49153 }], view), undefined);
    const v6 = await resolveEngineView({ ...DIND_ENDPOINT, host: 'docker6' }, undefined, fakeResolver({ docker6: ['2001:db8::5'] }));
    assert.equal(reachBatfish([{ hostIp: '0.0.0.0', hostPort: 1 }, { hostIp: '::', hostPort: 1 }], v6)?.url, 'http://[2001:db8::5]:1', 'the IPv6 every-address binding');
    assert.equal(reachBatfish([{ hostIp: '0.0.0.0', hostPort: 1 }], v6), undefined, 'an IPv4-only binding is not reached over IPv6');
    assert.equal(reachBatfish([{ hostIp: '2001:DB8:0::5', hostPort: 1 }], v6)?.url, 'http://[2001:db8::5]:1');
  });
});

describe('Batfish through a remote engine', () => {
  it('is published on the address netq reaches the engine host through, reached there, and said so with the no-authentication warning', async () => {
    const { engine, containers, notices, warnings, probed } = setup(await dindView());
    const managed = await containers.ensure(START);
    const [spec] = createdSpecs(engine);
    assert.deepEqual(spec!.publish, { containerPort: '9996/tcp', hostIp: DIND, hostPort: 0 });
    const port = managed.info.hostPort!;
    assert.equal(managed.url, `http://${DIND}:${port}`);
    assert.deepEqual(probed, [`http://${DIND}:${port}`], 'never 127.0.0.1, which is this machine, not the engine host');
    assert.deepEqual(notices, [
      `Batfish is at http://${DIND}:${port}: the Docker engine runs on another host (tcp://docker:2376), whose 127.0.0.1 this machine cannot reach, ` +
        `so Batfish's port is published on ${DIND}, the address through which netq reaches that host`,
    ]);
    assert.deepEqual(warnings, [NO_AUTH(DIND, port)]);
  });

  it('is reused from the next run, at the same URL, saying again where it is', async () => {
    const { engine, containers, notices, warnings } = setup(await dindView());
    const first = await containers.ensure(START);
    await first.release();
    const second = await containers.ensure(START);
    assert.equal(second.started, false);
    assert.equal(second.url, first.url);
    assert.equal(createdSpecs(engine).length, 1);
    assert.equal(notices.length, 2);
    assert.equal(notices[1], notices[0]);
    assert.equal(warnings.length, 2);
  });

  it('--port pins the port on that address', async () => {
    const { engine, containers } = setup(await dindView());
    const managed = await containers.ensure({ ...START, hostPort: 9996 });
    assert.deepEqual(createdSpecs(engine)[0]!.publish, { containerPort: '9996/tcp', hostIp: DIND, hostPort: 9996 });
    assert.equal(managed.url, `http://${DIND}:9996`);
  });

  it('an --ephemeral one carries its owner labels, is announced the same way and removed on release', async () => {
    const { engine, containers, notices, warnings } = setup(await dindView());
    const managed = await containers.startEphemeral(START);
    const [spec] = createdSpecs(engine);
    assert.equal(spec!.publish.hostIp, DIND);
    assert.equal(spec!.labels[OWNER_LABELS.pid], String(SELF.pid));
    assert.equal(spec!.labels[OWNER_LABELS.bootId], SELF.bootId);
    assert.equal(spec!.labels[OWNER_LABELS.pidNamespace], SELF.pidNamespace);
    assert.match(notices[0] ?? '', new RegExp(`^Batfish is at http://${DIND.replace(/\./g, '\\.')}:\\d+: `));
    assert.equal(warnings.length, 1);
    await managed.release();
    assert.deepEqual(engine.containers, []);
  });

  it('a shared one holds a lease while used, as through a local engine', async () => {
    const { containers, stateDir } = setup(await dindView());
    const managed = await containers.ensure(START);
    assert.deepEqual(await readdir(path.join(stateDir, 'netq-users')), [`${managed.id}.${SELF.pid}`]);
    await managed.release();
    assert.deepEqual(await readdir(path.join(stateDir, 'netq-users')), []);
  });

  it('through IPv6: published on the IPv6 address, URL in brackets', async () => {
    const view = await resolveEngineView({ ...DIND_ENDPOINT, host: 'docker6' }, undefined, fakeResolver({ docker6: ['2001:db8::5'] }));
    const { engine, containers } = setup(view, ['2001:db8::5']);
    const managed = await containers.ensure(START);
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, '2001:db8::5');
    assert.equal(managed.url, `http://[2001:db8::5]:${managed.info.hostPort}`);
  });

  it('through ssh://: published on the address of the ssh host, said to be reached directly, not through the ssh connection', async () => {
    const view = await resolveEngineView({ kind: 'remote', docker: 'ssh://ci@build', scheme: 'ssh', host: 'build', port: 22 }, undefined, fakeResolver({ build: ['192.0.2.7'] }));
    const { engine, containers, notices } = setup(view, ['192.0.2.7']);
    const managed = await containers.ensure(START);
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, '192.0.2.7');
    assert.match(notices[0] ?? '', /published on 192\.0\.2\.7, the address through which netq reaches that host \(directly, not through the ssh connection\)$/);
    assert.equal(managed.url, `http://192.0.2.7:${managed.info.hostPort}`);
  });

  it('NETQ_BATFISH_HOST_IP=0.0.0.0 publishes on every address and reaches it through the engine address, saying so', async () => {
    const { engine, containers, notices, warnings } = setup(await dindView('0.0.0.0'));
    const managed = await containers.ensure(START);
    const port = managed.info.hostPort!;
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, '0.0.0.0');
    assert.equal(managed.url, `http://${DIND}:${port}`);
    assert.deepEqual(notices, [`Batfish is at http://${DIND}:${port}: published on every address of the Docker engine's host (0.0.0.0, port ${port}) as NETQ_BATFISH_HOST_IP asks`]);
    assert.deepEqual(warnings, [NO_AUTH("any address of the Docker engine's host", port)]);
  });

  it("NETQ_BATFISH_HOST_IP=127.0.0.1 keeps it on the host's loopback, for a tunnel of one's own, and says so without the warning", async () => {
    const { containers, engine, notices, warnings } = setup(await dindView('127.0.0.1'));
    engine.clientReaches = new Set([DIND, '127.0.0.1']); // the user's ssh -L on this machine
    const managed = await containers.ensure({ ...START, hostPort: 9996 });
    assert.equal(managed.url, 'http://127.0.0.1:9996');
    assert.deepEqual(notices, [
      'Batfish is published on 127.0.0.1:9996 of the Docker engine\'s host (tcp://docker:2376) as NETQ_BATFISH_HOST_IP asks; ' +
        'netq connects to http://127.0.0.1:9996 on this machine, which reaches it only through a tunnel, e.g. ssh -NL 9996:127.0.0.1:9996 docker',
    ]);
    assert.deepEqual(warnings, []);
  });

  it('fails with the engine error, and leaves nothing, when that address is not one of the engine host (NAT)', async () => {
    const { engine, containers } = setup(await dindView(), ['10.99.0.1']);
    const error = await rejection(containers.ensure(START));
    assert.ok(error instanceof DockerError);
    assert.match(error.message, new RegExp(`listen tcp4 ${DIND.replace(/\./g, '\\.')}:\\d+: bind: cannot assign requested address`));
    assert.deepEqual(engine.containers, []);
  });

  it('says, when Batfish never answers there, that a firewall may drop its port', async () => {
    const { engine, containers } = setup(await dindView());
    engine.script = { kind: 'never-ready' };
    const error = await rejection(containers.start({ ...START, startupTimeoutMs: 5000, ephemeral: false }));
    assert.ok(error instanceof DockerError);
    assert.equal(
      error.hint,
      'a large heap takes longer to start: raise --startup-timeout, or check the log above; ' +
        `if the log shows Batfish up, something between this machine and ${DIND} drops its port (a firewall): ` +
        "open it, or publish Batfish on another address of the engine's host with NETQ_BATFISH_HOST_IP",
    );
  });

  it('asks where the engine is only after it answered a ping, once per manager', async () => {
    const { engine, containers, viewAsked } = setup(await dindView());
    engine.unreachable = new DockerError('the Docker engine is not reachable at tcp://docker:2376 (ECONNREFUSED)');
    await assert.rejects(containers.ensure(START), /not reachable/);
    assert.equal(viewAsked(), 0);
    const up = setup(await dindView());
    await up.containers.ensure(START);
    await up.containers.ensure(START);
    assert.equal(up.viewAsked(), 1);
  });
});

describe('a running Batfish published elsewhere, reused through a remote engine', () => {
  it('published on the engine host\'s 127.0.0.1: exit 4 saying where it is and what to do; nothing created or removed', async () => {
    const { engine, containers, probed } = setup(await dindView());
    const local = engine.addContainer({ name: 'netq-batfish-local', labels: NETQ_LABELS, hostIp: '127.0.0.1', hostPort: 49200 });
    const error = await rejection(containers.ensure(START));
    assert.ok(error instanceof DockerError);
    assert.equal(
      error.message,
      "Batfish netq-batfish-local is running, but published on 127.0.0.1:49200 of the Docker engine's host, which this netq cannot reach " +
        `(it reaches the engine (tcp://docker:2376) through ${DIND})`,
    );
    assert.equal(
      error.hint,
      `replace it by one published on ${DIND}: run again with --restart (it is replaced when no other netq of this machine uses it), ` +
        'or netq service stop first (which stops it for every netq using it)',
    );
    assert.deepEqual(createdSpecs(engine), []);
    assert.deepEqual(engine.containers.map((c) => c.id), [local.id]);
    assert.deepEqual(probed, [], 'nothing is asked at an address that is not that container\'s');
  });

  it('--restart replaces it by one this netq reaches', async () => {
    const { engine, containers, notices } = setup(await dindView());
    const local = engine.addContainer({ name: 'netq-batfish-local', labels: NETQ_LABELS, hostIp: '127.0.0.1' });
    const managed = await containers.ensure({ ...START, restart: true });
    assert.equal(managed.started, true);
    assert.notEqual(managed.id, local.id);
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, DIND);
    assert.equal(managed.url, `http://${DIND}:${managed.info.hostPort}`);
    assert.equal(notices[0], 'removed Batfish netq-batfish-local to start a new one (--restart)');
  });

  it('--restart while another netq of this machine uses it: exit 4, naming it and what to do', async () => {
    const { engine, containers, other } = setup(await dindView());
    const local = engine.addContainer({ name: 'netq-batfish-local', labels: NETQ_LABELS, hostIp: '127.0.0.1', hostPort: 49201 });
    await (await other(5002)).take(local.id);
    const error = await rejection(containers.ensure({ ...START, restart: true }));
    assert.ok(error instanceof DockerError);
    assert.match(error.message, /published on 127\.0\.0\.1:49201 of the Docker engine's host, which this netq cannot reach .*; --restart leaves it to the 1 other netq process of this machine using it \(pid 5002\)$/);
    assert.equal(error.hint, 'run --restart again when they are done, or netq service stop (which stops it for them too)');
    assert.deepEqual(engine.containers.map((c) => c.id), [local.id]);
  });

  it('published on every address: used at the engine address, with the warning for every address', async () => {
    const { engine, containers, notices, warnings } = setup(await dindView());
    const open = engine.addContainer({
      name: 'netq-batfish-open',
      labels: NETQ_LABELS,
      hostIp: '0.0.0.0',
      hostPort: 49202,
      bindings: [
        { hostIp: '0.0.0.0', hostPort: 49202 },
        { hostIp: '::', hostPort: 49202 },
      ],
    });
    const managed = await containers.ensure(START);
    assert.equal(managed.id, open.id);
    assert.equal(managed.url, `http://${DIND}:49202`);
    assert.deepEqual(notices, [`Batfish is at http://${DIND}:49202: published on every address of the Docker engine's host (0.0.0.0, port 49202)`]);
    assert.deepEqual(warnings, [NO_AUTH("any address of the Docker engine's host", 49202)]);
  });

  it('through a local engine, one a remote netq published on the host address is used there, with the warning', async () => {
    const { engine, containers, notices, warnings } = setup(LOCAL_VIEW);
    engine.clientReaches = undefined; // this netq runs on the engine's host
    engine.addContainer({ labels: NETQ_LABELS, hostIp: DIND, hostPort: 49203 });
    const managed = await containers.ensure(START);
    assert.equal(managed.url, `http://${DIND}:49203`);
    assert.deepEqual(notices, [`Batfish is at http://${DIND}:49203: published on ${DIND} of this machine`]);
    assert.deepEqual(warnings, [NO_AUTH(DIND, 49203)]);
  });

  it('service status reads it as not reachable from here', async () => {
    const { engine, containers } = setup(await dindView());
    const local = engine.addContainer({ labels: NETQ_LABELS, hostIp: '127.0.0.1' });
    assert.equal(await containers.urlOf(local), undefined);
    const reachable = engine.addContainer({ labels: NETQ_LABELS, hostIp: DIND, hostPort: 49204 });
    assert.equal(await containers.urlOf(reachable), `http://${DIND}:49204`);
  });
});

describe('a local engine keeps 127.0.0.1', () => {
  it('publishes on 127.0.0.1, connects there and says nothing more than before', async () => {
    const { engine, containers, notices, warnings } = setup(LOCAL_VIEW);
    engine.clientReaches = undefined;
    const managed = await containers.ensure(START);
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, '127.0.0.1');
    assert.equal(managed.url, `http://127.0.0.1:${managed.info.hostPort}`);
    assert.deepEqual(notices, []);
    assert.deepEqual(warnings, []);
  });

  it("NETQ_BATFISH_HOST_IP moves it (a CI job sharing its host's socket reaches the host's bridge address, not its 127.0.0.1)", async () => {
    const view = await resolveEngineView(engineEndpointOf({ DOCKER_HOST: 'unix:///var/run/docker.sock' }), '172.17.0.1');
    const { engine, containers, notices, warnings } = setup(view, ['172.17.0.1']);
    engine.clientReaches = new Set(['172.17.0.1']);
    const managed = await containers.ensure(START);
    const port = managed.info.hostPort!;
    assert.equal(createdSpecs(engine)[0]!.publish.hostIp, '172.17.0.1');
    assert.equal(managed.url, `http://172.17.0.1:${port}`);
    assert.deepEqual(notices, [`Batfish is at http://172.17.0.1:${port}: published on 172.17.0.1 of the Docker engine's host as NETQ_BATFISH_HOST_IP asks`]);
    assert.deepEqual(warnings, [NO_AUTH('172.17.0.1', port)]);
  });

  it('the announcement is empty for a loopback binding through a local engine', () => {
    assert.deepEqual(announcement(LOCAL_VIEW, { hostIp: '127.0.0.1', hostPort: 1 }, 'http://127.0.0.1:1'), {});
  });
});
