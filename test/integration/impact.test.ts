/**
 * Issue 18, "done when": a repository with two commits, the second changing an ACL on as2dept1
 * (a telnet deny wider than meant) and shutting its link to as2dist2. `netq impact --base-ref
 * HEAD~1` names the changed flows, routes, sessions, links and filter lines; a checks file with
 * the four impact kinds fails only on what the change introduced, with findings on the changed
 * lines in SARIF and a markdown comment with the picture; `--plan` matches the forks the run
 * makes. Against the simulator serving the hand-built answers of that change (ORIGIN.md).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git } from '../support/ci-repo.js';
import { runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';
import { validateSarif } from '../unit/check-report-readers.js';
import { assertValid } from '../unit/output-schemas.js';

const SITE = ['-r', 'lab', '-s', 'edge'];
const ACL_FILE = 'regions/lab/edge/configs/as2dept1.cfg';

let sim: BatfishSimulator;
let tmp: string;
let repo: string;
/** 1-based line of the head's new ACL line, and of the base's line it overrides. */
let newLine: number;
let baseLine: number;

before(async () => {
  sim = await startSimulator({ parseMs: 5, answerMs: 5 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-impact-'));
  repo = path.join(tmp, 'repo');
  const site = path.join(repo, 'regions', 'lab', 'edge');
  cpSync(path.join(FIXTURES_DIR, 'networks', 'example-live'), site, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  baseLine = readFileSync(path.join(repo, ACL_FILE), 'utf8').split('\n').findIndex((l) => l.trim() === 'permit ip 2.128.0.0 0.0.255.255 any') + 1;
  cpSync(path.join(FIXTURES_DIR, 'networks', 'example-live-change', 'configs', 'as2dept1.cfg'), path.join(repo, ACL_FILE));
  git(repo, 'commit', '-q', '-am', 'deny telnet from the hosts; shut the link to as2dist2');
  newLine = readFileSync(path.join(repo, ACL_FILE), 'utf8').split('\n').findIndex((l) => /^ deny +tcp 2\.128\.0\.0 0\.0\.255\.255 any eq telnet$/.test(l)) + 1;
  assert.ok(baseLine > 0 && newLine > 0);
});

after(async () => {
  await sim.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const netq = (args: string[]) => runNetq([...args, '--batfish-url', sim.url], { cwd: repo });

describe('netq impact on a two-commit repository', () => {
  it('names the changed flows, routes, sessions, links and filter lines (both sides), every question asked against the base', async () => {
    const from = sim.requests.length;
    const run = await netq(['impact', ...SITE, '--base-ref', 'HEAD~1', '-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      empty: boolean;
      sites: Array<{
        snapshot: string;
        baseSnapshot: string;
        flows: Array<{ start: string; change: string; before: string; after: string; location: { file: string } | null }>;
        routes: Array<{ node: string; change: string }>;
        sessions: Array<{ key: Record<string, string> }>;
        edges: Array<{ key: Record<string, string>; change: string }>;
        filters: Array<{ node: string; filter: string; line: { location: { file: string; line: number } | null }; reference: { location: { file: string; line: number } | null } }>;
      }>;
    };
    assertValid('netq-impact.schema.json', doc);
    assert.equal(doc.empty, false);
    const site = doc.sites[0]!;
    assert.ok(site.flows.length > 0 && site.flows.every((f) => f.change === 'lost' && f.after === 'DENIED_IN'), JSON.stringify(site.flows));
    assert.ok(site.flows.every((f) => f.location?.file === ACL_FILE), 'each lost flow is placed on the config of as2dept1, where it is denied');
    assert.ok(site.routes.some((r) => r.node === 'as2dist2'));
    assert.ok(site.sessions.length > 0);
    assert.deepEqual(site.edges.map((e) => e.change), ['removed', 'removed']);
    assert.deepEqual(
      site.filters.map((f) => [f.node, f.filter, f.line.location, f.reference.location]),
      [['as2dept1', 'RESTRICT_HOST_TRAFFIC_IN', { file: ACL_FILE, line: newLine }, { file: ACL_FILE, line: baseLine }]],
    );
    // What Batfish received: each differential question with the base as the reference.
    const work = sim.requests.slice(from).filter((r) => r.method === 'POST' && /\/work$/.test(r.path)).map((r) => JSON.parse(r.bodyText!) as { requestParams: Record<string, string> });
    const answers = work.filter((w) => w.requestParams.answer !== undefined);
    const against = answers.filter((w) => w.requestParams.deltatestrig === site.baseSnapshot);
    assert.equal(against.length, 6, JSON.stringify(answers.map((a) => a.requestParams)));
    assert.ok(against.every((w) => w.requestParams.testrig === site.snapshot));
    // definedStructures of the node whose filter changed, on each side, not differential.
    const defined = answers.filter((w) => /definedstructures/i.test(w.requestParams.questionname ?? ''));
    assert.deepEqual(defined.map((w) => w.requestParams.testrig).sort(), [site.baseSnapshot, site.snapshot].sort());
    assert.ok(defined.every((w) => w.requestParams.deltatestrig === undefined));
  });

  it('markdown for the merge request draws what changed; sarif puts the filter change on its line; no change is one line', async () => {
    const markdown = await netq(['impact', ...SITE, '--base-ref', 'HEAD~1', '-f', 'markdown']);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /```mermaid\nflowchart LR/);
    assert.match(markdown.stdout, /link removed/);
    const sarif = JSON.parse((await netq(['impact', ...SITE, '--base-ref', 'HEAD~1', '-f', 'sarif'])).stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
    const filter = sarif.runs[0]!.results.find((r) => r.ruleId === 'impact-filters')!;
    assert.deepEqual([filter.locations[0]!.physicalLocation.artifactLocation.uri, filter.locations[0]!.physicalLocation.region.startLine], [ACL_FILE, newLine]);
    const none = await netq(['impact', ...SITE, '--base-ref', 'HEAD', '--fail-on-change']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^No change: .*\n$/);
  });

  it('refuses to run without a base, or with two', async () => {
    const without = await netq(['impact', ...SITE]);
    assert.equal(without.code, 2);
    assert.match(without.stderr, /impact needs a base.*\n.*--base-ref REF/);
    const two = await netq(['impact', ...SITE, '--base-ref', 'HEAD~1', '--base-dir', '.']);
    assert.equal(two.code, 2);
  });
});

const CHECKS = `version: 1
checks:
  - name: only host2 telnet changes
    check: no-reachability-change
    with: { allow-src-ips: ["2.128.1.0/24"] }
  - name: survives any one router failing
    check: survives-single-failure
  - name: telnet from host2 denied, nothing else
    check: filter-change-limited-to
    with:
      nodes: as2dept1
      filters: RESTRICT_HOST_TRAFFIC_IN
      headers: { srcIps: "2.128.1.0/24", dstPorts: "23", ipProtocols: ["TCP"] }
      action: deny
  - name: no new unrecognised lines
    check: parse-coverage
`;

describe('the four impact kinds in the gate', () => {
  it('fail only on what the change introduced, on the changed lines; --plan names the forks the run makes', async () => {
    writeFileSync(path.join(repo, 'impact-checks.yaml'), CHECKS);
    const args = ['check', ...SITE, '--checks', 'impact-checks.yaml', '--base-ref', 'HEAD~1'];
    const planned = JSON.parse((await netq([...args, '--plan', '--format', 'json'])).stdout) as { plan: Array<{ forks: Array<{ snapshot: string }> }> };
    const plannedForks = planned.plan.flatMap((p) => p.forks.map((f) => f.snapshot)).sort();
    const from = sim.requests.length;
    const run = await netq([...args, '--format', 'json', '--report', 'sarif=impact.sarif', '--report', 'markdown=impact.md']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { checks: Array<{ name: string; status: string }>; findings: Array<{ check: string; baseline: string; message: string; location: { file: string; line: number | null } | null }> };
    const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    assert.deepEqual(status, {
      'only host2 telnet changes': 'fail',
      'survives any one router failing': 'fail',
      'telnet from host2 denied, nothing else': 'fail',
      'no new unrecognised lines': 'pass',
    });
    const of = (check: string) => report.findings.filter((f) => f.check === check);
    // The telnet flows from host1's subnet were not meant to change; host2's were.
    assert.ok(of('only host2 telnet changes').length > 0 && of('only host2 telnet changes').every((f) => !/2\.128\.1\./.test(f.message.split('e.g.')[1] ?? '')));
    // as2dist1 is now a single point of failure (new); as2dept1 always was (existing, does not fail).
    const n1 = of('survives any one router failing');
    assert.ok(n1.some((f) => /node as2dist1 down/.test(f.message) && f.baseline === 'new'), JSON.stringify(n1.map((f) => [f.message, f.baseline])));
    assert.ok(n1.filter((f) => /node as2dept1 down/.test(f.message)).every((f) => f.baseline === 'existing'));
    assert.ok(n1.some((f) => /node as2dept1 down/.test(f.message)));
    // The wider deny is found on the line that was added.
    const filter = of('telnet from host2 denied, nothing else');
    assert.ok(filter.length > 0 && filter.every((f) => f.location?.file === ACL_FILE && f.location.line === newLine), JSON.stringify(filter));
    const sarif = JSON.parse(readFileSync(path.join(repo, 'impact.sarif'), 'utf8'));
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
    assert.match(readFileSync(path.join(repo, 'impact.md'), 'utf8'), /survives any one router failing/);
    // The forks made are the ones --plan named, and each is deleted at the end.
    const forks = sim.requests.slice(from).filter((r) => r.method === 'POST' && /snapshots:fork$/.test(r.path)).map((r) => (JSON.parse(r.bodyText!) as { snapshotNew: string }).snapshotNew);
    const headForks = forks.filter((f) => plannedForks.includes(f));
    assert.deepEqual(headForks.sort(), plannedForks);
    const deleted = sim.requests.slice(from).filter((r) => r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('/').pop()!));
    for (const fork of forks) assert.ok(deleted.includes(fork), `${fork} deleted`);
  });
});

describe('node names in a flow scope', () => {
  it('are resolved on the snapshot a fork is compared with, and every fork is asked about those addresses', async () => {
    const checks = path.join(repo, 'n1-host2.yaml');
    writeFileSync(checks, 'version: 1\nchecks:\n  - name: host2 reachable with any router down\n    check: survives-single-failure\n    with: { headers: { dstIps: host2 }, elements: [as2dist1, as2dist2] }\n');
    const from = sim.requests.length;
    const head = path.join(FIXTURES_DIR, 'networks', 'example-live-change');
    const run = await netq(['check', '--snapshot-dir', head, '--checks', checks, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const asked = sim.requests
      .slice(from)
      .filter((r) => r.method === 'PUT' && /\/questions\//.test(r.path) && /differentialReachability/i.test(r.path))
      .map((r) => (JSON.parse(r.bodyText!) as { instance: { variables: { headers?: { value?: { dstIps?: string } } } } }).instance.variables.headers?.value?.dstIps);
    assert.ok(asked.length >= 1);
    assert.deepEqual([...new Set(asked)], ['2.128.1.101']);
    writeFileSync(checks, 'version: 1\nchecks:\n  - name: nobody\n    check: survives-single-failure\n    with: { headers: { dstIps: server9 }, elements: [as2dist1] }\n');
    const missing = await netq(['check', '--snapshot-dir', head, '--checks', checks, '--format', 'json']);
    // A scope naming what the network does not have is the checks file's mistake: exit 2, the check in error.
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stdout, /names server9, which has no active interface address on the snapshot/);
  });
});

describe('a site the base does not have', () => {
  it('is new: the checks of what the change does are skipped, saying so, and the gate does not fail for it', async () => {
    cpSync(path.join(FIXTURES_DIR, 'networks', 'example-live'), path.join(repo, 'regions', 'lab', 'new'), { recursive: true });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a new site');
    writeFileSync(path.join(repo, 'new-site.yaml'), 'version: 1\nchecks:\n  - name: nothing else changes\n    check: no-reachability-change\n');
    const run = await netq(['check', '-r', 'lab', '-s', 'new', '--checks', 'new-site.yaml', '--base-ref', 'HEAD~1', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { checks: Array<{ status: string; error: { message: string } | null }> };
    assert.deepEqual(report.checks.map((c) => c.status), ['skipped']);
    assert.match(report.checks[0]!.error!.message, /lab\/new is new: the base \(HEAD~1\) has no such site/);
    // netq impact says the site is new: no error, no "no change".
    const impact = await netq(['impact', '-r', 'lab', '-s', 'new', '--base-ref', 'HEAD~1', '-f', 'json']);
    assert.equal(impact.code, 0, impact.stderr);
    const doc = JSON.parse(impact.stdout) as { empty: boolean; sites: Array<{ newSite?: boolean; notes: string[] }> };
    assertValid('netq-impact.schema.json', doc);
    assert.equal(doc.empty, false);
    assert.equal(doc.sites[0]!.newSite, true);
    assert.match(doc.sites[0]!.notes[0]!, /lab\/new is new: the base \(git ref HEAD~1\) has no such site/);
  });
});
