import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, spec, evaluate, node } from './check-kinds-fixture.js';

describe('check kinds: node properties', () => {
  const props = table('nodeProperties', [
    { Node: node('core-rtr01'), Configuration_Format: 'CISCO_IOS', Domain_Name: 'nyc.example.net', NTP_Servers: ['10.0.0.1', '10.0.0.2'] },
    { Node: node('core-rtr02'), Configuration_Format: 'CISCO_IOS', Domain_Name: null, NTP_Servers: ['10.0.0.1'] },
  ]);

  it('node-properties names node, property, expected and actual for each mismatch, like validate_facts', () => {
    const check = spec('node-properties', { nodes: 'core.*', expect: { NTP_Servers: ['10.0.0.1', '10.0.0.2'], Domain_Name: 'nyc.example.net', SNMP_Source: 'Lo0' } });
    const drafts = evaluate(check, [props]);
    assert.deepEqual(drafts.map((d) => d.message), [
      'core-rtr01: Batfish reports no property SNMP_Source (expected "Lo0")',
      'core-rtr02: NTP_Servers is ["10.0.0.1"], expected ["10.0.0.1","10.0.0.2"]',
      'core-rtr02: Domain_Name is null, expected "nyc.example.net"',
      'core-rtr02: Batfish reports no property SNMP_Source (expected "Lo0")',
    ]);
    assert.deepEqual(drafts[1]?.row, { Node: 'core-rtr02', Property: 'NTP_Servers', Expected: ['10.0.0.1', '10.0.0.2'], Actual: ['10.0.0.1'] });
    assert.deepEqual(drafts[1]?.keyValues, ['core-rtr02', 'NTP_Servers']);
    assert.deepEqual(evaluate(spec('node-properties', { expect: { Configuration_Format: 'CISCO_IOS' } }), [props]), []);
  });

  it('node-properties fails when no node matches', () => {
    const drafts = evaluate(spec('node-properties', { nodes: 'nothing.*', expect: { Domain_Name: 'x' } }), [table('nodeProperties', [])]);
    assert.deepEqual(drafts.map((d) => d.message), ["no node matches 'nothing.*'"]);
  });
});
