/**
 * The output contract of issue 11, observed the way a script or a person meets it: the commands
 * run in-process against the simulator, and their stdout is judged by the published JSON Schemas,
 * Python's csv.reader, Graphviz and mermaid's parser.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QUESTION_COMMANDS } from '../../src/questions/catalog.js';
import { REPO_ROOT, runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator, type LoggedRequest } from '../support/simulator.js';
import { assertOneTable, assertValid, graphvizSkip, parseMermaid, renderDot, svgTexts, type OutputSchema } from '../unit/output-schemas.js';

let sim: BatfishSimulator;
let tmp: string;
const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');
const EXAMPLE_NODES = ['as1border1', 'as1border2', 'as1core1', 'as2border1', 'as2border2', 'as2core1', 'as2core2', 'as2dept1', 'as2dist1', 'as2dist2', 'as3border1', 'as3border2', 'as3core1'];

before(async () => {
  sim = await startSimulator();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-output-'));
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

const url = (): string[] => ['--batfish-url', sim.url];
/** Extra flags the commands need to have something to ask (as in commands.test.ts). */
const EXTRA: Record<string, string[]> = {
  traceroute: ['--start-location', 'edge-sw01', '--dst-ips', '104.34.34.34'],
  'test-filters': ['--src-ips', '104.34.34.34', '--dst-ips', '104.34.34.33'],
};

async function ok(argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await runNetq(argv);
  assert.equal(code, 0, `netq ${argv.join(' ')}: ${stderr}`);
  return stdout;
}

/** Requests that change the server: uploads, questions, work. */
const changes = (requests: LoggedRequest[]): LoggedRequest[] => requests.filter((r) => r.method !== 'GET');

describe('every JSON output validates against its published schema', () => {
  it('each first-class question command, one site: netq-answer.schema.json, naming region and site', async () => {
    for (const spec of QUESTION_COMMANDS) {
      const stdout = await ok([spec.command, '-r', 'north_america', '-s', 'nyc', ...url(), '-f', 'json', ...(EXTRA[spec.command] ?? [])]);
      assertValid('netq-answer.schema.json', stdout);
      const doc = JSON.parse(stdout) as { region: string; site: string };
      assert.deepEqual([doc.region, doc.site], ['north_america', 'nyc'], spec.command);
    }
  });

  it('the recorded answers (example network, dc-as-reuse), edges and ask: netq-answer.schema.json', async () => {
    const runs = [
      ['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*'],
      ['traceroute', '--snapshot-dir', EXAMPLE, '--start-location', 'host2', '--dst-ips', '1.0.1.1'],
      ['routes', '--snapshot-dir', path.join(FIXTURES_DIR, 'networks', 'dc-as-reuse')],
      ['edges', '--snapshot-dir', EXAMPLE, '--layer', 'bgp'],
      ['ask', 'bgpEdges', '--snapshot-dir', EXAMPLE],
      ...(['1', '3', 'ospf'] as const).map((layer) => ['edges', '-r', 'north_america', '-s', 'nyc', '--layer', layer]),
      ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--reference-dir', path.join(REPO_ROOT, 'examples', 'nyc-before-change')],
      ['parse-status', '-r', 'asia', '-s', 'bangalore', '--table', 'initIssues'],
    ];
    for (const argv of runs) {
      const stdout = await ok([...argv, ...url(), '-f', 'json']);
      assertValid('netq-answer.schema.json', stdout);
      if (argv.includes('--snapshot-dir')) {
        const doc = JSON.parse(stdout) as { region: string | null; site: string; rows: unknown[] };
        assert.equal(doc.region, null);
        assert.ok(doc.rows.length > 0, `${argv.join(' ')} served its recording`);
      }
    }
  });

  it('parse-status: one document holding its three answers', async () => {
    const stdout = await ok(['parse-status', '-r', 'asia', '-s', 'bangalore', ...url(), '-f', 'json']);
    assertValid('netq-answers.schema.json', stdout);
    const doc = JSON.parse(stdout) as { region: string; site: string; answers: Record<string, unknown> };
    assert.deepEqual([doc.region, doc.site, Object.keys(doc.answers)], ['asia', 'bangalore', ['fileParseStatus', 'initIssues', 'parseWarning']]);
  });

  it('--all: one document of per-site documents and the roll-up', async () => {
    const cases: Array<[string[], OutputSchema]> = [
      [['bgp-sessions', '--all'], 'netq-answer.schema.json'],
      [['parse-status', '--all'], 'netq-answers.schema.json'],
      [['summary', '--all'], 'netq-summary.schema.json'],
    ];
    for (const [argv, entrySchema] of cases) {
      const stdout = await ok([...argv, ...url(), '-f', 'json']);
      assertValid('netq-all-sites.schema.json', stdout);
      const doc = JSON.parse(stdout) as { sites: Array<{ region: string; site: string }>; rollUp: { sites: number; answered: number; failed: number } };
      assert.deepEqual(doc.sites.map((s) => `${s.region}/${s.site}`), ['asia/bangalore', 'north_america/nyc'], argv[0]);
      for (const entry of doc.sites) assertValid(entrySchema, entry);
      assert.deepEqual([doc.rollUp.sites, doc.rollUp.answered, doc.rollUp.failed], [2, 2, 0]);
    }
  });

  it('summary, sites, questions and ask --help-params', async () => {
    assertValid('netq-summary.schema.json', await ok(['summary', '-r', 'north_america', '-s', 'nyc', ...url(), '-f', 'json']));
    assertValid('netq-sites.schema.json', await ok(['sites', '-f', 'json']));
    assertValid('netq-questions.schema.json', await ok(['questions', ...url(), '-f', 'json']));
    assertValid('netq-question-parameters.schema.json', await ok(['ask', 'routes', '--help-params', ...url(), '-f', 'json']));
  });
});

describe('csv.reader reads every CSV output as one table', () => {
  it('each first-class question command, the recorded answers, and the list commands', async () => {
    const runs = [
      ...QUESTION_COMMANDS.map((spec) => [spec.command, '-r', 'north_america', '-s', 'nyc', ...(EXTRA[spec.command] ?? [])]),
      ['bgp-sessions', '--snapshot-dir', EXAMPLE, '--nodes', 'as2.*', '--remote-nodes', 'as3.*'],
      ['traceroute', '--snapshot-dir', EXAMPLE, '--start-location', 'host2', '--dst-ips', '1.0.1.1'],
      ['edges', '--snapshot-dir', EXAMPLE, '--layer', 'bgp'],
      ['summary', '-r', 'north_america', '-s', 'nyc'],
      ['questions'],
      ['ask', 'routes', '--help-params'],
    ];
    for (const argv of runs) assertOneTable(await ok([...argv, ...url(), '-f', 'csv']));
    assertOneTable(await ok(['sites', '-f', 'csv']), ['Region', 'Site', 'Configs', 'Warnings']);
  });

  it('the traceroute cell holds the whole trace, and the lists are JSON arrays', async () => {
    const rows = assertOneTable(await ok(['traceroute', '--snapshot-dir', EXAMPLE, '--start-location', 'host2', '--dst-ips', '1.0.1.1', ...url(), '-f', 'csv']), ['Flow', 'Traces', 'TraceCount']);
    const traces = JSON.parse(rows[1]![1]!) as string[];
    assert.equal(traces.length, Number(rows[1]![2]));
    assert.match(traces[0]!, /^ACCEPTED\n1\. node: host2\n {2}ORIGINATED\(default\)\n {2}FORWARDED\(Forwarded out interface: eth0 with resolved next-hop IP: 2\.128\.1\.1/);
  });

  it('--all: leading Region and Site columns, every site in one table', async () => {
    for (const argv of [['bgp-sessions', '--all'], ['summary', '--all'], ['parse-status', '--all', '--table', 'fileParseStatus']]) {
      const rows = assertOneTable(await ok([...argv, ...url(), '-f', 'csv']));
      assert.deepEqual(rows[0]!.slice(0, 2), ['Region', 'Site'], argv[0]);
    }
  });

  it('parse-status without --table exits 2 naming the choices, before anything is uploaded', async () => {
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['parse-status', '-r', 'asia', '-s', 'bangalore', ...url(), '-f', 'csv']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /CSV holds one table and this command answers 3: fileParseStatus, initIssues, parseWarning\nhint: pick one with --table fileParseStatus\|initIssues\|parseWarning/);
    assert.deepEqual(changes(sim.requests.slice(before)), []);
    const rows = assertOneTable(await ok(['parse-status', '-r', 'asia', '-s', 'bangalore', ...url(), '-f', 'csv', '--table', 'parseWarning', '--no-aggregate']));
    assert.deepEqual(rows[0], ['Filename', 'Line', 'Text', 'Parser_Context', 'Comment']);
  });
});

describe('questions asked as Batfish means them', () => {
  /** The variables of the parseWarning question netq uploaded. */
  async function parseWarningVariables(extra: string[]): Promise<Record<string, { value?: unknown }>> {
    const before = sim.requests.length;
    await ok(['parse-status', '-r', 'asia', '-s', 'bangalore', ...url(), '-f', 'json', ...extra]);
    // netq keeps questions by content and reads a stored answer first: the question asked is the one
    // whose answer was read, as the server holds it.
    const read = sim.requests.slice(before).find((r) => r.method === 'GET' && /\/questions\/__netq_parseWarning_[0-9a-f]{20}\/answer$/.test(r.path));
    const text = read && sim.networks.get('asia')?.questions.get(decodeURIComponent(read.path.split('/')[5]!));
    assert.ok(text, 'parseWarning was asked');
    return (JSON.parse(text) as { instance: { variables: Record<string, { value?: unknown }> } }).instance.variables;
  }

  it("parse-status leaves parseWarning at the template's defaults unless --aggregate asks for grouping", async () => {
    assert.equal((await parseWarningVariables([])).aggregateDuplicates?.value, undefined);
    assert.equal((await parseWarningVariables(['--aggregate'])).aggregateDuplicates?.value, true);
    assert.equal((await parseWarningVariables(['--no-aggregate'])).aggregateDuplicates?.value, false);
  });

  it('refuses the differential templates without a reference, before any request (exit 2), as pybatfish does', async () => {
    for (const template of ['compareFilters', 'comparePeerGroupPolicies', 'compareRoutePolicies', 'differentialReachability']) {
      const before = sim.requests.length;
      const { code, stdout, stderr } = await runNetq(['ask', template, '-r', 'north_america', '-s', 'nyc', ...url()]);
      assert.equal(code, 2, template);
      assert.equal(stdout, '');
      assert.match(stderr, new RegExp(`netq: error: ${template} compares two snapshots, and no reference snapshot was given\\nhint: name the snapshot to compare with: --reference-dir DIR or --reference REGION/SITE`));
      assert.equal(sim.requests.length, before, `${template}: nothing was sent`);
    }
    const all = await runNetq(['ask', 'compareFilters', '--all', ...url()]);
    assert.equal(all.code, 2);
    const withReference = await runNetq(['ask', 'compareFilters', '-r', 'north_america', '-s', 'nyc', '--reference', 'asia/bangalore', ...url()]);
    assert.doesNotMatch(withReference.stderr, /compares two snapshots/);
  });
});

describe('pictures', () => {
  const skip = graphvizSkip();

  it('netq edges --layer bgp --format dot of the dozen-node example network renders to a readable SVG', { skip }, async () => {
    const dot = await ok(['edges', '--snapshot-dir', EXAMPLE, '--layer', 'bgp', ...url(), '--format', 'dot']);
    const svg = renderDot(dot);
    const texts = svgTexts(svg);
    for (const name of [...EXAMPLE_NODES, 'AS 1', 'AS 2', 'AS 3', 'AS 65001', 'example-live BGP adjacencies']) assert.ok(texts.includes(name), name);
    const [, width, height] = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;
    assert.ok(Number(width) < 1200 && Number(height) < 1200, `fits a screen: ${width}x${height}pt`);
  });

  it('--format mermaid of the same parses with mermaid, and markdown puts it above the table', async () => {
    const mermaid = await ok(['edges', '--snapshot-dir', EXAMPLE, '--layer', 'bgp', ...url(), '--format', 'mermaid']);
    assert.deepEqual(await parseMermaid(mermaid), { diagramType: 'flowchart-v2', config: {} });
    for (const name of EXAMPLE_NODES) assert.ok(mermaid.includes(`["${name}"]`), name);
    const markdown = await ok(['edges', '--snapshot-dir', EXAMPLE, '--layer', 'bgp', ...url(), '--format', 'markdown']);
    assert.match(markdown, /^```mermaid\n[\s\S]+```\n\n\| Node \| IP \| Interface \| AS_Number \|/);
  });

  it('every graph command draws (dot renders, mermaid parses), also with no rows', { skip }, async () => {
    for (const argv of [['bgp-sessions'], ['bgp-compat'], ['ospf-sessions'], ...['1', '3', 'bgp', 'ospf'].map((l) => ['edges', '--layer', l])]) {
      renderDot(await ok([...argv, '-r', 'north_america', '-s', 'nyc', ...url(), '--format', 'dot']));
      await parseMermaid(await ok([...argv, '-r', 'north_america', '-s', 'nyc', ...url(), '--format', 'mermaid']));
    }
  });

  it('refuses dot and mermaid where they make no sense, naming the valid formats, before any upload', async () => {
    const before = sim.requests.length;
    for (const argv of [['routes', '-r', 'north_america', '-s', 'nyc'], ['parse-status', '-r', 'asia', '-s', 'bangalore'], ['summary', '-r', 'north_america', '-s', 'nyc']]) {
      const { code, stdout, stderr } = await runNetq([...argv, ...url(), '--format', 'dot']);
      assert.equal(code, 2, argv[0]);
      assert.equal(stdout, '');
      assert.match(stderr, /formats of [^\n]*table, json, csv, markdown/, argv[0]);
    }
    const all = await runNetq(['bgp-sessions', '--all', ...url(), '--format', 'mermaid']);
    assert.equal(all.code, 2);
    assert.match(all.stderr, /--all asks about many/);
    assert.deepEqual(changes(sim.requests.slice(before)), []);
    const sites = await runNetq(['sites', '--format', 'dot']);
    assert.equal(sites.code, 2);
  });
});

describe('netq --help fits a screen', () => {
  it('lists each command with its one-line description, grouped by category, and no flags', async () => {
    for (const argv of [['--help'], ['-h'], []]) {
      const { code, stdout } = await runNetq(argv);
      assert.equal(code, 0);
      const lines = stdout.trimEnd().split('\n');
      assert.ok(lines.length <= 50, `${lines.length} lines`);
      for (const line of lines) assert.ok(line.length <= 80, `wider than 80: ${line}`);
      assert.ok(!stdout.includes('#0') && !stdout.includes('--batfish-url'), 'no flags');
      for (const spec of QUESTION_COMMANDS) assert.match(stdout, new RegExp(`^  ${spec.command} +${spec.description.slice(0, 30).replace(/[()]/g, '.')}`, 'm'));
      for (const command of ['edges', 'parse-status', 'questions', 'ask', 'sites', 'summary', 'check', 'service start', 'service stop']) assert.match(stdout, new RegExp(`^  ${command} {2,}\\S`, 'm'));
      assert.match(stdout, /^BGP\n {2}bgp-compat/m);
      assert.match(stdout, /^Batfish service\n {2}service build/m);
    }
  });
});

/** Splits a README command line into words as a POSIX shell would (quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Every `netq …` example of the README sections this contract covers. */
function readmeExamples(readme: string): string[] {
  const section = (from: string, to: string): string => readme.slice(readme.indexOf(from), readme.indexOf(to));
  const text = section('## Commands\n', '### The Batfish netq runs\n') + section('### Output\n', '### Exit codes\n');
  const inline = [...text.matchAll(/`(netq [^`]+)`/g)].map((m) => m[1]!);
  const blocks = [...text.matchAll(/^ {4,}(netq .+)$/gm)].map((m) => m[1]!.trim());
  return [...new Set([...inline, ...blocks])];
}

describe('README examples run as written', () => {
  it('every netq command of Commands, Choosing the snapshot, Many sites, Comparing and Output', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const examples = readmeExamples(readme);
    assert.ok(examples.length >= 35, `found ${examples.length}`);
    for (const example of examples) {
      // The service commands drive Docker; test/e2e/docker.test.ts runs them against an engine.
      if (/^netq service /.test(example)) continue;
      assert.doesNotMatch(example, /<|\bR\b|\bS\b|TEMPLATE|DIR\b/, `${example} is runnable, not a pattern`);
      const [command, ...pipeline] = example.split(' | ');
      const words = shellWords(command!.replace(/\s*>\s*\S+$/, ''));
      assert.equal(words.shift(), 'netq');
      const { code, stdout, stderr } = await runNetq(words, { env: { NETQ_BATFISH_URL: sim.url } });
      // netq check exits 1 when a check finds something; everything else answers.
      assert.ok(code === 0 || (words[0] === 'check' && code === 1), `${example}: exit ${code}\n${stderr}`);
      if (pipeline.length > 0) {
        const shell = spawnSync('sh', ['-c', pipeline.join(' | ')], { input: stdout, cwd: tmp, encoding: 'utf8' });
        assert.equal(shell.status, 0, `${example}: ${shell.stderr}`);
      }
      if (example.includes('--snapshot-dir')) assert.doesNotMatch(stderr, /does not exist/);
    }
  });
});
