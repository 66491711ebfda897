import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { QUESTION_COMMANDS } from '../../src/questions/catalog.js';
import { NETQ_VERSION } from '../../src/version.js';
import { runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator, type LoggedRequest } from '../support/simulator.js';

let sim: BatfishSimulator;
let tmp: string;
const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');

before(async () => {
  sim = await startSimulator();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-cmd-'));
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

const nyc = (...extra: string[]) => ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, ...extra];

describe('netq bgp-sessions', () => {
  it('prints the session table of nyc with the columns Batfish sent', async () => {
    const { code, stdout, stderr } = await runNetq(nyc());
    assert.equal(code, 0, stderr);
    const header = stdout.split('\n')[1]!;
    const columns = header.split('│').map((c) => c.trim()).filter(Boolean);
    assert.deepEqual(columns, ['Node', 'VRF', 'Local_AS', 'Local_Interface', 'Local_IP', 'Remote_AS', 'Remote_Node', 'Remote_Interface', 'Remote_IP', 'Address_Families', 'Session_Type', 'Established_Status']);
    assert.match(stderr, /netq: parsed nyc-[0-9a-f]{16}: 5 files: 5 passed, 0 partially recognised, 0 failed, 0 empty/);
    assert.match(stderr, /netq: 0 rows from bgpSessionStatus on north_america\/nyc-/);
    assert.ok(!stdout.includes('netq:'), 'stdout carries data only');
  });

  it('prints one parseable JSON envelope with --format json', async () => {
    const { code, stdout } = await runNetq(nyc('--format', 'json'));
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(doc.netqVersion, NETQ_VERSION);
    assert.equal(doc.batfishVersion, '2025.07.07.2423');
    assert.equal(doc.network, 'north_america');
    assert.match(String(doc.snapshot), /^nyc-[0-9a-f]{16}$/);
    assert.deepEqual(doc.question, { name: 'bgpSessionStatus', parameters: {} });
    assert.deepEqual((doc.columns as Array<{ name: string; schema: string; isKey: boolean }>)[0], {
      name: 'Node',
      schema: 'Node',
      description: 'The node where this session is configured',
      isKey: true,
      isValue: false,
    });
    assert.deepEqual(doc.rows, []);
    assert.deepEqual(doc.summary, { numResults: 0, notes: 'Found 0 results' });
  });

  it('answers the example network with the recorded as2 → as3 session', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq([
      'bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*', '--batfish-url', sim.url, '--format', 'json',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as { network: string; rows: Array<Record<string, unknown>>; question: unknown };
    assert.equal(doc.network, 'netq');
    assert.deepEqual(doc.question, { name: 'bgpSessionStatus', parameters: { nodes: 'as2.*', remoteNodes: 'as3.*' } });
    assert.equal(doc.rows.length, 1);
    assert.equal(doc.rows[0]!.Node, 'as2border2');
    assert.equal(doc.rows[0]!.Remote_IP, '10.23.21.3');
    assert.equal(doc.rows[0]!.Established_Status, 'ESTABLISHED');
    assert.equal(doc.rows[0]!.Local_Interface, null);
    const put = sim.requests.slice(before).find((r) => r.method === 'PUT');
    assert.ok(put, 'the question was uploaded');
    const [question, ...more] = uploadedQuestions(sim.requests.slice(before));
    assert.equal(more.length, 0);
    assert.equal(templateOf(question!), 'bgpSessionStatus');
    assert.equal(question!.instance.variables.nodes?.value, 'as2.*');
    assert.equal(question!.instance.variables.remoteNodes?.value, 'as3.*');
    assertAsked(sim.requests.slice(before), question!);
  });

  it('prints CSV and Markdown for machines and wikis', async () => {
    const csv = await runNetq(['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*', '--batfish-url', sim.url, '--format', 'csv']);
    assert.equal(csv.code, 0);
    // Item 2 of issue 11: a list cell is a JSON array in CSV, so an item holding ', ' stays one item.
    assert.equal(csv.stdout.split('\r\n')[1], 'as2border2,default,2,,10.23.21.2,3,as3border1,,10.23.21.3,"[""IPV4_UNICAST""]",EBGP_SINGLEHOP,ESTABLISHED');
    const md = await runNetq(['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*', '--batfish-url', sim.url, '-f', 'markdown']);
    // Item 5 of issue 11: Markdown of a session answer has its Mermaid graph above the table.
    assert.match(md.stdout, /^```mermaid\n/);
    assert.equal(md.stdout.split('```\n\n')[1]!.split('\n')[2], '| as2border2 | default | 2 |  | 10.23.21.2 | 3 | as3border1 |  | 10.23.21.3 | IPV4_UNICAST | EBGP_SINGLEHOP | ESTABLISHED |');
  });

  it('fits the table to an 80-column terminal and colours only a terminal without NO_COLOR', async () => {
    const tty = await runNetq(['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*', '--batfish-url', sim.url], { ttyColumns: 80 });
    assert.equal(tty.code, 0);
    for (const line of tty.stdout.trimEnd().split('\n')) assert.ok(stripVTControlCharacters(line).length <= 80, line);
    assert.ok(tty.stdout.includes('\u001b['));
    assert.ok(tty.stdout.includes('as2border2'));
    const noColor = await runNetq(['bgp-sessions', '--snapshot-dir', EXAMPLE, '--batfish-url', sim.url], { ttyColumns: 200, env: { NO_COLOR: '1' } });
    assert.ok(!noColor.stdout.includes('\u001b['));
  });

  it('passes the filters to Batfish as the template variables', async () => {
    const before = sim.requests.length;
    await runNetq(nyc('--status', 'NOT_COMPATIBLE', '--type', 'EBGP_SINGLEHOP'));
    const doc = await runNetq(nyc('--status', 'NOT_COMPATIBLE', '--type', 'EBGP_SINGLEHOP', '--format', 'json'));
    assert.deepEqual((JSON.parse(doc.stdout) as { question: unknown }).question, {
      name: 'bgpSessionStatus',
      parameters: { status: 'NOT_COMPATIBLE', type: 'EBGP_SINGLEHOP' },
    });
    assert.ok(sim.requests.slice(before).some((r) => r.method === 'PUT'));
    // Both runs ask the same question about the same snapshot: the second reads the first's answer.
    const questions = uploadedQuestions(sim.requests.slice(before));
    assert.equal(questions.length, 1, 'one question, kept for both runs');
    assert.equal(answerWork(sim.requests.slice(before)).length, 1, 'asked once; the second run reuses the answer');
    for (const question of questions) {
      assert.equal(templateOf(question), 'bgpSessionStatus');
      assert.equal(question.instance.variables.status?.value, 'NOT_COMPATIBLE');
      assert.equal(question.instance.variables.type?.value, 'EBGP_SINGLEHOP');
      assertAsked(sim.requests.slice(before), question);
    }
  });

  it('rejects an unknown region before any network call, listing the known ones', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['bgp-sessions', '-r', 'europe', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^netq: error: unknown region 'europe' in .*regions\nhint: known regions: asia, north_america\n$/);
    assert.equal(sim.requests.length, before);
  });

  it("rejects an unknown site, listing the region's sites", async () => {
    const { code, stderr } = await runNetq(['bgp-sessions', '-r', 'asia', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.equal(code, 2);
    assert.match(stderr, /unknown site 'nyc' in region asia\nhint: sites of asia: bangalore/);
  });

  it('warns about empty config files and still answers', async () => {
    const before = sim.requests.length;
    const regions = path.join(tmp, 'regions');
    await mkdir(path.join(regions, 'lab', 'rack1', 'configs'), { recursive: true });
    await writeFile(path.join(regions, 'lab', 'rack1', 'configs', 'r1.cfg'), 'hostname r1\n');
    await writeFile(path.join(regions, 'lab', 'rack1', 'configs', 'r2.cfg'), '');
    const { code, stderr } = await runNetq(['bgp-sessions', '-r', 'lab', '-s', 'rack1'], {
      env: { NETQ_REGIONS_DIR: regions, NETQ_BATFISH_URL: sim.url },
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /netq: warning: 1 empty file in site lab\/rack1 .*which Batfish ignores: configs\/r2.cfg/);
    assert.match(stderr, /2 files: 1 passed, 0 partially recognised, 0 failed, 1 empty/);
    assert.equal(sim.networks.get('lab')?.snapshots.size, 1);
    const [upload] = snapshotUploads(sim.requests.slice(before));
    assert.deepEqual(filesOf(upload), ['configs/r1.cfg', 'configs/r2.cfg'], 'the empty file is uploaded too');
  });

  it('exits 3 with the work log when Batfish cannot parse anything, and leaves no zip behind', async () => {
    const failing = await startSimulator({ failParse: true });
    try {
      const regions = path.join(tmp, 'regions-unparsable');
      await mkdir(path.join(regions, 'lab', 'blank', 'configs'), { recursive: true });
      await writeFile(path.join(regions, 'lab', 'blank', 'configs', 'r1.cfg'), 'not a config\n');
      const zips = path.join(tmp, 'zips');
      await mkdir(zips);
      const { code, stdout, stderr } = await runNetq(['bgp-sessions', '-r', 'lab', '-s', 'blank', '--regions-dir', regions, '--batfish-url', failing.url], { tmpDir: zips });
      assert.equal(code, 3);
      assert.equal(stdout, '');
      assert.match(stderr, /netq: error: Batfish failed while parsing snapshot blank-.*No valid configurations found in snapshot/);
      assert.match(stderr, /work log \(tail\):/);
      assert.ok(!stderr.includes('    at '), 'no stack trace without --verbose');
      assert.deepEqual(await readdir(zips), []);
    } finally {
      await failing.stop();
    }
  });

  it('exits 2 "nothing to analyse" before any request when every config file is empty', async () => {
    const regions = path.join(tmp, 'regions-empty');
    await mkdir(path.join(regions, 'lab', 'blank', 'configs'), { recursive: true });
    await writeFile(path.join(regions, 'lab', 'blank', 'configs', 'r1.cfg'), '');
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['bgp-sessions', '-r', 'lab', '-s', 'blank', '--regions-dir', regions, '--batfish-url', sim.url]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /netq: error: nothing to analyse: every config file of site lab\/blank .* is empty/);
    assert.equal(sim.requests.length, before, 'not one request');
  });

  it('treats an empty NETQ_REGIONS_DIR as unset (./regions), not as the current folder', async () => {
    const { code, stderr } = await runNetq(nyc('--format', 'json'), { env: { NETQ_REGIONS_DIR: '' } });
    assert.equal(code, 0, stderr);
  });

  it('exits 3 with a hint when Batfish is unreachable; --verbose adds the stack', async () => {
    const quiet = await runNetq(nyc('--connect-timeout', '1').map((a) => (a === sim.url ? 'http://127.0.0.1:9' : a)));
    assert.equal(quiet.code, 3);
    assert.match(quiet.stderr, /netq: error: Batfish is not reachable at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)\nhint: /);
    assert.ok(!quiet.stderr.includes('    at '));
    const verbose = await runNetq([...nyc('--connect-timeout', '1').map((a) => (a === sim.url ? 'http://127.0.0.1:9' : a)), '--verbose']);
    assert.equal(verbose.code, 3);
    assert.ok(verbose.stderr.includes('    at '));
  });

  it('exits 3 and shows the server text on 401', async () => {
    const secured = await startSimulator({ apiKeys: ['s3cret'] });
    try {
      const denied = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', secured.url, '--api-key', 'nope']);
      assert.equal(denied.code, 3);
      assert.match(denied.stderr, /Batfish answered 401 to GET \/v2\/version: Authorizer: 'nope' is NOT a valid key/);
      const allowed = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc'], {
        env: { NETQ_BATFISH_URL: secured.url, NETQ_BATFISH_API_KEY: 's3cret' },
      });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.ok(secured.requests.every((r) => r.status !== 401 || r.headers['x-batfish-apikey'] === 'nope'));
    } finally {
      await secured.stop();
    }
  });

  it('exits 2 on usage errors, with the message on stderr', async () => {
    const format = await runNetq(nyc('--format', 'yaml'));
    assert.equal(format.code, 2);
    assert.equal(format.stdout, '');
    assert.match(format.stderr, /--format/);
    const both = await runNetq(nyc('--ephemeral'));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--ephemeral starts a Batfish of its own and cannot be combined with --batfish-url/);
    const memory = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--memory', 'lots']);
    assert.equal(memory.code, 2);
    const noSite = await runNetq(['bgp-sessions', '-r', 'north_america', '--batfish-url', sim.url]);
    assert.equal(noSite.code, 2);
    assert.match(noSite.stderr, /--site is missing/);
    const unknown = await runNetq(['bgp-session']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /Command not found/);
    const timeout = await runNetq(nyc('--timeout', 'soon'));
    assert.equal(timeout.code, 2);
  });
});

describe('first-class question commands', () => {
  it('traceroute shows the recorded trace, readable in the table and complete in JSON', async () => {
    const before = sim.requests.length;
    const args = ['traceroute', '--snapshot-dir', EXAMPLE, '--start-location', 'host2', '--dst-ips', '1.0.1.1', '--batfish-url', sim.url];
    const table = await runNetq(args);
    assert.equal(table.code, 0, table.stderr);
    assert.ok(table.stdout.includes('start=host2 [2.128.1.101:49152->1.0.1.1:33434 UDP]'));
    assert.match(table.stdout, /│ 1\. node: host2 +│/);
    const json = await runNetq([...args, '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { question: unknown; rows: Array<{ Flow: { dstIp: string }; Traces: Array<{ hops: unknown[] }> }> };
    assert.deepEqual(doc.question, { name: 'traceroute', parameters: { startLocation: 'host2', headers: { dstIps: '1.0.1.1' } } });
    assert.equal(doc.rows[0]!.Flow.dstIp, '1.0.1.1');
    assert.equal(doc.rows[0]!.Traces[0]!.hops.length, 6);
    for (const question of uploadedQuestions(sim.requests.slice(before))) {
      assert.equal(templateOf(question), 'traceroute');
      assert.equal(question.instance.variables.startLocation?.value, 'host2');
      assert.deepEqual(question.instance.variables.headers?.value, { dstIps: '1.0.1.1' });
    }
  });

  it('routes prints the recorded routing table of dc-as-reuse', async () => {
    const { code, stdout, stderr } = await runNetq(['routes', '--snapshot-dir', path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse'), '--batfish-url', sim.url, '-f', 'csv']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Node,VRF,Network,Next_Hop,Protocol,Metric,Admin_Distance,Tag');
    assert.equal(lines.length, 1 + 198);
    assert.ok(lines.includes('plane_0_spine_0,default,2.0.0.0/31,interface Ethernet1,connected,0,0,'));
  });

  it('--columns picks and orders columns and --sort orders rows, in every format', async () => {
    const dc = path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse');
    const { code, stdout, stderr } = await runNetq(['routes', '--snapshot-dir', dc, '--batfish-url', sim.url, '-f', 'json', '--columns', 'network,node', '--sort', 'Metric:desc']);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as { columns: Array<{ name: string }>; rows: Array<Record<string, unknown>> };
    assert.deepEqual(doc.columns.map((c) => c.name), ['Network', 'Node']);
    assert.deepEqual(Object.keys(doc.rows[0]!), ['Network', 'Node']);
    const bad = await runNetq(['routes', '--snapshot-dir', dc, '--batfish-url', sim.url, '--columns', 'Nexthop']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /the answer has no column 'Nexthop'\nhint: columns: Node, VRF, Network, Next_Hop/);
  });

  it('unused-structures answers an empty table with the question columns for nyc', async () => {
    const { code, stdout } = await runNetq(['unused-structures', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as { columns: Array<{ name: string }>; rows: unknown[] };
    assert.deepEqual(doc.columns.map((c) => c.name), ['Structure_Type', 'Structure_Name', 'Source_Lines']);
    assert.deepEqual(doc.rows, []);
  });

  it('parse-status asks three questions about one snapshot and prints each', async () => {
    const before = sim.requests.length;
    const table = await runNetq(['parse-status', '-r', 'asia', '-s', 'bangalore', '--batfish-url', sim.url]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^== fileParseStatus ==\n[\s\S]*\n== initIssues ==\n[\s\S]*\n== parseWarning ==\n/);
    const second = sim.requests.length;
    const json = await runNetq(['parse-status', '-r', 'asia', '-s', 'bangalore', '--batfish-url', sim.url, '-f', 'json', '--no-aggregate']);
    // Item 1 of issue 11: parse-status prints one document holding its three answers.
    const doc = JSON.parse(json.stdout) as { site: string; answers: Record<string, { question: { name: string; parameters: unknown }; columns: Array<{ name: string }> }> };
    assert.equal(doc.site, 'bangalore');
    const docs = Object.values(doc.answers);
    assert.deepEqual(docs.map((d) => d.question.name), ['fileParseStatus', 'initIssues', 'parseWarning']);
    assert.deepEqual(docs[2]!.question.parameters, { aggregateDuplicates: false });
    assert.deepEqual(docs[2]!.columns.map((c) => c.name), ['Filename', 'Line', 'Text', 'Parser_Context', 'Comment']);
    assert.equal(sim.requests.slice(before).filter((r) => r.method === 'POST' && /\/snapshots\//.test(r.path)).length, 1, 'one upload for all questions');
    const first = uploadedQuestions(sim.requests.slice(before, second));
    const noAggregate = uploadedQuestions(sim.requests.slice(second));
    assert.deepEqual(first.map(templateOf).sort(), ['fileParseStatus', 'initIssues', 'parseWarning']);
    assert.deepEqual(noAggregate.map(templateOf).sort(), ['fileParseStatus', 'initIssues', 'parseWarning']);
    const warnings = (questions: QuestionBody[]) => questions.find((q) => templateOf(q) === 'parseWarning')!.instance.variables;
    assert.equal(warnings(noAggregate).aggregateDuplicates?.value, false);
    assert.notEqual(warnings(first).aggregateDuplicates?.value, false);
    const snapshots = new Set(answerWork(sim.requests.slice(before)).map((w) => w.requestParams.testrig));
    assert.equal(snapshots.size, 1, 'all six questions asked of one snapshot');
  });

  it('edges --layer picks the edges question', async () => {
    for (const [layer, question, first] of [['3', 'layer3Edges', 'Interface'], ['bgp', 'bgpEdges', 'Node']] as const) {
      const before = sim.requests.length;
      const { code, stdout, stderr } = await runNetq(['edges', '-r', 'north_america', '-s', 'nyc', '--layer', layer, '--batfish-url', sim.url, '-f', 'json']);
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout) as { question: { name: string }; columns: Array<{ name: string }> };
      assert.equal(doc.question.name, question);
      assert.equal(doc.columns[0]!.name, first);
      assert.deepEqual(uploadedQuestions(sim.requests.slice(before)).map(templateOf), [question]);
    }
    assert.equal((await runNetq(['edges', '-r', 'north_america', '-s', 'nyc', '--layer', '2', '--batfish-url', sim.url])).code, 2);
  });

  it('every first-class command answers for nyc against the simulator', async () => {
    const extra: Record<string, string[]> = {
      traceroute: ['--start-location', 'edge-sw01', '--dst-ips', '104.34.34.34'],
      'test-filters': ['--src-ips', '104.34.34.34', '--dst-ips', '104.34.34.33'],
    };
    for (const spec of QUESTION_COMMANDS) {
      const before = sim.requests.length;
      const { code, stdout, stderr } = await runNetq([spec.command, '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '-f', 'json', ...(extra[spec.command] ?? [])]);
      assert.equal(code, 0, `${spec.command}: ${stderr}`);
      const doc = JSON.parse(stdout) as { question: { name: string }; columns: unknown[] };
      assert.equal(doc.question.name, spec.template);
      assert.ok(doc.columns.length > 0);
      const [question, ...more] = uploadedQuestions(sim.requests.slice(before));
      assert.equal(more.length, 0, spec.command);
      assert.equal(templateOf(question!), spec.template, spec.command);
      assertAsked(sim.requests.slice(before), question!);
    }
  });

  it('checks flags before uploading anything', async () => {
    const before = sim.requests.length;
    const noHeader = await runNetq(['traceroute', '-r', 'north_america', '-s', 'nyc', '--start-location', 'edge-sw01', '--batfish-url', sim.url]);
    assert.equal(noHeader.code, 2);
    assert.match(noHeader.stderr, /traceroute needs a flow header\nhint: give at least one of --src-ips, --dst-ips/);
    const badRib = await runNetq(['routes', '-r', 'asia', '-s', 'bangalore', '--rib', 'isis', '--batfish-url', sim.url]);
    assert.equal(badRib.code, 2);
    assert.match(badRib.stderr, /parameter 'rib' of routes must be one of main, bgp, evpn \(got 'isis'\)/);
    assert.equal(sim.requests.slice(before).filter((r) => r.method !== 'GET').length, 0, 'nothing was uploaded');
  });

  it('says in the help which questions need the data plane', async () => {
    assert.match((await runNetq(['routes', '--help'])).stdout, /needs the data plane/);
    assert.doesNotMatch((await runNetq(['unused-structures', '--help'])).stdout, /needs the data plane/);
  });
});

describe('differential answers', () => {
  it('--reference-dir uploads a second snapshot and shows Snapshot_/Reference_ columns', async () => {
    const before = sim.requests.length;
    const args = ['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*', '--reference-dir', path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse'), '--batfish-url', sim.url];
    const { code, stdout, stderr } = await runNetq([...args, '-f', 'json']);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as { referenceSnapshot: string; columns: Array<{ name: string }>; rows: Array<Record<string, unknown>> };
    assert.match(doc.referenceSnapshot, /^dc-as-reuse-[0-9a-f]{16}$/);
    // TableDiff: the keys, KeyPresence, then both sides of every other column in the table's order.
    assert.deepEqual(doc.columns.map((c) => c.name).slice(0, 8), ['Node', 'VRF', 'Remote_IP', 'KeyPresence', 'Snapshot_Local_AS', 'Reference_Local_AS', 'Snapshot_Local_Interface', 'Reference_Local_Interface']);
    assert.ok(doc.columns.some((c) => c.name === 'Reference_Established_Status'));
    assert.equal(doc.rows.length, 1);
    assert.equal(doc.rows[0]!.KeyPresence, 'Only in Snapshot');
    assert.equal(doc.rows[0]!.Snapshot_Established_Status, 'ESTABLISHED');
    assert.equal(doc.rows[0]!.Reference_Established_Status, null);
    const work = sim.requests.slice(before).filter((r) => r.method === 'GET' && /\/answer$/.test(r.path));
    assert.equal(work.at(-1)!.query.referenceSnapshot, doc.referenceSnapshot);
    const [queued, ...moreQueued] = answerWork(sim.requests.slice(before));
    assert.equal(moreQueued.length, 0);
    assert.equal(queued!.requestParams.deltatestrig, doc.referenceSnapshot);
    assert.equal(queued!.requestParams.differential, '');
    assert.match(queued!.requestParams.testrig ?? '', /^example-live-[0-9a-f]{16}$/);
    const table = await runNetq(args);
    assert.match(table.stdout, /Snapshot_Established_Status/);
  });

  it('--reference takes REGION/SITE and says so when it is not', async () => {
    const before = sim.requests.length;
    const ok = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--reference', 'asia/bangalore', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match((JSON.parse(ok.stdout) as { referenceSnapshot: string }).referenceSnapshot, /^bangalore-/);
    const [queued] = answerWork(sim.requests.slice(before));
    assert.equal(queued!.requestParams.deltatestrig, (JSON.parse(ok.stdout) as { referenceSnapshot: string }).referenceSnapshot);
    assert.match(queued!.requestParams.testrig ?? '', /^nyc-/);
    const bad = await runNetq(['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--reference', 'bangalore', '--batfish-url', sim.url]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--reference 'bangalore' is not REGION\/SITE/);
  });
});

describe('--all sites', () => {
  it('asks every site of regions/ through one Batfish, grouped with a roll-up line', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['bgp-sessions', '--all', '--batfish-url', sim.url]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^== asia\/bangalore ==\n[\s\S]*\n== north_america\/nyc ==\n/);
    assert.match(stdout, /\n2 sites: 2 answered \(rows: asia\/bangalore 0, north_america\/nyc 0\)\n$/);
    assert.equal(sim.requests.slice(before).filter((r) => r.path === '/v2/version').length, 1, 'one connection for all sites');
    // Each site's answer is read (asked now, or stored by an earlier run about the same snapshot).
    const asked = sim.requests
      .slice(before)
      .filter((r) => r.method === 'GET' && /\/answer$/.test(r.path) && r.status === 200)
      .map((r) => [decodeURIComponent(r.path.split('/')[3]!), (r.query.snapshot ?? '').replace(/-[0-9a-f]{16}$/, '')]);
    assert.deepEqual(asked.sort(), [['asia', 'bangalore'], ['north_america', 'nyc']]);
    const region = await runNetq(['bgp-sessions', '--all', '-r', 'asia', '--batfish-url', sim.url, '-f', 'json']);
    // Item 1 of issue 11: --all is one document, the per-site envelopes under `sites`.
    const docs = (JSON.parse(region.stdout) as { sites: Array<{ network: string; snapshot: string }> }).sites;
    assert.deepEqual(docs.map((d) => d.network), ['asia']);
  });

  it('goes on past a broken site, reports it, and exits with its code', async () => {
    const regions = path.join(tmp, 'regions-all');
    await mkdir(path.join(regions, 'lab', 'good', 'configs'), { recursive: true });
    await mkdir(path.join(regions, 'lab', 'nothing'), { recursive: true });
    await writeFile(path.join(regions, 'lab', 'good', 'configs', 'r1.cfg'), 'hostname r1\n');
    const { code, stdout, stderr } = await runNetq(['bgp-sessions', '--all', '--regions-dir', regions, '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 2);
    // Item 1 of issue 11: one document; entries name region and site apart.
    const docs = (JSON.parse(stdout) as { sites: Array<{ snapshot?: string; region?: string; site?: string; error?: { exitCode: number } }> }).sites;
    assert.equal(docs.length, 2);
    assert.match(docs[0]!.snapshot ?? '', /^good-/);
    assert.deepEqual([docs[1]!.region, docs[1]!.site, docs[1]!.error?.exitCode], ['lab', 'nothing', 2]);
    assert.match(stderr, /netq: error: lab\/nothing: site lab\/nothing .* has no device configs/);
    const bad = await runNetq(['bgp-sessions', '--all', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.equal(bad.code, 2);
  });

  it('summary --all prints one line per site', async () => {
    const { code, stdout } = await runNetq(['summary', '--all', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 0);
    // Item 1 of issue 11: one document; each entry has the single summary's shape.
    const sites = (JSON.parse(stdout) as { sites: Array<{ region: string; site: string; nodes: number }> }).sites;
    assert.deepEqual(sites.map((s) => `${s.region}/${s.site}`), ['asia/bangalore', 'north_america/nyc']);
  });
});

describe('netq summary', () => {
  it('asks the five config questions about one snapshot and prints one summary', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['summary', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(doc.region, 'north_america');
    assert.equal(doc.site, 'nyc');
    assert.deepEqual(doc.bgpSessions, { total: 0, ok: 0, external: 0, broken: 0 });
    assert.equal(doc.duplicateIps, 0);
    const questions = uploadedQuestions(sim.requests.slice(before));
    assert.equal(questions.length, 5);
    assert.deepEqual(questions.map(templateOf).sort(), ['bgpSessionCompatibility', 'fileParseStatus', 'ipOwners', 'nodeProperties', 'undefinedReferences']);
    assert.equal(questions.find((q) => templateOf(q) === 'ipOwners')!.instance.variables.duplicatesOnly?.value, true);
    for (const question of questions) assertAsked(sim.requests.slice(before), question);
    const table = await runNetq(['summary', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.match(table.stdout, /│ BGP sessions +│ 0: 0 ok, 0 external, 0 broken +│/);
  });
});

describe('any question: netq questions and netq ask', () => {
  it('lists the 75 templates the server serves, with the data-plane ones marked', async () => {
    const { code, stdout } = await runNetq(['questions', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as { questions: Array<{ name: string; dataPlane: boolean; tags: string[] }> };
    assert.equal(doc.questions.length, 75);
    assert.equal(doc.questions.find((q) => q.name === 'routes')?.dataPlane, true);
    assert.equal(doc.questions.find((q) => q.name === 'nodeProperties')?.dataPlane, false);
  });

  it('asks any template with JSON-or-string parameters', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq([
      'ask', 'traceroute', '--snapshot-dir', EXAMPLE, '--param', 'startLocation=host2', '--param', 'headers={"dstIps": "1.0.1.1"}', '--batfish-url', sim.url, '-f', 'json',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as { question: unknown; rows: unknown[] };
    assert.deepEqual(doc.question, { name: 'traceroute', parameters: { startLocation: 'host2', headers: { dstIps: '1.0.1.1' } } });
    assert.equal(doc.rows.length, 1);
    const [question] = uploadedQuestions(sim.requests.slice(before));
    assert.equal(templateOf(question!), 'traceroute');
    assert.equal(question!.instance.variables.startLocation?.value, 'host2', 'a value that is not JSON is sent as a string');
    assert.deepEqual(question!.instance.variables.headers?.value, { dstIps: '1.0.1.1' }, 'a JSON value is sent as JSON');
  });

  it('lists the valid parameters when one is wrong, before uploading', async () => {
    const before = sim.requests.length;
    const wrong = await runNetq(['ask', 'routes', '-r', 'asia', '-s', 'bangalore', '--param', 'ribs=main', '--batfish-url', sim.url]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /question routes has no parameter 'ribs'\nhint: valid parameters: nodes, vrfs, network, prefixMatchType, protocols, rib/);
    const malformed = await runNetq(['ask', 'routes', '-r', 'asia', '-s', 'bangalore', '--param', 'rib', '--batfish-url', sim.url]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--param 'rib' is not name=value/);
    const unknown = await runNetq(['ask', 'noSuchQuestion', '-r', 'asia', '-s', 'bangalore', '--batfish-url', sim.url]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /does not offer the question 'noSuchQuestion'\nhint: netq questions/);
    assert.equal(sim.requests.slice(before).filter((r) => r.method !== 'GET').length, 0);
  });

  it('--help-params shows the variables of a template without a site', async () => {
    const { code, stdout, stderr } = await runNetq(['ask', 'lpmRoutes', '--help-params', '--batfish-url', sim.url, '-f', 'json']);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as { dataPlane: boolean; parameters: Array<{ Parameter: string; Required: boolean; Default: string | null }> };
    assert.equal(doc.dataPlane, true);
    assert.deepEqual(doc.parameters.map((p) => [p.Parameter, p.Required, p.Default]), [['ip', true, null], ['nodes', false, '".*"'], ['vrfs', false, '".*"']]);
  });
});

describe('snapshots are not uploaded twice', () => {
  it('reuses an unchanged site, re-uploads with --fresh, and keeps only the newest snapshots', async () => {
    const regions = path.join(tmp, 'regions-reuse');
    const configs = path.join(regions, 'lab', 'reuse', 'configs');
    await mkdir(configs, { recursive: true });
    await writeFile(path.join(configs, 'r1.cfg'), 'hostname r1\n');
    const args = ['bgp-sessions', '-r', 'lab', '-s', 'reuse', '--regions-dir', regions, '--batfish-url', sim.url, '--keep-snapshots', '2'];
    const uploads = () => sim.seen('POST', /\/networks\/lab\/snapshots\/reuse-/).length;
    const calls = (from: number): string[] =>
      sim.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/reuse-[0-9a-f]{16}/, 'reuse-HASH').replace(/_[0-9a-f]{20}\b/, '_HASH')}`);
    let before = sim.requests.length;
    const first = await runNetq(args);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(uploads(), 1);
    assert.deepEqual(filesOf(sim.seen('POST', /\/networks\/lab\/snapshots\/reuse-/)[0]), ['configs/r1.cfg']);
    // A snapshot this run uploaded has no stored answers: the question goes up without looking for one.
    const cold = calls(before);
    assert.ok(cold.includes('PUT /v2/networks/lab/questions/__netq_bgpSessionStatus_HASH'), cold.join('\n'));
    assert.equal(cold.filter((c) => c.endsWith('/answer')).length, 1, `only the answer itself is read:\n${cold.join('\n')}`);
    before = sim.requests.length;
    const second = await runNetq(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(uploads(), 1, 'the unchanged site was not uploaded again');
    assert.match(second.stderr, /Batfish already has reuse-[0-9a-f]{16} \(unchanged input\); nothing uploaded/);
    // Unchanged: the version and the snapshot asked together, then the stored answer.
    const warm = calls(before);
    assert.deepEqual(warm.slice(0, 2).sort(), ['GET /v2/networks/lab/snapshots/reuse-HASH', 'GET /v2/version']);
    assert.deepEqual(warm.slice(2), ['GET /v2/networks/lab/questions/__netq_bgpSessionStatus_HASH/answer']);
    const fresh = await runNetq([...args, '--fresh']);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(uploads(), 2);
    for (const version of ['hostname r1\n!\n', 'hostname r1\n!\n!\n']) {
      await writeFile(path.join(configs, 'r1.cfg'), version);
      assert.equal((await runNetq(args)).code, 0);
    }
    assert.equal(uploads(), 4);
    const left = [...(sim.networks.get('lab')?.snapshots.keys() ?? [])].filter((n) => n.startsWith('reuse-'));
    assert.equal(left.length, 2, `kept ${left.join(', ')}`);
  });
});

describe('an unchanged site costs one round trip before the answer', () => {
  it('asks for the snapshot while it asks for the server version, not after', async () => {
    // The snapshot check is slowed down: asked at the same time, the version request arrives while it is open.
    const slow = await startSimulator({ faults: [{ method: 'GET', path: /\/networks\/lab\/snapshots\/together-[0-9a-f]{16}$/, delayMs: 300 }] });
    try {
      const regions = path.join(tmp, 'regions-together');
      await mkdir(path.join(regions, 'lab', 'together', 'configs'), { recursive: true });
      await writeFile(path.join(regions, 'lab', 'together', 'configs', 'r1.cfg'), 'hostname r1\n');
      const args = ['bgp-sessions', '-r', 'lab', '-s', 'together', '--regions-dir', regions, '--batfish-url', slow.url];
      assert.equal((await runNetq(args)).code, 0);
      const before = slow.requests.length;
      const again = await runNetq(args);
      assert.equal(again.code, 0, again.stderr);
      const [version] = slow.requests.slice(before).filter((r) => r.path === '/v2/version');
      assert.ok(version, 'the version was asked');
      assert.ok(
        version.openAtArrival.some((r) => /^GET \/v2\/networks\/lab\/snapshots\/together-[0-9a-f]{16}$/.test(r)),
        `the version request came while ${version.openAtArrival.join(', ') || 'nothing'} was open`,
      );
      assert.equal(slow.requests.length - before, 3);
    } finally {
      await slow.stop();
    }
  });
});

describe('a new snapshot\'s questions go up while Batfish parses it', () => {
  it('uploads the questions during the snapshot upload, so only the work items follow the parse', async () => {
    const slow = await startSimulator({ faults: [{ method: 'POST', path: /\/networks\/lab\/snapshots\/ahead-[0-9a-f]{16}$/, delayMs: 300 }] });
    try {
      const regions = path.join(tmp, 'regions-ahead');
      await mkdir(path.join(regions, 'lab', 'ahead', 'configs'), { recursive: true });
      await writeFile(path.join(regions, 'lab', 'ahead', 'configs', 'r1.cfg'), 'hostname r1\n');
      const result = await runNetq(['summary', '-r', 'lab', '-s', 'ahead', '--regions-dir', regions, '--batfish-url', slow.url]);
      assert.equal(result.code, 0, result.stderr);
      const calls = slow.requests.map((r) => `${r.method} ${r.path}`);
      const upload = calls.findIndex((c) => /^POST \/v2\/networks\/lab\/snapshots\/ahead-/.test(c));
      const parse = calls.findIndex((c, i) => i > upload && c === 'POST /v2/networks/lab/work');
      const puts = calls.flatMap((c, i) => (c.startsWith('PUT /v2/networks/lab/questions/__netq_') ? [i] : []));
      assert.equal(puts.length, 5, calls.join('\n'));
      // The upload is held 0.3 s: the questions go up with it, before the parse is even queued.
      assert.ok(upload >= 0 && puts.every((i) => i < parse), calls.join('\n'));
      // The five questions were prepared together: the server's templates were fetched once.
      assert.equal(slow.seen('GET', /\/question_templates$/).length, 1);
      assert.equal(slow.seen('GET', /\/answer$/).length, 5, 'each answer read once, no stored-answer lookups');
    } finally {
      await slow.stop();
    }
  });
});

describe('older snapshots are deleted while the questions are asked', () => {
  it('queues the answer without waiting for the snapshot list of the clean-up, and still keeps only the newest', async () => {
    const slow = await startSimulator({ faults: [{ method: 'GET', path: /\/networks\/lab\/snapshots$/, delayMs: 300 }] });
    try {
      const regions = path.join(tmp, 'regions-tidy');
      const config = path.join(regions, 'lab', 'tidy', 'configs', 'r1.cfg');
      await mkdir(path.dirname(config), { recursive: true });
      const args = ['bgp-sessions', '-r', 'lab', '-s', 'tidy', '--regions-dir', regions, '--batfish-url', slow.url, '--keep-snapshots', '1'];
      for (const version of ['hostname r1\n', 'hostname r1\n!\n']) {
        await writeFile(config, version);
        const result = await runNetq(args);
        assert.equal(result.code, 0, result.stderr);
      }
      const answerWork = slow.seen('POST', /\/networks\/lab\/work$/).filter((r) => r.bodyText?.includes('"answer"')).at(-1)!;
      assert.ok(answerWork.openAtArrival.includes('GET /v2/networks/lab/snapshots'), answerWork.openAtArrival.join(', ') || 'nothing open');
      const left = [...(slow.networks.get('lab')?.snapshots.keys() ?? [])];
      assert.equal(left.length, 1, left.join(', '));
    } finally {
      await slow.stop();
    }
  });
});

describe('the server\'s question templates are kept between runs', () => {
  it('fetches them once per server and Batfish version, and again when the kept copy is damaged', async () => {
    const stateDir = await mkdtemp(path.join(tmp, 'state-templates-'));
    const older = await startSimulator({ version: { Batfish: '2024.01.01.1', api_version: '2.1.0' } });
    try {
      const args = (url: string) => ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', url];
      const fetches = (server: BatfishSimulator) => server.seen('GET', /\/question_templates$/).length;
      const before = fetches(sim);
      assert.equal((await runNetq(args(sim.url), { stateDir })).code, 0);
      assert.equal((await runNetq(args(sim.url), { stateDir })).code, 0);
      assert.equal(fetches(sim) - before, 1, 'fetched by the first run only');
      // Another server (here: another Batfish version) has templates of its own.
      assert.equal((await runNetq(args(older.url), { stateDir })).code, 0);
      assert.equal(fetches(older), 1);
      // A damaged template in a kept copy: the server's templates are fetched again, the run works.
      const folder = path.join(stateDir, 'templates');
      for (const name of await readdir(folder)) {
        const kept = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as { templates: Record<string, unknown> };
        kept.templates.bgpSessionStatus = '{ not a template';
        await writeFile(path.join(folder, name), JSON.stringify(kept));
      }
      const repaired = await runNetq(args(sim.url), { stateDir });
      assert.equal(repaired.code, 0, repaired.stderr);
      assert.equal(fetches(sim) - before, 2, 'fetched again after the damage');
      assert.equal((await runNetq(args(sim.url), { stateDir })).code, 0);
      assert.equal(fetches(sim) - before, 2, 'the repaired copy is used');
    } finally {
      await older.stop();
    }
  });
});

describe('netq sites', () => {
  it('lists every region and site with its config count', async () => {
    const { code, stdout } = await runNetq(['sites', '--format', 'json']);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as { sites: Array<{ region: string; site: string; configCount: number; warnings: string[] }> };
    assert.deepEqual(
      doc.sites.map((s) => [s.region, s.site, s.configCount, s.warnings.length]),
      [['asia', 'bangalore', 3, 0], ['north_america', 'nyc', 5, 0]],
    );
  });

  it('shows preflight warnings and errors per site', async () => {
    const regions = path.join(tmp, 'regions-sites');
    await mkdir(path.join(regions, 'lab', 'a', 'configs'), { recursive: true });
    await mkdir(path.join(regions, 'lab', 'b'), { recursive: true });
    await writeFile(path.join(regions, 'lab', 'a', 'configs', 'x.cfg'), '');
    await writeFile(path.join(regions, 'lab', 'a', 'configs', 'y.cfg'), 'hostname y\n');
    const { code, stdout } = await runNetq(['sites', '--regions-dir', regions, '--format', 'csv']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Region,Site,Configs,Warnings');
    // Item 2 of issue 11: the Warnings list is a JSON array in CSV.
    assert.match(lines[1]!, /^lab,a,2,"\[""1 empty file in site lab\/a/);
    assert.match(lines[2]!, /^lab,b,0,.*has no device configs/);
  });

  it('exits 2 when the regions folder is missing', async () => {
    const { code, stderr } = await runNetq(['sites', '--regions-dir', path.join(tmp, 'nope')]);
    assert.equal(code, 2);
    assert.match(stderr, /the regions folder .*nope does not exist\nhint: /);
  });
});

describe('help and version', () => {
  it('lists the commands and shows each command with its examples', async () => {
    const help = await runNetq(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /bgp-sessions/);
    assert.match(help.stdout, /sites/);
    const command = await runNetq(['bgp-sessions', '--help']);
    assert.equal(command.code, 0);
    assert.match(command.stdout, /show the status of every configured BGP session of a site/i);
    assert.ok(!command.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
    assert.match(command.stdout, /netq bgp-sessions -r north_america -s nyc/);
    assert.match(command.stdout, /--remote-nodes/);
  });

  it('prints the version', async () => {
    const { code, stdout } = await runNetq(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), NETQ_VERSION);
  });
});

// ---------------------------------------------------------------- what Batfish received
// Helpers for the assertions above on the request bodies the simulator recorded.

interface QuestionBody {
  instance: { instanceName: string; variables: Record<string, { value?: unknown }> };
}

interface WorkBody {
  containerName: string;
  id: string;
  requestParams: Record<string, string | undefined>;
  testrigName: string;
}

function jsonBody(request: LoggedRequest): unknown {
  assert.ok(request.bodyText !== undefined, `${request.method} ${request.path} carried a text body`);
  return JSON.parse(request.bodyText);
}

/**
 * The questions a run asked, as Batfish holds them. netq keeps each question on the server under a
 * name made from its content, and reads a stored answer before asking again, so every ask shows as
 * a `GET …/questions/{name}/answer`; the body is the one uploaded (now or by an earlier run).
 */
function uploadedQuestions(requests: LoggedRequest[]): QuestionBody[] {
  const asked = requests
    .filter((r) => r.method === 'GET' && /\/questions\/[^/]+\/answer$/.test(r.path))
    .map((r) => {
      const parts = r.path.split('/');
      return { network: decodeURIComponent(parts[3]!), name: decodeURIComponent(parts[5]!) };
    })
    .filter((q, i, all) => all.findIndex((o) => o.name === q.name && o.network === q.network) === i);
  return asked.map(({ network, name }) => {
    const text = sim.networks.get(network)?.questions.get(name);
    assert.ok(text, `Batfish holds the question ${name}`);
    const question = JSON.parse(text) as QuestionBody;
    assert.equal(question.instance.instanceName, name);
    return question;
  });
}

/** The template a question was made from: `__netq_bgpSessionStatus_<hash>` → `bgpSessionStatus`. */
function templateOf(question: QuestionBody): string {
  const match = /^__(?:netq_)?(.+)_(?:[0-9a-f-]{36}|[0-9a-f]{20})$/.exec(question.instance.instanceName);
  assert.ok(match, `a question named by netq: ${question.instance.instanceName}`);
  return match[1]!;
}

/** The work items queued to answer a question (`POST /networks/{n}/work` with `answer`). */
function answerWork(requests: LoggedRequest[]): WorkBody[] {
  return requests
    .filter((r) => r.method === 'POST' && /\/work$/.test(r.path))
    .map((r) => jsonBody(r) as WorkBody)
    .filter((w) => w.requestParams.answer !== undefined);
}

/** Asserts that a work item asked the uploaded question, on the snapshot that item names. */
function assertAsked(requests: LoggedRequest[], question: QuestionBody): void {
  const name = question.instance.instanceName;
  const work = answerWork(requests).filter((w) => w.requestParams.questionname === name);
  if (work.length === 0) {
    // Asked before about this snapshot: the stored answer was read, with no work at all.
    const reads = requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/questions/${name}/answer`));
    assert.ok(reads.some((r) => r.status === 200), `${name}: a stored answer was read when no work asked it`);
    return;
  }
  assert.equal(work.length, 1, `one work item asks ${name}`);
  assert.equal(work[0]!.requestParams.testrig, work[0]!.testrigName);
}

/** Snapshot uploads (`POST /networks/{n}/snapshots/{s}`). */
function snapshotUploads(requests: LoggedRequest[]): LoggedRequest[] {
  return requests.filter((r) => r.method === 'POST' && /\/snapshots\/[^/]+$/.test(r.path));
}

/** The files of an uploaded zip below its one top folder (named as the snapshot), sorted. */
function filesOf(upload: LoggedRequest | undefined): string[] {
  assert.ok(upload?.zipEntries, 'a zip was uploaded');
  const top = `${decodeURIComponent(upload.path.split('/').at(-1)!)}/`;
  assert.ok(upload.zipEntries.every((e) => e.startsWith(top)), `every entry is under ${top}`);
  return upload.zipEntries.map((e) => e.slice(top.length)).sort();
}
