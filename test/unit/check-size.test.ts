/**
 * Issue 22 item 4: the check engine and every report stay linear on sizes a large network gives
 * (120 000+ findings of one check, 400 000 checks): no `push(...list)` or `Math.max(...list)`,
 * which overflow the call stack ("Maximum call stack size exceeded") past ~100 000 items.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { evaluateSite } from '../../src/check/engine.js';
import type { CheckSpec } from '../../src/check/model.js';
import { renderCheckJunit, renderCheckMarkdown, renderCheckSarif, renderCheckTable, renderCheckGitlab } from '../../src/check/report/index.js';
import { renderTable } from '../../src/render/table.js';
import { check, finding, summarise } from './check-report-fixture.js';

const FINDINGS = 150_000;
const CHECKS = 400_000;

describe('sizes a large network gives', () => {
  it(`one check with ${FINDINGS} findings is evaluated`, () => {
    const rows = Array.from({ length: FINDINGS }, (_, i) => ({
      Node: { id: `n${i}`, name: `rtr${i}` },
      VRF: 'default',
      Remote_Node: null,
      Remote_IP: { schema: 'Ip', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      Session_Type: 'EBGP_SINGLEHOP',
      Configured_Status: 'NO_MATCH_FOUND',
    }));
    const answer: TableAnswer = {
      columns: ['Node', 'VRF', 'Remote_Node', 'Remote_IP', 'Session_Type', 'Configured_Status'].map((name) => ({ name, schema: 'String', description: '', isKey: name !== 'Configured_Status', isValue: name === 'Configured_Status' })),
      rows,
      summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
      warnings: [],
    };
    const spec: CheckSpec = { name: 'bgp', check: 'bgp-sessions-compatible', severity: 'error', with: {}, tags: [] };
    const { results, findings } = evaluateSite([spec], () => answer, { site: 'lab/big', dirFromCwd: 'regions/lab/big' });
    assert.equal(findings.length, FINDINGS);
    assert.equal(results[0]!.findings, FINDINGS);
  });

  it(`a report of ${CHECKS} checks renders in every format`, () => {
    const checks = Array.from({ length: CHECKS }, (_, i) => check({ name: `check number ${i}`, kind: 'question', site: 'lab/big', status: i === 0 ? 'fail' : 'pass', findings: i === 0 ? 1 : 0 }));
    const report = summarise({
      netqVersion: '0.1.0',
      batfishVersion: null,
      failOn: 'error',
      baseline: null,
      sites: [{ site: 'lab/big', region: 'lab', dir: 'regions/lab/big', firstConfig: 'regions/lab/big/configs/a.cfg', network: 'lab', snapshot: 'big-1', error: null, sessions: null }],
      checks,
      // One finding whose message wraps into more lines than a call's arguments may hold.
      findings: [finding({ check: 'check number 0', kind: 'question', site: 'lab/big', fingerprint: 'f0', message: 'x '.repeat(300_000) })],
      fixed: [],
      expiredWaivers: [],
      exitCode: 1,
    });
    assert.match(renderCheckTable(report, { width: 80, color: false }), /400000 checks on 1 site/);
    assert.ok(renderCheckJunit(report).length > CHECKS);
    assert.ok(renderCheckMarkdown(report).length > 0);
    assert.ok(renderCheckSarif(report, { category: 'netq/big' }).length > 0);
    assert.ok(renderCheckGitlab(report).length > 0);
  });

  it('a table cell of 200 000 lines renders', () => {
    const text = renderTable({ columns: [{ name: 'Text', schema: 'String' }], rows: [{ Text: 'line\n'.repeat(200_000) }] }, { width: 80, color: false });
    assert.ok(text.split('\n').length >= 200_000);
  });
});
