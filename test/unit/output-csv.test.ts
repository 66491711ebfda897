import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEverySummary } from '../../src/commands/summary.js';
import { InputError } from '../../src/errors.js';
import { formatEverySite } from '../../src/output-all-sites.js';
import { checkOutputOptions, formatSiteAnswers, type AnswerOutputOptions } from '../../src/output.js';
import { renderText } from '../../src/render/index.js';
import { allSitesOutcomes, answerOf, parseStatusResults, recorded, recordedAnswers, resultOf, summaryResults } from './output-fixtures.js';
import { assertOneTable, pythonCsvRows } from './output-schemas.js';

const csv: AnswerOutputOptions = { format: 'csv', terminal: { color: false }, verbose: false };

describe('CSV: every answer is one table csv.reader reads', () => {
  for (const { question, file, answer } of recordedAnswers()) {
    it(`${file}: a header and one row per answer row, lists as JSON arrays`, () => {
      const { stdout } = formatSiteAnswers([resultOf(question, answer)], csv);
      const rows = assertOneTable(stdout, answer.columns.map((c) => c.name));
      assert.equal(rows.length, 1 + answer.rows.length);
      answer.columns.forEach((column, i) => {
        if (!/^(list|set)</i.test(column.schema)) return;
        answer.rows.forEach((row, r) => {
          const field = rows[r + 1]![i]!;
          if (row[column.name] === null) assert.equal(field, '');
          else assert.equal((JSON.parse(field) as unknown[]).length, (row[column.name] as unknown[]).length, `${column.name} of row ${r}`);
        });
      });
    });
  }

  it('keeps an item holding ", " one item, and null, "" and [] apart', () => {
    const answer = answerOf([['Name', 'String'], ['Items', 'List<String>'], ['Note', 'String']], [
      { Name: 'a', Items: ['x, y', 'z'], Note: '' },
      { Name: 'b', Items: [], Note: null },
      { Name: 'c', Items: null, Note: 'say "hi"' },
    ]);
    const rows = assertOneTable(renderText(answer, 'csv', { color: false }), ['Name', 'Items', 'Note']);
    assert.deepEqual(JSON.parse(rows[1]![1]!), ['x, y', 'z']);
    assert.deepEqual(rows.slice(1).map((r) => [r[1], r[2]]), [['["x, y","z"]', '""'], ['[]', ''], ['', 'say "hi"']]);
  });

  it('writes objects in lists as their pybatfish text, inside the JSON array', () => {
    const answer = answerOf([['Interfaces', 'Set<Interface>']], [{ Interfaces: [{ hostname: 'r1', interface: 'Port-channel 1' }, { hostname: 'r2', interface: 'Gi0/0' }] }]);
    const rows = pythonCsvRows(renderText(answer, 'csv', { color: false }));
    assert.deepEqual(JSON.parse(rows[1]![0]!), ['r1["Port-channel 1"]', 'r2[Gi0/0]']);
  });
});

describe('CSV: --all is one table with leading Region and Site', () => {
  it('puts every site\'s rows under one header; failed sites stay on stderr', () => {
    const routes = recorded('routes__dc-as-reuse__all.json');
    const { stdout, stderr, exitCode } = formatEverySite(allSitesOutcomes((where) => [resultOf('routes', routes, where)]), csv);
    const rows = assertOneTable(stdout, ['Region', 'Site', ...routes.columns.map((c) => c.name)]);
    assert.equal(rows.length, 1 + 2 * routes.rows.length);
    assert.deepEqual([...new Set(rows.slice(1).map((r) => `${r[0]}/${r[1]}`))], ['asia/bangalore', 'north_america/nyc']);
    assert.match(stderr, /netq: error: lab\/empty: /);
    assert.match(stderr, /netq: 4 sites: 2 answered .* 2 failed \(lab\/empty, lab\/broken\)/);
    assert.equal(exitCode, 2);
  });

  it('takes the union of the sites\' columns, leaving a missing one empty', () => {
    const outcomes = allSitesOutcomes((where) => [
      resultOf('nodeProperties', answerOf(where.site === 'nyc' ? [['Node', 'Node'], ['NTP_Servers', 'List<String>']] : [['Node', 'Node']], [{ Node: { name: `${where.site}-r1` }, NTP_Servers: ['10.0.0.1'] }]), where),
    ]);
    const rows = assertOneTable(formatEverySite(outcomes, csv).stdout, ['Region', 'Site', 'Node', 'NTP_Servers']);
    assert.deepEqual(rows.slice(1), [['asia', 'bangalore', 'bangalore-r1', ''], ['north_america', 'nyc', 'nyc-r1', '["10.0.0.1"]']]);
  });

  it('summary --all is one table too', () => {
    const rows = assertOneTable(formatEverySummary(allSitesOutcomes(summaryResults), csv).stdout);
    assert.deepEqual(rows[0]!.slice(0, 2), ['Region', 'Site']);
    assert.equal(rows.length, 5);
  });

  it('parse-status --all --table parseWarning is one table', () => {
    const rows = assertOneTable(formatEverySite(allSitesOutcomes(parseStatusResults), { ...csv, table: 'parseWarning' }).stdout);
    assert.deepEqual(rows[0], ['Region', 'Site', 'Filename', 'Line', 'Text', 'Parser_Context', 'Comment']);
  });
});

describe('CSV: a command of several answers takes --table', () => {
  const request = { questions: parseStatusResults({ region: 'asia', site: 'bangalore' }).map((r) => ({ question: r.question, parameters: {} })), all: false, differential: false };

  it('refuses CSV without --table, naming the choices', () => {
    assert.throws(
      () => checkOutputOptions(request, { format: 'csv' }),
      (e: unknown) => e instanceof InputError && e.exitCode === 2 && e.hint === 'pick one with --table fileParseStatus|initIssues|parseWarning',
    );
  });

  it('refuses a --table that is none of them', () => {
    assert.throws(() => checkOutputOptions(request, { format: 'csv', table: 'warnings' }), /--table 'warnings' is not one of this command's answers/);
  });

  it('prints the one table --table names', () => {
    checkOutputOptions(request, { format: 'csv', table: 'initIssues' });
    const { stdout } = formatSiteAnswers(parseStatusResults({ region: 'asia', site: 'bangalore' }), { ...csv, table: 'initIssues' });
    const rows = assertOneTable(stdout, ['Nodes', 'Source_Lines', 'Type', 'Details', 'Line_Text', 'Parser_Context']);
    assert.deepEqual(rows[1], ['["r1"]', '["configs/r1.cfg:[4, 5]"]', 'Parse warning', 'This syntax is unrecognized', 'foo bar', '""']);
  });
});
