import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { recorded, spec, evaluate, questionsOf } from './check-kinds-fixture.js';

describe('check kinds: routes', () => {
  const routes = recorded('routes__dc-as-reuse__all.json');
  // Batfish filters by network itself; the recorded answer holds every route, so pick as it would.
  const routesTo = (network: string): TableAnswer => ({ ...routes, rows: routes.rows.filter((r) => r.Network === network) });

  it('route-present passes when the recorded routes have the prefix and fails once when none does', () => {
    const check = spec('route-present', { network: '2.0.0.0/31', nodes: 'plane_0_spine_0' });
    assert.deepEqual(questionsOf(check), [
      { question: 'routes', parameters: { nodes: 'plane_0_spine_0', network: '2.0.0.0/31' } },
    ]);
    assert.ok(routesTo('2.0.0.0/31').rows.length > 0);
    assert.deepEqual(evaluate(check, [routesTo('2.0.0.0/31')]), []);
    const missing = evaluate(spec('route-present', { network: '192.0.2.0/24', vrfs: 'default' }), [routesTo('192.0.2.0/24')]);
    assert.deepEqual(missing.map((d) => [d.message, d.row]), [
      ['no route to 192.0.2.0/24 on any node vrf default', { network: '192.0.2.0/24', vrfs: 'default' }],
    ]);
  });

  it('route-absent reports each recorded route that matches', () => {
    const answer = routesTo('2.0.0.0/31');
    const drafts = evaluate(spec('route-absent', { network: '2.0.0.0/31' }), [answer]);
    assert.equal(drafts.length, answer.rows.length);
    assert.equal(drafts[0]?.message, 'plane_0_spine_0 has a route to 2.0.0.0/31 via connected (interface Ethernet1)');
    assert.deepEqual(drafts[0]?.row.Next_Hop, { type: 'interface', interface: 'Ethernet1' });
    assert.deepEqual(drafts[0]?.keyValues, ['plane_0_spine_0', 'default', '2.0.0.0/31', 'connected', 'interface Ethernet1']);
  });
});
