/**
 * Issue 9, "hardening the site run": what netq does when Batfish fails at the worst moment, when
 * it never answers, when a reader or a user goes away, and when an input is wrong in a way only
 * the server would notice. Each case is a command run against the simulator with a fault injected
 * (or the built binary, where only a real process shows the behaviour), asserting what a user or
 * the server would observe.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareSnapshot } from '../../src/app/site-snapshots.js';
import { BatfishClient, type WorkItem } from '../../src/batfish/client.js';
import { BatfishHttp, DEFAULT_API_KEY } from '../../src/batfish/http.js';
import { OBJECT_PARAMETER_TYPES, parseTemplate, validateParameters } from '../../src/batfish/question.js';
import { systemClock } from '../../src/clock.js';
import { bindNegativeNumbers } from '../../src/commands/flags.js';
import { InputError, InterruptedError } from '../../src/errors.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { REPO_ROOT, runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { javaStackTrace, startSimulator, type BatfishSimulator, type LoggedRequest, type SimulatorOptions } from '../support/simulator.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
const DC_AS_REUSE = path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse');
let tmp: string;
let regions: string;
const sims: BatfishSimulator[] = [];

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-hardening-'));
  regions = path.join(tmp, 'regions');
});
after(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  await rm(tmp, { recursive: true, force: true });
});

async function simulator(options: SimulatorOptions = {}): Promise<BatfishSimulator> {
  const sim = await startSimulator(options);
  sims.push(sim);
  return sim;
}

/** A one-router site `lab/<name>` of its own, so each test's snapshot is its own. */
async function site(name: string): Promise<string[]> {
  const configs = path.join(regions, 'lab', name, 'configs');
  await mkdir(configs, { recursive: true });
  await writeFile(path.join(configs, 'r1.cfg'), `hostname ${name}\n`);
  return ['-r', 'lab', '-s', name, '--regions-dir', regions];
}

const INJECTED_500 = { status: 500, body: javaStackTrace('java.lang.RuntimeException: injected failure') };
/** The parse work item (its requestParams hold `sv`), not an answer item. */
const PARSE_POST = { method: 'POST', path: /\/work$/, body: /"sv"/ };

function parsePosts(sim: BatfishSimulator, snapshotPrefix: string): WorkItem[] {
  return sim
    .seen('POST', /\/work$/)
    .map((r) => JSON.parse(r.bodyText ?? '{}') as WorkItem)
    .filter((w) => w.requestParams.sv !== undefined && w.testrigName.startsWith(snapshotPrefix));
}

function uploads(sim: BatfishSimulator, snapshotPrefix: string): LoggedRequest[] {
  return sim.seen('POST', new RegExp(`/snapshots/${snapshotPrefix}-[0-9a-f]{16}$`));
}

/** The statuses of a site's snapshots on the simulator; DATAPLANED (after a data-plane question) counts as PARSED. */
function snapshotStatus(sim: BatfishSimulator, network: string, prefix: string): string[] {
  return [...(sim.networks.get(network)?.snapshots.values() ?? [])]
    .filter((s) => s.name.startsWith(`${prefix}-`))
    .map((s) => (s.status === 'DATAPLANED' ? 'PARSED' : s.status));
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

describe('no stuck snapshots (issue 9, item 1)', () => {
  it('parses the snapshot when its parse request fails with a 500 once', async () => {
    const sim = await simulator({ faults: [{ ...PARSE_POST, times: 1, respond: INJECTED_500 }] });
    const args = ['bgp-sessions', ...(await site('p500')), '--batfish-url', sim.url, '--timeout', '20'];
    const first = await runNetq(args);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(parsePosts(sim, 'p500').length, 2, 'the failed parse request was checked and sent again');
    assert.deepEqual(snapshotStatus(sim, 'lab', 'p500'), ['PARSED']);
    const second = await runNetq(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(uploads(sim, 'p500').length, 1, 'the next run reuses it');
  });

  it('parses the snapshot when its parse request loses its connection once', async () => {
    const sim = await simulator({ faults: [{ ...PARSE_POST, times: 1, drop: true }] });
    const { code, stderr } = await runNetq(['bgp-sessions', ...(await site('pdrop')), '--batfish-url', sim.url, '--timeout', '20']);
    assert.equal(code, 0, stderr);
    assert.equal(parsePosts(sim, 'pdrop').length, 2);
    assert.deepEqual(snapshotStatus(sim, 'lab', 'pdrop'), ['PARSED']);
  });

  it('gives up quickly with the server error when every parse request fails', async () => {
    const sim = await simulator({ faults: [{ ...PARSE_POST, respond: INJECTED_500 }] });
    const siteFlags = await site('pall');
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', ...siteFlags, '--batfish-url', sim.url, '--timeout', '60']));
    assert.equal(result.code, 3);
    assert.match(result.stderr, /netq: error: Batfish answered 500 to POST \/v2\/networks\/lab\/work: java\.lang\.RuntimeException: injected failure\n/);
    assert.equal(parsePosts(sim, 'pall').length, 3, 'the first request and two more, after checking nothing parses it');
    assert.ok(ms < 20_000, `gave up after ${ms} ms, not at the --timeout`);
  });

  it('takes over a snapshot left UNINITIALIZED by a netq killed right after its upload', async () => {
    const sim = await simulator();
    const args = await site('killed');
    // What the killed netq did: the upload, and not the parse request.
    const prepared = await prepareSnapshot({ kind: 'site', regionsDir: regions, region: 'lab', site: 'killed' }, undefined, { cwd: REPO_ROOT, onEvent: () => {}, clock: systemClock });
    const zip = await packageSnapshot(prepared.scan.files, prepared.snapshot, tmp);
    const client = new BatfishClient(new BatfishHttp({ url: sim.url, apiKey: DEFAULT_API_KEY, clock: systemClock }));
    try {
      await client.ensureNetwork(prepared.network);
      await client.uploadSnapshot(prepared.network, prepared.snapshot, createReadStream(zip.zipPath), zip.sizeBytes, 10_000);
    } finally {
      await zip.dispose();
    }
    assert.deepEqual(snapshotStatus(sim, 'lab', 'killed'), ['UNINITIALIZED']);
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', ...args, '--batfish-url', sim.url, '--timeout', '8']));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(ms < 6000, `took ${ms} ms`);
    assert.equal(uploads(sim, 'killed').length, 1, 'nothing uploaded again: it queued the parse');
    assert.equal(parsePosts(sim, 'killed').length, 1);
    assert.ok(sim.seen('GET', /\/networks\/lab\/work$/).length >= 1, 'it asked the server which work is under way');
    assert.deepEqual(snapshotStatus(sim, 'lab', 'killed'), ['PARSED']);
  });

  it('parses again a snapshot whose parse a Batfish restart lost', async () => {
    const sim = await simulator({ parseMs: 60_000 });
    const args = ['bgp-sessions', ...(await site('restarted')), '--batfish-url', sim.url, '--timeout', '2'];
    const interrupted = await runNetq(args);
    assert.equal(interrupted.code, 3, 'the first run ran out of time while the parse ran');
    assert.deepEqual(snapshotStatus(sim, 'lab', 'restarted'), ['PARSING']);
    sim.restart();
    sim.options.parseMs = 50;
    const { result, ms } = await timed(() => runNetq([...args.slice(0, -1), '8']));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(ms < 6000, `took ${ms} ms`);
    assert.equal(parsePosts(sim, 'restarted').length, 2);
  });

  it('lets two --fresh runs of one site at the same time both succeed', async () => {
    const sim = await simulator();
    const args = ['bgp-sessions', ...(await site('twins')), '--batfish-url', sim.url, '--timeout', '30', '--fresh'];
    // With no snapshot yet, then three times over a parsed one (each interleaving differs a little).
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([runNetq(args), runNetq(args)]);
      assert.equal(a.code, 0, `round ${round}, run a: ${a.stderr}`);
      assert.equal(b.code, 0, `round ${round}, run b: ${b.stderr}`);
      assert.deepEqual(snapshotStatus(sim, 'lab', 'twins'), ['PARSED'], `round ${round}`);
    }
    const after = await runNetq(args.filter((a) => a !== '--fresh'));
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stderr, /Batfish already has twins-/);
  });
});

describe('a failed data plane (item 2)', () => {
  it('says the data plane failed and how to see why, and --fresh computes it anew', async () => {
    const sim = await simulator({ failDataplane: true });
    const args = ['routes', ...(await site('dpfail')), '--batfish-url', sim.url];
    const first = await runNetq(args);
    assert.equal(first.code, 3);
    assert.match(first.stderr, /REQUEUEFAILURE/);
    assert.match(first.stderr, /hint: .*--fresh/);
    const second = await runNetq(args);
    assert.equal(second.code, 3);
    assert.match(second.stderr, /^netq: error: the data plane of snapshot dpfail-[0-9a-f]{16} failed when Batfish computed it earlier, so Batfish refuses questions that need it\n/m);
    assert.match(second.stderr, /DATAPLANING_FAIL: org\.batfish\.common\.BatfishException: Error computing data plane: simulated failure/);
    assert.match(second.stderr, /hint: run again with --fresh to upload the snapshot again and compute its data plane anew/);
    assert.ok(!second.stderr.includes('WorkMgr.simulated'), "no trace of Batfish's 500 without --verbose");
    sim.options.failDataplane = false;
    const fresh = await runNetq([...args, '--fresh']);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(uploads(sim, 'dpfail').length, 2, '--fresh uploaded it again');
    assert.deepEqual(snapshotStatus(sim, 'lab', 'dpfail'), ['PARSED']);
  });
});

describe('timeouts hold (item 5)', () => {
  it('accepts --timeout 3000000 (more than a timer takes) without a TimeoutOverflowWarning', async () => {
    const sim = await simulator();
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const { code, stderr } = await runNetq(['bgp-sessions', ...(await site('longtimeout')), '--batfish-url', sim.url, '--timeout', '3000000']);
      assert.equal(code, 0, stderr);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning')), []);
  });

  it('ends at --timeout when Batfish takes a request and never answers it', async () => {
    const sim = await simulator({ faults: [{ ...PARSE_POST, hang: true }] });
    const siteFlags = await site('hung');
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', ...siteFlags, '--batfish-url', sim.url, '--timeout', '2']));
    assert.equal(result.code, 3);
    assert.match(result.stderr, /netq: error: Batfish at http:\/\/127\.0\.0\.1:\d+ did not answer POST \/v2\/networks\/lab\/work within [\d.]+ s\nhint: the run ran out of time \(--timeout\)/);
    // 2 s of --timeout; a request timeout of its own would be 30 s.
    assert.ok(ms < 10_000, `ended after ${ms} ms`);
  });

  it('ends at --timeout when the question templates never come', async () => {
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/question_templates$/, hang: true }] });
    const siteFlags = await site('hungtemplates');
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', ...siteFlags, '--batfish-url', sim.url, '--timeout', '2']));
    assert.equal(result.code, 3);
    assert.match(result.stderr, /did not answer GET \/v2\/question_templates\?verbose=false within/);
    assert.ok(ms < 10_000, `ended after ${ms} ms`);
  });

  it('ends at --timeout when an answer stops arriving half-way, and asks again when its connection drops', async () => {
    const answer = /\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}\/answer$/;
    const stalled = await simulator({ faults: [{ method: 'GET', path: answer, cutBody: { bytes: 40, then: 'hang' } }] });
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', ...['-r', 'north_america', '-s', 'nyc'], '--batfish-url', stalled.url, '--timeout', '3']));
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /netq: error: Batfish at http:\/\/127\.0\.0\.1:\d+ did not answer GET \/v2\/networks\/north_america\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}\/answer\?snapshot=nyc-[0-9a-f]{16} within [\d.]+ s\nhint: the run ran out of time \(--timeout\)/);
    assert.ok(!result.stderr.includes('    at '), 'no stack trace');
    assert.ok(ms < 10_000, `ended after ${ms} ms`);
    await stalled.stop();

    // An error answer that stops half-way is given the same time, not forever.
    const busy = await simulator({ faults: [{ method: 'GET', path: answer, respond: { status: 503, body: 'busy '.repeat(100) }, cutBody: { bytes: 10, then: 'hang' } }] });
    const stopped = await timed(() => runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', busy.url, '--timeout', '3']));
    assert.equal(stopped.result.code, 3, stopped.result.stderr);
    assert.match(stopped.result.stderr, /did not answer GET \/v2\/networks\/north_america\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}\/answer\?snapshot=nyc-[0-9a-f]{16} within [\d.]+ s/);
    assert.ok(stopped.ms < 10_000, `ended after ${stopped.ms} ms`);
    await busy.stop();

    const dropped = await simulator({ faults: [{ method: 'GET', path: answer, times: 1, cutBody: { bytes: 40, then: 'drop' } }] });
    const again = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', dropped.url, '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(dropped.seen('GET', answer).length, 2, 'the answer was asked for again');
    assert.equal((JSON.parse(again.stdout) as { question: { name: string } }).question.name, 'bgpSessionStatus');
  });

  it('says so when an answer is not JSON (a proxy page), with exit 3 and no stack trace', async () => {
    const answer = /\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}\/answer$/;
    const proxied = await simulator({ faults: [{ method: 'GET', path: answer, respond: { status: 200, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' } }] });
    const result = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', proxied.url]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /netq: error: Batfish answered 200 to GET \/v2\/networks\/north_america\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}\/answer\?snapshot=nyc-[0-9a-f]{16}: the body is not JSON \(.+\)\nhint: the server at this address does not answer like Batfish; check --batfish-url/);
    assert.ok(!result.stderr.includes('    at '), 'no stack trace');
  });

  it('gives a server that never answers /v2/version the connect timeout, not more', async () => {
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/version$/, hang: true }] });
    const { result, ms } = await timed(() => runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--connect-timeout', '1']));
    assert.equal(result.code, 3);
    assert.match(result.stderr, /netq: error: Batfish at http:\/\/127\.0\.0\.1:\d+ did not answer GET \/v2\/version within 1 s\nhint: .*--connect-timeout/);
    assert.ok(ms < 10_000, `ended after ${ms} ms`);
  });
});

describe('messages (item 7)', () => {
  it('shows only the first line of a Batfish stack trace, and the whole of it with --verbose', async () => {
    const sim = await simulator({ faults: [{ method: 'PUT', path: /\/questions\//, respond: INJECTED_500 }] });
    const args = ['bgp-sessions', ...(await site('trace')), '--batfish-url', sim.url];
    const quiet = await runNetq(args);
    assert.equal(quiet.code, 3);
    assert.match(quiet.stderr, /netq: error: Batfish answered 500 to PUT \/v2\/networks\/lab\/questions\/__netq_bgpSessionStatus_[0-9a-f]{20}: java\.lang\.RuntimeException: injected failure\nhint: --verbose shows/);
    assert.ok(!quiet.stderr.includes('WorkMgr.simulated'), quiet.stderr);
    const verbose = await runNetq([...args, '--verbose']);
    assert.match(verbose.stderr, /\tat org\.batfish\.coordinator\.WorkMgr\.simulated/);
  });

  it('hints --api-key and NETQ_BATFISH_API_KEY on a 401', async () => {
    const sim = await simulator({ apiKeys: ['s3cret'] });
    const { code, stderr } = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.equal(code, 3);
    assert.match(stderr, /Batfish answered 401 to GET \/v2\/version: Authorizer: '0{32}' is NOT a valid key\nhint: .*--api-key or NETQ_BATFISH_API_KEY/);
  });

  it('hints to drop the path of a --batfish-url that is not where Batfish answers', async () => {
    const sim = await simulator();
    const { code, stderr } = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', `${sim.url}/batfish/`]);
    assert.equal(code, 3);
    assert.match(stderr, /Batfish answered 404 to GET \/v2\/version: HTTP 404 Not Found\nhint: nothing answers Batfish's API under the path \/batfish\/?: drop the path, e\.g\. --batfish-url http:\/\/127\.0\.0\.1:\d+ /);
  });

  it('hints --connect-timeout when nothing accepts the connection (a server still starting)', async () => {
    const port = await freePort();
    const { code, stderr } = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', `http://127.0.0.1:${port}`, '--connect-timeout', '1']);
    assert.equal(code, 3);
    assert.match(stderr, /Batfish is not reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\nhint: .*still starting, wait longer with --connect-timeout SECONDS/);
  });

  it('says what is wrong with --timeout=-1 and --connect-timeout=-0.5', async () => {
    const timeout = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--timeout=-1']);
    assert.equal(timeout.code, 2);
    assert.equal(timeout.stdout, '');
    assert.match(timeout.stderr, /Invalid value for --timeout: must be at least 1 \(seconds\), got -1\n/);
    const connect = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--connect-timeout=-0.5']);
    assert.equal(connect.code, 2);
    assert.match(connect.stderr, /Invalid value for --connect-timeout: must be at least 0 \(seconds\), got -0\.5\n/);
  });

  it('reads the negative number in --timeout -1 as its value, not as an option', async () => {
    assert.deepEqual(bindNegativeNumbers(['x', '--timeout', '-1', '--nodes', 'a', '-r', '-2', '--', '--port', '-2']), ['x', '--timeout=-1', '--nodes', 'a', '-r', '-2', '--', '--port', '-2']);
    // clipanion alone says "Not enough arguments to option --timeout"; src/cli.ts binds the value first.
    const { code, stdout, stderr } = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--timeout', '-1']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /Invalid value for --timeout: must be at least 1 \(seconds\), got -1\n/);
  });

  it('leaves no throw-away question behind when interrupted (questions are kept by content, for reuse)', async () => {
    const controller = new AbortController();
    const sim = await simulator({
      answerMs: 10_000,
      onRequest: (r) => {
        if (r.method === 'POST' && /\/work$/.test(r.path) && r.bodyText?.includes('"answer"')) {
          setTimeout(() => controller.abort(new InterruptedError('SIGINT')), 300);
        }
      },
    });
    const { code, stderr } = await runNetq(['bgp-sessions', ...(await site('interrupted')), '--batfish-url', sim.url], { signal: controller.signal });
    assert.equal(code, 130, stderr);
    const [put] = sim.seen('PUT', /\/questions\//);
    assert.ok(put, 'the question was uploaded');
    const kept = [...(sim.networks.get('lab')?.questions.keys() ?? [])];
    assert.deepEqual(kept, [decodeURIComponent(put.path.split('/').at(-1)!)]);
    assert.ok(kept.every((name) => /^__netq_[A-Za-z]+_[0-9a-f]{20}$/.test(name)), kept.join(' '));
  });
});

describe('plain HTTP beyond loopback, and https (item 8)', () => {
  it('warns once that the key and configs go in clear to a non-loopback http:// URL, and never for loopback', async (t) => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!address) {
      t.skip('this machine has no non-loopback IPv4 address to serve the simulator on');
      return;
    }
    const remote = await simulator({ host: address });
    const { code, stderr } = await runNetq(['bgp-sessions', '--all', '--batfish-url', remote.url]);
    assert.equal(code, 0, stderr);
    const warnings = stderr.split('\n').filter((l) => l.startsWith('netq: warning:') && l.includes('plain HTTP'));
    assert.deepEqual(warnings, [
      `netq: warning: ${address}:${new URL(remote.url).port} is reached over plain HTTP: the API key and every config netq uploads cross the network unencrypted; use an https:// URL (Batfish behind a TLS proxy) or an SSH tunnel to 127.0.0.1`,
    ]);
    const local = await simulator();
    for (const url of [local.url, local.url.replace('127.0.0.1', 'localhost')]) {
      const quiet = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', url]);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.ok(!quiet.stderr.includes('plain HTTP'), quiet.stderr);
    }
  });

  it('speaks https to a server whose private CA is given with NODE_EXTRA_CA_CERTS', async (t) => {
    if (!hasOpenssl()) {
      t.skip('openssl is not installed');
      return;
    }
    assert.ok(existsSync(BIN), `${BIN} is missing: run npm run build first`);
    const dir = await mkdtemp(path.join(tmp, 'tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const sim = await simulator({ tls: { key: await readFile(key), cert: await readFile(cert) } });
    assert.match(sim.url, /^https:\/\//);
    const args = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--format', 'json'];
    const untrusted = await spawnNetq(args);
    assert.equal(untrusted.code, 3, untrusted.stderr);
    assert.match(untrusted.stderr, /not reachable at https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\nhint: .*NODE_EXTRA_CA_CERTS/);
    assert.equal(sim.seen('GET', /\/version$/).length, 0, 'no request got through the TLS handshake');
    const trusted = await spawnNetq(args, { NODE_EXTRA_CA_CERTS: cert });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal((JSON.parse(trusted.stdout) as { network: string }).network, 'north_america');
    assert.ok(!trusted.stderr.includes('plain HTTP'));
    assert.ok(sim.seen('PUT', /\/questions\//).length === 1);
  });
});

describe('a reader that goes away (item 6)', () => {
  it('exits 0 without a stack trace when stdout is closed after the first chunk', async () => {
    assert.ok(existsSync(BIN), `${BIN} is missing: run npm run build first`);
    const sim = await simulator();
    // Four sites with dc-as-reuse's configs: four recorded routing tables, well over a pipe's
    // 64 KiB, written site by site, so netq is still writing when the reader has gone.
    const dcRegions = path.join(tmp, 'dc-regions');
    for (const name of ['a', 'b', 'c', 'd']) await cp(path.join(DC_AS_REUSE, 'configs'), path.join(dcRegions, 'dc', name, 'configs'), { recursive: true });
    const args = ['routes', '--all', '--regions-dir', dcRegions, '--batfish-url', sim.url];
    const whole = await spawnNetq(args);
    assert.equal(whole.code, 0, whole.stderr);
    assert.ok(whole.stdout.length > 128 * 1024, `the output (${whole.stdout.length} bytes) must not fit in the pipe`);
    const closed = await spawnNetq(args, {}, { closeAfterFirstChunk: true });
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal(closed.signal, null);
    assert.ok(closed.stdout.length > 0 && closed.stdout.length < whole.stdout.length, `read ${closed.stdout.length} bytes before closing`);
    assert.doesNotMatch(closed.stderr, /EPIPE|Error:|\n\s+at /);
  });
});

describe('object parameters are checked (item 9)', () => {
  const template = async (folder: string, name: string) =>
    parseTemplate(await readFile(path.join(FIXTURES_DIR, 'batfish-questions', folder, `${name}.json`), 'utf8'), name);
  const problem = (fn: () => void): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof InputError) return error.message;
      throw error;
    }
    return '';
  };

  it('refuses a misspelt header field before any upload, listing the valid fields', async () => {
    const sim = await simulator();
    const { code, stdout, stderr } = await runNetq([
      'ask', 'traceroute', ...(await site('objects')), '--param', 'startLocation=r1', '--param', 'headers={"dstIpz":"1.1.1.1"}', '--batfish-url', sim.url,
    ]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^netq: error: parameter 'headers' of traceroute has unknown field dstIpz; did you mean dstIps\? \(valid fields: srcIps, dstIps, srcPorts, dstPorts, ipProtocols, applications, icmpCodes, icmpTypes, dscps, ecns, packetLengths, fragmentOffsets, tcpFlags\)\n/,
    );
    assert.deepEqual(sim.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`), [], 'nothing was uploaded');
  });

  it('checks every object-typed variable type the templates use', async () => {
    const traceroute = await template('experimental', 'traceroute');
    const reachability = await template('experimental', 'reachability');
    const searchRoutePolicies = await template('experimental', 'searchRoutePolicies');
    const testRoutePolicies = await template('experimental', 'testRoutePolicies');
    const route = { network: '10.0.0.0/24', originatorIp: '10.0.0.1', originType: 'egp', protocol: 'bgp' };
    const cases: Array<[string, () => void, RegExp | '']> = [
      ['headers as text', () => validateParameters(traceroute, { headers: '1.1.1.1' }), /^parameter 'headers' of traceroute takes an object with the fields srcIps, dstIps, .* \(got '1\.1\.1\.1'\)$/],
      ['tcpFlags typo', () => validateParameters(traceroute, { headers: { dstIps: '1.1.1.1', tcpFlags: [{ tcpFlags: { synn: true } }] } }), /has unknown field tcpFlags\[0\]\.tcpFlags\.synn; did you mean syn\? \(valid fields of tcpFlags\[0\]\.tcpFlags: ack, cwr, ece, fin, psh, rst, syn, urg\)/],
      ['good headers', () => validateParameters(traceroute, { startLocation: 'r1', headers: { dstIps: '1.1.1.1', ipProtocols: ['tcp'], tcpFlags: [{ tcpFlags: { syn: true }, useSyn: true }] } }), ''],
      ['pathConstraints typo', () => validateParameters(reachability, { pathConstraints: { startLocations: 'r1' } }), /^parameter 'pathConstraints' of reachability has unknown field startLocations; did you mean startLocation\? \(valid fields: startLocation, endLocation, transitLocations, forbiddenLocations\)$/],
      ['bgpRouteConstraints typo', () => validateParameters(searchRoutePolicies, { inputConstraints: { prefixes: ['10.0.0.0/8:8-32'] } }), /has unknown field prefixes; did you mean prefix\? \(valid fields: prefix, complementPrefix, localPreference, med, communities, asPath\)/],
      ['bgpSessionProperties incomplete', () => validateParameters(testRoutePolicies, { direction: 'in', policies: 'p', inputRoutes: [route], bgpSessionProperties: { localAs: 1, remoteAs: 2 } }), /^parameter 'bgpSessionProperties' of testRoutePolicies needs the fields localIp, remoteIp \(BgpSessionProperties fields: localAs, remoteAs, localIp, remoteIp\)$/],
      ['bgpRoutes typo', () => validateParameters(testRoutePolicies, { direction: 'in', policies: 'p', inputRoutes: [route, { ...route, nexthopIp: '1.1.1.1' }] }), /^parameter 'inputRoutes' of testRoutePolicies has unknown field \[1\]\.nexthopIp; did you mean nextHopIp\? \(valid fields of \[1\]:/],
      ['bgpRoutes missing field', () => validateParameters(testRoutePolicies, { direction: 'in', policies: 'p', inputRoutes: [{ network: '10.0.0.0/24' }] }), /needs the fields originatorIp, originType, protocol of \[0\]/],
      ['good routes', () => validateParameters(testRoutePolicies, { direction: 'in', policies: 'p', inputRoutes: [{ ...route, class: 'org.batfish.datamodel.questions.BgpRoute', srcProtocol: null }] }), ''],
    ];
    for (const [name, fn, expected] of cases) {
      const message = problem(fn);
      if (expected === '') assert.equal(message, '', name);
      else assert.match(message, expected, name);
    }
    // Every object-typed variable of the stock templates has a shape (the `question` of filterTable is a question, not a record).
    const types = new Set<string>();
    for (const folder of ['stable', 'experimental']) {
      for (const file of await readdirJson(path.join(FIXTURES_DIR, 'batfish-questions', folder))) {
        for (const variable of Object.values((await template(folder, file)).variables)) types.add(variable.type);
      }
    }
    const objectTypes = [...types].filter((ty) => /constraint|route|properties$/i.test(ty) && !ty.endsWith('Spec')).sort();
    assert.deepEqual(objectTypes, Object.keys(OBJECT_PARAMETER_TYPES).sort());
  });
});

// ---------------------------------------------------------------- helpers

async function readdirJson(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the built binary; with `closeAfterFirstChunk` the reading end of stdout is closed after one chunk. */
function spawnNetq(
  args: string[],
  env: Record<string, string> = {},
  options: { closeAfterFirstChunk?: boolean } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only the CA a test gives is trusted, whatever this machine's environment holds.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...inherited, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.closeAfterFirstChunk) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
