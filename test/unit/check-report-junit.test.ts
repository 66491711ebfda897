import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderCheckJunit, xmlAttr, xmlText } from '../../src/check/report/junit.js';
import { buildReport } from '../../src/check/engine.js';
import type { CheckReport, CheckResult, Finding } from '../../src/check/model.js';
import { BGP, LON, NASTY, NYC, SFO, check, failedRunReport, finding, floodReport, passingReport, reportWithoutBase, sampleReport, summarise } from './check-report-fixture.js';
import { gitlabTestCases, junitSchemaErrors } from './check-report-readers.js';

/** Attributes and child elements as fast-xml-parser gives them (attributes without a prefix). */
type Attrs = Record<string, string | undefined>;
type Testcase = Attrs & {
  failure?: Attrs & { '#text'?: string };
  error?: Attrs & { '#text'?: string };
  skipped?: Attrs;
  'system-out'?: string;
};
type Testsuite = Attrs & { testcase?: Testcase[] };
interface Junit {
  testsuites: Attrs & { testsuite?: Testsuite[] };
}

/** Parses the XML as a JUnit reader would, after checking it is well-formed. */
function parse(xml: string): Junit {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `not well-formed XML: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as Junit;
}

function testcase(doc: Junit, site: string, name: string): Testcase {
  const suite = doc.testsuites.testsuite?.find((s) => s.name === site);
  assert.ok(suite, `no testsuite ${site}`);
  const tc = suite.testcase?.find((c) => c.name === name);
  assert.ok(tc, `no testcase ${name} in ${site}`);
  return tc;
}

describe('JUnit report', () => {
  it('has a testsuite per site and a testcase per check, classname = site and name = check', () => {
    const doc = parse(renderCheckJunit(sampleReport()));
    assert.deepEqual(doc.testsuites.testsuite?.map((s) => s.name), [NYC, SFO, LON]);
    const nyc = doc.testsuites.testsuite![0]!;
    assert.deepEqual(nyc.testcase?.map((c) => c.name), ['parse health', BGP, 'no undefined references', 'no duplicate IPs', 'ospf adjacencies']);
    for (const s of doc.testsuites.testsuite!) for (const c of s.testcase ?? []) assert.equal(c.classname, s.name);
  });

  it('counts tests, failures, errors and skipped on every level (skipped only where the schema allows it)', () => {
    const doc = parse(renderCheckJunit(sampleReport()));
    const nyc = doc.testsuites.testsuite![0]!;
    // The warn check does not fail the gate: skipped, with the check that did not apply.
    assert.deepEqual([nyc.tests, nyc.failures, nyc.errors, nyc.skipped], ['5', '1', '1', '2']);
    assert.equal(nyc.time, '2.615');
    // lon could not be checked at all: one test case in error. The root carries no `skipped`.
    assert.deepEqual([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.errors, doc.testsuites.skipped], ['8', '1', '2', undefined]);
  });

  it('is valid against the Jenkins xunit schema (junit-10.xsd, checked by xmllint) for every kind of report', () => {
    const empty = summarise({ ...passingReport(), sites: [], checks: [] });
    const strict: CheckReport = { ...sampleReport(), failOn: 'warning' };
    for (const [name, report] of Object.entries({ sample: sampleReport(), strict, noBase: reportWithoutBase(), passing: passingReport(), empty, flood: floodReport(40), failedRun: failedRunReport(), unreachable: failedRunReport(3) })) {
      assert.equal(junitSchemaErrors(renderCheckJunit(report)), '', name);
    }
  });

  it('xmllint rejects what junit-10.xsd does not allow, so the check above means something', () => {
    const xml = renderCheckJunit(sampleReport()).replace('<testsuites name="netq check"', '<testsuites skipped="1" name="netq check"');
    assert.match(junitSchemaErrors(xml), /skipped/);
  });

  it('puts the findings of a failing check in <failure>, new first, with location and evidence', () => {
    const tc = testcase(parse(renderCheckJunit(sampleReport())), NYC, BGP);
    assert.equal(tc.failure?.type, 'bgp-sessions-established');
    assert.equal(tc.failure?.message, 'bgp-sessions-established: 3 findings (1 new, 2 existing, 1 waived)');
    const text = tc.failure?.['#text'] ?? '';
    assert.ok(text.startsWith('[error, new] core-rtr01 → 10.10.3.2 (dist-rtr01) is NOT_ESTABLISHED\n  at regions/north_america/nyc/configs/core-rtr01.cfg:42'));
    assert.ok(text.includes('evidence: Node=core-rtr01, Remote_IP=10.10.3.2'));
    assert.ok(text.includes('waived: ISP side not in the snapshot, CHG-1234'));
    assert.equal(tc.time, '0.340');
  });

  it('keeps special characters and drops the ones XML 1.0 cannot carry', () => {
    const text = testcase(parse(renderCheckJunit(sampleReport())), NYC, BGP).failure?.['#text'] ?? '';
    assert.ok(text.includes('peer "10.0.0.2" <AS 65001> & 100% down'), 'entities decode back to the text');
    assert.ok(!text.includes('\u0001') && !text.includes('\uFFFE'), 'illegal characters removed');
    assert.equal(xmlText(NASTY), 'peer "10.0.0.2" &lt;AS 65001&gt; &amp; 100% down, state: idle | `x` #1  end');
    assert.equal(xmlAttr('a"b\nc\td\ud800'), 'a&quot;b&#10;c&#9;d');
  });

  it('marks a check that could not run as <error> and a skipped one as <skipped>', () => {
    const doc = parse(renderCheckJunit(sampleReport()));
    const error = testcase(doc, NYC, 'no duplicate IPs').error;
    assert.equal(error?.message, 'Batfish work failed: ipOwners <question> & "answer" broke');
    assert.equal(error?.['#text'], 'Batfish work failed: ipOwners <question> & "answer" broke');
    assert.equal(testcase(doc, NYC, 'ospf adjacencies').skipped?.message, 'not for this site (sites: europe/*)');
    const lon = testcase(doc, LON, 'site can be checked');
    assert.equal(lon.error?.message, 'no configs under regions/europe/lon/configs');
  });

  it('fails a warn check only when the gate fails on warnings; otherwise GitLab shows it as skipped, findings included', () => {
    const report = sampleReport();
    const passing = testcase(parse(renderCheckJunit(report)), NYC, 'no undefined references');
    assert.equal(passing.failure, undefined);
    assert.match(passing.skipped?.message ?? '', /warnings do not fail the gate \(--fail-on error\)/);
    // GitLab keeps nothing of a passing case; of a skipped one it shows the element's text.
    const seen = gitlabTestCases(renderCheckJunit(report)).find((c) => c.classname === NYC && c.name === 'no undefined references')!;
    assert.equal(seen.status, 'skipped');
    assert.ok(seen.systemOutput?.includes('[warning, new] route-map EDGE-IN is used but not defined'), seen.systemOutput ?? 'no output');
    const strict: CheckReport = { ...report, failOn: 'warning' };
    const failing = testcase(parse(renderCheckJunit(strict)), NYC, 'no undefined references');
    assert.ok(failing.failure?.['#text']?.includes('[warning, new] route-map EDGE-IN is used but not defined'));
    assert.equal(gitlabTestCases(renderCheckJunit(strict)).find((c) => c.name === 'no undefined references')?.status, 'failed');
  });

  it('reads as a failed gate in GitLab exactly when the gate fails on findings', () => {
    const checks: CheckResult[] = [
      check({ name: 'errors', kind: 'bgp-sessions-established', site: NYC, status: 'pass' }),
      check({ name: 'warnings', kind: 'no-unused-structures', site: NYC, status: 'pass', severity: 'warning' }),
    ];
    const err = (baseline: Finding['baseline'], fp: string): Finding => finding({ check: 'errors', kind: 'bgp-sessions-established', site: NYC, fingerprint: fp, baseline });
    const warn = (baseline: Finding['baseline'], fp: string): Finding =>
      finding({ check: 'warnings', kind: 'no-unused-structures', site: NYC, severity: 'warning', fingerprint: fp, baseline });
    const ref = { kind: 'ref' as const, value: 'origin/main' };
    const cases = [
      { failOn: 'error' as const, baseline: null, findings: [warn(null, 'w')] },
      { failOn: 'warning' as const, baseline: null, findings: [warn(null, 'w')] },
      { failOn: 'never' as const, baseline: null, findings: [err(null, 'e'), warn(null, 'w')] },
      { failOn: 'error' as const, baseline: ref, findings: [err('existing', 'e')] },
      { failOn: 'error' as const, baseline: ref, findings: [err('existing', 'e')], failOnExisting: true },
      { failOn: 'error' as const, baseline: ref, findings: [err('new', 'n'), err('existing', 'e'), warn('new', 'w')] },
    ];
    for (const c of cases) {
      const report = buildReport({ netqVersion: '0.1.0', batfishVersion: null, sites: [], checks, ...c });
      const seen = gitlabTestCases(renderCheckJunit(report));
      const failed = seen.filter((t) => t.status === 'failed').map((t) => t.name);
      assert.equal(failed.length > 0, report.exitCode === 1, `${JSON.stringify(c)}: exit ${report.exitCode}, failed: ${failed.join(', ')}`);
      // Whatever does not fail is still shown, with its findings.
      for (const t of seen.filter((x) => x.status === 'skipped')) assert.ok(t.systemOutput?.includes('problem '), JSON.stringify(t));
    }
  });

  it('holds a gate that could not run as one test case in error, every mistake of the checks file in its text', () => {
    const xml = renderCheckJunit(failedRunReport());
    const doc = parse(xml);
    assert.deepEqual([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.errors], ['1', '0', '1']);
    const tc = testcase(doc, 'netq check', 'gate can run');
    assert.equal(tc.error?.type, 'exit 2');
    assert.equal(tc.error?.message, 'netq-checks.yaml has 2 problems');
    assert.match(tc.error?.['#text'] ?? '', /network\/netq-checks\.yaml:4:12: unknown check kind 'bgp-sessions-establishd' <&>\nnetwork\/netq-checks\.yaml:7:5: unknown parameter ipz\nhint: /);
    assert.deepEqual(gitlabTestCases(xml).map((c) => c.status), ['error']);
  });

  it('writes passing checks as empty test cases', () => {
    const doc = parse(renderCheckJunit(passingReport()));
    const tc = testcase(doc, SFO, 'parse health');
    assert.equal(tc.failure, undefined);
    assert.equal(tc.error, undefined);
    assert.equal(doc.testsuites.failures, '0');
  });

  it('is a well-formed document even with no checks at all', () => {
    const empty = summarise({ ...passingReport(), sites: [], checks: [] });
    const doc = parse(renderCheckJunit(empty));
    assert.equal(doc.testsuites.tests, '0');
  });
});
