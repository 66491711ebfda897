import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, spec, evaluate, questionsOf, node } from './check-kinds-fixture.js';

describe('check kinds: addresses and router IDs', () => {
  it('reports each owner of a duplicate IP, naming the others', () => {
    const answer = table('ipOwners', [
      { Node: node('core-rtr01'), VRF: 'default', Interface: 'Loopback0', IP: '10.0.0.1', Mask: 32, Active: true },
      { Node: node('edge-rtr02'), VRF: 'default', Interface: 'Loopback0', IP: '10.0.0.1', Mask: 32, Active: true },
    ]);
    assert.deepEqual(evaluate(spec('no-duplicate-ips'), [answer]).map((d) => d.message), [
      'IP 10.0.0.1 on core-rtr01[Loopback0] is also owned by edge-rtr02[Loopback0]',
      'IP 10.0.0.1 on edge-rtr02[Loopback0] is also owned by core-rtr01[Loopback0]',
    ]);
    assert.deepEqual(questionsOf(spec('no-duplicate-ips')), [
      { question: 'ipOwners', parameters: { duplicatesOnly: true } },
    ]);
  });

  const bgp = table('bgpProcessConfiguration', [
    { Node: node('r1'), VRF: 'default', Router_ID: '1.1.1.1' },
    { Node: node('r2'), VRF: 'default', Router_ID: '1.1.1.1' },
    { Node: node('r3'), VRF: 'default', Router_ID: '3.3.3.3' },
    { Node: node('r3'), VRF: 'BLUE', Router_ID: '3.3.3.3' },
    { Node: node('r4'), VRF: 'default', Router_ID: '4.4.4.4' },
  ]);
  const ospf = table('ospfProcessConfiguration', [
    { Node: node('r1'), VRF: 'default', Process_ID: '1', Router_ID: '9.9.9.9' },
    { Node: node('r2'), VRF: 'default', Process_ID: '1', Router_ID: '9.9.9.9' },
  ]);

  it('reports router IDs shared by processes of BGP and OSPF, as assert_no_duplicate_router_ids', () => {
    const drafts = evaluate(spec('no-duplicate-router-ids'), [bgp, ospf]);
    assert.deepEqual(drafts.map((d) => d.message), [
      'BGP router ID 1.1.1.1 of r1 is also used by r2',
      'BGP router ID 1.1.1.1 of r2 is also used by r1',
      'BGP router ID 3.3.3.3 of r3 is also used by r3 vrf BLUE',
      'BGP router ID 3.3.3.3 of r3 vrf BLUE is also used by r3',
      'OSPF router ID 9.9.9.9 of r1 is also used by r2',
      'OSPF router ID 9.9.9.9 of r2 is also used by r1',
    ]);
    assert.deepEqual(drafts[4]?.keyValues, ['ospf', 'r1', 'default', '1', '9.9.9.9']);
  });

  it('with ignore-same-node only reports IDs used by different nodes; protocols picks the questions', () => {
    const drafts = evaluate(spec('no-duplicate-router-ids', { 'ignore-same-node': true }), [bgp, ospf]);
    assert.equal(drafts.filter((d) => d.message.includes('3.3.3.3')).length, 0);
    assert.equal(drafts.length, 4);
    const ospfOnly = spec('no-duplicate-router-ids', { protocols: ['ospf'], nodes: 'r.*' });
    assert.deepEqual(questionsOf(ospfOnly), [
      { question: 'ospfProcessConfiguration', parameters: { nodes: 'r.*' } },
    ]);
    assert.equal(evaluate(ospfOnly, [ospf]).length, 2);
  });
});
