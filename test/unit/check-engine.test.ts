import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseTableAnswer, type TableAnswer } from '../../src/batfish/answer.js';
import { DEFAULT_CHECKS } from '../../src/check/checks-file.js';
import {
  applyWaivers,
  askKey,
  buildReport,
  cellText,
  checksForSite,
  compareWithBase,
  evaluateSite,
  fingerprint,
  planQuestions,
  skippedForSite,
  type ReportParts,
} from '../../src/check/engine.js';
import type { CheckResult, CheckSpec, ChecksFile, Finding, QuestionAsk, SiteReport, Waiver } from '../../src/check/model.js';
import { BatfishWorkError, DockerError, ExitCode, InputError, type NetqError } from '../../src/errors.js';
import { loadRecordedElements } from '../support/recorded.js';

const NYC = { site: 'north_america/nyc', dirFromCwd: 'regions/north_america/nyc' };

function answer(columns: Array<[string, string, boolean]>, rows: Array<Record<string, unknown>>): TableAnswer {
  return {
    columns: columns.map(([name, schema, isKey]) => ({ name, schema, description: '', isKey, isValue: !isKey })),
    rows: rows.map((row) => Object.fromEntries(columns.map(([name]) => [name, row[name] ?? null]))),
    summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

/** Batfish's column shapes (fileParseStatus, initIssues, bgpSessionCompatibility, undefinedReferences, ipOwners). */
const files = (rows: Array<Record<string, unknown>>): TableAnswer =>
  answer([['File_Name', 'String', true], ['Status', 'String', false], ['File_Format', 'String', false], ['Nodes', 'List<Node>', false]], rows);
const issues = (rows: Array<Record<string, unknown>>): TableAnswer =>
  answer([['Nodes', 'List<String>', true], ['Source_Lines', 'List<FileLines>', true], ['Type', 'String', true], ['Details', 'String', false], ['Line_Text', 'String', false], ['Parser_Context', 'String', false]], rows);
const compat = (rows: Array<Record<string, unknown>>): TableAnswer =>
  answer([['Node', 'Node', true], ['VRF', 'String', true], ['Remote_Node', 'Node', false], ['Remote_IP', 'SelfDescribing', true], ['Session_Type', 'String', false], ['Configured_Status', 'String', false]], rows);
const undefinedRefs = (rows: Array<Record<string, unknown>>): TableAnswer =>
  answer([['File_Name', 'String', true], ['Struct_Type', 'String', true], ['Ref_Name', 'String', true], ['Context', 'String', true], ['Lines', 'FileLines', false]], rows);
const owners = (rows: Array<Record<string, unknown>>): TableAnswer =>
  answer([['Node', 'Node', true], ['VRF', 'String', true], ['Interface', 'String', true], ['IP', 'Ip', true], ['Mask', 'Integer', true], ['Active', 'Boolean', true]], rows);

const node = (name: string): { id: string; name: string } => ({ id: `node-${name}`, name });
const session = (remoteIp: string, status: string): Record<string, unknown> => ({
  Node: node('core-rtr01'), VRF: 'default', Remote_IP: { schema: 'Ip', value: remoteIp }, Session_Type: 'EBGP_SINGLEHOP', Configured_Status: status,
});
const ref = (name: string, lines: number[]): Record<string, unknown> => ({
  File_Name: 'configs/core-rtr01.cfg', Struct_Type: 'route-map', Ref_Name: name, Context: 'bgp outbound route-map', Lines: { filename: 'configs/core-rtr01.cfg', lines },
});

/** Answers keyed by question name; a NetqError stands for a question Batfish could not answer. */
function answersFrom(byQuestion: Record<string, TableAnswer | NetqError>): (ask: QuestionAsk) => TableAnswer | NetqError {
  return (ask) => {
    const found = byQuestion[ask.question];
    assert.ok(found, `the test gave no answer for ${ask.question}`);
    return found;
  };
}

const healthy = {
  fileParseStatus: files([{ File_Name: 'configs/core-rtr01.cfg', Status: 'PASSED', Nodes: [node('core-rtr01')] }]),
  initIssues: issues([]),
  bgpSessionCompatibility: compat([session('10.10.3.2', 'UNIQUE_MATCH'), session('104.34.34.34', 'UNKNOWN_REMOTE')]),
  bgpSessionStatus: parseTableAnswer(loadRecordedElements('bgpSessionStatus__example-live__nodes-as2_remoteNodes-as3_before-session-vrf.json')),
  undefinedReferences: undefinedRefs([]),
  ipOwners: owners([]),
};

function check(name: string, kind: string, extra: Partial<CheckSpec> = {}): CheckSpec {
  return { name, check: kind, severity: 'error', with: {}, tags: [], ...extra };
}

const FILE: ChecksFile = {
  version: 1,
  source: 'netq-checks.yaml',
  checks: [
    check('parse', 'parse-clean', { tags: ['parse'] }),
    check('core bgp', 'bgp-sessions-compatible', { with: { nodes: 'core.*' }, sites: ['north_america/*'], tags: ['bgp'] }),
    check('emea bgp', 'bgp-sessions-compatible', { with: { nodes: 'core.*' }, sites: ['emea/*', '*/ny?'], tags: ['bgp'] }),
    check('london only', 'no-duplicate-ips', { sites: ['emea/london'] }),
  ],
  waivers: [],
};

describe('check engine: choosing checks and questions', () => {
  it('runs the checks whose site globs match, filtered by --only and --tag', () => {
    assert.deepEqual(checksForSite(FILE, 'north_america/nyc').map((c) => c.name), ['parse', 'core bgp', 'emea bgp']);
    assert.deepEqual(checksForSite(FILE, 'north_america/sfo').map((c) => c.name), ['parse', 'core bgp']);
    assert.deepEqual(checksForSite(FILE, 'emea/london').map((c) => c.name), ['parse', 'emea bgp', 'london only']);
    assert.deepEqual(checksForSite(FILE, 'north_america/nyc', { tag: 'bgp' }).map((c) => c.name), ['core bgp', 'emea bgp']);
    assert.deepEqual(checksForSite(FILE, 'north_america/nyc', { only: ['parse', 'london only'] }).map((c) => c.name), ['parse']);
    assert.deepEqual(
      skippedForSite(FILE, 'north_america/nyc').map((r) => [r.name, r.status]),
      [['london only', 'skipped']],
    );
  });

  it('refuses an --only name or --tag that the file does not have, listing the ones it has', () => {
    assert.throws(() => checksForSite(FILE, 'north_america/nyc', { only: ['prase'] }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, '--only names a check that netq-checks.yaml does not have: prase');
      assert.equal(error.hint, 'checks: parse, core bgp, emea bgp, london only');
      return true;
    });
    assert.throws(() => checksForSite(FILE, 'north_america/nyc', { tag: 'ospf' }), /no check of netq-checks.yaml has tag 'ospf'/);
  });

  it('asks each question once however many checks need it', () => {
    const plan = planQuestions(checksForSite(FILE, 'north_america/nyc'));
    assert.deepEqual(plan, [
      { question: 'fileParseStatus', parameters: {} },
      { question: 'initIssues', parameters: {} },
      { question: 'bgpSessionCompatibility', parameters: { nodes: 'core.*' } },
    ]);
    assert.deepEqual(planQuestions(DEFAULT_CHECKS.checks).map((q) => q.question), [
      'fileParseStatus', 'initIssues', 'bgpSessionCompatibility', 'bgpSessionStatus', 'undefinedReferences', 'ipOwners',
    ]);
  });

  it('keys a question by name and parameters, whatever their order', () => {
    assert.equal(
      askKey({ question: 'routes', parameters: { nodes: 'a', network: '10.0.0.0/8', x: { b: 1, a: 2 } } }),
      askKey({ question: 'Routes', parameters: { x: { a: 2, b: 1 }, network: '10.0.0.0/8', nodes: 'a' } }),
    );
    assert.notEqual(askKey({ question: 'routes', parameters: { nodes: 'a' } }), askKey({ question: 'routes', parameters: { nodes: 'b' } }));
    assert.notEqual(askKey({ question: 'routes', parameters: {} }), askKey({ question: 'bgpRib', parameters: {} }));
  });
});

describe('check engine: evaluating a site', () => {
  it('passes the default checks on a healthy site', () => {
    const { results, findings } = evaluateSite(DEFAULT_CHECKS.checks, answersFrom(healthy), NYC);
    assert.deepEqual(results.map((r) => [r.name, r.status, r.findings]), [
      ['parse-clean', 'pass', 0],
      ['bgp-sessions-compatible', 'pass', 0],
      ['bgp-sessions-established', 'pass', 0],
      ['no-undefined-references', 'pass', 0],
      ['no-duplicate-ips', 'pass', 0],
    ]);
    assert.deepEqual(findings, []);
    assert.deepEqual(results[0]?.questions, ['fileParseStatus', 'initIssues']);
  });

  it('makes a check whose question failed an error with its exit code, and still runs the others', () => {
    const failed = new BatfishWorkError('Batfish work failed: answer bgpSessionCompatibility', 'w-1', 'TERMINATEDABNORMALLY');
    const { results, findings } = evaluateSite(
      DEFAULT_CHECKS.checks,
      answersFrom({ ...healthy, bgpSessionCompatibility: failed, undefinedReferences: undefinedRefs([ref('RM-OUT', [40])]) }),
      NYC,
      new Map([[askKey({ question: 'fileParseStatus', parameters: {} }), 120], [askKey({ question: 'initIssues', parameters: {} }), 30]]),
    );
    assert.deepEqual(results.map((r) => [r.name, r.status]), [
      ['parse-clean', 'pass'],
      ['bgp-sessions-compatible', 'error'],
      ['bgp-sessions-established', 'pass'],
      ['no-undefined-references', 'fail'],
      ['no-duplicate-ips', 'pass'],
    ]);
    assert.deepEqual(results[1]?.error, { message: 'Batfish work failed: answer bgpSessionCompatibility', exitCode: ExitCode.batfish });
    assert.equal(results[0]?.durationMs, 150);
    assert.deepEqual(findings.map((f) => f.check), ['no-undefined-references']);
  });

  it('makes a check error when the answer lacks a column its verdict needs', () => {
    const { results } = evaluateSite([check('x', 'bgp-sessions-compatible')], answersFrom({ bgpSessionCompatibility: owners([]) }), NYC);
    assert.equal(results[0]?.status, 'error');
    assert.equal(results[0]?.error?.exitCode, ExitCode.batfish);
    assert.match(results[0]?.error?.message ?? '', /no column Configured_Status/);
  });

  it('turns drafts into findings with site, severity, location and a fingerprint of check, site and keys', () => {
    const { findings, results } = evaluateSite(
      [check('refs', 'no-undefined-references', { severity: 'warning' })],
      answersFrom({ undefinedReferences: undefinedRefs([ref('RM-OUT', [40])]) }),
      NYC,
    );
    assert.equal(results[0]?.status, 'warn');
    assert.deepEqual(findings, [
      {
        check: 'refs',
        kind: 'no-undefined-references',
        site: 'north_america/nyc',
        severity: 'warning',
        message: "route-map 'RM-OUT' is used (bgp outbound route-map) but not defined in configs/core-rtr01.cfg",
        row: { File_Name: 'configs/core-rtr01.cfg', Struct_Type: 'route-map', Ref_Name: 'RM-OUT', Context: 'bgp outbound route-map', Lines: { filename: 'configs/core-rtr01.cfg', lines: [40] } },
        location: { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: 40 },
        fingerprint: fingerprint('refs', 'north_america/nyc', ['configs/core-rtr01.cfg', 'route-map', 'RM-OUT', 'bgp outbound route-map']),
        baseline: null,
        waiver: null,
      },
    ]);
  });

  it('gives a partially recognised file a warning even in an error-severity check', () => {
    const { findings, results } = evaluateSite(
      [check('parse', 'parse-clean')],
      answersFrom({ fileParseStatus: files([{ File_Name: 'configs/a.cfg', Status: 'PARTIALLY_UNRECOGNIZED' }]), initIssues: issues([]) }),
      NYC,
    );
    assert.deepEqual(findings.map((f) => f.severity), ['warning']);
    assert.equal(results[0]?.status, 'warn');
  });
});

describe('check engine: fingerprints', () => {
  it('is the first 32 hex characters of a sha256 over check, site and key values', () => {
    const expected = createHash('sha256').update(JSON.stringify(['c', 's', 'a', 'b'])).digest('hex').slice(0, 32);
    assert.equal(fingerprint('c', 's', ['a', 'b']), expected);
    assert.match(expected, /^[0-9a-f]{32}$/);
    assert.notEqual(fingerprint('c', 's', ['a', 'b']), fingerprint('c', 's', ['ab']));
    assert.notEqual(fingerprint('c', 's', ['a']), fingerprint('c', 'other/site', ['a']));
  });

  it('stays the same when unrelated lines move, and differs for other rows', () => {
    const run = (lines: number[]): Finding[] =>
      evaluateSite([check('refs', 'no-undefined-references')], answersFrom({ undefinedReferences: undefinedRefs([ref('RM-OUT', lines), ref('RM-IN', [7])]) }), NYC).findings;
    const before = run([40]);
    const after = run([52]);
    assert.equal(before[0]?.location?.line, 40);
    assert.equal(after[0]?.location?.line, 52);
    assert.equal(before[0]?.fingerprint, after[0]?.fingerprint);
    assert.notEqual(before[0]?.fingerprint, before[1]?.fingerprint);
  });

  it('tells apart rows with the same key values by their order', () => {
    const { findings } = evaluateSite(
      [check('refs', 'no-undefined-references')],
      answersFrom({ undefinedReferences: undefinedRefs([ref('RM-OUT', [40]), ref('RM-OUT', [60])]) }),
      NYC,
    );
    assert.equal(new Set(findings.map((f) => f.fingerprint)).size, 2);
  });
});

function finding(extra: Partial<Finding> = {}): Finding {
  return {
    check: 'core bgp',
    kind: 'bgp-sessions-compatible',
    site: 'north_america/nyc',
    severity: 'error',
    message: 'BGP session core-rtr01 → 104.34.34.34 (EBGP_SINGLEHOP) is NO_MATCH_FOUND',
    row: { Node: 'core-rtr01', VRF: 'default', Remote_IP: '104.34.34.34', Local_AS: 65001, Local_Interface: { hostname: 'core-rtr01', interface: 'Gi0/1' } },
    location: null,
    fingerprint: 'f1',
    baseline: null,
    waiver: null,
    ...extra,
  };
}

describe('check engine: waivers', () => {
  const waiver = (extra: Partial<Waiver> = {}): Waiver => ({
    check: 'core bgp',
    where: { Remote_IP: '104.34.34.34' },
    reason: 'ISP side not in the snapshot, CHG-1234',
    expires: '2027-01-31',
    ...extra,
  });

  it('waives the findings of its check whose row matches every where column, as the table shows it', () => {
    const findings = [
      finding(),
      finding({ fingerprint: 'f2', row: { ...finding().row, Remote_IP: '10.10.3.2' } }),
      finding({ fingerprint: 'f3', check: 'other check' }),
    ];
    const result = applyWaivers(findings, [waiver({ where: { Remote_IP: '104.34.34.34', Local_AS: '65001', Local_Interface: 'core-rtr01[Gi0/1]' } })], '2026-11-23');
    assert.deepEqual(result.findings.map((f) => f.waiver), [
      { reason: 'ISP side not in the snapshot, CHG-1234', expires: '2027-01-31' },
      null,
      null,
    ]);
    assert.deepEqual(result.expired, []);
    assert.equal(findings[0]?.waiver, null, 'the input findings are not changed');
  });

  it('still waives on its expiry day, and after it waives nothing and is reported as expired', () => {
    assert.notEqual(applyWaivers([finding()], [waiver()], '2027-01-31').findings[0]?.waiver, null);
    const late = applyWaivers([finding()], [waiver()], '2027-02-01');
    assert.equal(late.findings[0]?.waiver, null);
    assert.deepEqual(late.expired, [waiver()]);
    const forever = waiver({ expires: undefined });
    delete forever.expires;
    assert.deepEqual(applyWaivers([finding()], [forever], '2099-01-01').findings[0]?.waiver, { reason: forever.reason, expires: null });
  });

  it('does not waive when a where column is missing from the row', () => {
    assert.equal(applyWaivers([finding()], [waiver({ where: { Remote_Node: 'isp' } })], '2026-01-01').findings[0]?.waiver, null);
  });

  it('shows cells as the table does', () => {
    assert.equal(cellText(['10.0.0.1', '10.0.0.2']), '10.0.0.1, 10.0.0.2');
    assert.equal(cellText({ hostname: 'r1', interface: 'Gi0/0' }), 'r1[Gi0/0]');
    assert.equal(cellText({ filename: 'configs/r1', lines: [3, 4] }), 'configs/r1:[3, 4]');
    assert.equal(cellText(null), '');
    assert.equal(cellText(65001), '65001');
  });
});

describe('check engine: base comparison', () => {
  it('marks findings new or existing by fingerprint and reports the fixed ones', () => {
    const head = [finding({ fingerprint: 'a' }), finding({ fingerprint: 'b' })];
    const base = [finding({ fingerprint: 'b' }), finding({ fingerprint: 'c', message: 'gone' })];
    const { findings, fixed } = compareWithBase(head, base);
    assert.deepEqual(findings.map((f) => [f.fingerprint, f.baseline]), [['a', 'new'], ['b', 'existing']]);
    assert.deepEqual(fixed.map((f) => f.message), ['gone']);
  });
});

describe('check engine: parse-coverage against a base', () => {
  it('only the unrecognised line the change added is new; one that moved down is existing; one removed is fixed', () => {
    const warning = (line: number, text: string) => ({ Source_Lines: [{ filename: 'configs/r1.cfg', lines: [line] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: text });
    const checks = [check('coverage', 'parse-coverage')];
    const base = evaluateSite(checks, answersFrom({ initIssues: issues([warning(5, 'old thing'), warning(9, 'dropped thing')]) }), NYC).findings;
    const head = evaluateSite(checks, answersFrom({ initIssues: issues([warning(8, 'old thing'), warning(3, 'new thing')]) }), NYC).findings;
    const { findings, fixed } = compareWithBase(head, base);
    assert.deepEqual(findings.map((f) => [f.message, f.location?.line, f.baseline]), [
      ["configs/r1.cfg: Batfish does not recognise 'old thing'", 8, 'existing'],
      ["configs/r1.cfg: Batfish does not recognise 'new thing'", 3, 'new'],
    ]);
    assert.deepEqual(fixed.map((f) => f.message), ["configs/r1.cfg: Batfish does not recognise 'dropped thing'"]);
  });
});

describe('check engine: report and exit code', () => {
  const site = (extra: Partial<SiteReport> = {}): SiteReport => ({
    site: 'north_america/nyc', region: 'north_america', dir: 'regions/north_america/nyc', network: 'north_america', snapshot: 'nyc-1', error: null, sessions: null, ...extra,
  });
  const result = (extra: Partial<CheckResult> = {}): CheckResult => ({
    name: 'core bgp', kind: 'bgp-sessions-compatible', site: 'north_america/nyc', status: 'pass', severity: 'error', findings: 0, durationMs: 5, error: null, questions: ['bgpSessionCompatibility'], ...extra,
  });
  const parts = (extra: Partial<ReportParts> = {}): ReportParts => ({
    netqVersion: '0.1.0', batfishVersion: '2025.07.07.2423', failOn: 'error', baseline: null, sites: [site()], checks: [result()], findings: [], ...extra,
  });
  const warning = finding({ check: 'unused', kind: 'no-unused-structures', severity: 'warning', fingerprint: 'w' });
  const unusedCheck = result({ name: 'unused', kind: 'no-unused-structures', severity: 'warning' });

  it('exits 0 when nothing fails, and 1 for a finding at error severity', () => {
    assert.equal(buildReport(parts()).exitCode, 0);
    const report = buildReport(parts({ findings: [finding()] }));
    assert.equal(report.exitCode, 1);
    assert.equal(report.checks[0]?.status, 'fail');
    assert.equal(report.checks[0]?.findings, 1);
  });

  it('counts warnings only with --fail-on warning, and nothing with never', () => {
    const checks = [result(), unusedCheck];
    assert.equal(buildReport(parts({ checks, findings: [warning] })).exitCode, 0);
    assert.equal(buildReport(parts({ checks, findings: [warning], failOn: 'warning' })).exitCode, 1);
    assert.equal(buildReport(parts({ checks, findings: [finding(), warning], failOn: 'never' })).exitCode, 0);
    assert.equal(buildReport(parts({ checks, findings: [warning] })).checks[1]?.status, 'warn');
  });

  it('never counts waived findings, and a check with only waived findings passes', () => {
    const waived = finding({ waiver: { reason: 'CHG-1', expires: null } });
    const report = buildReport(parts({ findings: [waived] }));
    assert.equal(report.exitCode, 0);
    assert.equal(report.checks[0]?.status, 'pass');
    assert.equal(report.checks[0]?.findings, 1);
    assert.deepEqual(report.summary.findings, { error: 0, warning: 0, waived: 1, new: 0, existing: 0, fixed: 0 });
  });

  it('with a base, fails only on new findings unless --fail-on-existing', () => {
    const existing = finding({ baseline: 'existing' });
    const baseline = { kind: 'ref' as const, value: 'origin/main' };
    assert.equal(buildReport(parts({ baseline, findings: [existing] })).exitCode, 0);
    assert.equal(buildReport(parts({ baseline, findings: [existing], failOnExisting: true })).exitCode, 1);
    assert.equal(buildReport(parts({ baseline, findings: [existing, finding({ fingerprint: 'n', baseline: 'new' })] })).exitCode, 1);
    // The check still shows what it found.
    assert.equal(buildReport(parts({ baseline, findings: [existing] })).checks[0]?.status, 'fail');
  });

  it('exits 3 when a check could not run, even when findings would give 1', () => {
    const errored = result({ name: 'parse', kind: 'parse-clean', status: 'error', error: { message: 'work failed', exitCode: ExitCode.batfish } });
    assert.equal(buildReport(parts({ checks: [result(), errored], findings: [finding()] })).exitCode, ExitCode.batfish);
  });

  it("keeps a site error's own exit code (4 for Docker)", () => {
    const broken = site({ site: 'emea/london', error: { message: new DockerError('engine unreachable').message, exitCode: ExitCode.docker } });
    const errored = result({ status: 'error', error: { message: 'x', exitCode: ExitCode.batfish } });
    assert.equal(buildReport(parts({ sites: [site(), broken], checks: [errored] })).exitCode, ExitCode.docker);
  });

  it('orders new findings first, then existing, then waived; each by site, check and location', () => {
    const at = (file: string, line: number): Finding['location'] => ({ file, line });
    const report = buildReport(
      parts({
        baseline: { kind: 'dir', value: '../base' },
        checks: [result(), unusedCheck],
        findings: [
          finding({ fingerprint: '1', baseline: 'existing', message: 'existing' }),
          finding({ fingerprint: '2', baseline: 'new', waiver: { reason: 'r', expires: null }, message: 'waived' }),
          finding({ fingerprint: '3', baseline: 'new', check: 'unused', location: at('b.cfg', 1), message: 'new unused b' }),
          finding({ fingerprint: '4', baseline: 'new', check: 'unused', location: at('a.cfg', 9), message: 'new unused a' }),
          finding({ fingerprint: '5', baseline: 'new', message: 'new bgp' }),
          finding({ fingerprint: '6', baseline: 'new', site: 'emea/london', message: 'new london' }),
        ],
        fixed: [finding({ fingerprint: '9', message: 'fixed' })],
      }),
    );
    assert.deepEqual(report.findings.map((f) => f.message), ['new london', 'new bgp', 'new unused a', 'new unused b', 'existing', 'waived']);
    assert.deepEqual(report.summary.findings, { error: 5, warning: 0, waived: 1, new: 4, existing: 1, fixed: 1 });
    assert.equal(report.fixed.length, 1);
  });

  it('counts checks by status and names each expired waiver once', () => {
    const expired: Waiver = { check: 'core bgp', where: { Remote_IP: '1.1.1.1' }, reason: 'old', expires: '2020-01-01' };
    const report = buildReport(
      parts({
        checks: [result(), result({ name: 'x', status: 'skipped' }), result({ name: 'y', status: 'error', error: { message: 'e', exitCode: 3 } })],
        expiredWaivers: [expired, { ...expired }],
      }),
    );
    assert.deepEqual(report.summary.checks, { pass: 1, fail: 0, warn: 0, error: 1, skipped: 1 });
    assert.equal(report.expiredWaivers.length, 1);
    assert.equal(report.failOn, 'error');
    assert.equal(report.netqVersion, '0.1.0');
  });
});

describe('check engine: end to end on answers', () => {
  it('runs a file, waives, compares with a base and gates', () => {
    const file: ChecksFile = {
      version: 1,
      source: 'netq-checks.yaml',
      checks: [check('core bgp', 'bgp-sessions-compatible'), check('refs', 'no-undefined-references')],
      waivers: [{ check: 'core bgp', where: { Remote_IP: '10.10.3.9' }, reason: 'CHG-1', expires: '2099-12-31' }],
    };
    const run = (bgp: TableAnswer, refs: TableAnswer): { results: CheckResult[]; findings: Finding[] } =>
      evaluateSite(checksForSite(file, NYC.site), answersFrom({ bgpSessionCompatibility: bgp, undefinedReferences: refs }), NYC);
    const base = run(compat([session('10.10.3.9', 'NO_MATCH_FOUND')]), undefinedRefs([ref('RM-OUT', [40])]));
    const head = run(compat([session('10.10.3.9', 'NO_MATCH_FOUND'), session('10.10.3.7', 'HALF_OPEN')]), undefinedRefs([]));
    const waived = applyWaivers(head.findings, file.waivers, '2026-11-23');
    const compared = compareWithBase(waived.findings, base.findings);
    const report = buildReport({
      netqVersion: '0.1.0', batfishVersion: null, failOn: 'error', baseline: { kind: 'ref', value: 'main' },
      sites: [], checks: head.results, findings: compared.findings, fixed: compared.fixed, expiredWaivers: waived.expired,
    });
    assert.deepEqual(report.findings.map((f) => [f.message, f.baseline, f.waiver?.reason ?? null]), [
      ['BGP session core-rtr01 → 10.10.3.7 (EBGP_SINGLEHOP) is HALF_OPEN', 'new', null],
      ['BGP session core-rtr01 → 10.10.3.9 (EBGP_SINGLEHOP) is NO_MATCH_FOUND', 'existing', 'CHG-1'],
    ]);
    assert.deepEqual(report.fixed.map((f) => f.check), ['refs']);
    assert.deepEqual(report.checks.map((c) => [c.name, c.status]), [['core bgp', 'fail'], ['refs', 'pass']]);
    assert.equal(report.exitCode, 1);
  });
});
