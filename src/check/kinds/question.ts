/** Any Batfish question, and how many rows it may return. */
import { isObject, type TableAnswer } from '../../batfish/answer.js';
import { toText } from '../../render/index.js';
import { evidence, firstLineOf, keyTexts, rowLocation } from './helpers.js';
import type { CheckKind } from './types.js';

/** Key cells of a row as `Column=value`, for a one-line message. */
function rowSummary(answer: TableAnswer, row: Record<string, unknown>): string {
  const keys = answer.columns.filter((c) => c.isKey);
  const shown = (keys.length ? keys : answer.columns).slice(0, 4);
  return firstLineOf(shown.map((c) => `${c.name}=${toText(c.schema, row[c.name])}`).join(', '), 200);
}

export const question: CheckKind = {
  kind: 'question',
  description: 'any Batfish question with its parameters, and how many rows it may return (expect: {rows: 0} by default)',
  defaultSeverity: 'error',
  options: [
    { name: 'question', type: 'string', description: 'the question template, e.g. routes (netq questions lists them)', required: true, template: true },
    { name: 'parameters', type: 'map', description: "the template's parameters", default: {}, parametersOf: 'question' },
  ],
  expect: true,
  pybatfish: 'assert_zero_results / assert_num_results',
  rule: { short: 'A Batfish question answers as expected' },
  questions: (spec) => ({
    question: {
      question: String(spec.with.question),
      parameters: isObject(spec.with.parameters) ? spec.with.parameters : {},
    },
  }),
  evaluate: (spec, { question: answer }, site) => {
    if (!answer) return [];
    const name = String(spec.with.question);
    const count = answer.rows.length;
    const expect = spec.expect ?? { rows: 0 };
    if (expect.minRows !== undefined) {
      if (count >= expect.minRows) return [];
      return [
        {
          message: `${name} returned ${count} row${count === 1 ? '' : 's'}, expected at least ${expect.minRows}`,
          row: { question: name, rows: count, minRows: expect.minRows },
          location: null,
          keyValues: ['min-rows'],
        },
      ];
    }
    const rows = expect.rows ?? 0;
    if (rows === 0) {
      // Each row is a problem of its own (pybatfish assert_zero_results), so each is a finding.
      return answer.rows.map((row) => ({
        message: `${name}: ${rowSummary(answer, row)}`,
        row: evidence(answer, row),
        location: rowLocation(answer, row, site),
        keyValues: keyTexts(answer, row),
      }));
    }
    if (count === rows) return [];
    return [
      {
        message: `${name} returned ${count} row${count === 1 ? '' : 's'}, expected ${rows}`,
        row: { question: name, rows: count, expected: rows },
        location: null,
        keyValues: ['rows'],
      },
    ];
  },
};
