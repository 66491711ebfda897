import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, spec, table } from './check-kinds-fixture.js';

describe('check kinds: OSPF sessions', () => {
  it('reports OSPF sessions whose status is not ESTABLISHED', () => {
    const answer = table('ospfSessionCompatibility', [
      { Interface: { hostname: 'r1', interface: 'Gi0/0' }, VRF: 'default', IP: '10.0.0.1', Area: 0, Remote_Interface: { hostname: 'r2', interface: 'Gi0/0' }, Session_Status: 'ESTABLISHED' },
      { Interface: { hostname: 'r1', interface: 'Gi0/1' }, VRF: 'default', IP: '10.0.1.1', Area: 0, Remote_Interface: { hostname: 'r3', interface: 'Gi0/0' }, Session_Status: 'AREA_MISMATCH' },
    ]);
    const drafts = evaluate(spec('ospf-sessions-compatible'), [answer]);
    assert.deepEqual(drafts.map((d) => d.message), ['OSPF session r1[Gi0/1] → r3[Gi0/0] (area 0) is AREA_MISMATCH']);
  });
});
