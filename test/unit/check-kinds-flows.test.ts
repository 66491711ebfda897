import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, spec, evaluate, questionsOf, flow } from './check-kinds-fixture.js';

describe('check kinds: loops and flows', () => {
  it('reports each forwarding loop by its flow', () => {
    const answer = table('detectLoops', [{ Flow: flow('core-rtr01', '10.9.9.9'), Traces: [{ disposition: 'LOOP', hops: [] }], TraceCount: 1 }]);
    const drafts = evaluate(spec('no-forwarding-loops'), [answer]);
    assert.deepEqual(drafts.map((d) => d.message), ['forwarding loop: start=core-rtr01 [10.0.0.5:49152->10.9.9.9:443 TCP]']);
    assert.deepEqual(drafts[0]?.keyValues, ['core-rtr01', '', 'default', '10.9.9.9']);
    assert.deepEqual(evaluate(spec('no-forwarding-loops'), [table('detectLoops', [])]), []);
  });

  it('flows-succeed asks reachability for failing flows from the start location, as assert_flows_succeed', () => {
    const check = spec('flows-succeed', { headers: { dstIps: '10.9.9.9', applications: ['HTTPS'] }, 'start-location': 'edge-sw01' });
    assert.deepEqual(questionsOf(check), [
      {
        question: 'reachability',
        parameters: { headers: { dstIps: '10.9.9.9', applications: ['HTTPS'] }, pathConstraints: { startLocation: 'edge-sw01' }, actions: 'failure' },
      },
    ]);
    const answer = table('reachability', [
      { Flow: flow('edge-sw01', '10.9.9.9'), Traces: [{ disposition: 'DENIED_IN', hops: [] }, { disposition: 'NO_ROUTE', hops: [] }], TraceCount: 2 },
    ]);
    const drafts = evaluate(check, [answer]);
    assert.deepEqual(drafts.map((d) => d.message), ['flow start=edge-sw01 [10.0.0.5:49152->10.9.9.9:443 TCP] fails (DENIED_IN, NO_ROUTE)']);
    assert.deepEqual(evaluate(check, [table('reachability', [])]), []);
  });

  it('flows-fail asks for succeeding flows, as assert_flows_fail', () => {
    const check = spec('flows-fail', { headers: { dstIps: '10.9.9.9' }, pathConstraints: { startLocation: 'x', endLocation: 'y' } });
    assert.deepEqual(questionsOf(check)[0]?.parameters, {
      headers: { dstIps: '10.9.9.9' },
      pathConstraints: { startLocation: 'x', endLocation: 'y' },
      actions: 'success',
    });
    const answer = table('reachability', [{ Flow: flow('x', '10.9.9.9'), Traces: [{ disposition: 'ACCEPTED', hops: [] }], TraceCount: 1 }]);
    assert.deepEqual(evaluate(check, [answer]).map((d) => d.message), ['flow start=x [10.0.0.5:49152->10.9.9.9:443 TCP] succeeds (ACCEPTED)']);
  });
});
