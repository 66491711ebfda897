/**
 * Issue 18, item 4 (first part): the simulator forks a snapshot as Batfish does
 * (`POST /v2/networks/{n}/snapshots:fork`, WorkMgr.forkSnapshot), so netq's failure and
 * filter-change checks are tested against what Batfish would receive and answer.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatfishClient } from '../../src/batfish/client.js';
import { BatfishHttp, DEFAULT_API_KEY } from '../../src/batfish/http.js';
import { systemClock } from '../../src/clock.js';
import { BatfishHttpError } from '../../src/errors.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { scanSnapshot } from '../../src/sites/sites.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

let tmp: string;
let sim: BatfishSimulator;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-sim-fork-'));
  sim = await startSimulator({ parseMs: 10, answerMs: 10 });
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function zipOf(name: string, files: Record<string, string>): Promise<Buffer> {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  const zip = await packageSnapshot((await scanSnapshot({ site: name, dir })).files, name, tmp);
  const bytes = await readFile(zip.zipPath);
  await zip.dispose();
  return bytes;
}

async function call(method: string, route: string, body?: unknown, type = 'application/json'): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
  if (body !== undefined) init.headers = { 'Content-Type': type };
  const response = await fetch(`${sim.url}/v2${route}`, init);
  return { status: response.status, text: await response.text() };
}

async function parse(snapshot: string): Promise<string> {
  const id = crypto.randomUUID();
  const item = { containerName: 'lab', id, requestParams: { sv: '', testrig: snapshot }, testrigName: snapshot };
  assert.equal((await call('POST', '/networks/lab/work', item)).status, 201);
  for (;;) {
    const code = (JSON.parse((await call('GET', `/networks/lab/work/${id}`)).text) as { workstatuscode: string }).workstatuscode;
    if (code !== 'UNASSIGNED' && code !== 'ASSIGNED') return code;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const filesOf = (snapshot: string): Map<string, string> =>
  new Map(sim.networks.get('lab')!.snapshots.get(snapshot)!.files.map((f) => [f.relPath, f.content.toString('utf8')]));
const statusOf = async (snapshot: string) => JSON.parse((await call('GET', `/networks/lab/snapshots/${snapshot}`)).text) as { initializationMetadata: { currentStatus: string }; parentSnapshotId: string | null };

describe('the simulator forks snapshots as Batfish does', () => {
  before(async () => {
    assert.equal((await call('POST', '/networks?name=lab')).status, 201);
    const zip = await zipOf('base', { 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': 'hostname r2\n' });
    assert.equal((await call('POST', '/networks/lab/snapshots/base', zip, 'application/octet-stream')).status, 201);
    assert.equal(await parse('base'), 'TERMINATEDNORMALLY');
  });

  it('copies the base, writes the overlay over it, and records nodes, links and interfaces deactivated; the fork is unparsed until parsed', async () => {
    const overlay = await zipOf('overlay', { 'configs/r1.cfg': 'hostname r1\n! changed\n' });
    const edge = { node1: 'r1', node1interface: 'Gi0/0', node2: 'r2', node2interface: 'Gi0/0' };
    const bean = {
      snapshotBase: 'base',
      snapshotNew: 'base-no-r2',
      deactivateInterfaces: [{ hostname: 'r1', interface: 'Gi0/1' }],
      deactivateNodes: ['r2'],
      deactivateLinks: [edge],
      restoreInterfaces: null,
      restoreNodes: null,
      restoreLinks: null,
      zipFile: overlay.toString('base64'),
    };
    const forked = await call('POST', '/networks/lab/snapshots:fork', bean);
    assert.equal(forked.status, 200, forked.text);
    const files = filesOf('base-no-r2');
    assert.equal(files.get('configs/r1.cfg'), 'hostname r1\n! changed\n', 'the overlay wins');
    assert.equal(files.get('configs/r2.cfg'), 'hostname r2\n', 'the base is copied');
    assert.deepEqual(JSON.parse(files.get('node_blacklist')!), ['r2']);
    assert.deepEqual(JSON.parse(files.get('edge_blacklist')!), [edge]);
    assert.deepEqual(JSON.parse(files.get('batfish/runtime_data.json')!), { runtimeData: { r1: { interfaces: { 'Gi0/1': { lineUp: false } } } } });
    const metadata = await statusOf('base-no-r2');
    assert.equal(metadata.initializationMetadata.currentStatus, 'UNINITIALIZED');
    assert.equal(metadata.parentSnapshotId, sim.networks.get('lab')!.snapshots.get('base')!.id);
    assert.equal((await statusOf('base')).parentSnapshotId, null);
    assert.equal(await parse('base-no-r2'), 'TERMINATEDNORMALLY');
    assert.equal((await statusOf('base-no-r2')).initializationMetadata.currentStatus, 'PARSED');
    // The base is as it was.
    assert.equal(filesOf('base').has('node_blacklist'), false);
  });

  it('a fork of a fork restores what its base deactivated; restoring what was never deactivated is a 400', async () => {
    assert.equal((await call('POST', '/networks/lab/snapshots:fork', { snapshotBase: 'base-no-r2', snapshotNew: 'back', restoreNodes: ['r2'] })).status, 200);
    assert.deepEqual(JSON.parse(filesOf('back').get('node_blacklist')!), []);
    const never = await call('POST', '/networks/lab/snapshots:fork', { snapshotBase: 'base-no-r2', snapshotNew: 'x1', restoreNodes: ['r9'] });
    assert.equal(never.status, 400);
    assert.match(never.text, /^Existing blacklist does not contain element\(s\) specified for removal/);
    const none = await call('POST', '/networks/lab/snapshots:fork', { snapshotBase: 'base', snapshotNew: 'x2', restoreLinks: [{ node1: 'a', node1interface: 'b', node2: 'c', node2interface: 'd' }] });
    assert.equal(none.status, 400);
    assert.equal(none.text, 'Cannot remove element(s) from non-existent blacklist.');
    assert.equal(sim.networks.get('lab')!.snapshots.has('x1') || sim.networks.get('lab')!.snapshots.has('x2'), false, 'a refused fork leaves nothing');
  });

  it('refuses what Batfish refuses, with its statuses and texts', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ snapshotNew: 'y' }, 400, /^Parameter base snapshot is required$/],
      [{ snapshotBase: 'base', snapshotNew: '' }, 400, /^Parameter new snapshot is required$/],
      [{ snapshotBase: 'base', snapshotNew: 'base' }, 400, /^Snapshot with name: 'base' already exists$/],
      [{ snapshotBase: 'nope', snapshotNew: 'y' }, 404, /^Base snapshot with name: 'nope' does not exist$/],
    ];
    for (const [bean, status, text] of cases) {
      const answer = await call('POST', '/networks/lab/snapshots:fork', bean);
      assert.equal(answer.status, status, JSON.stringify(bean));
      assert.match(answer.text, text);
    }
    assert.equal((await call('POST', '/networks/lab/snapshots:fork', { snapshotBase: 'base', snapshotNew: 'y' }, 'text/plain')).status, 415);
    const noNetwork = await call('POST', '/networks/elsewhere/snapshots:fork', { snapshotBase: 'base', snapshotNew: 'y' });
    assert.equal(noNetwork.status, 400);
    assert.equal(noNetwork.text, "Network 'elsewhere' does not exist");
    assert.equal((await call('GET', '/networks/lab/snapshots:fork')).status, 405);
  });

  it('an unparsed fork takes no question: the answer work is refused as on an unparsed upload', async () => {
    assert.equal((await call('POST', '/networks/lab/snapshots:fork', { snapshotBase: 'base', snapshotNew: 'unparsed' })).status, 200);
    const question = JSON.stringify({ class: 'org.batfish.question.nodeproperties.NodePropertiesQuestion', differential: false, instance: { instanceName: '__np', variables: {} } });
    assert.equal((await call('PUT', '/networks/lab/questions/__np', Buffer.from(question), 'application/octet-stream')).status, 200);
    const item = { containerName: 'lab', id: crypto.randomUUID(), requestParams: { answer: '', questionname: '__np', testrig: 'unparsed' }, testrigName: 'unparsed' };
    const queued = await call('POST', '/networks/lab/work', item);
    assert.equal(queued.status, 500);
    assert.match(queued.text, /Status is UNINITIALIZED but no incomplete parsing work exists/);
  });
});

describe("netq's client forks a snapshot as the simulator (and Batfish) take it", () => {
  it('sends a ForkSnapshotBean with links (pybatfish cannot), and a refused fork is an HTTP error with Batfish\u2019s text', async () => {
    const client = new BatfishClient(new BatfishHttp({ url: sim.url, apiKey: DEFAULT_API_KEY, clock: systemClock }));
    const edge = { node1: 'r1', node1interface: 'Gi0/0', node2: 'r2', node2interface: 'Gi0/0' };
    await client.forkSnapshot('lab', { base: 'base', name: 'client-fork', deactivateLinks: [edge], deactivateNodes: [] });
    const sent = JSON.parse(sim.seen('POST', /snapshots:fork$/).at(-1)!.bodyText!) as Record<string, unknown>;
    assert.deepEqual(sent, {
      snapshotBase: 'base',
      snapshotNew: 'client-fork',
      deactivateNodes: null,
      deactivateInterfaces: null,
      deactivateLinks: [edge],
      restoreNodes: null,
      restoreInterfaces: null,
      restoreLinks: null,
      zipFile: null,
    });
    assert.equal(sim.seen('POST', /snapshots:fork$/).at(-1)!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(filesOf('client-fork').get('edge_blacklist')!), [edge]);
    await assert.rejects(client.forkSnapshot('lab', { base: 'gone', name: 'client-fork-2' }), (error: unknown) => {
      assert.ok(error instanceof BatfishHttpError);
      assert.equal(error.status, 404);
      assert.match(error.message, /Base snapshot with name: 'gone' does not exist/);
      return true;
    });
  });
});

describe('netq forks a snapshot once per failure, named by what is down', () => {
  it('makes and parses the fork, reuses it the next time (no second fork), and names it the same whatever the order', async () => {
    const { BatfishSession } = await import('../../src/batfish/session.js');
    const { forkName } = await import('../../src/batfish/fork-flows.js');
    const session = new BatfishSession(new BatfishClient(new BatfishHttp({ url: sim.url, apiKey: DEFAULT_API_KEY, clock: systemClock })), { clock: systemClock, newId: () => crypto.randomUUID() });
    const deactivation = { deactivateNodes: ['r2', 'r1'] };
    const forksBefore = sim.seen('POST', /snapshots:fork$/).length;
    const first = await session.ensureFork({ network: 'lab', base: 'base', deactivation, deadline: Date.now() + 30_000 });
    assert.equal(first.reused, false);
    assert.equal(first.snapshot, forkName('base', { deactivateNodes: ['r1', 'r2'] }), 'the order of what is down does not matter');
    assert.match(first.snapshot, /^base-down-[0-9a-f]{12}$/);
    assert.equal((await statusOf(first.snapshot)).initializationMetadata.currentStatus, 'PARSED');
    assert.deepEqual(JSON.parse(filesOf(first.snapshot).get('node_blacklist')!), ['r2', 'r1']);
    const again = await session.ensureFork({ network: 'lab', base: 'base', deactivation, deadline: Date.now() + 30_000 });
    assert.deepEqual([again.snapshot, again.reused], [first.snapshot, true]);
    assert.equal(sim.seen('POST', /snapshots:fork$/).length, forksBefore + 1, 'forked once');
    assert.notEqual(forkName('base', { deactivateNodes: ['r1'] }), first.snapshot, 'another failure, another fork');
  });

  it('two runs forking the same failure at once both end with the one parsed fork', async () => {
    const { BatfishSession } = await import('../../src/batfish/session.js');
    const make = () => new BatfishSession(new BatfishClient(new BatfishHttp({ url: sim.url, apiKey: DEFAULT_API_KEY, clock: systemClock })), { clock: systemClock, newId: () => crypto.randomUUID() });
    const deactivation = { deactivateLinks: [{ node1: 'r1', node1interface: 'Gi0/0', node2: 'r2', node2interface: 'Gi0/0' }] };
    const [a, b] = await Promise.all([make(), make()].map((s) => s.ensureFork({ network: 'lab', base: 'base', deactivation, deadline: Date.now() + 30_000 })));
    assert.equal(a!.snapshot, b!.snapshot);
    assert.equal((await statusOf(a!.snapshot)).initializationMetadata.currentStatus, 'PARSED');
    const accepted = sim.seen('POST', /snapshots:fork$/).filter((r) => r.bodyText?.includes(a!.snapshot) && r.status === 200);
    // Batfish checks the new name before it copies the base and binds it after (no lock), so two
    // forks that overlap may both be taken; one that comes after is refused and waits: never a failure.
    assert.ok(accepted.length >= 1);
  });
});
