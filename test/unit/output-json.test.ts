import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEverySummary, formatSummary, summaryDocument } from '../../src/commands/summary.js';
import { allSitesDocument, formatEverySite } from '../../src/output-all-sites.js';
import { answerEnvelope, formatSiteAnswers, type AnswerOutputOptions } from '../../src/output.js';
import { NETQ_VERSION } from '../../src/version.js';
import { assertValid, validator } from './output-schemas.js';
import { allSitesOutcomes, parseStatusResults, recordedAnswers, resultOf, summaryResults } from './output-fixtures.js';

const json: AnswerOutputOptions = { format: 'json', terminal: { color: false }, verbose: false };

describe('JSON contract: one answer', () => {
  for (const { question, file, answer } of recordedAnswers()) {
    it(`the envelope of ${file} validates against netq-answer.schema.json and names region and site`, () => {
      const { stdout, exitCode } = formatSiteAnswers([resultOf(question, answer)], json);
      assert.equal(exitCode, 0);
      assertValid('netq-answer.schema.json', stdout);
      const doc = JSON.parse(stdout) as Record<string, unknown>;
      assert.equal(doc.region, 'north_america');
      assert.equal(doc.site, 'nyc');
      assert.equal((doc.rows as unknown[]).length, answer.rows.length);
    });
  }

  it('keeps every field scripts already read (fields are only ever added)', () => {
    const doc = answerEnvelope(resultOf('routes', recordedAnswers().find((r) => r.question === 'routes')!.answer));
    for (const field of ['netqVersion', 'batfishVersion', 'network', 'snapshot', 'referenceSnapshot', 'question', 'columns', 'rows', 'summary', 'warnings']) {
      assert.ok(field in doc, field);
    }
    assert.equal(doc.netqVersion, NETQ_VERSION);
  });

  it('names a snapshot folder with a null region and the folder as site', () => {
    const doc = answerEnvelope(resultOf('routes', recordedAnswers()[0]!.answer, { region: null, site: 'example-live' }));
    assertValid('netq-answer.schema.json', doc);
    assert.deepEqual([doc.region, doc.site], [null, 'example-live']);
  });

  it('the schema rejects a missing site and an unknown field', () => {
    const doc = answerEnvelope(resultOf('routes', recordedAnswers()[0]!.answer)) as unknown as Record<string, unknown>;
    const validate = validator('netq-answer.schema.json');
    assert.equal(validate({ ...doc, site: undefined }), false);
    assert.equal(validate({ ...doc, extra: 1 }), false);
  });
});

describe('JSON contract: parse-status', () => {
  it('is one document holding its three answers by question', () => {
    const { stdout } = formatSiteAnswers(parseStatusResults({ region: 'asia', site: 'bangalore' }), json);
    assertValid('netq-answers.schema.json', stdout);
    const doc = JSON.parse(stdout) as { region: string; site: string; answers: Record<string, { question: { name: string } }> };
    assert.deepEqual(Object.keys(doc.answers), ['fileParseStatus', 'initIssues', 'parseWarning']);
    assert.deepEqual([doc.region, doc.site], ['asia', 'bangalore']);
    for (const [name, envelope] of Object.entries(doc.answers)) {
      assert.equal(envelope.question.name, name);
      assertValid('netq-answer.schema.json', envelope);
    }
  });

  it('--table prints one answer as a plain envelope', () => {
    const { stdout } = formatSiteAnswers(parseStatusResults({ region: 'asia', site: 'bangalore' }), { ...json, table: 'PARSEWARNING' });
    assertValid('netq-answer.schema.json', stdout);
    assert.equal((JSON.parse(stdout) as { question: { name: string } }).question.name, 'parseWarning');
  });
});

describe('JSON contract: --all', () => {
  it('is one document: per-site envelopes, errors naming region and site, and the roll-up', () => {
    const outcomes = allSitesOutcomes((where) => [resultOf('routes', recordedAnswers().find((r) => r.question === 'routes')!.answer, where)]);
    const { stdout, stderr, exitCode } = formatEverySite(outcomes, json);
    assertValid('netq-all-sites.schema.json', stdout);
    const doc = JSON.parse(stdout) as { sites: Array<Record<string, unknown>>; rollUp: Record<string, number> };
    assert.deepEqual(doc.sites.map((s) => [s.region, s.site, 'error' in s]), [['asia', 'bangalore', false], ['lab', 'empty', true], ['north_america', 'nyc', false], ['lab', 'broken', true]]);
    for (const entry of doc.sites.filter((s) => !('error' in s))) assertValid('netq-answer.schema.json', entry);
    assert.deepEqual(doc.rollUp, { sites: 4, answered: 2, failed: 2, rows: 2 * 198 });
    assert.equal(exitCode, 2, 'the first failed site gives the exit code');
    assert.match(stderr, /netq: error: lab\/empty: site lab\/empty/);
  });

  it('holds parse-status documents per site', () => {
    const { stdout } = formatEverySite(allSitesOutcomes(parseStatusResults), json);
    assertValid('netq-all-sites.schema.json', stdout);
    const doc = JSON.parse(stdout) as { sites: Array<Record<string, unknown>> };
    assertValid('netq-answers.schema.json', doc.sites[0]);
  });

  it('holds an empty list of sites when every site failed', () => {
    const outcomes = allSitesOutcomes(() => []).filter((o) => o.error);
    assertValid('netq-all-sites.schema.json', allSitesDocument(outcomes, () => ({}), { rows: 0 }));
  });
});

describe('JSON contract: summary', () => {
  it('one site validates against netq-summary.schema.json', () => {
    const { stdout } = formatSummary(summaryResults({ region: 'north_america', site: 'nyc' }), json);
    assertValid('netq-summary.schema.json', stdout);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(doc.bgpSessions, { total: 3, ok: 1, external: 1, broken: 1 });
    assert.equal(doc.duplicateIps, 1);
  });

  it('--all entries have the single summary\'s shape, and the roll-up adds them up', () => {
    const outcomes = allSitesOutcomes(summaryResults);
    const { stdout, exitCode } = formatEverySummary(outcomes, json);
    assertValid('netq-all-sites.schema.json', stdout);
    const doc = JSON.parse(stdout) as { sites: Array<Record<string, unknown>>; rollUp: { totals: { nodes: number; bgpSessions: { broken: number } } } };
    const single = summaryDocument(summaryResults({ region: 'asia', site: 'bangalore' }));
    assert.deepEqual(doc.sites[0], JSON.parse(JSON.stringify(single)));
    assert.deepEqual(Object.keys(doc.sites[2]!).sort(), Object.keys(single).sort());
    assertValid('netq-summary.schema.json', doc.sites[2]);
    assert.equal(doc.rollUp.totals.nodes, 4);
    assert.equal(doc.rollUp.totals.bgpSessions.broken, 2);
    assert.equal(exitCode, 2);
  });
});
