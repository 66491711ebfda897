/** Answers and results for the output tests: the recorded answers, and small hand-built ones. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SiteOutcome } from '../../src/app/all-sites.js';
import type { QuestionResult } from '../../src/app/site-run.js';
import { parseTableAnswer, type TableAnswer } from '../../src/batfish/answer.js';
import { BatfishAnswerError, InputError } from '../../src/errors.js';
import { FIXTURES_DIR, RECORDED_ANSWERS } from '../support/recorded.js';

/** A recorded answer (test/fixtures/answers), validated as netq reads it. */
export function recorded(file: string): TableAnswer {
  return parseTableAnswer(JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'answers', file), 'utf8')));
}

/** Every recorded table answer, with its question. */
export function recordedAnswers(): Array<{ question: string; file: string; answer: TableAnswer }> {
  return RECORDED_ANSWERS.map((r) => ({ question: r.question, file: r.file, answer: recorded(r.file) }));
}

/** A table answer with these columns ([name, schema]) and rows. */
export function answerOf(columns: Array<[string, string]>, rows: Array<Record<string, unknown>>): TableAnswer {
  return {
    columns: columns.map(([name, schema], i) => ({ name, schema, description: name.replace(/_/g, ' '), isKey: i === 0, isValue: i !== 0 })),
    rows: rows.map((r) => Object.fromEntries(columns.map(([name]) => [name, r[name] ?? null]))),
    summary: { numResults: rows.length, numFailed: 0, numPassed: 0, notes: `Found ${rows.length} results` },
    warnings: [],
  };
}

/** A result as the application layer returns it, for a site (or a snapshot folder when region is null). */
export function resultOf(question: string, answer: TableAnswer, where: { region: string | null; site: string } = { region: 'north_america', site: 'nyc' }): QuestionResult {
  return {
    location: { ...(where.region ? { region: where.region } : {}), site: where.site, dir: `/regions/${where.region ?? ''}/${where.site}` },
    network: where.region ?? 'netq',
    snapshot: `${where.site}-0123456789abcdef`,
    reused: false,
    batfishVersion: { batfish: '2025.07.07.2423', apiVersion: '2.0' },
    batfishUrl: 'http://127.0.0.1:9996',
    question,
    parameters: {},
    answer,
    warnings: [],
    requestCount: 7,
  };
}

/** The five empty answers behind `netq summary`, with a few rows so the counts are not all zero. */
export function summaryResults(where: { region: string | null; site: string }): QuestionResult[] {
  const node = (name: string) => ({ id: `node-${name}`, name });
  return [
    resultOf('fileParseStatus', answerOf([['File_Name', 'String'], ['Status', 'String'], ['File_Format', 'String'], ['Nodes', 'List<Node>']], [
      { File_Name: 'configs/r1.cfg', Status: 'PASSED', File_Format: 'CISCO_IOS', Nodes: [node('r1')] },
      { File_Name: 'configs/r2.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'CISCO_IOS', Nodes: [node('r2')] },
    ]), where),
    resultOf('nodeProperties', answerOf([['Node', 'Node']], [{ Node: node('r1') }, { Node: node('r2') }]), where),
    resultOf('bgpSessionCompatibility', answerOf([['Node', 'Node'], ['Configured_Status', 'String']], [
      { Node: node('r1'), Configured_Status: 'UNIQUE_MATCH' },
      { Node: node('r1'), Configured_Status: 'UNKNOWN_REMOTE' },
      { Node: node('r2'), Configured_Status: 'NO_MATCH_FOUND' },
    ]), where),
    resultOf('undefinedReferences', answerOf([['File_Name', 'String']], []), where),
    resultOf('ipOwners', answerOf([['IP', 'Ip']], [{ IP: '10.0.0.1' }, { IP: '10.0.0.1' }]), where),
  ];
}

/** --all outcomes: two answered sites and one that failed (no configs), in site order. */
export function allSitesOutcomes(results: (where: { region: string; site: string }) => QuestionResult[]): SiteOutcome[] {
  return [
    { source: { kind: 'site', regionsDir: '/regions', region: 'asia', site: 'bangalore' }, results: results({ region: 'asia', site: 'bangalore' }) },
    {
      source: { kind: 'site', regionsDir: '/regions', region: 'lab', site: 'empty' },
      error: new InputError('site lab/empty (/regions/lab/empty) has no device configs', { hint: 'put the configs under configs/' }),
    },
    { source: { kind: 'site', regionsDir: '/regions', region: 'north_america', site: 'nyc' }, results: results({ region: 'north_america', site: 'nyc' }) },
    { source: { kind: 'site', regionsDir: '/regions', region: 'lab', site: 'broken' }, error: new BatfishAnswerError('Batfish could not answer the question (status FAILURE)') },
  ];
}

/** The three parse-status answers of one site (shapes of the Batfish answerers). */
export function parseStatusResults(where: { region: string | null; site: string }): QuestionResult[] {
  return [
    resultOf('fileParseStatus', answerOf([['File_Name', 'String'], ['Status', 'String'], ['File_Format', 'String'], ['Nodes', 'List<Node>']], [
      { File_Name: 'configs/r1.cfg', Status: 'PASSED', File_Format: 'CISCO_IOS', Nodes: [{ id: 'node-r1', name: 'r1' }] },
      { File_Name: 'configs/notes, old.txt', Status: 'EMPTY', File_Format: 'EMPTY', Nodes: [] },
    ]), where),
    resultOf('initIssues', answerOf([['Nodes', 'List<String>'], ['Source_Lines', 'List<FileLines>'], ['Type', 'String'], ['Details', 'String'], ['Line_Text', 'String'], ['Parser_Context', 'String']], [
      { Nodes: ['r1'], Source_Lines: [{ filename: 'configs/r1.cfg', lines: [4, 5] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'foo bar', Parser_Context: '' },
    ]), where),
    resultOf('parseWarning', answerOf([['Filename', 'String'], ['Line', 'Integer'], ['Text', 'String'], ['Parser_Context', 'String'], ['Comment', 'String']], [
      { Filename: 'configs/r1.cfg', Line: 4, Text: 'foo bar', Parser_Context: '[s_interface]', Comment: 'This syntax is unrecognized' },
    ]), where),
  ];
}
