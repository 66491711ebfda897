/**
 * Issue 16, item 1: Batfish's question ids. A question name is a pointer that every PUT moves to
 * a fresh id (`WorkMgr.uploadQuestion`), answers are stored under the id the work item was queued
 * with (`computeWorkDetails`, `getAnswerId`), and `GET …/answer` resolves the name's id now. So a
 * client that PUTs a name another run is using orphans that run's answer: 404 "Answer not found".
 * The simulator models it (first block); netq must never lose an answer that way (the rest), with
 * several sites of one network in one run, and with several processes at once.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, runNetq } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
const run = promisify(execFile);
let tmp: string;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-question-ids-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A regions folder with one-router sites `lab/<name>`, each its own snapshot. */
async function regionsWith(dir: string, sites: string[], salt = ''): Promise<string> {
  const regions = path.join(tmp, dir);
  for (const site of sites) {
    const configs = path.join(regions, 'lab', site, 'configs');
    await mkdir(configs, { recursive: true });
    await writeFile(path.join(configs, 'r1.cfg'), `hostname ${site}\n${salt}`);
  }
  return regions;
}

async function call(sim: BatfishSimulator, method: string, route: string, body?: string, type = 'application/json'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${sim.url}/v2${route}`, { method, ...(body !== undefined ? { body, headers: { 'Content-Type': type } } : {}) });
  return { status: response.status, text: await response.text() };
}

async function untilDone(sim: BatfishSimulator, network: string, id: string): Promise<string> {
  for (;;) {
    const { text } = await call(sim, 'GET', `/networks/${network}/work/${id}`);
    const code = (JSON.parse(text) as { workstatuscode: string }).workstatuscode;
    if (code.startsWith('TERMINATED') || code === 'REQUEUEFAILURE' || code === 'ASSIGNMENTERROR') return code;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the simulator keeps question ids as Batfish does', () => {
  it('a second PUT of a byte-identical question orphans the answer computed for the first', async () => {
    const sim = await startSimulator({ answerMs: 50 });
    try {
      const regions = await regionsWith('sim-ids', ['one']);
      // A parsed snapshot, made the way netq makes one.
      const first = await runNetq(['nodes', '-r', 'lab', '-s', 'one', '--regions-dir', regions, '--batfish-url', sim.url]);
      assert.equal(first.code, 0, first.stderr);
      const snapshot = [...sim.networks.get('lab')!.snapshots.keys()][0]!;
      const question = JSON.stringify({
        class: 'org.batfish.question.nodeproperties.NodePropertiesQuestion',
        differential: false,
        nodes: '${nodes}',
        properties: '${properties}',
        instance: { instanceName: '__nodeProperties_0b6c6f1e-2f3a-4c1d-9e7b-5a4d3c2b1a00', variables: {} },
      });
      const name = '__nodeProperties_0b6c6f1e-2f3a-4c1d-9e7b-5a4d3c2b1a00';
      assert.equal((await call(sim, 'PUT', `/networks/lab/questions/${name}`, question, 'application/octet-stream')).status, 200);
      const id = crypto.randomUUID();
      const item = { containerName: 'lab', id, requestParams: { answer: '', questionname: name, testrig: snapshot }, testrigName: snapshot };
      assert.equal((await call(sim, 'POST', '/networks/lab/work', JSON.stringify(item))).status, 201);
      // Another client uploads the very same text under the same name while the answer is computed.
      assert.equal((await call(sim, 'PUT', `/networks/lab/questions/${name}`, question, 'application/octet-stream')).status, 200);
      assert.equal(await untilDone(sim, 'lab', id), 'TERMINATEDNORMALLY');
      const answer = await call(sim, 'GET', `/networks/lab/questions/${name}/answer?snapshot=${snapshot}`);
      assert.equal(answer.status, 404);
      assert.match(answer.text, /^Answer not found for question/);
      // Queued again, the item binds the name's new id, and its answer can be read.
      const again = { ...item, id: crypto.randomUUID() };
      assert.equal((await call(sim, 'POST', '/networks/lab/work', JSON.stringify(again))).status, 201);
      assert.equal(await untilDone(sim, 'lab', again.id), 'TERMINATEDNORMALLY');
      assert.equal((await call(sim, 'GET', `/networks/lab/questions/${name}/answer?snapshot=${snapshot}`)).status, 200);
    } finally {
      await sim.stop();
    }
  });
});

describe('netq never loses an answer to another PUT of its question', () => {
  it('--all over two sites of one region asking the same question: 20 runs in a row, every one exit 0', async () => {
    const regions = await regionsWith('two-sites', ['east', 'west']);
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      // A new server each time: every run is a cold one, where both sites put their questions up.
      const sim = await startSimulator({ parseMs: 20, dataplaneMs: 20, answerMs: 20 });
      try {
        const result = await runNetq(['bgp-sessions', '--all', '-r', 'lab', '--regions-dir', regions, '--batfish-url', sim.url, '-f', 'json']);
        if (result.code !== 0) failures.push(`run ${i + 1}: exit ${result.code}: ${result.stderr.trim().split('\n').slice(-2).join(' / ')}`);
        else assert.equal((JSON.parse(result.stdout) as { rollUp: { answered: number } }).rollUp.answered, 2);
      } finally {
        await sim.stop();
      }
    }
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of 20 runs failed`);
  });

  it('two sites of one region share no question name (one site never moves the other\u2019s)', async () => {
    const sim = await startSimulator();
    try {
      const regions = await regionsWith('names', ['east', 'west']);
      const result = await runNetq(['bgp-sessions', '--all', '-r', 'lab', '--regions-dir', regions, '--batfish-url', sim.url]);
      assert.equal(result.code, 0, result.stderr);
      const puts = sim.seen('PUT', /\/questions\//).map((r) => r.path);
      assert.equal(puts.length, 2, puts.join('\n'));
      assert.equal(new Set(puts).size, 2, 'each site its own name');
    } finally {
      await sim.stop();
    }
  });

  it('an unchanged re-ask puts nothing up again: the kept question is read, not replaced', async () => {
    const sim = await startSimulator();
    try {
      const regions = await regionsWith('reask', ['east']);
      const argv = ['bgp-sessions', '-r', 'lab', '-s', 'east', '--regions-dir', regions, '--batfish-url', sim.url];
      assert.equal((await runNetq(argv)).code, 0);
      const before = sim.requests.length;
      const again = await runNetq(argv);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(sim.requests.slice(before).filter((r) => r.method === 'PUT'), []);
      // --fresh asks Batfish again, but still never moves the name another run may be reading.
      const fresh = await runNetq([...argv, '--fresh']);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.deepEqual(sim.requests.slice(before).filter((r) => r.method === 'PUT' && /\/questions\//.test(r.path)), []);
    } finally {
      await sim.stop();
    }
  });

  it('a snapshot another client deletes while its questions are asked is uploaded again, once, with a warning', async () => {
    let deleted = 0;
    const sim: BatfishSimulator = await startSimulator({
      parseMs: 20,
      answerMs: 50,
      onRequest: (request) => {
        // As a --fresh run of the same site (or one pruning with --keep-snapshots 1) would.
        if (deleted === 0 && request.method === 'POST' && /\/work$/.test(request.path) && /"answer"/.test(request.bodyText ?? '')) {
          deleted++;
          setImmediate(() => sim.networks.get('lab')!.snapshots.clear());
        }
      },
    });
    try {
      const regions = await regionsWith('deleted', ['east']);
      const result = await runNetq(['summary', '-r', 'lab', '-s', 'east', '--regions-dir', regions, '--batfish-url', sim.url]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(deleted, 1);
      assert.match(result.stderr, /snapshot east-[0-9a-f]{16} was deleted by another client while this run used it; uploading it again/);
      assert.equal(sim.seen('POST', /\/snapshots\/east-/).length, 2, 'uploaded twice: once, and once again after the delete');
    } finally {
      await sim.stop();
    }
  });

  for (const fresh of [false, true]) {
    it(`four processes asking the same site at once${fresh ? ' with --fresh' : ''}: every one exit 0`, async () => {
      const sim = await startSimulator({ parseMs: 100, dataplaneMs: 100, answerMs: 50 });
      try {
        const regions = await regionsWith(`four${fresh ? '-fresh' : ''}`, ['east']);
        const argv = [BIN, 'bgp-sessions', '-r', 'lab', '-s', 'east', '--regions-dir', regions, '--batfish-url', sim.url, ...(fresh ? ['--fresh'] : [])];
        for (let round = 0; round < 3; round++) {
          const outcomes = await Promise.all(
            [0, 1, 2, 3].map(() =>
              run(process.execPath, argv, { env: { ...process.env, NO_COLOR: '1' } }).then(
                () => 'exit 0',
                (error: { code?: number; stderr?: string }) => `exit ${error.code}: ${String(error.stderr).trim().split('\n').slice(-2).join(' / ')}`,
              ),
            ),
          );
          assert.deepEqual(outcomes, ['exit 0', 'exit 0', 'exit 0', 'exit 0'], `round ${round + 1}`);
        }
      } finally {
        await sim.stop();
      }
    });
  }

  it('check --all --base-ref in two overlapping CI jobs (two branches, one base): 3 rounds, every job exit 0', async () => {
    const origin = path.join(tmp, 'origin');
    await regionsWith('origin/regions', ['east', 'west']);
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
    git(origin, 'init', '-q', '-b', 'main');
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'base');
    const jobs = ['job-a', 'job-b'].map((name) => path.join(tmp, name));
    for (const [i, job] of jobs.entries()) {
      git(tmp, 'clone', '-q', origin, job);
      for (const site of ['east', 'west']) await writeFile(path.join(job, 'regions', 'lab', site, 'configs', 'r1.cfg'), `hostname ${site}\n! change ${i}\n`);
    }
    const failures: string[] = [];
    const job = (dir: string, url: string, round: number): Promise<string | undefined> =>
      run(process.execPath, [BIN, 'check', '--all', '-r', 'lab', '--base-ref', 'origin/main', '--batfish-url', url], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => `round ${round + 1} ${path.basename(dir)}: exit ${error.code}: ${String(error.stderr).trim().split('\n').slice(-2).join(' / ')}`,
      );
    for (let round = 0; round < 3; round++) {
      // The second job starts once the first has queued its first answer: its questions go up
      // while the first job's answers are being computed, as when two CI jobs overlap.
      let second: Promise<string | undefined> | undefined;
      let startSecond = (): void => {};
      const sim = await startSimulator({
        parseMs: 50,
        dataplaneMs: 50,
        answerMs: 60,
        onRequest: (request) => {
          if (request.method === 'POST' && /\/work$/.test(request.path) && /"answer"/.test(request.bodyText ?? '')) startSecond();
        },
      });
      startSecond = () => {
        startSecond = () => {};
        second = job(jobs[1]!, sim.url, round);
      };
      try {
        const first = await job(jobs[0]!, sim.url, round);
        failures.push(...[first, await second].filter((o): o is string => o !== undefined));
        assert.ok(second, 'the second job started');
      } finally {
        await sim.stop();
      }
    }
    assert.deepEqual(failures, []);
  });
});
