import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, describe, it } from 'node:test';
import { v4 as uuidv4 } from 'uuid';
import { BatfishClient, type WorkItem } from '../../src/batfish/client.js';
import { BatfishHttp, CLIENT_VERSION_HEADER, DEFAULT_API_KEY, type RetryEvent } from '../../src/batfish/http.js';
import type { QuestionParameters } from '../../src/batfish/question.js';
import { BatfishSession } from '../../src/batfish/session.js';
import { pollWork, WorkWatcher } from '../../src/batfish/work.js';
import { systemClock } from '../../src/clock.js';
import { BatfishHttpError, BatfishUnreachableError, BatfishWorkError } from '../../src/errors.js';
import { packageSnapshot, type PackagedSnapshot } from '../../src/sites/packager.js';
import { scanSnapshot } from '../../src/sites/sites.js';
import { FakeClock } from '../support/fake-clock.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator, type LoggedRequest, type SimulatorOptions } from '../support/simulator.js';

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

/** Reuses the snapshot when the network has it parsed, else uploads `zip` and parses it. */
async function ensureSnapshot(s: BatfishSession, request: { network: string; snapshot: string; zip: PackagedSnapshot; deadline: number }) {
  const { network, snapshot, deadline } = request;
  if ((await s.findSnapshot({ network, snapshot, fresh: false, deadline })) === 'parsed') return { reused: true, health: { files: {} } };
  return s.uploadSnapshot(request);
}

/** Asks a question by template name, as a command does: checked against the template, then asked. */
async function ask(s: BatfishSession, request: { network: string; snapshot: string; question: string; parameters: QuestionParameters; deadline: number }) {
  const question = await s.prepareQuestion(request.question, request.parameters);
  return s.ask({ network: request.network, snapshot: request.snapshot, question, deadline: request.deadline });
}

async function initExample(s: BatfishSession, snapshot = 'example') {
  const zip = await zipOf(EXAMPLE, snapshot);
  try {
    return (await ensureSnapshot(s, { network: 'net1', snapshot, zip, deadline: Date.now() + 20_000 })).health;
  } finally {
    await zip.dispose();
  }
}

/** The JSON body a request carried (question PUTs, work POSTs). */
function jsonBody(request: LoggedRequest | undefined): unknown {
  assert.ok(request, 'the request was made');
  assert.ok(request.bodyText !== undefined, `${request.method} ${request.path} carried a text body`);
  return JSON.parse(request.bodyText);
}

interface QuestionBody {
  instance: { instanceName: string; variables: Record<string, { value?: unknown }> };
}

/** The uploaded question, checked to be the one the PUT path names. */
function questionBody(put: LoggedRequest | undefined): QuestionBody {
  const body = jsonBody(put) as QuestionBody;
  assert.equal(body.instance.instanceName, decodeURIComponent(put!.path.split('/').at(-1)!), 'the question is named as its path');
  return body;
}

describe('Batfish client against the simulator', () => {
  it('initialises a snapshot and answers a question with the exact pybatfish call sequence', async () => {
    const server = await simulator();
    const s = session(server.url);
    const version = await s.connect(2000);
    assert.deepEqual(version, { batfish: '2025.07.07.2423', apiVersion: '2.1.0' });
    const health = await initExample(s);
    assert.equal(health.files['configs/as2border2.cfg'], 'PASSED');
    const answer = await ask(s, {
      network: 'net1',
      snapshot: 'example',
      question: 'bgpSessionStatus',
      parameters: { nodes: 'as2.*', remoteNodes: 'as3.*' },
      deadline: Date.now() + 20_000,
    });
    assert.equal(answer.rows.length, 1);
    assert.deepEqual(answer.rows[0]!.Remote_IP, { schema: 'Ip', value: '10.23.21.3' });

    const calls = server.requests
      .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID').replace(/_[0-9a-f]{20}\b/g, '_HASH')}`)
      .filter((c, i, all) => c !== all[i - 1]);
    assert.deepEqual(calls, [
      'GET /v2/version',
      // netq looks for the parsed snapshot first (one request when it is there); pybatfish does not.
      'GET /v2/networks/net1/snapshots/example',
      'GET /v2/networks/net1',
      'POST /v2/networks',
      'GET /v2/networks/net1/snapshots',
      'POST /v2/networks/net1/snapshots/example',
      'POST /v2/networks/net1/work',
      'GET /v2/networks/net1/work/ID',
      'GET /v2/networks/net1/snapshots/example/workjson/ID',
      'GET /v2/question_templates',
      // netq keeps questions under a name made from their content and reads a stored answer first
      // (404 here: never asked); pybatfish uploads a throw-away name and deletes it afterwards.
      'GET /v2/networks/net1/questions/__netq_bgpSessionStatus_HASH/answer',
      'PUT /v2/networks/net1/questions/__netq_bgpSessionStatus_HASH',
      'POST /v2/networks/net1/work',
      'GET /v2/networks/net1/work/ID',
      'GET /v2/networks/net1/questions/__netq_bgpSessionStatus_HASH/answer',
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
    // What the server received: the site's files, the parse item, the question with its values, the answer item.
    const files = (await scanSnapshot({ site: 'example', dir: EXAMPLE })).files.map((f) => `example/${f.relPath}`);
    assert.deepEqual(upload.zipEntries, files);
    assert.ok(files.includes('example/configs/as2border2.cfg'));
    const [parseWork, answerWork] = server.seen('POST', /\/work$/).map(jsonBody) as WorkItem[];
    assert.deepEqual({ ...parseWork!, id: 'ID' }, {
      containerName: 'net1',
      id: 'ID',
      requestParams: { testrig: 'example', si: '', sv: '', initinfo: '' },
      testrigName: 'example',
    });
    const put = server.seen('PUT')[0];
    const question = questionBody(put);
    assert.match(question.instance.instanceName, /^__netq_bgpSessionStatus_[0-9a-f]{20}$/);
    assert.equal(question.instance.variables.nodes?.value, 'as2.*');
    assert.equal(question.instance.variables.remoteNodes?.value, 'as3.*');
    assert.deepEqual({ ...answerWork!, id: 'ID' }, {
      containerName: 'net1',
      id: 'ID',
      requestParams: { answer: '', questionname: question.instance.instanceName, testrig: 'example' },
      testrigName: 'example',
    });
    const polled = new Set(server.seen('GET', /\/work\//).map((r) => r.path.split('/').at(-1)));
    assert.deepEqual(polled, new Set([parseWork!.id, answerWork!.id]), 'polls the items it queued');
    assert.equal(server.seen('GET', /\/workjson\//)[0]!.path, `/v2/networks/net1/snapshots/example/workjson/${parseWork!.id}`);
    assert.equal(server.seen('DELETE').length, 0, 'keeps the question for the next ask');

    // The same question about the same snapshot again: the stored answer, one request, no work.
    const before = server.requests.length;
    const again = await ask(s, { network: 'net1', snapshot: 'example', question: 'bgpSessionStatus', parameters: { nodes: 'as2.*', remoteNodes: 'as3.*' }, deadline: Date.now() + 20_000 });
    assert.deepEqual(again, answer);
    assert.deepEqual(
      server.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      [`GET /v2/networks/net1/questions/${question.instance.instanceName}/answer`],
    );
    // Other parameters are another question: it is asked.
    const other = await ask(s, { network: 'net1', snapshot: 'example', question: 'bgpSessionStatus', parameters: { nodes: 'as3.*' }, deadline: Date.now() + 20_000 });
    assert.equal(other.rows.length, 0);
    assert.equal(server.seen('PUT').length, 2);
  });

  it('waits for questions queued together with one incomplete-work list per poll', async () => {
    const server = await simulator({ answerMs: 300 });
    const s = session(server.url);
    await s.connect(2000);
    await initExample(s);
    const questions = ['nodeProperties', 'interfaceProperties', 'ipOwners'];
    const started = Date.now();
    const answers = await Promise.all(
      questions.map(async (name) => {
        const question = await s.prepareQuestion(name, {});
        const answer = await s.ask({ network: 'net1', snapshot: 'example', question, deadline: Date.now() + 20_000 });
        return { name, answer, ms: Date.now() - started };
      }),
    );
    assert.ok(answers.every((a) => Array.isArray(a.answer.rows)), 'every question answered');
    const queued = server.seen('POST', /\/work$/).slice(-3).map(jsonBody) as WorkItem[];
    const byEnd = [...answers].sort((a, b) => a.ms - b.ms).map((a) => queued[questions.indexOf(a.name)]!);
    const itemPolls = (item: WorkItem): number => server.seen('GET', /\/work\/[0-9a-f-]{36}$/).filter((r) => r.path.endsWith(item.id)).length;
    const listPolls = server.seen('GET', /\/networks\/net1\/work$/).length;
    // While several wait, one list request per poll; an item is asked about alone only before the
    // others join and once it has left the list (polled alone, each would be asked ~15 times).
    assert.ok(listPolls >= 5, `polled the list ${listPolls} times`);
    for (const item of byEnd.slice(0, 2)) assert.ok(itemPolls(item) <= 3, `asked about ${item.id} alone ${itemPolls(item)} times`);
    // How soon each end is seen is a speed figure: `npm run bench` measures it (the gate's ratio to
    // the server's own work time), not a timed test on a machine that may be loaded.
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
    const item = jsonBody(server.seen('POST', /\/work$/)[0]) as WorkItem;
    assert.ok(server.seen('GET', /\/work\//).every((r) => r.path === `/v2/networks/net1/work/${item.id}`), 'every poll is of the parse item');
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
        ensureSnapshot(s, { network: 'net1', snapshot: 's1', zip: bad, deadline: Date.now() + 5000 }),
        (e: unknown) => e instanceof BatfishHttpError && e.status === 400 && /Unexpected packaging of snapshot/.test(e.message),
      );
      // The name is free again after a 400, as on the real server.
      await ensureSnapshot(s, { network: 'net1', snapshot: 's1', zip, deadline: Date.now() + 5000 });
    } finally {
      await zip.dispose();
      await bad.dispose();
    }
    assert.equal(server.seen('POST', /snapshots\/s1$/).length, 2);
    const [badUpload, goodUpload] = server.seen('POST', /snapshots\/s1$/);
    assert.deepEqual(badUpload!.zipEntries, configs.map((f) => f.relPath), 'the first zip had configs/ as its top folder');
    assert.deepEqual(goodUpload!.zipEntries, configs.map((f) => `top/${f.relPath}`));
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
      assert.equal(e.details, undefined, 'the stack trace is not shown without --verbose');
      assert.match(e.verboseDetails ?? '', /\tat org\.batfish/);
      return true;
    });
    assert.equal(server.seen('POST', /\/work$/).length, 1);
    assert.deepEqual(jsonBody(server.seen('POST', /\/work$/)[0]), item);
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
    assert.deepEqual(server.seen('POST', /\/networks$/)[0]!.query, { name: 'net1' });
  });

  it('fails a parse with the tail of the work log', async () => {
    const server = await simulator();
    const dir = path.join(tmp, 'all-empty');
    await mkdir(path.join(dir, 'configs'), { recursive: true });
    await writeFile(path.join(dir, 'configs', 'r1.cfg'), '');
    const s = session(server.url);
    // Zipped by hand: netq's preflight may refuse a site of empty files before any upload, and what
    // is under test here is how the client reports the server's failed parse.
    const zip = await packageSnapshot([{ relPath: 'configs/r1.cfg', absPath: path.join(dir, 'configs', 'r1.cfg'), sizeBytes: 0 }], 'empty', tmp);
    try {
      await assert.rejects(
        ensureSnapshot(s, { network: 'net1', snapshot: 'empty', zip, deadline: Date.now() + 5000 }),
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
    assert.deepEqual(server.seen('POST', /snapshots\/empty$/)[0]!.zipEntries, ['empty/configs/r1.cfg'], 'the empty file was uploaded');
    const parse = jsonBody(server.seen('POST', /\/work$/)[0]) as WorkItem;
    assert.deepEqual(parse.requestParams, { testrig: 'empty', si: '', sv: '', initinfo: '' });
    assert.equal(server.seen('GET', /\/worklog\//)[0]!.path, `/v2/networks/net1/snapshots/empty/worklog/${parse.id}`, 'the log of the parse that failed');
  });

  it('explains a data-plane failure behind a REQUEUEFAILURE', async () => {
    const server = await simulator({ failDataplane: true });
    const s = session(server.url);
    await initExample(s);
    await assert.rejects(
      ask(s, { network: 'net1', snapshot: 'example', question: 'bgpSessionStatus', parameters: {}, deadline: Date.now() + 10_000 }),
      (e: unknown) => {
        assert.ok(e instanceof BatfishWorkError);
        assert.equal(e.status, 'REQUEUEFAILURE');
        assert.match(e.details ?? '', /DATAPLANING_FAIL: .*Error computing data plane/);
        assert.match(e.details ?? '', /dataplaning work log \(tail\)/);
        return true;
      },
    );
    // The question stays on the server under its kept name (the next ask reads or re-asks it).
    const put = server.seen('PUT', /\/questions\//)[0];
    const { instanceName } = questionBody(put).instance;
    assert.match(instanceName, /^__netq_bgpSessionStatus_[0-9a-f]{20}$/);
    const answerWork = server.seen('POST', /\/work$/).map(jsonBody).at(-1) as WorkItem;
    assert.equal(answerWork.requestParams.questionname, instanceName);
    assert.equal(server.seen('DELETE', /\/questions\//).length, 0);
  });

  it('gives up at the deadline and says what is still running', async () => {
    const server = await simulator({ parseMs: 10_000 });
    const s = session(server.url);
    const zip = await zipOf(EXAMPLE, 'slow');
    const started = Date.now();
    try {
      await assert.rejects(
        ensureSnapshot(s, { network: 'net1', snapshot: 'slow', zip, deadline: Date.now() + 600 }),
        (e: unknown) => e instanceof BatfishWorkError && e.status === 'TIMEOUT' && /timed out while parsing snapshot slow \(work .* still ASSIGNED\)/.test(e.message) && /raise --timeout/.test(e.hint ?? ''),
      );
    } finally {
      await zip.dispose();
    }
    assert.ok(Date.now() - started < 5000);
  });

  it('parses again a snapshot whose parse a server restart lost', async () => {
    const server = await simulator({ parseMs: 1000 });
    const s = session(server.url);
    setTimeout(() => server.restart(), 300);
    const health = await initExample(s);
    assert.equal(health.files['configs/as2border2.cfg'], 'PASSED');
    const parses = server.seen('POST', /\/work$/).map(jsonBody) as WorkItem[];
    assert.equal(parses.length, 2, 'the lost parse was queued again');
    assert.notEqual(parses[0]!.id, parses[1]!.id);
    assert.ok(server.seen('GET', /\/networks\/net1\/work$/).length >= 1, 'it checked the incomplete work first');
  });

  it('reports an answer lost when the server restarts mid-poll', async () => {
    const server = await simulator({ answerMs: 2000 });
    const s = session(server.url);
    await initExample(s);
    setTimeout(() => server.restart(), 300);
    await assert.rejects(
      ask(s, { network: 'net1', snapshot: 'example', question: 'fileParseStatus', parameters: {}, deadline: Date.now() + 10_000 }),
      (e: unknown) => e instanceof BatfishWorkError && e.status === 'LOST' && /restarted/.test(e.hint ?? ''),
    );
  });

  it('refuses a server that speaks another API major version', async () => {
    const server = await simulator({ version: { Batfish: '2099.01.01', api_version: '3.0.0' } });
    await assert.rejects(session(server.url).connect(1000), /speaks API version 3\.0\.0; netq speaks version 2/);
  });
});

describe('hardening of the client (issue 9)', () => {
  it('warns once per session about plain HTTP to a host that is not loopback, and never for loopback', async () => {
    // 0.0.0.0 is not a loopback address, yet on this machine it reaches a server listening on every address.
    const server = await simulator({ host: '0.0.0.0' });
    const warnings: string[] = [];
    const http = new BatfishHttp({ url: server.url, apiKey: DEFAULT_API_KEY, clock: systemClock });
    const remote = new BatfishSession(new BatfishClient(http), { clock: systemClock, newId: uuidv4, onWarning: (w) => warnings.push(w) });
    await remote.connect(2000);
    await remote.connect(2000);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^0\.0\.0\.0:\d+ is reached over plain HTTP: the API key and every config netq uploads cross the network unencrypted/);
    const port = new URL(server.url).port;
    for (const url of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://127.1.2.3:${port}`]) {
      const local = new BatfishSession(new BatfishClient(new BatfishHttp({ url, apiKey: DEFAULT_API_KEY, clock: systemClock })), {
        clock: systemClock,
        newId: uuidv4,
        onWarning: (w) => warnings.push(w),
      });
      await local.connect(2000);
    }
    assert.equal(warnings.length, 1, 'no warning for loopback addresses');
  });

  it('ends a request at the deadline it is given, and takes a timeout longer than a timer can', async () => {
    const server = await simulator({ faults: [{ method: 'GET', path: /\/networks\/net1$/, hang: true }] });
    const http = new BatfishHttp({ url: server.url, apiKey: DEFAULT_API_KEY, clock: systemClock });
    const started = Date.now();
    await assert.rejects(http.request({ method: 'GET', path: '/networks/net1', deadline: Date.now() + 400 }), (e: unknown) => {
      assert.ok(e instanceof BatfishUnreachableError);
      assert.match(e.message, /did not answer GET \/v2\/networks\/net1 within 0\.\d s$/);
      assert.match(e.hint ?? '', /--timeout/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, `ended after ${Date.now() - started} ms`);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await http.request({ method: 'GET', path: '/version', timeoutMs: 3_000_000_000, deadline: Date.now() + 3_000_000_000 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it('sends a clean-up request even after the run was interrupted', async () => {
    const server = await simulator();
    const controller = new AbortController();
    controller.abort(new Error('SIGINT'));
    const http = new BatfishHttp({ url: server.url, apiKey: DEFAULT_API_KEY, clock: systemClock, signal: controller.signal });
    await assert.rejects(http.request({ method: 'GET', path: '/version' }), /SIGINT/);
    await assert.rejects(http.request({ method: 'DELETE', path: '/networks/net1/questions/q', cleanup: true }), (e: unknown) => e instanceof BatfishHttpError && e.status === 404);
    assert.deepEqual(server.seen().map((r) => `${r.method} ${r.path}`), ['DELETE /v2/networks/net1/questions/q']);
  });

  it('lists the incomplete work of a network with the snapshot each item works on', async () => {
    const server = await simulator({ parseMs: 5000 });
    const s = session(server.url);
    const zip = await zipOf(EXAMPLE, 'busy');
    try {
      await s.client.ensureNetwork('net1');
      await s.client.uploadSnapshot('net1', 'busy', createReadStream(zip.zipPath), zip.sizeBytes, 10_000);
    } finally {
      await zip.dispose();
    }
    const item: WorkItem = { containerName: 'net1', id: uuidv4(), requestParams: { testrig: 'busy', si: '', sv: '', initinfo: '' }, testrigName: 'busy' };
    await s.client.queueWork(item);
    const work = await s.client.incompleteWork('net1');
    assert.deepEqual(work.map((w) => [w.id, w.snapshot, w.requestParams.sv]), [[item.id, 'busy', '']]);
    assert.match(work[0]!.code, /^(UNASSIGNED|ASSIGNED)$/);
  });
});

describe('retry and poll timing (fake clock, real simulator)', () => {
  const BUSY = { status: 503, body: 'proxy: upstream busy' };

  function http(url: string, clock: FakeClock, retries: RetryEvent[] = []) {
    return new BatfishHttp({ url, apiKey: DEFAULT_API_KEY, clock, onRetry: (retry) => retries.push(retry) });
  }

  it('retries a GET after 0.5 s, doubling each time, and reports each retry', async () => {
    const server = await simulator({ faults: [{ method: 'GET', path: /\/version$/, times: 3, respond: BUSY }] });
    const clock = new FakeClock();
    const retries: RetryEvent[] = [];
    assert.deepEqual(await http(server.url, clock, retries).requestJson({ method: 'GET', path: '/version' }), {
      Batfish: '2025.07.07.2423',
      api_version: '2.1.0',
    });
    assert.deepEqual(clock.sleepsMs, [500, 1000, 2000]);
    assert.deepEqual(retries.map((r) => [r.request, r.attempt]), [['GET /v2/version', 2], ['GET /v2/version', 3], ['GET /v2/version', 4]]);
    assert.match(retries[0]!.reason, /503 .*proxy: upstream busy/);
  });

  it('gives up after four tries with the last answer, and caps the sleep', async () => {
    const server = await simulator({ faults: [{ method: 'GET', path: /\/version$/, respond: BUSY }] });
    const clock = new FakeClock();
    await assert.rejects(http(server.url, clock).request({ method: 'GET', path: '/version' }), (e: unknown) => e instanceof BatfishHttpError && e.status === 503);
    assert.equal(server.seen('GET', /\/version$/).length, 4);
    assert.deepEqual(clock.sleepsMs, [500, 1000, 2000]);
    const capped = new FakeClock();
    const client = new BatfishHttp({ url: server.url, apiKey: DEFAULT_API_KEY, clock: capped, retry: { attempts: 5, initialDelayMs: 500, maxDelayMs: 1500 } });
    await assert.rejects(client.request({ method: 'GET', path: '/version' }), BatfishHttpError);
    assert.deepEqual(capped.sleepsMs, [500, 1000, 1500, 1500]);
  });

  it('never repeats a POST whose connection dropped, but repeats a GET', async () => {
    const server = await simulator({
      faults: [
        { method: 'POST', path: /\/networks$/, times: 1, drop: true },
        { method: 'GET', path: /\/version$/, times: 1, drop: true },
      ],
    });
    const clock = new FakeClock();
    const client = http(server.url, clock);
    await assert.rejects(client.request({ method: 'POST', path: '/networks', query: { name: 'net1' } }), BatfishUnreachableError);
    assert.equal(server.seen('POST', /\/networks$/).length, 1);
    assert.deepEqual(clock.sleepsMs, []);
    await client.request({ method: 'GET', path: '/version' });
    assert.equal(server.seen('GET', /\/version$/).length, 2);
    assert.deepEqual(clock.sleepsMs, [500]);
  });

  it('repeats even a POST when the connection was refused, since nothing reached the server', async () => {
    const port = await freePort();
    const clock = new FakeClock();
    const retries: RetryEvent[] = [];
    await assert.rejects(
      http(`http://127.0.0.1:${port}`, clock, retries).request({ method: 'POST', path: '/networks', query: { name: 'net1' } }),
      (e: unknown) => e instanceof BatfishUnreachableError && /ECONNREFUSED/.test(e.message),
    );
    assert.deepEqual(clock.sleepsMs, [500, 1000, 2000]);
    assert.equal(retries[0]!.request, 'POST /v2/networks?name=net1');
  });

  it('never repeats a request whose body is a stream', async () => {
    const server = await simulator({ faults: [{ method: 'PUT', path: /\/questions\//, respond: BUSY }] });
    const clock = new FakeClock();
    const body = Readable.from([Buffer.from('{}')]);
    await assert.rejects(
      http(server.url, clock).request({ method: 'PUT', path: '/networks/net1/questions/q', raw: body, contentLength: 2 }),
      (e: unknown) => e instanceof BatfishHttpError && e.status === 503,
    );
    assert.equal(server.seen('PUT').length, 1);
    assert.deepEqual(clock.sleepsMs, []);
  });

  /** The example uploaded to net1 as `snapshot` and its parse queued: the parse work item. */
  async function uploadAndQueueParse(client: BatfishClient, snapshot: string): Promise<WorkItem> {
    const zip = await zipOf(EXAMPLE, snapshot);
    try {
      await client.uploadSnapshot('net1', snapshot, createReadStream(zip.zipPath), zip.sizeBytes, 10_000);
    } finally {
      await zip.dispose();
    }
    const item: WorkItem = { containerName: 'net1', id: uuidv4(), requestParams: { testrig: snapshot, si: '', sv: '', initinfo: '' }, testrigName: snapshot };
    await client.queueWork(item);
    return item;
  }

  /** A network with the example uploaded and its parse queued, polled through a fake clock. */
  async function queuedParse(options: SimulatorOptions, snapshot: string) {
    const server = await simulator(options);
    const clock = new FakeClock();
    const client = new BatfishClient(http(server.url, clock));
    await client.ensureNetwork('net1');
    return { server, clock, client, item: await uploadAndQueueParse(client, snapshot) };
  }

  it('polls work every 10 ms at first, then every tenth of the time waited, at most every 1 s, until it ends', async () => {
    const { clock, client, item } = await queuedParse({ parseMs: 200 }, 'timed');
    const codes: string[] = [];
    const status = await pollWork(client, item, { clock, deadline: clock.now() + 3_600_000, label: 'parsing snapshot timed', onStatus: (s) => codes.push(s.code) });
    assert.equal(status.code, 'TERMINATEDNORMALLY');
    assert.ok(clock.sleepsMs.length > 14, `polled ${clock.sleepsMs.length + 1} times`);
    // Ten sleeps of 10 ms bring the wait to 100 ms; from there each sleep is a tenth of the wait.
    assert.deepEqual(clock.sleepsMs.slice(0, 11), Array(11).fill(10));
    assert.deepEqual(clock.sleepsMs.slice(11, 14).map((ms) => Math.round(ms * 100) / 100), [11, 12.1, 13.31]);
    assert.ok(clock.sleepsMs.every((ms) => ms >= 10 && ms <= 1000));
    assert.equal(codes.at(-1), 'TERMINATEDNORMALLY');
  });

  it('times out work the worker never started, saying so in the hint', async () => {
    const { clock, client, item } = await queuedParse({ workerStartDelayMs: 60_000 }, 'queued');
    const started = clock.now();
    await assert.rejects(pollWork(client, item, { clock, deadline: started + 2000, label: 'parsing snapshot queued' }), (e: unknown) => {
      assert.ok(e instanceof BatfishWorkError);
      assert.equal(e.status, 'TIMEOUT');
      assert.equal(e.message, `timed out while parsing snapshot queued (work ${item.id} still UNASSIGNED)`);
      assert.equal(e.hint, 'Batfish has not started the work yet: it may still be starting or busy with other work; raise --timeout');
      return true;
    });
    // Sleeps of a tenth of the wait (after ten of 10 ms) until the next would end after the deadline.
    const waited = clock.now() - started;
    assert.ok(Math.abs(waited - clock.sleepsMs.reduce((a, b) => a + b, 0)) < 0.01, 'only the sleeps moved the clock');
    assert.ok(waited <= 2000 && waited * 1.1 > 2000, `waited ${waited} ms of 2000`);
    assert.ok(Math.abs(clock.sleepsMs.at(-1)! - (waited - clock.sleepsMs.at(-1)!) / 10) < 0.01, `last sleep ${clock.sleepsMs.at(-1)} ms`);
  });

  it('reports lost work at once when the server forgets it', async () => {
    const { server, clock, client, item } = await queuedParse({ workerStartDelayMs: 60_000 }, 'lost');
    clock.onSleep(() => server.restart());
    await assert.rejects(pollWork(client, item, { clock, deadline: clock.now() + 60_000, label: 'parsing snapshot lost' }), (e: unknown) => {
      assert.ok(e instanceof BatfishWorkError);
      assert.equal(e.status, 'LOST');
      assert.equal(e.message, `Batfish lost track of work ${item.id} while parsing snapshot lost`);
      return true;
    });
    assert.deepEqual(clock.sleepsMs, [10]);
  });

  it('waits for items together: each times out at its own deadline, and a lost item is reported as lost', async () => {
    const { server, clock, client, item } = await queuedParse({ workerStartDelayMs: 60_000 }, 'first');
    const other = await uploadAndQueueParse(client, 'second');
    const watcher = new WorkWatcher(client, 'net1', clock);
    const started = clock.now();
    const outcomes = await Promise.allSettled([
      pollWork(client, item, { clock, deadline: started + 500, label: 'parsing first', watcher }),
      pollWork(client, other, { clock, deadline: started + 2000, label: 'parsing second', watcher }),
    ]);
    const [first, second] = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as BatfishWorkError) : undefined));
    assert.equal(first?.status, 'TIMEOUT');
    assert.equal(first?.message, `timed out while parsing first (work ${item.id} still UNASSIGNED)`);
    assert.equal(second?.status, 'TIMEOUT');
    assert.equal(second?.message, `timed out while parsing second (work ${other.id} still UNASSIGNED)`);
    assert.ok(clock.now() - started <= 2000 && clock.now() - started > 1500, `gave up after ${clock.now() - started} ms`);
    // While both waited, one list per poll: the first item was asked about alone only before the
    // second joined (the second alone after the first gave up).
    assert.ok(server.seen('GET', new RegExp(`/work/${item.id}$`)).length <= 1);
    assert.ok(server.seen('GET', /\/networks\/net1\/work$/).length > 10);

    // An item the server does not know (it restarted): not in the list, and 404 on its own, so
    // lost at once, while the other one is still waited for.
    const ghost: WorkItem = { ...other, id: uuidv4() };
    const again = new WorkWatcher(client, 'net1', clock);
    const now = clock.now();
    const [lost, waited] = await Promise.allSettled([
      again.wait(ghost, { clock, deadline: now + 60_000, label: 'parsing ghost' }),
      again.wait(other, { clock, deadline: now + 300, label: 'parsing second' }),
    ]);
    assert.ok(lost.status === 'rejected' && lost.reason instanceof BatfishWorkError && lost.reason.status === 'LOST', String(lost.status));
    assert.ok(waited.status === 'rejected' && waited.reason instanceof BatfishWorkError && waited.reason.status === 'TIMEOUT');
  });

  it('ends an item at its own deadline without failing the others it is polled with', async () => {
    const server = await simulator({ workerStartDelayMs: 60_000 });
    const client = new BatfishClient(new BatfishHttp({ url: server.url, apiKey: DEFAULT_API_KEY, clock: systemClock, retry: FAST_RETRY }));
    await client.ensureNetwork('net1');
    const items = [await uploadAndQueueParse(client, 'long'), await uploadAndQueueParse(client, 'short')];
    const watcher = new WorkWatcher(client, 'net1', systemClock);
    const started = Date.now();
    const long = watcher.wait(items[0]!, { clock: systemClock, deadline: started + 2500, label: 'parsing long' }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Joins late with almost no time left: it alone runs out.
    const short = await watcher.wait(items[1]!, { clock: systemClock, deadline: Date.now() + 5, label: 'parsing short' }).catch((e: unknown) => e);
    assert.ok(short instanceof BatfishWorkError && short.status === 'TIMEOUT', String(short));
    assert.equal(short.message, `timed out while parsing short (work ${items[1]!.id} still UNASSIGNED)`);
    const longError = await long;
    assert.ok(longError instanceof BatfishWorkError && longError.status === 'TIMEOUT', String(longError));
    assert.ok(Date.now() - started >= 2000, `the long one waited ${Date.now() - started} ms of its 2.5 s`);
  });

  it('stops polling with the signal reason when interrupted', async () => {
    const { clock, client, item } = await queuedParse({ workerStartDelayMs: 60_000 }, 'interrupted');
    const controller = new AbortController();
    const interrupt = new Error('SIGINT');
    clock.onSleep(() => {
      if (clock.sleepsMs.length === 2) controller.abort(interrupt);
    });
    await assert.rejects(
      pollWork(client, item, { clock, deadline: clock.now() + 60_000, label: 'parsing snapshot interrupted', signal: controller.signal }),
      (e: unknown) => e === interrupt,
    );
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
