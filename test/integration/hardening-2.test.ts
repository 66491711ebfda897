/**
 * Issue 22, the second hardening round: what a hostile or careless user, and a faulty server or
 * proxy, do to netq, and what netq must do back (an exit code from the contract, a message that
 * says what failed and what to do, nothing left behind). Each case runs the command against the
 * simulator with a fault injected, asserting what a user would observe.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runNetq } from '../support/harness.js';
import { BatfishSimulator, startSimulator, type SimulatorOptions } from '../support/simulator.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
let tmp: string;
let regions: string;
const sims: BatfishSimulator[] = [];

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-hardening-2-'));
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

/** The last lines of stderr that say what went wrong. */
const gist = (stderr: string): string => stderr.split('\n').filter((l) => /error|hint/.test(l)).join(' | ');

describe('item 3: a response cut off in the middle of its body', () => {
  const reads: Array<[string, RegExp]> = [
    ['the snapshot', /\/snapshots\/[^/]+$/],
    ['the templates', /\/question_templates$/],
    ['a work status', /\/work\/[^/]+$/],
    ['the network list', /\/networks$/],
  ];
  for (const [what, pathPattern] of reads) {
    it(`is asked again when it is ${what} (a GET), and the run succeeds`, async () => {
      const sim = await simulator({ faults: [{ method: 'GET', path: pathPattern, times: 1, cutBody: { bytes: 5, then: 'drop' } }] });
      const result = await runNetq(['bgp-sessions', ...(await site(`cut-${what.replace(/\W+/g, '-')}`)), '--batfish-url', sim.url]);
      assert.equal(result.code, 0, result.stderr);
    });
  }

  it('is exit 3 with what happened when every try is cut off (never 70, "a bug in netq")', async () => {
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/question_templates$/, cutBody: { bytes: 5, then: 'drop' } }] });
    const result = await runNetq(['bgp-sessions', ...(await site('cut-always')), '--batfish-url', sim.url]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(gist(result.stderr), /answer cut off/);
    assert.doesNotMatch(result.stderr, /bug in netq/);
  });
});

describe('item 5: time limits are kept', () => {
  it('--timeout ends a run whose answer body trickles in (60 B/s): exit 3, long before the body would end', async () => {
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/answer$/, trickle: { bytesPerSecond: 60 } }] });
    const started = Date.now();
    const result = await runNetq(['bgp-sessions', ...(await site('trickle-answer')), '--batfish-url', sim.url, '--timeout', '3']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(gist(result.stderr), /--timeout/);
    // The answer is about 2 KB: at 60 B/s it would take over 30 s. --timeout bounds the run from
    // after the connection (3 s), with room for the start and the clean-up.
    assert.ok(Date.now() - started < 6000, `ended after ${Date.now() - started} ms`);
  });

  it('--timeout ends a run whose templates trickle in (20 KB/s for ~400 KB): exit 3', async () => {
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/question_templates$/, trickle: { bytesPerSecond: 20_000 } }] });
    const started = Date.now();
    const result = await runNetq(['bgp-sessions', ...(await site('trickle-templates')), '--batfish-url', sim.url, '--timeout', '2']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(gist(result.stderr), /--timeout/);
    // At 20 KB/s the templates take 20 s; before, the run ended after about 6.8 s.
    assert.ok(Date.now() - started < 5000, `ended after ${Date.now() - started} ms`);
  });

  it('--connect-timeout finds a server that starts listening shortly before it runs out', async () => {
    // A free port, then a server on it 2.5 s later: connect retries at 0, 0.25, 0.75, 1.75 s and
    // the next sleep (2 s) would end after the 3 s: the last try must be at the deadline itself.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const late = new Promise<BatfishSimulator>((resolve) => setTimeout(() => resolve(simulator({ port })), 2500));
    const result = await runNetq(['bgp-sessions', ...(await site('late-server')), '--batfish-url', `http://127.0.0.1:${port}`, '--connect-timeout', '3']);
    await late;
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('item 5: work left behind by a run that timed out', () => {
  it('says the work stays queued, and the next run of the same question waits for it instead of queueing it again', async () => {
    const sim = await simulator({ answerMs: 2500 });
    const argv = ['nodes', ...(await site('left-behind')), '--batfish-url', sim.url];
    const first = await runNetq([...argv, '--timeout', '1']);
    assert.equal(first.code, 3, first.stderr);
    assert.match(first.stderr, /no way to cancel queued work: this item stays in its queue/);
    const second = await runNetq(argv);
    assert.equal(second.code, 0, second.stderr);
    const queued = sim.seen('POST', /\/work$/).filter((r) => /"answer"/.test(r.bodyText ?? ''));
    assert.deepEqual(
      queued.map((r) => r.status),
      [201, 400],
      'the second run was refused as a duplicate and waited for the first item',
    );
  });
});

describe('item 6: --all keeps every site it answered when one site hits a request timeout', () => {
  it('prints the answered site, the failed site and the roll-up (exit 3)', async () => {
    const east = await site('all-east');
    await site('all-west');
    // The answer of lab/all-east is queued on a request that never gets an answer.
    const sim = await simulator({ faults: [{ method: 'POST', path: /\/work$/, body: /"answer".*"testrig":"all-east-/, hang: true }] });
    const result = await runNetq(['nodes', '--all', '-r', 'lab', '--regions-dir', east[east.indexOf('--regions-dir') + 1]!, '--batfish-url', sim.url, '--timeout', '2', '-f', 'json']);
    assert.equal(result.code, 3, result.stderr);
    const doc = JSON.parse(result.stdout) as { sites: Array<{ site: string; error?: { message: string }; rows?: unknown[] }>; rollUp: { answered: number; failed: number } };
    const bySite = new Map(doc.sites.map((s) => [s.site, s]));
    assert.match(bySite.get('all-east')?.error?.message ?? '', /did not answer|ran out/);
    assert.ok(Array.isArray(bySite.get('all-west')?.rows), 'the other site is answered');
    assert.equal(doc.rollUp.answered, doc.sites.length - 1);
  });
});

describe('item 8: stdout that cannot take the output (a full disk)', () => {
  /** Runs the built netq with stdout on /dev/full; resolves with its exit code and stderr. */
  function toDevFull(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const full = openSync('/dev/full', 'w');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', full, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      closeSync(full);
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('is exit 74 with what failed, for every kind of command (never an uncaught exception)', { skip: !existsSync('/dev/full') && !process.env.CI }, async () => {
    const sim = await simulator();
    const lab = await site('full-disk');
    for (const args of [
      ['sites'],
      ['--help'],
      ['nodes', ...lab, '--batfish-url', sim.url],
      ['nodes', ...lab, '--batfish-url', sim.url, '-f', 'json'],
      ['check', ...lab, '--batfish-url', sim.url],
      ['questions', '--batfish-url', sim.url],
    ]) {
      const { code, stderr } = await toDevFull(args);
      assert.equal(code, 74, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, /^netq: error: cannot write the output to stdout: no space left on the device \(ENOSPC\)$/m, args.join(' '));
      assert.doesNotMatch(stderr, /at .*\.js:\d+|Node\.js v/, `${args.join(' ')}: no stack trace`);
    }
  });
});

describe('item 10: bad input is refused before anything is uploaded (exit 2)', () => {
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['a parameter named constructor', ['ask', 'nodeProperties', '--param', 'constructor=1'], {}, /has no parameter 'constructor'/],
    ['a parameter named toString', ['ask', 'nodeProperties', '--param', 'toString=1'], {}, /has no parameter 'toString'/],
    ['a parameter named hasOwnProperty', ['ask', 'nodeProperties', '--param', 'hasOwnProperty=x'], {}, /has no parameter 'hasOwnProperty'/],
    ['a parameter named __proto__', ['ask', 'nodeProperties', '--param', '__proto__={"x":1}'], {}, /has no parameter '__proto__'/],
    ['an object for a text parameter', ['ask', 'nodeProperties', '--param', 'nodes={"a":1}'], {}, /parameter 'nodes' of nodeProperties takes text \(a nodeSpec\) \(found an object\)/],
    ['a repeated --param', ['ask', 'nodeProperties', '--param', 'nodes=a', '--param', 'nodes=b'], {}, /--param nodes is given twice/],
    ['a prefix that is not one', ['routes', '--prefix', '999.1.1.1/99'], {}, /takes an IPv4 prefix such as 10\.0\.0\.0\/8 \(got '999\.1\.1\.1\/99'\)/],
    ['ports that are not ports', ['reachability', '--dst-ports', 'abc'], {}, /dstPorts 'abc', which is not a port/],
    ['an IP that is not one', ['ask', 'lpmRoutes', '--param', 'ip=10.0.0.256'], {}, /takes an IPv4 address/],
    ['an API key with a line break', ['nodes'], { NETQ_BATFISH_API_KEY: 'abc\r\nX-Evil: 1' }, /API key .* holds a line break/],
    ['an API key with a character a header cannot carry', ['nodes'], { NETQ_BATFISH_API_KEY: 'ключ' }, /holds 'к', which an HTTP header cannot carry/],
    ['an empty NETQ_BATFISH_API_KEY', ['nodes'], { NETQ_BATFISH_API_KEY: '' }, /the Batfish API key is empty/],
  ];
  for (const [what, argv, env, message] of cases) {
    it(what, async () => {
      const sim = await simulator();
      const result = await runNetq([...argv, ...(await site(`bad-${what.replace(/\W+/g, '-')}`)), '--batfish-url', sim.url], { env });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.deepEqual(sim.seen('POST', /\/snapshots\//), [], 'nothing uploaded');
      assert.ok(sim.requests.every((r) => !/[\r\n]/.test(r.headers['x-batfish-apikey'] ?? '')), 'no mangled key ever sent');
    });
  }
});

describe('item 12: nothing left behind, nothing made that is not netq\'s own', () => {
  /** Runs the built netq with this environment; resolves when it exits. */
  function netqProcess(args: string[], env: Record<string, string>): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stderr: string }> } {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
  }
  const zipFolders = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('netq-zip-'));

  it('the zip folder of a netq killed with SIGKILL (it holds every config) is removed by the next run', async () => {
    const tmpDir = await mkdtemp(path.join(tmp, 'tmpdir-'));
    // The upload never gets an answer, so the first netq is killed while its zip exists.
    const sim = await simulator({ faults: [{ method: 'POST', path: /\/snapshots\/killed-/, hang: true, times: 1 }] });
    const argv = ['nodes', ...(await site('killed')), '--batfish-url', sim.url];
    const env = { TMPDIR: tmpDir, XDG_RUNTIME_DIR: tmpDir };
    const first = netqProcess(argv, env);
    for (let i = 0; i < 200 && sim.seen('POST', /\/snapshots\/killed-/).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    first.child.kill('SIGKILL');
    await first.done;
    assert.equal((await zipFolders(tmpDir)).length, 1, 'the killed run left its zip folder');
    const second = await netqProcess([...argv, '--fresh'], env).done;
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await zipFolders(tmpDir), [], 'the next run removed it, and its own');
  });

  it('a zip folder whose owner still runs is left alone', async () => {
    const tmpDir = await mkdtemp(path.join(tmp, 'tmpdir-live-'));
    const { ownTempDir, removeLeftovers } = await import('../../src/sites/temp-dir.js');
    const mine = await ownTempDir(tmpDir, 'zip');
    assert.deepEqual(await removeLeftovers(tmpDir, 'zip'), [], 'this process is alive');
    assert.ok(existsSync(mine));
  });

  it('the templates kept per server are bounded (16 copies), however many servers netq talks to', async () => {
    const state = await mkdtemp(path.join(tmp, 'state-templates-'));
    const lab = await site('many-servers');
    for (let i = 0; i < 18; i++) {
      const sim = await simulator({ version: { Batfish: `2025.07.07.${1000 + i}`, api_version: '2.1.0' } });
      const result = await runNetq(['nodes', ...lab, '--batfish-url', sim.url], { stateDir: state });
      assert.equal(result.code, 0, result.stderr);
      await sim.stop();
    }
    const kept = (await readdir(path.join(state, 'templates'))).filter((n) => n.endsWith('.json'));
    assert.equal(kept.length, 16);
  });

  it('an XDG_RUNTIME_DIR that does not exist is not made: netq uses the temp folder', async () => {
    const tmpDir = await mkdtemp(path.join(tmp, 'tmpdir-xdg-'));
    const missing = path.join(tmp, 'no-such-runtime', 'deeper');
    const sim = await simulator();
    const result = await netqProcess(['nodes', ...(await site('xdg-missing')), '--batfish-url', sim.url], { TMPDIR: tmpDir, XDG_RUNTIME_DIR: missing }).done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(existsSync(path.join(tmp, 'no-such-runtime')), false, 'nothing made on the way to it');
    assert.ok((await readdir(tmpDir)).some((n) => n.startsWith('netq-')), 'the state folder went to the temp folder');
  });

  for (const [what, make] of [
    ['missing', async (p: string) => p],
    ['a file', async (p: string) => (await writeFile(p, 'x'), p)],
  ] as const) {
    it(`a TMPDIR that is ${what} is exit 2 saying so, and is not made`, async () => {
      const tmpDir = await make(path.join(tmp, `tmpdir-${what.replace(/\W+/g, '-')}`));
      const sim = await simulator();
      const result = await netqProcess(['nodes', ...(await site(`tmpdir-${what.replace(/\W+/g, '-')}`)), '--batfish-url', sim.url], { TMPDIR: tmpDir, XDG_RUNTIME_DIR: tmpDir }).done;
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /cannot make a temporary folder in .*: it (does not exist|is not a folder)\nhint: .*TMPDIR/);
      if (what === 'missing') assert.equal(existsSync(tmpDir), false);
    });
  }
});

describe('item 10: many empty files', () => {
  it('are summarised in one short warning, not a line naming every one', async () => {
    const configs = path.join(regions, 'lab', 'many-empty', 'configs');
    await mkdir(configs, { recursive: true });
    await writeFile(path.join(configs, 'r1.cfg'), 'hostname r1\n');
    await Promise.all(Array.from({ length: 2000 }, (_, i) => writeFile(path.join(configs, `empty-${String(i).padStart(4, '0')}.cfg`), '')));
    const sim = await simulator();
    const result = await runNetq(['nodes', '-r', 'lab', '-s', 'many-empty', '--regions-dir', regions, '--batfish-url', sim.url]);
    assert.equal(result.code, 0, result.stderr);
    const line = result.stderr.split('\n').find((l) => /2000 empty files/.test(l)) ?? '';
    assert.match(line, /configs\/empty-0000\.cfg, .* and 1990 more$/);
    assert.ok(line.length < 1000, `${line.length} characters`);
  });
});

describe('the simulator uploads snapshots as Batfish does', () => {
  /** POSTs a zip to the simulator; the body is sent in two halves, the second when `second` resolves. */
  function upload(sim: BatfishSimulator, route: string, zip: Buffer, second: Promise<void> = Promise.resolve()): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${sim.url}/v2${route}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': zip.length } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', reject);
      request.write(zip.subarray(0, zip.length >> 1));
      void second.then(() => request.end(zip.subarray(zip.length >> 1)));
    });
  }

  it('two uploads of one name that overlap are both accepted (the name is checked as a request arrives, bound as it ends), and work queued before the second ended works on the first', async () => {
    const sim = await simulator({ parseMs: 50 });
    const configs = path.join(tmp, 'overlap', 'configs');
    await mkdir(configs, { recursive: true });
    await writeFile(path.join(configs, 'r1.cfg'), 'hostname overlap\n');
    const { scanSnapshot } = await import('../../src/sites/sites.js');
    const { packageSnapshot } = await import('../../src/sites/packager.js');
    const packaged = await packageSnapshot((await scanSnapshot({ site: 'overlap', dir: path.join(tmp, 'overlap') })).files, 'overlap', tmp);
    const zip = readFileSync(packaged.zipPath);
    await packaged.dispose();
    const api = async (method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const response = await fetch(`${sim.url}/v2${route}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) });
      const text = await response.text();
      return { status: response.status, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
    };
    assert.equal((await api('POST', '/networks?name=lab')).status, 201);
    let sendRest = (): void => {};
    const slow = upload(sim, '/networks/lab/snapshots/s1', zip, new Promise((resolve) => (sendRest = resolve)));
    while (!sim.arrivals.includes('POST /v2/networks/lab/snapshots/s1')) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await upload(sim, '/networks/lab/snapshots/s1', zip), 201, 'the second, sent whole while the first is on its way');
    const parse = { containerName: 'lab', id: crypto.randomUUID(), requestParams: { sv: '', testrig: 's1' }, testrigName: 's1' };
    assert.equal((await api('POST', '/networks/lab/work', parse)).status, 201);
    sendRest();
    assert.equal(await slow, 201, 'the first was checked when it arrived, when the name was free');
    for (;;) {
      const status = (await api('GET', `/networks/lab/work/${parse.id}`)).json as { workstatuscode: string };
      if (status.workstatuscode === 'TERMINATEDNORMALLY') break;
      assert.match(status.workstatuscode, /^(UNASSIGNED|ASSIGNED)$/);
      await new Promise((r) => setTimeout(r, 10));
    }
    // The parse ran on the snapshot its name meant when it was queued; the name now means the other.
    const metadata = (await api('GET', '/networks/lab/snapshots/s1')).json as { initializationMetadata: { currentStatus: string } };
    assert.equal(metadata.initializationMetadata.currentStatus, 'UNINITIALIZED');
    assert.equal(await upload(sim, '/networks/lab/snapshots/s1', zip), 400, 'a third, sent once the name is bound, is refused');
  });
});

describe('item 2: concurrent runs never delete a snapshot another run is reading', () => {
  /** Runs the built netq; resolves with its exit code and stderr. */
  function run(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('7 checks of one site on 7 branches at once, --keep-snapshots 1: every one exit 0, no snapshot deleted under a run', async () => {
    const sim = await simulator({ parseMs: 30, dataplaneMs: 30, answerMs: 30 });
    const branches = await Promise.all(
      Array.from({ length: 7 }, async (_, i) => {
        const dir = path.join(tmp, `branch-${i}`);
        await mkdir(path.join(dir, 'regions', 'lab', 'edge', 'configs'), { recursive: true });
        await writeFile(path.join(dir, 'regions', 'lab', 'edge', 'configs', 'r1.cfg'), `hostname edge\n! branch ${i}\n`);
        return dir;
      }),
    );
    const outcomes = await Promise.all(branches.map((dir) => run(['check', '-r', 'lab', '-s', 'edge', '--keep-snapshots', '1', '--batfish-url', sim.url], dir)));
    assert.deepEqual(
      outcomes.map((o) => o.code),
      [0, 0, 0, 0, 0, 0, 0],
      outcomes.filter((o) => o.code !== 0).map((o) => o.stderr).join('\n'),
    );
    for (const o of outcomes) assert.doesNotMatch(o.stderr, /deleted by another client/);
    assert.equal(sim.seen('POST', /\/snapshots\/edge-/).length, 7, 'each branch uploaded once, none again');
  });

  it('4 --fresh runs of one site at once share one upload (none deletes what another reads); a lone --fresh uploads again', async () => {
    // The worker takes up no answer until all four have asked for theirs (Batfish takes the first
    // work item and refuses the other three as duplicates of it): each run holds its snapshot until
    // then, so the four overlap however late the machine starts one of them.
    const sim = await simulator({ parseMs: 50, dataplaneMs: 50, answerMs: 30 });
    const lab = await site('fresh-together');
    const argv = ['nodes', ...lab, '--batfish-url', sim.url, '--fresh'];
    sim.holdWork('answer');
    const running = Promise.all([0, 1, 2, 3].map(() => run(argv, REPO_ROOT)));
    let settled = false;
    void running.finally(() => (settled = true));
    const asked = (): number => sim.seen('POST', /\/work$/).filter((r) => /"answer"/.test(r.bodyText ?? '')).length;
    while (asked() < 4 && !settled) await new Promise((r) => setTimeout(r, 20));
    sim.releaseWork('answer');
    const outcomes = await running;
    assert.deepEqual(outcomes.map((o) => o.code), [0, 0, 0, 0], outcomes.map((o) => o.stderr).join('\n'));
    for (const o of outcomes) assert.doesNotMatch(o.stderr, /deleted by another client/);
    // Runs that find the snapshot missing at the same moment each send the zip, and Batfish takes
    // every upload that overlaps the first (it checks the name as a request arrives); one that
    // arrives after an upload was accepted is refused. No run uploads a snapshot another has made.
    const uploads = sim.seen('POST', /\/snapshots\/fresh-together-/);
    const accepted = uploads.filter((r) => r.status === 201);
    assert.ok(accepted.length >= 1);
    for (const late of accepted.slice(1)) assert.ok(late.openAtArrival.some((r) => /^POST .*\/snapshots\/fresh-together-/.test(r)), 'a second upload only while the first was on its way');
    assert.deepEqual(sim.seen('DELETE', /\/snapshots\/fresh-together-/), [], 'nothing deleted under them');
    const alone = await run(argv, REPO_ROOT);
    assert.equal(alone.code, 0, alone.stderr);
    assert.equal(sim.seen('DELETE', /\/snapshots\/fresh-together-/).length, 1, 'alone, --fresh replaces the snapshot');
    assert.equal(sim.seen('POST', /\/snapshots\/fresh-together-/).filter((r) => r.status === 201).length, accepted.length + 1);
  });
});

describe('item 9: control characters never reach the terminal raw', () => {
  it('an answer cell and a file name holding ESC, CR and BEL are escaped in the table and in warnings', async () => {
    const answer = {
      answerElements: [
        {
          class: 'org.batfish.datamodel.table.TableAnswerElement',
          metadata: { columnMetadata: [{ name: 'Node', schema: 'Node', isKey: true, isValue: false, description: 'n' }, { name: 'Hostname', schema: 'String', isKey: false, isValue: true, description: 'h' }] },
          rows: [{ Node: { name: 'r1' }, Hostname: 'evil\u001b[2J\u001b]0;owned\u0007\rok' }],
          summary: { numResults: 1, notes: '' },
        },
      ],
      status: 'SUCCESS',
    };
    const sim = await simulator({ faults: [{ method: 'GET', path: /\/answer$/, respond: { status: 200, body: JSON.stringify(answer), contentType: 'application/json' } }] });
    const lab = await site('control-chars');
    await writeFile(path.join(regions, 'lab', 'control-chars', 'configs', 'empty\u001b[31m.cfg'), '');
    const result = await runNetq(['nodes', ...lab, '--batfish-url', sim.url, '--fresh']);
    assert.equal(result.code, 0, result.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(result.stdout + result.stderr, /[\u0007\u000d\u001b]/);
    assert.match(result.stdout, /evil\\u\{1b\}\[2J\\u\{1b\}\]0;owned\\u\{7\}\\u\{d\}ok/);
    assert.match(result.stderr, /empty\\u\{1b\}\[31m\.cfg/);
  });
});

describe('item 1: --report writes regular files only, - and /dev/stdout are stdout', () => {
  it('- and /dev/stdout put the report on stdout, leaving /dev/stdout as it was', async () => {
    const sim = await simulator();
    const lab = await site('report-stdout');
    const before = await lstat('/dev/stdout');
    for (const target of ['-', '/dev/stdout']) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', `sarif=${target}`]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { version: string }).version, '2.1.0', 'stdout is the SARIF report');
    }
    const now = await lstat('/dev/stdout');
    assert.equal(now.isSymbolicLink(), before.isSymbolicLink(), '/dev/stdout was not replaced');
    assert.equal(now.ino, before.ino);
    const both = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', 'sarif=-', '--report', 'json=/dev/stdout']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--report json=\/dev\/stdout: --report sarif=- already goes to stdout/);
    const clash = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', 'sarif=-', '--format', 'json']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /--report sarif=- and --format json both write stdout/);
  });

  it('a device, a FIFO, a folder or a symbolic link is refused (exit 2), left as it was, and nothing is uploaded', async () => {
    const sim = await simulator();
    const lab = await site('report-special');
    const dir = path.join(tmp, 'special-targets');
    await mkdir(path.join(dir, 'folder'), { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    await symlink('/proc/self/fd/1', path.join(dir, 'to-fd1'));
    await writeFile(path.join(dir, 'real.json'), 'keep\n');
    await symlink(path.join(dir, 'real.json'), path.join(dir, 'to-file'));
    const cases: Array<[string, RegExp]> = [
      ['/dev/full', /that path is a device; a report replaces only a regular file/],
      ['/dev/null', /that path is a device/],
      [path.join(dir, 'fifo'), /that path is a FIFO/],
      [path.join(dir, 'folder'), /that path is a folder/],
      [path.join(dir, 'to-fd1'), /that path is a symbolic link/],
      [path.join(dir, 'to-file'), /that path is a symbolic link/],
    ];
    for (const [target, message] of cases) {
      const before = await lstat(target);
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', `json=${target}`]);
      assert.equal(result.code, 2, `${target}: ${result.stderr}`);
      assert.match(result.stderr, message);
      const after = await lstat(target);
      assert.deepEqual([after.ino, after.mode], [before.ino, before.mode], `${target} was left as it was`);
    }
    assert.equal(await readFile(path.join(dir, 'real.json'), 'utf8'), 'keep\n');
    assert.deepEqual(sim.seen('POST', /\/snapshots\//), [], 'nothing uploaded');
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  });
});

describe('item 3: report destinations that cannot be written are exit 2 with what to do, never exit 70 or a hang', () => {
  it('a name over 255 bytes, a folder that cannot be made, a file in the way, a step summary that is a folder', async () => {
    const sim = await simulator();
    const lab = await site('report-unwritable');
    const dir = path.join(tmp, 'unwritable');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'a-file'), 'x');
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--report', `json=${path.join(dir, 'n'.repeat(300))}`], {}, /the file name is 300 bytes long; file systems take at most 255/],
      [['--report', `json=${path.join(dir, 'a-file', 'r.json')}`], {}, /a-file is not a folder|a part of the path is a file/],
      // Node's recursive mkdir spins forever here (ENOENT under an existing /proc): netq must not.
      [['--report', 'json=/proc/netq-no-such/r.json'], {}, /cannot make the folder \/proc\/netq-no-such/],
      [['--format', 'github'], { GITHUB_STEP_SUMMARY: dir }, /GITHUB_STEP_SUMMARY \(.*\) is a folder: netq appends the step summary only to a regular file/],
    ];
    for (const [argv, env, message] of cases) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, ...argv], { env });
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /hint: /);
    }
  });

  it('a report of 250 bytes of name is written (its temporary name kept under 255)', async () => {
    const sim = await simulator();
    const lab = await site('report-long-name');
    const file = path.join(tmp, 'long-name', `${'n'.repeat(245)}.json`);
    const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', `json=${file}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await readdir(path.dirname(file)), [path.basename(file)]);
  });

  it('a folder netq may not write in, as a user that is not root', { skip: process.getuid?.() !== 0 ? 'needs root to run netq as nobody' : false }, async () => {
    const sim = await simulator();
    const lab = await site('report-no-permission');
    const dir = path.join(tmp, 'read-only');
    await mkdir(dir, { recursive: true, mode: 0o555 });
    await chmod(dir, 0o555);
    for (const p of [tmp, regions, path.join(regions, 'lab')]) await chmod(p, 0o755);
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'check', ...lab, '--batfish-url', sim.url, '--report', `json=${dir}/r.json`], {
      encoding: 'utf8',
      env: { ...process.env, HOME: '/nonexistent', XDG_RUNTIME_DIR: '', NETQ_STATE_DIR: path.join(tmp, 'nobody-state') },
    });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /netq may not write in .*read-only/);
  });
});

describe('item 7: a checks file that is not a regular file is refused at once', () => {
  it('a FIFO with no writer, /dev/zero and a folder: exit 2 naming what it is, no wait, no upload', async () => {
    const sim = await simulator();
    const lab = await site('checks-special');
    const fifo = path.join(tmp, 'checks-fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: Array<[string, RegExp]> = [
      [fifo, /cannot read the checks file .*checks-fifo: it is a FIFO, not a regular file/],
      ['/dev/zero', /cannot read the checks file \/dev\/zero: it is a device, not a regular file/],
      [tmp, /cannot read the checks file .*: it is a folder/],
    ];
    for (const [file, message] of cases) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--checks', file]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /undefined/);
    }
    assert.deepEqual(sim.seen('POST', /\/snapshots\//), []);
  });
});

describe('item 10: report flags that contradict each other', () => {
  it('the same --report file twice, a report over the checks file, --fail-on-existing without a base', async () => {
    const sim = await simulator();
    const lab = await site('report-flags');
    const checks = path.join(tmp, 'flags-checks.yaml');
    await writeFile(checks, 'version: 1\nchecks:\n  - name: parse\n    check: parse-clean\n');
    const cases: Array<[string[], RegExp]> = [
      [['--report', `json=${tmp}/same.out`, '--report', `sarif=${tmp}/./same.out`], /--report sarif=.*: --report json=.* writes that file too/],
      [['--checks', checks, '--report', `json=${checks}`], /would replace the checks file/],
      [['--fail-on-existing'], /--fail-on-existing needs a base/],
    ];
    for (const [argv, message] of cases) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, ...argv]);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(await readFile(checks, 'utf8'), 'version: 1\nchecks:\n  - name: parse\n    check: parse-clean\n', 'the checks file is intact');
    assert.deepEqual(sim.seen('POST', /\/snapshots\//), []);
  });
});

describe("item 12: a report's temporary file left by a killed netq", () => {
  it('is removed by the next run that writes that report; one of a live process is left alone', async () => {
    const sim = await simulator();
    const lab = await site('report-leftover');
    const dir = path.join(tmp, 'leftover-reports');
    await mkdir(dir, { recursive: true });
    // A netq killed (SIGKILL) while writing: its pid is free now.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const tag = createHash('sha256').update(`${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}\0${readlinkSync('/proc/self/ns/pid')}`).digest('hex').slice(0, 8);
    const leftover = `.r.json.${dead}.${tag}.0123456789ab.tmp`;
    const live = `.r.json.${process.pid}.${tag}.ba9876543210.tmp`;
    const otherHost = `.r.json.${dead}.00000000.0123456789ab.tmp`;
    for (const name of [leftover, live, otherHost]) await writeFile(path.join(dir, name), 'every finding, half written');
    const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--report', `json=${dir}/r.json`]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(dir)).sort(), [live, otherHost, 'r.json'].sort());
  });
});

describe('item 9: secrets and hostile file names from Batfish never reach a report', () => {
  /** A Batfish table answer of these columns and rows, as GET .../answer sends it. */
  const table = (columns: Array<[string, string, boolean]>, rows: Array<Record<string, unknown>>): string =>
    JSON.stringify({
      answerElements: [
        {
          class: 'org.batfish.datamodel.table.TableAnswerElement',
          metadata: { columnMetadata: columns.map(([name, schema, isKey]) => ({ name, schema, isKey, isValue: !isKey, description: name })) },
          rows,
          summary: { numResults: rows.length, notes: '' },
        },
      ],
      status: 'SUCCESS',
    });
  const SECRET_LINES = ['snmp-server community S3CR3T-COMMUNITY RW', 'enable secret 5 $1$S3CR3T$hash', 'username admin password 7 S3CR3T0822', 'tacacs-server key S3CR3T-TACACS'];

  it('a quoted config line keeps its shape, its secret replaced, in every report; --no-redact keeps it; a name outside the site is no location', async () => {
    const files = table(
      [['File_Name', 'String', true], ['Status', 'String', false], ['File_Format', 'String', false], ['Nodes', 'List<String>', false]],
      [
        { File_Name: 'configs/r1.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'CISCO_IOS', Nodes: ['r1'] },
        { File_Name: '../../../../etc/passwd', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'CISCO_IOS', Nodes: ['r2'] },
      ],
    );
    const issues = table(
      [['Nodes', 'List<String>', true], ['Source_Lines', 'List<FileLines>', true], ['Type', 'String', true], ['Details', 'String', false], ['Line_Text', 'String', false], ['Parser_Context', 'String', false]],
      [
        ...SECRET_LINES.map((line, i) => ({ Nodes: ['r1'], Source_Lines: [{ filename: 'configs/r1.cfg', lines: [i + 2] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: line, Parser_Context: '[s_stanza]' })),
        { Nodes: ['r2'], Source_Lines: [{ filename: '../../../../etc/passwd', lines: [1] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'root:x:0:0', Parser_Context: '[s_stanza]' },
      ],
    );
    const sim = await simulator({
      faults: [
        { method: 'GET', path: /__netq_fileParseStatus_[^/]*\/answer$/, respond: { status: 200, body: files, contentType: 'application/json' } },
        { method: 'GET', path: /__netq_initIssues_[^/]*\/answer$/, respond: { status: 200, body: issues, contentType: 'application/json' } },
      ],
    });
    const lab = await site('secrets');
    const checks = path.join(tmp, 'secrets-checks.yaml');
    await writeFile(checks, 'version: 1\nchecks:\n  - name: configs parse\n    check: parse-clean\n');
    const out = path.join(tmp, 'secrets-reports');
    const formats = ['json', 'sarif', 'junit', 'markdown', 'gitlab', 'github', 'table'];
    const argv = ['check', ...lab, '--checks', checks, '--batfish-url', sim.url, '--fail-on', 'warning', '--format', 'github', ...formats.map((f) => ['--report', `${f}=${out}/r.${f}`]).flat()];
    const result = await runNetq(argv, { env: { GITHUB_STEP_SUMMARY: path.join(tmp, 'secrets-summary.md') } });
    assert.equal(result.code, 1, result.stderr);
    const everything = [result.stdout, result.stderr, await readFile(path.join(tmp, 'secrets-summary.md'), 'utf8'), ...(await Promise.all(formats.map((f) => readFile(`${out}/r.${f}`, 'utf8'))))];
    for (const text of everything) {
      assert.doesNotMatch(text, /S3CR3T/, 'no secret in any report, stdout or the step summary');
      assert.doesNotMatch(text, /file=\.\.\/|"uri":\s*"[^"]*\.\.\/|etc\/passwd:1|"path":\s*"[^"]*etc\/passwd/, 'no location outside the site');
    }
    const doc = JSON.parse(await readFile(`${out}/r.json`, 'utf8')) as { findings: Array<{ message: string; fingerprint: string; location: { file: string } | null; row: Record<string, unknown> }> };
    const messages = doc.findings.map((f) => f.message);
    assert.ok(messages.some((m) => m.includes("'snmp-server community <redacted> RW'")), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes("'enable secret 5 <redacted>'")));
    assert.ok(doc.findings.every((f) => f.location === null || f.location.file.startsWith(path.relative(REPO_ROOT, regions).split(path.sep).join('/')) || !f.location.file.includes('..')));
    const outside = doc.findings.filter((f) => f.message.includes('etc/passwd'));
    assert.ok(outside.length > 0 && outside.every((f) => f.location === null), 'the finding stays, without a location');

    const raw = await runNetq(['check', ...lab, '--checks', checks, '--batfish-url', sim.url, '--format', 'json', '--no-redact']);
    const rawDoc = JSON.parse(raw.stdout) as typeof doc;
    assert.ok(rawDoc.findings.some((f) => f.message.includes('S3CR3T-COMMUNITY')), '--no-redact keeps the line as Batfish gave it');
    assert.deepEqual(rawDoc.findings.map((f) => f.fingerprint).sort(), doc.findings.map((f) => f.fingerprint).sort(), 'fingerprints do not depend on --no-redact');
  });
});

describe('item 7: a signal ends a run that waits', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} while netq waits on a server that never answers: exit ${code} at once`, async () => {
      const sim = await simulator({ faults: [{ method: 'GET', path: /\/version$/, hang: true }] });
      const lab = await site(`signal-${signal}`);
      const child = spawn(process.execPath, [BIN, 'check', ...lab, '--batfish-url', sim.url], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sent = Date.now();
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(exit, code, stderr);
      assert.ok(Date.now() - sent < 5000, `ended ${Date.now() - sent} ms after the signal`);
    });
  }
});

describe('NETQ_CONNECT_TIMEOUT', () => {
  it('sets --connect-timeout from the environment (as compose and CI jobs set NETQ_BATFISH_URL), and a bad value is exit 2', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lab = await site('connect-env');
    const result = await runNetq(['nodes', ...lab, '--batfish-url', `http://127.0.0.1:${port}`], { env: { NETQ_CONNECT_TIMEOUT: '1' } });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /within the connect timeout \(1 s\)/);
    const bad = await runNetq(['nodes', ...lab, '--batfish-url', `http://127.0.0.1:${port}`], { env: { NETQ_CONNECT_TIMEOUT: 'soon' } });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /NETQ_CONNECT_TIMEOUT/);
  });
});

describe('item 1: a report never replaces what netq reads, whatever path leads there', () => {
  it('through a symbolic link to the checks file or its folder, into the site being checked, twice to one file through a linked folder: exit 2, all intact', async () => {
    const sim = await simulator();
    const lab = await site('report-links');
    const dir = path.join(tmp, 'report-links');
    await mkdir(dir, { recursive: true });
    const checks = path.join(dir, 'checks.yaml');
    const text = 'version: 1\nchecks:\n  - name: parse\n    check: parse-clean\n';
    await writeFile(checks, text);
    await symlink(dir, path.join(dir, 'selfdir'));
    await symlink(checks, path.join(dir, 'clink.yaml'));
    const config = path.join(regions, 'lab', 'report-links', 'configs', 'r1.cfg');
    const configText = await readFile(config, 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['--checks', checks, '--report', `json=${dir}/selfdir/checks.yaml`], /would replace the checks file/],
      [['--checks', path.join(dir, 'clink.yaml'), '--report', `json=${checks}`], /would replace the checks file/],
      [['--checks', checks, '--report', `json=${config}`], /is inside the site lab\/report-links/],
      [['--checks', checks, '--report', `json=${path.dirname(config)}/netq.json`], /is inside the site lab\/report-links/],
      [['--checks', checks, '--report', `json=${dir}/a.json`, '--report', `sarif=${dir}/selfdir/a.json`], /writes that file too/],
      [['--checks', checks, '--report', `json=${dir}/sub/x/`], /ends with a slash/],
      [['--checks', ''], /--checks is empty/],
    ];
    for (const [argv, message] of cases) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, ...argv]);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(await readFile(checks, 'utf8'), text);
    assert.equal(await readFile(config, 'utf8'), configText);
    // The first of the two is a good destination: it holds the run's error, as every report does on exit 2.
    assert.equal((JSON.parse(await readFile(path.join(dir, 'a.json'), 'utf8')) as { exitCode: number }).exitCode, 2);
    assert.deepEqual(sim.seen('POST', /\/snapshots\//), [], 'nothing uploaded');
    // --all: a report at the top of the regions folder reads as no site; inside a site it is refused.
    const top = await runNetq(['check', '--all', '--regions-dir', regions, '-r', 'lab', '--checks', checks, '--batfish-url', sim.url, '--report', `json=${regions}/lab/netq.json`, '--only', 'parse']);
    assert.notEqual(top.code, 2, top.stderr);
  });

  it('GITHUB_STEP_SUMMARY that is a link to nothing, or in a folder that does not exist: exit 2 before anything runs, nothing created', async () => {
    const sim = await simulator();
    const lab = await site('summary-links');
    const dir = path.join(tmp, 'summary-links');
    await mkdir(dir, { recursive: true });
    await symlink(path.join(dir, 'created-by-netq'), path.join(dir, 'dangle'));
    for (const [summary, message] of [
      [path.join(dir, 'dangle'), /is a symbolic link to nothing/],
      [path.join(dir, 'missing', 'sum.md'), /its folder .*missing does not exist/],
    ] as const) {
      const result = await runNetq(['check', ...lab, '--batfish-url', sim.url, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.equal(existsSync(path.join(dir, 'created-by-netq')), false);
    assert.deepEqual(sim.seen('POST', /\/snapshots\//), [], 'nothing uploaded');
  });
});
