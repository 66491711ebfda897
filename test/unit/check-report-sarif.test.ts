import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as draft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { checkReportSarif, renderCheckSarif } from '../../src/check/report/sarif.js';
import type { CheckReport } from '../../src/check/model.js';
import { BGP, NYC, floodReport, passingReport, reportWithoutBase, sampleReport } from './check-report-fixture.js';

// Both packages are CommonJS with a `default` export; under NodeNext the class sits one level down.
const Draft04 = draft04.default.default ?? draft04.default;
const addFormats = addFormatsModule.default ?? addFormatsModule;

/** The SARIF 2.1.0 schema (draft-04), validated with formats (uri, uri-reference, date-time). */
const validateSarif = (() => {
  const ajv = new Draft04({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
  return ajv.compile(schema);
})();

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }>;
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
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ message: { text: string } }> }>;
  }>;
}

/** Renders, parses back and validates; fails the test with ajv's errors when invalid. */
function sarifOf(report: CheckReport): SarifLog {
  const log = JSON.parse(renderCheckSarif(report)) as SarifLog;
  const valid = validateSarif(log);
  assert.ok(valid, `SARIF invalid: ${JSON.stringify(validateSarif.errors, null, 2)}`);
  return log;
}

describe('SARIF report', () => {
  it('is valid SARIF 2.1.0 for every kind of report', () => {
    for (const report of [sampleReport(), reportWithoutBase(), passingReport(), floodReport(50)]) sarifOf(report);
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

  it('percent-encodes paths and leaves out the region when the line is unknown', () => {
    const results = sarifOf(sampleReport()).runs[0]!.results;
    const spaced = results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-undef-1')!;
    assert.equal(spaced.locations[0]!.physicalLocation.artifactLocation.uri, 'regions/north_america/nyc/configs/edge%20sw01.cfg');
    assert.equal(spaced.level, 'warning');
    const fileOnly = results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-3')!;
    assert.equal(fileOnly.locations[0]!.physicalLocation.region, undefined);
  });

  it('points a finding without a file at its site folder, with a stable line hash', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-2')!;
    assert.deepEqual(r.locations[0]!.physicalLocation, { artifactLocation: { uri: 'regions/north_america/nyc/', uriBaseId: '%SRCROOT%' } });
    assert.match(r.partialFingerprints.primaryLocationLineHash!, /^[0-9a-f]{16}:1$/);
    const again = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-2')!;
    assert.equal(again.partialFingerprints.primaryLocationLineHash, r.partialFingerprints.primaryLocationLineHash);
  });

  it('leaves the line hash of located findings to the upload action', () => {
    const r = sarifOf(sampleReport()).runs[0]!.results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === 'fp-bgp-1')!;
    assert.deepEqual(r.partialFingerprints, { 'netqFingerprint/v1': 'fp-bgp-1' });
  });

  it('marks new, unchanged and fixed results against the base', () => {
    const results = sarifOf(sampleReport()).runs[0]!.results;
    const state = (fp: string) => results.find((x) => x.partialFingerprints['netqFingerprint/v1'] === fp)!.baselineState;
    assert.equal(state('fp-bgp-1'), 'new');
    assert.equal(state('fp-bgp-2'), 'unchanged');
    assert.equal(state('fp-bgp-old'), 'absent');
    const fixed = results.find((x) => x.baselineState === 'absent')!;
    assert.equal(fixed.suppressions?.[0]?.status, 'accepted', 'GitHub must close, not open, an alert for a fixed finding');
    assert.equal(results.length, 5);
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
