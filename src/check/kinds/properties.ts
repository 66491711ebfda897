/** Node properties against expected values. */
import { isObject } from '../../batfish/answer.js';
import { column, given, json, text } from './helpers.js';
import { variables, type CheckKind, type FindingDraft } from './types.js';

/** pybatfish's _assert_dict_subset: an expected map need only be a subset; anything else equal. */
function factMatches(actual: unknown, expected: unknown): boolean {
  if (isObject(expected)) {
    return isObject(actual) && Object.entries(expected).every(([k, v]) => k in actual && factMatches(actual[k], v));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => factMatches(actual[i], v));
  }
  return actual === expected;
}

export const nodeProperties: CheckKind = {
  kind: 'node-properties',
  description: 'node properties that differ from the expected values (nodeProperties, like pybatfish validate_facts)',
  defaultSeverity: 'error',
  template: 'nodeProperties',
  options: [
    ...variables(['nodes', 'properties']),
    {
      name: 'expect',
      type: 'map',
      description: 'property name → expected value (as --format json prints it), for every node that `nodes` matches',
      required: true,
    },
  ],
  pybatfish: 'validate_facts',
  rule: { short: 'Node properties have their expected values' },
  questions: (spec) => ({ properties: { question: 'nodeProperties', parameters: given(spec, ['nodes', 'properties']) } }),
  evaluate: (spec, { properties: answer }) => {
    if (!answer) return [];
    const expected = isObject(spec.with.expect) ? spec.with.expect : {};
    if (answer.rows.length === 0) {
      const nodes = typeof spec.with.nodes === 'string' ? spec.with.nodes : '.*';
      return [
        {
          message: `no node matches '${nodes}'`,
          row: { Node: null, Property: null, Expected: expected, Actual: null },
          location: null,
          keyValues: ['no-node', nodes],
        },
      ];
    }
    return answer.rows.flatMap((row) => {
      const node = text(answer, row, 'Node');
      return Object.entries(expected).flatMap(([property, want]): FindingDraft[] => {
        const present = column(answer, property) !== undefined;
        const actual = present ? json(answer, row, property) : null;
        if (present && factMatches(actual, want)) return [];
        return [
          {
            message: present
              ? `${node}: ${property} is ${JSON.stringify(actual)}, expected ${JSON.stringify(want)}`
              : `${node}: Batfish reports no property ${property} (expected ${JSON.stringify(want)})`,
            row: { Node: node, Property: property, Expected: want, Actual: actual },
            location: null,
            keyValues: [node, property],
          },
        ];
      });
    });
  },
};
