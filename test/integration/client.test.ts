import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { v4 as uuidv4 } from 'uuid';
import { BatfishClient } from '../../src/batfish/client.js';
import { BatfishHttp, CLIENT_VERSION_HEADER, DEFAULT_API_KEY } from '../../src/batfish/http.js';
import { BatfishSession } from '../../src/batfish/session.js';
import { systemClock } from '../../src/clock.js';
import { BatfishHttpError, BatfishUnreachableError, BatfishWorkError } from '../../src/errors.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { scanSnapshot } from '../../src/sites/sites.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator, type SimulatorOptions } from '../support/simulator.js';

const FAST_RETRY = { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 };
const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');
const tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-client-'));
let sim: BatfishSimulator | undefined;

after(() => rm(tmp, { recursive: true, force: true }));
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function simulator(options: SimulatorOptions = {}): Promise<BatfishSimulator> {
  sim = await startSimulator(options);
  return sim;
}

function session(url: string, apiKey = DEFAULT_API_KEY) {
  const http = new BatfishHttp({ url, apiKey, clock: systemClock, retry: FAST_RETRY });
  return new BatfishSession(new BatfishClient(http), { clock: systemClock, newId: uuidv4 });
}

async function zipOf(dir: string, name: string) {
  const scan = await scanSnapshot({ site: name, dir });
  return packageSnapshot(scan.files, name, tmp);
}

async function initExample(s: BatfishSession, snapshot = 'example') {
  const zip = await zipOf(EXAMPLE, snapshot);
  try {
    return (await s.ensureSnapshot({ network: 'net1', snapshot, makeZip: async () => zip, fresh: false, deadline: Date.now() + 20_000 })).health;
  } finally {
    await zip.dispose();
  }
}

describe('Batfish client against the simulator', () => {
  it('initialises a snapshot and answers a question with the exact pybatfish call sequence', async () => {
    const server = await simulator();
    const s = session(server.url);
    const version = await s.connect(2000);
    assert.deepEqual(version, { batfish: '2025.07.07.2423', apiVersion: '2.1.0' });
    const health = await initExample(s);
    assert.equal(health.files['configs/as2border2.cfg'], 'PASSED');
    const { answer } = await s.ask({
      network: 'net1',
      snapshot: 'example',
      question: 'bgpSessionStatus',
      parameters: { nodes: 'as2.*', remoteNodes: 'as3.*' },
      deadline: Date.now() + 20_000,
    });
    assert.equal(answer.rows.length, 1);
    assert.deepEqual(answer.rows[0]!.Remote_IP, { schema: 'Ip', value: '10.23.21.3' });

    const calls = server.requests
      .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')}`)
      .filter((c, i, all) => c !== all[i - 1]);
    assert.deepEqual(calls, [
      'GET /v2/version',
      'GET /v2/networks/net1',
      'POST /v2/networks',
      'GET /v2/networks/net1/snapshots',
      'POST /v2/networks/net1/snapshots/example',
      'POST /v2/networks/net1/work',
      'GET /v2/networks/net1/work/ID',
      'GET /v2/networks/net1/snapshots/example/workjson/ID',
      'GET /v2/question_templates',
      'PUT /v2/networks/net1/questions/__bgpSessionStatus_ID',
      'POST /v2/networks/net1/work',
      'GET /v2/networks/net1/work/ID',
      'GET /v2/networks/net1/questions/__bgpSessionStatus_ID/answer',
      'DELETE /v2/networks/net1/questions/__bgpSessionStatus_ID',
    ]);
    for (const r of server.requests) {
      assert.equal(r.headers['x-batfish-apikey'], DEFAULT_API_KEY);
      assert.equal(r.headers['x-batfish-version'], CLIENT_VERSION_HEADER);
      assert.equal(r.headers.accept, '*/*');
    }
    const upload = server.seen('POST', /snapshots\/example$/)[0]!;
    assert.equal(upload.headers['content-type'], 'application/octet-stream');
    assert.equal(Number(upload.headers['content-length']), upload.bodyBytes);
    assert.deepEqual(server.seen('GET', /question_templates/)[0]!.query, { verbose: 'false' });
    assert.equal(server.seen('PUT')[0]!.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(server.seen('POST', /\/networks$/)[0]!.query, { name: 'net1' });
    assert.equal(server.seen('GET', /\/answer$/)[0]!.query.snapshot, 'example');
  });

  it('reports an unreachable server with the address and the error code', async () => {
    const port = await freePort();
    await assert.rejects(session(`http://127.0.0.1:${port}`).connect(300), (e: unknown) => {
      assert.ok(e instanceof BatfishUnreachableError);
      assert.equal(e.message, `Batfish is not reachable at http://127.0.0.1:${port} (ECONNREFUSED)`);
      return true;
    });
  });

  it('waits for a server that starts late', async () => {
    const port = await freePort();
    const connecting = session(`http://127.0.0.1:${port}`).connect(10_000);
    await new Promise((r) => setTimeout(r, 700));
    await simulator({ port });
    assert.equal((await connecting).apiVersion, '2.1.0');
  });

  it('waits for a worker that starts late (work stays UNASSIGNED)', async () => {
    const server = await simulator({ workerStartDelayMs: 800 });
    const s = session(server.url);
    await s.connect(2000);
    await initExample(s);
    const polls = server.seen('GET', /\/work\//).length;
    assert.ok(polls >= 3, `polled ${polls} times`);
  });

  it('surfaces 401 with the server text', async () => {
    const server = await simulator({ apiKeys: ['secret'] });
    const s = session(server.url, 'wrong');
    await assert.rejects(s.connect(1000), (e: unknown) =>
      e instanceof BatfishHttpError && e.status === 401 && /Authorizer: 'wrong' is NOT a valid key/.test(e.message),
    );
    await session(server.url, 'secret').connect(1000);
  });

  it('surfaces 404 for an unknown network and an unknown snapshot', async () => {
    const server = await simulator();
    const client = session(server.url).client;
    await assert.rejects(client.listSnapshots('nope'), (e: unknown) =>
      e instanceof BatfishHttpError && e.status === 404 && e.message.endsWith(`: Network 'nope' does not exist`),
    );
    await client.ensureNetwork('net1');
    await assert.rejects(client.snapshotMetadata('net1', 'nope'), (e: unknown) => e instanceof BatfishHttpError && e.status === 404);
  });

  it('surfaces the 400 for a zip laid out wrongly', async () => {
    const server = await simulator();
    const s = session(server.url);
    const configs = (await scanSnapshot({ site: 'x', dir: EXAMPLE })).files.filter((f) => f.relPath.startsWith('configs/'));
    // `configs/` at the zip root: its one top folder holds no configs/ (rule 2 of the layout check).
    const bad = await packageSnapshot(configs.map((f) => ({ ...f, relPath: f.relPath.slice('configs/'.length) })), 'configs', tmp);
    const zip = await packageSnapshot(configs, 'top', tmp);
    try {
      await s.client.ensureNetwork('net1');
      await assert.rejects(
        s.ensureSnapshot({ network: 'net1', snapshot: 's1', makeZip: async () => bad, fresh: false, deadline: Date.now() + 5000 }),
        (e: unknown) => e instanceof BatfishHttpError && e.status === 400 && /Unexpected packaging of snapshot/.test(e.message),
      );
      // The name is free again after a 400, as on the real server.
      await s.ensureSnapshot({ network: 'net1', snapshot: 's1', makeZip: async () => zip, fresh: false, deadline: Date.now() + 5000 });
    } finally {
      await zip.dispose();
      await bad.dispose();
    }
    assert.equal(server.seen('POST', /snapshots\/s1$/).length, 2);
  });

  it('shows the first line of a 500 stack trace and does not retry the POST', async () => {
    const server = await simulator();
    const client = session(server.url).client;
    await client.ensureNetwork('net1');
    const item = { containerName: 'net1', id: uuidv4(), requestParams: { testrig: 'ghost', si: '', sv: '', initinfo: '' }, testrigName: 'ghost' };
    await assert.rejects(client.queueWork(item), (e: unknown) => {
      assert.ok(e instanceof BatfishHttpError);
      assert.equal(e.status, 500);
      assert.match(e.message, /^Batfish answered 500 to POST \/v2\/networks\/net1\/work: org\.batfish\.common\.BatfishException: Failed to queue work: java\.util\.NoSuchElementException: No value present$/);
      assert.match(e.details ?? '', /\tat org\.batfish/);
      return true;
    });
    assert.equal(server.seen('POST', /\/work$/).length, 1);
  });

  it('retries a GET through 503s but never a POST', async () => {
    const server = await simulator({
      faults: [
        { method: 'GET', path: /\/version$/, times: 2, respond: { status: 503, body: 'proxy: upstream busy' } },
        { method: 'POST', path: /\/networks$/, times: 1, respond: { status: 503, body: 'proxy: upstream busy' } },
      ],
    });
    const s = session(server.url);
    await s.connect(1000);
    assert.equal(server.seen('GET', /\/version$/).length, 3);
    await assert.rejects(s.client.ensureNetwork('net1'), (e: unknown) => e instanceof BatfishHttpError && e.status === 503);
    assert.equal(server.seen('POST', /\/networks$/).length, 1);
  });

  it('fails a parse with the tail of the work log', async () => {
    const server = await simulator();
    const dir = path.join(tmp, 'all-empty');
    await mkdir(path.join(dir, 'configs'), { recursive: true });
    await writeFile(path.join(dir, 'configs', 'r1.cfg'), '');
    const s = session(server.url);
    const zip = await zipOf(dir, 'empty');
    try {
      await assert.rejects(
        s.ensureSnapshot({ network: 'net1', snapshot: 'empty', makeZip: async () => zip, fresh: false, deadline: Date.now() + 5000 }),
        (e: unknown) => {
          assert.ok(e instanceof BatfishWorkError);
          assert.equal(e.status, 'TERMINATEDABNORMALLY');
          assert.match(e.message, /parsing snapshot empty: TERMINATEDABNORMALLY \(org\.batfish\.common\.BatfishException: No valid configurations found in snapshot\)/);
          assert.match(e.details ?? '', /work log \(tail\):\n[\s\S]*Parsing: "configs\/r1\.cfg"/);
          return true;
        },
      );
    } finally {
      await zip.dispose();
    }
    assert.equal(server.seen('GET', /\/worklog\//).length, 1);
  });

  it('explains a data-plane failure behind a REQUEUEFAILURE', async () => {
    const server = await simulator({ failDataplane: true });
    const s = session(server.url);
    await initExample(s);
    await assert.rejects(
      s.ask({ network: 'net1', snapshot: 'example', question: 'bgpSessionStatus', parameters: {}, deadline: Date.now() + 10_000 }),
      (e: unknown) => {
        assert.ok(e instanceof BatfishWorkError);
        assert.equal(e.status, 'REQUEUEFAILURE');
        assert.match(e.details ?? '', /DATAPLANING_FAIL: .*Error computing data plane/);
        assert.match(e.details ?? '', /dataplaning work log \(tail\)/);
        return true;
      },
    );
    // The question is removed from the server even when answering failed.
    assert.equal(server.seen('DELETE', /\/questions\//).length, 1);
  });

  it('gives up at the deadline and says what is still running', async () => {
    const server = await simulator({ parseMs: 10_000 });
    const s = session(server.url);
    const zip = await zipOf(EXAMPLE, 'slow');
    const started = Date.now();
    try {
      await assert.rejects(
        s.ensureSnapshot({ network: 'net1', snapshot: 'slow', makeZip: async () => zip, fresh: false, deadline: Date.now() + 600 }),
        (e: unknown) => e instanceof BatfishWorkError && e.status === 'TIMEOUT' && /timed out while parsing snapshot slow \(work .* still ASSIGNED\)/.test(e.message) && /raise --timeout/.test(e.hint ?? ''),
      );
    } finally {
      await zip.dispose();
    }
    assert.ok(Date.now() - started < 5000);
  });

  it('reports work lost when the server restarts mid-poll', async () => {
    const server = await simulator({ parseMs: 2000 });
    const s = session(server.url);
    setTimeout(() => server.restart(), 300);
    await assert.rejects(initExample(s), (e: unknown) => e instanceof BatfishWorkError && e.status === 'LOST' && /restarted/.test(e.hint ?? ''));
  });

  it('refuses a server that speaks another API major version', async () => {
    const server = await simulator({ version: { Batfish: '2099.01.01', api_version: '3.0.0' } });
    await assert.rejects(session(server.url).connect(1000), /speaks API version 3\.0\.0; netq speaks version 2/);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
