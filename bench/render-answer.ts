/**
 * One render of a large answer in a process of its own, so the speed bench can stop a render that
 * takes too long:
 *
 *   node --import tsx bench/render-answer.ts ANSWER_FILE table|csv|json
 *
 * Prints `{"ms": …, "bytes": …}`: the time netq's output function (formatSiteAnswers, what the site
 * commands print with) takes for the parsed answer, and the size of what it printed.
 */
import { readFileSync } from 'node:fs';
import type { QuestionResult } from '../src/app/site-run.js';
import { parseTableAnswer } from '../src/batfish/answer.js';
import { formatSiteAnswers } from '../src/output.js';

const [file, format] = process.argv.slice(2);
if (!file || (format !== 'table' && format !== 'csv' && format !== 'json')) {
  throw new Error('usage: render-answer.ts ANSWER_FILE table|csv|json');
}
const answer = parseTableAnswer(JSON.parse(readFileSync(file, 'utf8')));
const result: QuestionResult = {
  location: { site: 'bench', dir: '.' },
  network: 'bench',
  snapshot: 'bench-0000000000000000',
  reused: true,
  batfishVersion: { batfish: '2025.07.07.2423', apiVersion: '2.1.0' },
  batfishUrl: 'http://127.0.0.1:9996',
  question: 'routes',
  parameters: {},
  answer,
  warnings: [],
  requestCount: 0,
};
const started = performance.now();
const text = formatSiteAnswers([result], { format, terminal: { color: false }, verbose: false });
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, bytes: Buffer.byteLength(text.stdout) })}\n`);
