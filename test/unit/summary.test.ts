import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { summarize, summaryRows } from '../../src/questions/summary.js';

function answer(columns: Array<[string, string]>, rows: Array<Record<string, unknown>>): TableAnswer {
  return {
    columns: columns.map(([name, schema]) => ({ name, schema, description: '', isKey: true, isValue: false })),
    rows,
    summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

describe('site summary', () => {
  it('counts parse statuses, nodes, BGP sessions by kind, undefined references and duplicate IPs', () => {
    const summary = summarize([
      answer([['File_Name', 'String'], ['Status', 'String']], [
        { File_Name: 'configs/a', Status: 'PASSED' },
        { File_Name: 'configs/b', Status: 'PARTIALLY_UNRECOGNIZED' },
        { File_Name: 'configs/c', Status: 'EMPTY' },
      ]),
      answer([['Node', 'Node']], [{ Node: { name: 'a' } }, { Node: { name: 'b' } }]),
      answer([['Configured_Status', 'String']], [
        { Configured_Status: 'UNIQUE_MATCH' },
        { Configured_Status: 'UNKNOWN_REMOTE' },
        { Configured_Status: 'LOCAL_IP_UNKNOWN_STATICALLY' },
        { Configured_Status: 'NO_MATCH_FOUND' },
      ]),
      answer([['File_Name', 'String']], [{ File_Name: 'configs/a' }]),
      answer([['IP', 'Ip']], [{ IP: '10.0.0.1' }, { IP: '10.0.0.1' }, { IP: '10.0.0.2' }]),
    ]);
    assert.deepEqual(summary, {
      files: { total: 3, passed: 1, partiallyRecognized: 1, failed: 0, empty: 1, other: 0 },
      nodes: 2,
      bgpSessions: { total: 4, ok: 1, external: 2, broken: 1 },
      undefinedReferences: 1,
      duplicateIps: 2,
    });
    assert.deepEqual(summaryRows(summary)[2], { Check: 'BGP sessions', Result: '4: 1 ok, 2 external, 1 broken' });
  });
});
