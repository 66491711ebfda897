/** Forwarding: loops, flows that must succeed or fail. */
import { isObject } from '../../batfish/answer.js';
import { flowText } from '../../render/flow-text.js';
import type { CheckSpec, QuestionAsk } from '../model.js';
import { dispositionsOf, evidence, flowKey, given, need } from './helpers.js';
import { variables, type CheckKind, type OwnOption } from './types.js';

export const noForwardingLoops: CheckKind = {
  kind: 'no-forwarding-loops',
  description: 'flows that loop (detectLoops)',
  defaultSeverity: 'error',
  template: 'detectLoops',
  options: variables(['maxTraces']),
  pybatfish: 'assert_no_forwarding_loops',
  rule: { short: 'No forwarding loops' },
  questions: (spec) => ({ loops: { question: 'detectLoops', parameters: given(spec, ['maxTraces']) } }),
  evaluate: (_spec, { loops: answer }) => {
    if (!answer) return [];
    need(answer, 'Flow', 'detectLoops');
    return answer.rows.map((row) => {
      const flow = row.Flow;
      const dstIp = isObject(flow) ? String(flow.dstIp ?? '') : '';
      return {
        message: `forwarding loop: ${flowText(flow)}`,
        row: evidence(answer, row),
        location: null,
        keyValues: [...flowKey(flow), dstIp],
      };
    });
  },
};

const START_LOCATION: OwnOption = {
  name: 'start-location',
  type: 'string',
  description: 'where the flows start (location specifier); sets pathConstraints.startLocation',
};

function reachabilityAsk(spec: CheckSpec, actions: string): QuestionAsk {
  const parameters = given(spec, ['headers', 'pathConstraints', 'ignoreFilters', 'maxTraces']);
  const start = spec.with['start-location'];
  if (start !== undefined) {
    const paths = isObject(parameters.pathConstraints) ? parameters.pathConstraints : {};
    parameters.pathConstraints = { ...paths, startLocation: start };
  }
  return { question: 'reachability', parameters: { ...parameters, actions } };
}

export function flowsKind(kind: 'flows-succeed' | 'flows-fail'): CheckKind {
  const succeed = kind === 'flows-succeed';
  return {
    kind,
    description: succeed
      ? 'flows from a start location with given headers that fail (reachability actions=failure)'
      : 'flows from a start location with given headers that succeed (reachability actions=success)',
    defaultSeverity: 'error',
    template: 'reachability',
    options: [...variables(['headers', 'pathConstraints', 'ignoreFilters', 'maxTraces'], ['headers']), START_LOCATION],
    pybatfish: succeed ? 'assert_flows_succeed' : 'assert_flows_fail',
    rule: { short: succeed ? 'The flows are delivered' : 'The flows are dropped' },
    // pybatfish searches for the opposite outcome: any flow found is a counterexample.
    questions: (spec) => ({ flows: reachabilityAsk(spec, succeed ? 'failure' : 'success') }),
    evaluate: (_spec, { flows: answer }) => {
      if (!answer) return [];
      need(answer, 'Flow', 'reachability');
      return answer.rows.map((row) => {
        const outcomes = dispositionsOf(row.Traces);
        return {
          message: `flow ${flowText(row.Flow)} ${succeed ? 'fails' : 'succeeds'}${outcomes.length ? ` (${outcomes.join(', ')})` : ''}`,
          row: evidence(answer, row),
          location: null,
          keyValues: [...flowKey(row.Flow), ...outcomes],
        };
      });
    },
  };
}
