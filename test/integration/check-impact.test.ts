/**
 * Issue 18 (impact checks): what Batfish receives when `netq check` runs the checks of what a
 * change does: single-failure checks fork the snapshot once per element of their scope (found in
 * the first round's answers), all queued together, each asked against the snapshot, and delete
 * their forks when the run ends; `--plan` names exactly the forks the run then makes; checks that
 * compare with the base ask differentially (`deltatestrig`) and invertSearch as written; without a
 * base they cannot run, and say so.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');

let tmp: string;
let sim: BatfishSimulator;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-check-impact-'));
  sim = await startSimulator({ parseMs: 5, answerMs: 5 });
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function checksFile(name: string, text: string): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, text);
  return file;
}

const bodies = (method: string, pattern: RegExp): Array<Record<string, unknown>> =>
  sim.requests.filter((r) => r.method === method && pattern.test(r.path) && r.bodyText).map((r) => JSON.parse(r.bodyText!) as Record<string, unknown>);

describe('netq check: single-failure checks', () => {
  it('fork once per node with a BGP session, ask each against the snapshot, match --plan, and delete the forks', async () => {
    const checks = await checksFile(
      'n1.yaml',
      `version: 1
checks:
  - name: survives one router down
    check: survives-single-failure
    with: { headers: { dstIps: "2.128.0.0/16" } }
`,
    );
    const args = ['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--parse-reuse'];
    const planned = await runNetq([...args, '--plan', '--format', 'json']);
    assert.equal(planned.code, 0, planned.stderr);
    const plan = (JSON.parse(planned.stdout) as { plan: Array<{ forks: Array<{ snapshot: string; deactivates: string }> }> }).plan;
    const plannedForks = plan[0]!.forks.map((f) => f.snapshot).sort();
    // bgpEdges (recorded for the example network) names every router with a session: 13 nodes... less the hosts.
    assert.ok(plannedForks.length >= 2, planned.stdout);
    assert.equal(bodies('POST', /snapshots:fork$/).length, 0, '--plan makes no fork');

    const run = await runNetq([...args, '--format', 'json']);
    const report = JSON.parse(run.stdout) as { checks: Array<{ status: string; questions: string[] }>; findings: unknown[] };
    // The simulator answers each fork with Batfish's differential table; no recording for these
    // headers on the example network, so no flow changes: the check passes, exit 0.
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(report.checks.map((c) => c.status), ['pass'], run.stderr);
    assert.equal(report.findings.length, 0);
    const forked = bodies('POST', /snapshots:fork$/);
    assert.deepEqual(forked.map((f) => f.snapshotNew).sort(), plannedForks, 'the run makes exactly the planned forks');
    for (const fork of forked) {
      assert.equal((fork.deactivateNodes as string[]).length, 1);
      assert.ok(!(fork.deactivateInterfaces as unknown[] | null)?.length && !(fork.deactivateLinks as unknown[] | null)?.length, JSON.stringify(fork));
    }
    // Each fork parsed with parsereuse, and each asked differentialReachability against the snapshot (its base).
    const parses = bodies('POST', /\/work$/).filter((w) => 'sv' in (w.requestParams as object) && plannedForks.includes(String(w.testrigName)));
    assert.equal(parses.length, plannedForks.length);
    for (const p of parses) assert.ok('parsereuse' in (p.requestParams as object), JSON.stringify(p));
    const answers = bodies('POST', /\/work$/).filter((w) => 'answer' in (w.requestParams as object) && plannedForks.includes(String(w.testrigName)));
    assert.equal(answers.length, plannedForks.length);
    const base = String(forked[0]!.snapshotBase);
    for (const a of answers) assert.equal((a.requestParams as Record<string, string>).deltatestrig, base);
    // Every fork deleted when the run ended; the snapshot itself kept.
    const deleted = sim.requests.filter((r) => r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('/').pop()!));
    assert.deepEqual(deleted.filter((d) => plannedForks.includes(d)).sort(), plannedForks);
    assert.ok(!deleted.includes(base));
  });
});

describe('netq check: checks of what the change does', () => {
  const IMPACT = `version: 1
checks:
  - name: nothing else changes
    check: no-reachability-change
    with: { allow-dst-ips: ["10.9.0.0/24"] }
  - name: web only
    check: filter-change-limited-to
    with:
      nodes: as2dept1
      filters: RESTRICT_HOST_TRAFFIC_IN
      headers: { dstIps: "2.128.1.0/24", ipProtocols: ["tcp"], dstPorts: "80" }
`;

  it('cannot run without a base, and says which flag gives one', async () => {
    const checks = await checksFile('impact.yaml', IMPACT);
    const run = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'json']);
    const report = JSON.parse(run.stdout) as { checks: Array<{ name: string; status: string; error: { message: string } | null }> };
    for (const c of report.checks) {
      assert.equal(c.status, 'error', JSON.stringify(c));
      assert.match(c.error!.message, /has none/);
    }
    assert.match(run.stdout, /--base-ref/);
  });

  it('asks against the base: differentialReachability and searchFilters with invertSearch carry the base as deltatestrig', async () => {
    const checks = await checksFile('impact2.yaml', IMPACT);
    const before = sim.requests.length;
    await runNetq(['check', '--snapshot-dir', EXAMPLE, '--base-dir', path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse'), '--checks', checks, '--batfish-url', sim.url, '--format', 'json']);
    const work = sim.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && /\/work$/.test(r.path) && r.bodyText)
      .map((r) => JSON.parse(r.bodyText!) as { requestParams: Record<string, string>; testrigName: string });
    // Questions already on the server (asked by the test before, same text) are not sent again: all PUTs count.
    const questions = sim.requests
      .filter((r) => r.method === 'PUT' && /\/questions\//.test(r.path) && r.bodyText)
      .map((r) => JSON.parse(r.bodyText!) as { instance: { instanceName: string; variables: Record<string, { value?: unknown }> } });
    const differential = work.filter((w) => w.requestParams.deltatestrig);
    // differentialReachability and the invertSearch searchFilters go against the base; the intended-flows searchFilters does not.
    assert.equal(differential.length, 2, JSON.stringify(work.map((w) => w.requestParams)));
    for (const w of differential) assert.equal(w.requestParams.differential, '');
    const invert = questions.find((q) => q.instance.instanceName.includes('searchFilters') && q.instance.variables.invertSearch?.value === true);
    assert.ok(invert, 'a searchFilters with invertSearch');
    const intended = questions.find((q) => q.instance.instanceName.includes('searchFilters') && q.instance.variables.action?.value === 'deny');
    assert.ok(intended, 'a searchFilters for the intended flows that are still denied');
  });
});
