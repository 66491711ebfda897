import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { checkReportSarif, renderCheckSarif, type SarifOptions } from '../../src/check/report/sarif.js';
import type { CheckReport } from '../../src/check/model.js';
import { BGP, NYC, failedRunReport, floodReport, passingReport, reportWithoutBase, sampleReport } from './check-report-fixture.js';
import { validateSarif } from './check-report-readers.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } }; message?: { text: string } }>;
  partialFingerprints: Record<string, string>;
  baselineState?: string;
  suppressions?: Array<{ kind: string; status: string; justification: string }>;
  properties: { check: string; site: string };
}
interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> } };
    results: SarifResult[];
    invocations: Array<{
      executionSuccessful: boolean;
      exitCode: number;
      toolExecutionNotifications?: Array<{ level: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }>;
    }>;
    automationDetails: { id: string };
    properties: Record<string, unknown>;
  }>;
}

/** Renders, parses back and validates; fails the test with ajv's errors when invalid. */
function sarifOf(report: CheckReport, options: SarifOptions = {}): SarifLog {
  const log = JSON.parse(renderCheckSarif(report, options)) as SarifLog;
  const valid = validateSarif(log);
  assert.ok(valid, `SARIF invalid: ${JSON.stringify(validateSarif.errors, null, 2)}`);
  return log;
}

describe('SARIF report', () => {
  it('is valid SARIF 2.1.0 for every kind of report', () => {
    for (const report of [sampleReport(), reportWithoutBase(), passingReport(), floodReport(50), failedRunReport(), failedRunReport(3)]) sarifOf(report);
  });

  it('gives every result a file (never a folder) and a region.startLine, as GitHub requires', () => {
    for (const report of [sampleReport(), reportWithoutBase(), floodReport(50)]) {
      for (const r of sarifOf(report).runs[0]!.results) {
        const { artifactLocation, region } = r.locations[0]!.physicalLocation;
        assert.ok(artifactLocation.uri.length > 0 && !artifactLocation.uri.endsWith('/'), artifactLocation.uri);
        assert.ok(Number.isInteger(region?.startLine) && region!.startLine >= 1, JSON.stringify(r.locations[0]));
        assert.ok(!artifactLocation.uri.split('/').includes('..'), artifactLocation.uri);
      }
    }
  });

  it('the validator rejects a result without a message, so the check above means something', () => {
    const log = checkReportSarif(sampleReport()) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete log.runs[0]!.results[0]!.message;
    assert.equal(validateSarif(log), false);
  });

  it('has one rule per check kind, referenced by every result', () => {
    const run = sarifOf(sampleReport()).runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(ids, ['bgp-sessions-established', 'no-duplicate-ips', 'no-undefined-references', 'ospf-sessions-compatible', 'parse-clean']);
    assert.equal(run.tool.driver.name, 'netq');
    for (const r of run.tool.driver.rules) assert.ok(r.shortDescription.text.length > 0);
    assert.equal(run.tool.driver.rules.find((r) => r.id === 'no-undefined-references')!.defaultConfiguration.level, 'warning');
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
    }
  });

  it('gives every result exactly one location, as GitHub requires', () => {
    const run = sarifOf(sampleReport()).runs[0]!;
    for (const r of run.results) {
      assert.equal(r.locations.length, 1);
      assert.ok(r.locations[0]!.physicalLocation.artifactLocation.uri.length > 0);
    }
  });

  it('puts located findings on their file and line, relative to %SRCROOT%', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-1')!;
    assert.deepEqual(r.locations[0]!.physicalLocation, {
      artifactLocation: { uri: 'regions/north_america/nyc/configs/core-rtr01.cfg', uriBaseId: '%SRCROOT%' },
      region: { startLine: 42 },
    });
    assert.equal(r.level, 'error');
    assert.equal(r.ruleId, 'bgp-sessions-established');
    assert.match(r.message.text, /^core-rtr01 → 10\.10\.3\.2 \(dist-rtr01\) is NOT_ESTABLISHED\. Check "core BGP sessions are up" on north_america\/nyc\.$/);
  });

  it('percent-encodes paths and puts a finding without a line on line 1 of its file, with a stable line hash', () => {
    const results = sarifOf(sampleReport()).runs[0]!.results;
    const spaced = results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-undef-1')!;
    assert.equal(spaced.locations[0]!.physicalLocation.artifactLocation.uri, 'regions/north_america/nyc/configs/edge%20sw01.cfg');
    assert.equal(spaced.level, 'warning');
    const fileOnly = results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-3')!;
    assert.deepEqual(fileOnly.locations[0]!.physicalLocation, {
      artifactLocation: { uri: 'regions/north_america/nyc/configs/border01.cfg', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    assert.match(fileOnly.partialFingerprints.primaryLocationLineHash!, /^[0-9a-f]{16}:1$/);
  });

  it('puts a finding without a file on line 1 of its site\'s first config file, with a stable line hash', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-2')!;
    assert.deepEqual(r.locations[0]!.physicalLocation, {
      artifactLocation: { uri: 'regions/north_america/nyc/configs/border01.cfg', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    assert.match(r.locations[0]!.message!.text, /first config file of north_america\/nyc/);
    assert.match(r.partialFingerprints.primaryLocationLineHash!, /^[0-9a-f]{16}:1$/);
    const again = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-2')!;
    assert.equal(again.partialFingerprints.primaryLocationLineHash, r.partialFingerprints.primaryLocationLineHash);
  });

  it('leaves the line hash of located findings to the upload action', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-1')!;
    assert.deepEqual(r.partialFingerprints, { 'netqFingerprint/v1': 'fp-bgp-1' });
  });

  it('marks new and unchanged results against the base, and leaves fixed findings out with their count', () => {
    const run = sarifOf(sampleReport()).runs[0]!;
    const state = (fp: string) => run.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === fp)?.baselineState;
    assert.equal(state('fp-bgp-1'), 'new');
    assert.equal(state('fp-bgp-2'), 'unchanged');
    // A fixed finding carries the base's line numbers, where the head has other statements.
    assert.equal(state('fp-bgp-old'), undefined);
    assert.ok(!run.results.some((x) => x.baselineState === 'absent'), 'no absent results');
    assert.equal(run.results.length, 4);
    assert.equal(run.properties.fixedNotListed, 1);
  });

  it('takes its category from the options, netq-check by default', () => {
    assert.equal(sarifOf(sampleReport()).runs[0]!.automationDetails.id, 'netq-check/');
    const run = sarifOf(sampleReport(), { category: 'netq-check/north_america' }).runs[0]!;
    assert.equal(run.automationDetails.id, 'netq-check/north_america/');
    assert.equal(run.properties.category, 'netq-check/north_america');
    assert.equal(sarifOf(sampleReport(), { category: 'ci/emea/' }).runs[0]!.automationDetails.id, 'ci/emea/');
  });

  it('cuts 30 000 findings to GitHub\'s 25 000 results per run, new ones first, and says so', () => {
    const report = floodReport(30_000);
    const text = renderCheckSarif(report);
    assert.ok(gzipSync(text).length <= 10 * 1024 * 1024, `${gzipSync(text).length} bytes gzipped`);
    const log = JSON.parse(text) as SarifLog;
    assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3)));
    const run = log.runs[0]!;
    assert.equal(run.results.length, 25_000);
    assert.equal(run.results.filter((r) => r.baselineState === 'new').length, 15_000, 'every new finding kept');
    assert.equal(run.properties.resultsOmitted, 5_000);
    assert.equal(run.properties.resultsTotal, 30_000);
    assert.match(String(run.properties.fullReport), /--report json=FILE/);
    const note = run.invocations[0]!.toolExecutionNotifications!.find((n) => /left out/.test(n.message.text))!;
    assert.equal(note.level, 'warning');
    assert.match(note.message.text, /^5000 of 30000 results were left out: .*The JSON report \(--report json=FILE\) lists every finding\.$/);
  });

  it('cuts results until the gzipped file fits the size limit', () => {
    const report = floodReport(2_000);
    const limit = 20_000;
    const text = renderCheckSarif(report, { maxGzipBytes: limit });
    assert.ok(gzipSync(text).length <= limit, `${gzipSync(text).length} bytes gzipped`);
    const run = (JSON.parse(text) as SarifLog).runs[0]!;
    assert.ok(run.results.length > 0 && run.results.length < 2_000, `${run.results.length} results`);
    assert.equal(run.properties.resultsOmitted, 2_000 - run.results.length);
    assert.equal(sarifOf(floodReport(2_000)).runs[0]!.results.length, 2_000, 'no cut within the limits');
  });

  it('holds a gate that could not run as an unsuccessful run with the error, each mistake at its place', () => {
    const run = sarifOf(failedRunReport(), { category: 'netq-check/lab' }).runs[0]!;
    assert.deepEqual(run.results, []);
    assert.equal(run.automationDetails.id, 'netq-check/lab/');
    assert.equal(run.invocations[0]!.executionSuccessful, false);
    assert.equal(run.invocations[0]!.exitCode, 2);
    const [first, ...problems] = run.invocations[0]!.toolExecutionNotifications!;
    assert.equal(first!.level, 'error');
    assert.match(first!.message.text, /^netq check could not run \(exit 2\): netq-checks\.yaml has 2 problems/);
    assert.deepEqual(
      problems.map((p) => [p.locations![0]!.physicalLocation.artifactLocation.uri, p.locations![0]!.physicalLocation.region]),
      [['network/netq-checks.yaml', { startLine: 4, startColumn: 12 }], ['network/netq-checks.yaml', { startLine: 7, startColumn: 5 }]],
    );
    const unreachable = sarifOf(failedRunReport(3)).runs[0]!;
    assert.equal(unreachable.invocations[0]!.executionSuccessful, false);
    assert.match(unreachable.invocations[0]!.toolExecutionNotifications![0]!.message.text, /Batfish is not reachable/);
  });

  it('has no baselineState and no fixed results without a base', () => {
    const results = sarifOf(reportWithoutBase()).runs[0]!.results;
    assert.equal(results.length, 4);
    for (const r of results) assert.equal(r.baselineState, undefined);
  });

  it('suppresses waived findings with the waiver reason', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-3')!;
    assert.deepEqual(r.suppressions, [{ kind: 'external', status: 'accepted', justification: 'ISP side not in the snapshot, CHG-1234 (waived until 2027-01-31)' }]);
    const open = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-1')!;
    assert.equal(open.suppressions, undefined);
  });

  it('reports checks that could not run as notifications and an unsuccessful execution', () => {
    const run = sarifOf(sampleReport()).runs[0]!;
    assert.equal(run.invocations[0]!.executionSuccessful, false);
    const texts = run.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text);
    assert.ok(texts.some((t) => t.includes('"no duplicate IPs" could not run on north_america/nyc')));
    assert.ok(texts.some((t) => t.includes('europe/lon could not be checked')));
    assert.equal(sarifOf(passingReport()).runs[0]!.invocations[0]!.executionSuccessful, true);
  });

  it('writes a file outside the repository (an absolute --snapshot-dir) as a file: URI', () => {
    const report = reportWithoutBase();
    report.findings[0] = { ...report.findings[0]!, location: { file: '/srv/snap shots/configs/r1.cfg', line: 3 } };
    const r = sarifOf(report).runs[0]!.results[0]!;
    assert.deepEqual(r.locations[0]!.physicalLocation.artifactLocation, { uri: 'file:///srv/snap%20shots/configs/r1.cfg' });
  });

  it('keeps the check and site of every result in its properties', () => {
    for (const r of sarifOf(sampleReport()).runs[0]!.results) {
      assert.ok(r.properties.check === BGP || r.properties.check === 'no undefined references');
      assert.equal(r.properties.site, NYC);
    }
  });
});
