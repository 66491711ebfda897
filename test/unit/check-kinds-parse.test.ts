import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, spec, evaluate, node } from './check-kinds-fixture.js';

describe('check kinds: parse-clean', () => {
  const files = table('fileParseStatus', [
    { File_Name: 'configs/core-rtr01.cfg', Status: 'PASSED', File_Format: 'CISCO_IOS', Nodes: [node('core-rtr01')] },
    { File_Name: 'configs/edge-rtr02.cfg', Status: 'FAILED', File_Format: 'CISCO_IOS', Nodes: [] },
    { File_Name: 'configs/edge-sw01.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'ARISTA', Nodes: [node('edge-sw01')] },
    { File_Name: 'configs/dist-sw02.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'ARISTA', Nodes: [node('dist-sw02')] },
    { File_Name: 'configs/empty.cfg', Status: 'EMPTY', File_Format: 'EMPTY', Nodes: [] },
  ]);
  const issues = table('initIssues', [
    { Source_Lines: [{ filename: 'configs/edge-rtr02.cfg', lines: [12] }], Type: 'Parse error', Details: 'Error parsing configuration file\nstack...', Line_Text: 'router bgpp 65001' },
    { Source_Lines: [{ filename: 'configs/edge-sw01.cfg', lines: [9, 5] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'foo bar' },
    { Source_Lines: [{ filename: 'configs/core-rtr01.cfg', lines: [3] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'ignored' },
    { Nodes: ['core-rtr01'], Type: 'Convert error', Details: 'Could not convert VRF BLUE' },
    { Nodes: ['core-rtr01'], Type: 'Convert warning (redflag)', Details: 'not fatal' },
  ]);

  it('fails FAILED files at the check severity and warns on partially recognised lines, with their lines', () => {
    const drafts = evaluate(spec('parse-clean'), [files, issues]);
    assert.deepEqual(
      drafts.map((d) => [d.message, d.location, d.severity ?? 'check']),
      [
        ['configs/edge-rtr02.cfg failed to parse: Error parsing configuration file', { file: 'regions/north_america/nyc/configs/edge-rtr02.cfg', line: 12 }, 'check'],
        ["configs/edge-sw01.cfg: Batfish does not recognise 'foo bar'", { file: 'regions/north_america/nyc/configs/edge-sw01.cfg', line: 5 }, 'warning'],
        ['configs/dist-sw02.cfg is only partially recognised', { file: 'regions/north_america/nyc/configs/dist-sw02.cfg', line: null }, 'warning'],
        ['core-rtr01 could not be converted: Could not convert VRF BLUE', null, 'check'],
      ],
    );
    // The warning's identity is its file and text, never its line numbers.
    assert.deepEqual(drafts[1]?.keyValues, ['PARTIALLY_UNRECOGNIZED', 'configs/edge-sw01.cfg', 'foo bar']);
    assert.equal(drafts[1]?.row.Line_Text, 'foo bar');
  });

  it('accepts partially recognised files with allow-partial', () => {
    const drafts = evaluate(spec('parse-clean', { 'allow-partial': true }), [files, issues]);
    assert.deepEqual(drafts.map((d) => d.keyValues[0]), ['FAILED', 'CONVERT_ERROR']);
  });

  it('passes a snapshot whose files all passed', () => {
    const clean = table('fileParseStatus', [{ File_Name: 'configs/a.cfg', Status: 'PASSED' }]);
    assert.deepEqual(evaluate(spec('parse-clean'), [clean, table('initIssues', [])]), []);
  });
});

describe('check kinds: parse-coverage', () => {
  const issues = (lineOfFoo: number) =>
    table('initIssues', [
      { Source_Lines: [{ filename: 'configs/edge-sw01.cfg', lines: [lineOfFoo] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'foo bar' },
      { Source_Lines: [{ filename: 'configs/edge-rtr02.cfg', lines: [12] }], Type: 'Parse error', Details: 'Error parsing configuration file\nstack...', Line_Text: 'router bgpp 65001' },
      { Nodes: ['core-rtr01'], Type: 'Convert error', Details: 'Could not convert VRF BLUE' },
      { Nodes: ['core-rtr01'], Type: 'Convert warning (redflag)', Details: 'not fatal' },
    ]);

  it('reports every issue on its line, known by type, file and text', () => {
    const drafts = evaluate(spec('parse-coverage'), [issues(9)]);
    assert.deepEqual(
      drafts.map((d) => [d.message, d.location]),
      [
        ["configs/edge-sw01.cfg: Batfish does not recognise 'foo bar'", { file: 'regions/north_america/nyc/configs/edge-sw01.cfg', line: 9 }],
        ["configs/edge-rtr02.cfg: parse error: 'router bgpp 65001'", { file: 'regions/north_america/nyc/configs/edge-rtr02.cfg', line: 12 }],
        ['Convert error on core-rtr01: Could not convert VRF BLUE', null],
      ],
    );
    assert.deepEqual(drafts[0]?.keyValues, ['Parse warning', 'configs/edge-sw01.cfg', 'foo bar']);
  });

  it('an issue whose line moved (lines added above it) keeps its identity, so a base comparison finds it existing', () => {
    const head = evaluate(spec('parse-coverage'), [issues(40)]);
    const base = evaluate(spec('parse-coverage'), [issues(9)]);
    assert.deepEqual(head.map((d) => d.keyValues), base.map((d) => d.keyValues));
    assert.notDeepEqual(head[0]?.location, base[0]?.location);
  });

  it('conversion warnings only with include-convert-warnings', () => {
    const drafts = evaluate(spec('parse-coverage', { 'include-convert-warnings': true }), [issues(9)]);
    assert.deepEqual(drafts.at(-1)?.keyValues, ['Convert warning (redflag)', 'core-rtr01', 'not fatal']);
  });

  it('passes a snapshot Batfish read without an issue', () => {
    assert.deepEqual(evaluate(spec('parse-coverage'), [table('initIssues', [])]), []);
  });
});
