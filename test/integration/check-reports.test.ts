/**
 * `netq check`'s report files as CI readers take them, through the CLI against the simulator:
 * paths relative to the git repository root whatever the working folder, every requested report
 * written (and valid) when the gate cannot run, `--only`, `--sarif-category`, format names in any
 * case, and `--format github` output that nothing but netq's annotations can drive.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';
import { codeQualityErrors, junitSchemaErrors, validateCheckJson, validateSarif } from '../unit/check-report-readers.js';

const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');
/** example-live's first config file: where a finding without a file is shown. */
const FIRST_CONFIG = 'configs/as1border1.cfg';

/** A check that fails on the example network: its recorded as2 → as3 session is one row where none is expected. */
const ONE_ROW = (name: string): string => `  - name: ${JSON.stringify(name)}
    check: question
    with:
      question: bgpSessionStatus
      parameters: { nodes: "as2.*", remoteNodes: "as3.*" }
    expect: { rows: 0 }
`;
const ONE_ROW_CHECKS = `version: 1\nchecks:\n${ONE_ROW('no as2 to as3 sessions')}`;

const FORMATS = ['json', 'junit', 'sarif', 'gitlab', 'markdown', 'github', 'table'] as const;
const FILE_OF: Record<(typeof FORMATS)[number], string> = {
  json: 'netq.json',
  junit: 'junit.xml',
  sarif: 'netq.sarif',
  gitlab: 'gl-code-quality.json',
  markdown: 'comment.md',
  github: 'github.txt',
  table: 'table.txt',
};

let sim: BatfishSimulator;
let tmp: string;
before(async () => {
  sim = await startSimulator();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-check-reports-'));
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd, stdio: 'pipe', encoding: 'utf8' });

/** A repository whose network lives in a subfolder: network/regions/lab/edge and network/netq-checks.yaml. */
async function nestedRepo(name: string, checks = ONE_ROW_CHECKS): Promise<{ repo: string; network: string }> {
  const repo = path.join(tmp, name);
  const network = path.join(repo, 'network');
  await mkdir(path.join(network, 'regions', 'lab'), { recursive: true });
  await cp(EXAMPLE, path.join(network, 'regions', 'lab', 'edge'), { recursive: true });
  await writeFile(path.join(network, 'netq-checks.yaml'), checks);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  return { repo, network };
}

/** `--report FORMAT=FILE` for every format, into `dir`. */
function everyReport(dir: string, formats: readonly string[] = FORMATS): string[] {
  return formats.flatMap((f) => ['--report', `${f}=${path.join(dir, FILE_OF[f as (typeof FORMATS)[number]])}`]);
}

async function readReports(dir: string): Promise<Record<(typeof FORMATS)[number], string>> {
  const out = {} as Record<(typeof FORMATS)[number], string>;
  for (const f of FORMATS) out[f] = await readFile(path.join(dir, FILE_OF[f]), 'utf8');
  return out;
}

/** Every report is valid for its reader: xmllint + junit-10.xsd, the SARIF schema, GitLab's entry schema, netq's schema. */
function assertValid(reports: Record<(typeof FORMATS)[number], string>): void {
  assert.equal(junitSchemaErrors(reports.junit), '', 'JUnit against junit-10.xsd');
  const sarif: unknown = JSON.parse(reports.sarif);
  assert.ok(validateSarif(sarif), `SARIF: ${JSON.stringify(validateSarif.errors)}`);
  assert.equal(codeQualityErrors(reports.gitlab), '', 'Code Quality');
  const doc: unknown = JSON.parse(reports.json);
  assert.ok(validateCheckJson(doc), `JSON report: ${JSON.stringify(validateCheckJson.errors)}`);
}

interface Sarif {
  runs: Array<{
    automationDetails: { id: string };
    results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }> }>;
    invocations: Array<{ executionSuccessful: boolean; exitCode: number; toolExecutionNotifications?: Array<{ message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
  }>;
}
interface CodeQuality {
  description: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}
interface JsonReport {
  exitCode: number;
  sites: Array<{ dir: string }>;
  checks: Array<{ name: string; status: string }>;
  findings: unknown[];
  error: { message: string; exitCode: number; problems: Array<{ file: string; line: number }> } | null;
}

describe('netq check reports: paths', () => {
  it('from a subfolder of a git repository, every report names files from the repository root', async () => {
    const { repo, network } = await nestedRepo('subfolder');
    const out = path.join(tmp, 'subfolder-out');
    const { code, stderr } = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--batfish-url', sim.url, ...everyReport(out)], { cwd: network });
    assert.equal(code, 1, stderr);
    const reports = await readReports(out);
    assertValid(reports);
    const expected = `network/regions/lab/edge/${FIRST_CONFIG}`;
    assert.ok(execFileSync('git', ['ls-files', expected], { cwd: repo, encoding: 'utf8' }).trim() === expected, 'a file git knows at that path');

    const doc = JSON.parse(reports.json) as JsonReport;
    assert.deepEqual(doc.sites.map((s) => s.dir), ['network/regions/lab/edge']);
    const sarif = JSON.parse(reports.sarif) as Sarif;
    assert.deepEqual(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation, {
      artifactLocation: { uri: expected, uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    const cq = JSON.parse(reports.gitlab) as CodeQuality[];
    assert.deepEqual(cq.map((i) => i.location), [{ path: expected, lines: { begin: 1 } }]);
  });

  it('names the checks file from the repository root too, when its mistakes are the report', async () => {
    const { network } = await nestedRepo('subfolder-bad', 'version: 1\nchecks:\n  - name: a\n    check: bgp-sessions-establishd\n');
    const out = path.join(tmp, 'subfolder-bad-out');
    const { code, stdout } = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--batfish-url', sim.url, '--format', 'github', ...everyReport(out)], { cwd: network });
    assert.equal(code, 2);
    const doc = JSON.parse(await readFile(path.join(out, FILE_OF.json), 'utf8')) as JsonReport;
    assert.deepEqual(doc.error?.problems.map((p) => [p.file, p.line]), [['network/netq-checks.yaml', 4]]);
    assert.match(stdout, /^::error file=network\/netq-checks\.yaml,line=4,col=\d+,title=netq%3A checks file::/m);
  });

  it('gives a --snapshot-dir outside the working folder and outside any repository as absolute paths, never ../', async () => {
    const snapshot = path.join(tmp, 'loose snapshot');
    await cp(EXAMPLE, snapshot, { recursive: true });
    const checks = path.join(tmp, 'loose.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    const out = path.join(tmp, 'loose-out');
    // The working folder is this repository; the snapshot is in the temp folder, outside it.
    const { code, stderr } = await runNetq(['check', '--snapshot-dir', snapshot, '--checks', checks, '--batfish-url', sim.url, ...everyReport(out)]);
    assert.equal(code, 1, stderr);
    const reports = await readReports(out);
    assertValid(reports);
    const doc = JSON.parse(reports.json) as JsonReport;
    assert.equal(doc.sites[0]!.dir, snapshot.split(path.sep).join('/'));
    const sarif = JSON.parse(reports.sarif) as Sarif;
    const location = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation;
    assert.equal(location.uri, `file://${encodeURI(`${snapshot.split(path.sep).join('/')}/${FIRST_CONFIG}`)}`);
    assert.equal(location.uriBaseId, undefined);
    for (const text of [reports.sarif, reports.gitlab, reports.json]) assert.ok(!text.includes('../'), 'no ../ in any report');
  });
});

describe('netq check reports: when the gate cannot run', () => {
  const assertErrorReports = (reports: Record<(typeof FORMATS)[number], string>, exitCode: number, message: RegExp): void => {
    assertValid(reports);
    const doc = JSON.parse(reports.json) as JsonReport;
    assert.equal(doc.exitCode, exitCode);
    assert.equal(doc.error?.exitCode, exitCode);
    assert.match(doc.error!.message, message);
    assert.match(reports.junit, new RegExp(`<error message="[^"]*" type="exit ${exitCode}">`));
    const sarif = JSON.parse(reports.sarif) as Sarif;
    assert.equal(sarif.runs[0]!.invocations[0]!.executionSuccessful, false);
    assert.equal(sarif.runs[0]!.invocations[0]!.exitCode, exitCode);
    assert.match(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications![0]!.message.text, message);
    const cq = JSON.parse(reports.gitlab) as CodeQuality[];
    assert.ok(cq.length >= 1 && cq.every((i) => i.severity === 'blocker'), reports.gitlab);
    assert.match(reports.markdown, new RegExp(`^### 💥 netq check could not run \\(exit ${exitCode}\\)`));
    assert.match(reports.github, new RegExp(`^::error title=netq%3A check could not run \\(exit ${exitCode}\\)::`, 'm'));
    assert.match(reports.table, new RegExp(`^ERROR {2}netq check could not run \\(exit ${exitCode}\\)`));
  };

  it('exit 2, a bad checks file: every requested report is written, holding each mistake, and nothing is sent', async () => {
    const checks = path.join(tmp, 'bad.yaml');
    await writeFile(checks, 'version: 1\nchecks:\n  - name: a\n    check: bgp-sessions-establishd\n  - name: b\n    check: no-duplicate-ips\n    with: { ipz: "10.0.0.1" }\n');
    const out = path.join(tmp, 'exit2-out');
    const sent = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--checks', checks, '--batfish-url', sim.url, '--format', 'json', ...everyReport(out)]);
    assert.equal(code, 2);
    assert.match(stderr, /bad\.yaml:4:\d+: .*bgp-sessions-establishd/);
    assert.equal(sim.requests.length, sent, 'nothing sent to Batfish');
    const reports = await readReports(out);
    assertErrorReports(reports, 2, /has 2 problems/);
    const doc = JSON.parse(reports.json) as JsonReport;
    assert.deepEqual(doc.error!.problems.map((p) => p.line), [4, 7]);
    assert.deepEqual(JSON.parse(stdout), doc, 'the json format prints the same document');
    const sarif = JSON.parse(reports.sarif) as Sarif;
    // The checks file is in the temp folder, outside any repository: an absolute file: URI.
    assert.equal(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications![1]!.locations![0]!.physicalLocation.artifactLocation.uri, `file://${checks}`);
  });

  it('exit 2, a bad flag value or an unknown --only name: the reports are still written', async () => {
    const checks = path.join(tmp, 'flags.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    for (const [i, bad] of [['--fail-on', 'sometimes'], ['--format', 'pdf'], ['--only', 'no such check'], ['--base-dir', '/nowhere', '--base-ref', 'main'], ['--sarif-category', '']].entries()) {
      const out = path.join(tmp, `flag-out-${i}`);
      const { code, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, ...bad, ...everyReport(out)]);
      assert.equal(code, 2, `${bad.join(' ')}: ${stderr}`);
      assertErrorReports(await readReports(out), 2, /./);
    }
    // A malformed --report value cannot be written, but the others are.
    const out = path.join(tmp, 'flag-out-report');
    const { code } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--report', 'pdf=x.pdf', ...everyReport(out)]);
    assert.equal(code, 2);
    assertErrorReports(await readReports(out), 2, /unknown format "pdf"/);
  });

  it('exit 3, Batfish unreachable: every requested report is written, holding the error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const checks = path.join(tmp, 'unreachable.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    const out = path.join(tmp, 'exit3-out');
    const { code, stderr } = await runNetq([
      'check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', `http://127.0.0.1:${port}`, '--connect-timeout', '1', '--format', 'github', ...everyReport(out),
    ]);
    assert.equal(code, 3, stderr);
    assert.match(stderr, /Batfish is not reachable/);
    const reports = await readReports(out);
    assertErrorReports(reports, 3, /Batfish is not reachable at http:\/\/127\.0\.0\.1:\d+/);
    // One entry, on the checks file (in the temp folder, outside any repository: absolute).
    assert.deepEqual((JSON.parse(reports.gitlab) as CodeQuality[]).map((i) => i.location.path), [checks]);
  });

  it('lists a check that could not run in Code Quality, on its site', async () => {
    const broken = await startSimulator({ faults: [{ method: 'POST', path: /\/work$/, body: /__netq_ipOwners/, respond: { status: 500, body: 'java.lang.RuntimeException: injected' } }] });
    try {
      const out = path.join(tmp, 'errored-out');
      const { code, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--batfish-url', broken.url, ...everyReport(out)]);
      assert.equal(code, 3, stderr);
      const reports = await readReports(out);
      assertValid(reports);
      const cq = JSON.parse(reports.gitlab) as CodeQuality[];
      const blocker = cq.find((i) => i.severity === 'blocker');
      assert.ok(blocker, reports.gitlab);
      assert.match(blocker.description, /^no-duplicate-ips: could not run on /);
      assert.deepEqual(blocker.location, { path: `test/fixtures/networks/example-live/${FIRST_CONFIG}`, lines: { begin: 1 } });
    } finally {
      await broken.stop();
    }
  });
});

describe('netq check reports: flags', () => {
  it('--only selects names exactly (a name may hold a comma), is repeatable, and still takes a,b', async () => {
    const checks = path.join(tmp, 'only.yaml');
    await writeFile(checks, 'version: 1\nchecks:\n  - name: "ips, all"\n    check: no-duplicate-ips\n  - name: ips\n    check: no-duplicate-ips\n  - name: all\n    check: no-duplicate-ips\n  - name: other\n    check: no-duplicate-ips\n');
    const names = async (...only: string[]): Promise<string[]> => {
      const { code, stdout, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'json', ...only.flatMap((o) => ['--only', o])]);
      assert.equal(code, 0, stderr);
      return (JSON.parse(stdout) as JsonReport).checks.map((c) => c.name);
    };
    assert.deepEqual(await names('ips, all'), ['ips, all']);
    assert.deepEqual(await names('ips', 'other'), ['ips', 'other']);
    assert.deepEqual(await names('ips,other'), ['ips', 'other']);
    assert.deepEqual(await names('ips, all', 'other'), ['ips, all', 'other']);
  });

  it('takes format names in any case, for --format and --report', async () => {
    const checks = path.join(tmp, 'case.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    const file = path.join(tmp, 'case-out', 'netq.sarif');
    const { code, stdout, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'SARIF', '--report', `SARIF=${file}`, '--report', `JUnit=${file}.xml`]);
    assert.equal(code, 1, stderr);
    assert.ok(validateSarif(JSON.parse(stdout)), 'stdout is SARIF');
    assert.ok(validateSarif(JSON.parse(await readFile(file, 'utf8'))), 'the report is SARIF');
    assert.equal(junitSchemaErrors(await readFile(`${file}.xml`, 'utf8')), '');
  });

  it('--sarif-category sets automationDetails.id; without it the id comes from the sites checked', async () => {
    const { network } = await nestedRepo('categories');
    const id = async (...args: string[]): Promise<string> => {
      const file = path.join(tmp, 'categories-out', `${args.join('_').replace(/\W+/g, '_')}.sarif`);
      const { code, stderr } = await runNetq(['check', ...args, '--batfish-url', sim.url, '--report', `sarif=${file}`], { cwd: network });
      assert.equal(code, 1, stderr);
      return (JSON.parse(await readFile(file, 'utf8')) as Sarif).runs[0]!.automationDetails.id;
    };
    assert.equal(await id('--all', '-r', 'lab'), 'netq-check/lab/');
    assert.equal(await id('--all'), 'netq-check/');
    assert.equal(await id('-r', 'lab', '-s', 'edge'), 'netq-check/lab/edge/');
    assert.equal(await id('--snapshot-dir', 'regions/lab/edge'), 'netq-check/snapshot/network/regions/lab/edge/');
    assert.equal(await id('--all', '-r', 'lab', '--sarif-category', 'netq/emea'), 'netq/emea/');
    // The same set from another folder is the same category.
    const file = path.join(tmp, 'categories-out', 'from-root.sarif');
    const { code } = await runNetq(['check', '--all', '-r', 'lab', '--regions-dir', 'network/regions', '--checks', 'network/netq-checks.yaml', '--batfish-url', sim.url, '--report', `sarif=${file}`], {
      cwd: path.dirname(network),
    });
    assert.equal(code, 1);
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as Sarif).runs[0]!.automationDetails.id, 'netq-check/lab/');
  });
});

describe('netq check reports: --format github', () => {
  it('lets no check name act as a workflow command: names with ::error, ##[warning], %0A and CR', async () => {
    const hostile = ['x\n::error file=evil.cfg,line=1::pwned', 'y ##[warning]pwned', 'z%0A::warning::pwned', 'w\r::error::pwned'];
    const checks = path.join(tmp, 'hostile.yaml');
    await writeFile(checks, `version: 1\nchecks:\n${hostile.map(ONE_ROW).join('')}`);
    const summary = path.join(tmp, 'hostile-summary.md');
    const { code, stdout, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(code, 1, stderr);
    const lines = stdout.trimEnd().split(/\r\n|\r|\n/);
    const start = lines.indexOf('::group::netq check results');
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(lines[start + 1] ?? '')?.[1];
    assert.ok(token, stdout);
    assert.deepEqual(lines.slice(-2), [`::${token}::`, '::endgroup::']);
    const annotations = lines.slice(0, start);
    assert.equal(annotations.length, 4, stdout);
    for (const line of annotations) assert.match(line, /^::error title=netq%3A [^:]*::/, line);
    for (const line of lines.slice(start + 2, -2)) assert.ok(!/^\s*::/.test(line) && !line.includes('::') && !line.includes('##['), JSON.stringify(line));
    assert.ok(!stdout.includes('##['), 'no ##[ anywhere');
    assert.ok(!stdout.includes('\r'), 'no CR');
  });
});
