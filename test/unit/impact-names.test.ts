/**
 * Node names in a flow scope are resolved by netq, once, on the side a change is compared with
 * (issue 18, differential pitfalls): Batfish would resolve them on each side, so a fork with the
 * node down, or a head that renumbers it, would silently compare other flows or none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { namedIpNodes, resolveNamedIps } from '../../src/check/impact/names.js';

const owners: TableAnswer = {
  columns: [
    { name: 'Node', schema: 'Node', isKey: true, isValue: false, description: '' },
    { name: 'Interface', schema: 'String', isKey: true, isValue: false, description: '' },
    { name: 'IP', schema: 'Ip', isKey: true, isValue: false, description: '' },
    { name: 'Active', schema: 'Boolean', isKey: false, isValue: true, description: '' },
  ],
  rows: [
    { Node: { id: 'node-server2', name: 'server2' }, Interface: 'eth0', IP: '10.0.0.5', Active: true },
    { Node: { id: 'node-server2', name: 'server2' }, Interface: 'eth1', IP: '10.0.1.5', Active: true },
    { Node: { id: 'node-server2', name: 'server2' }, Interface: 'eth2', IP: '10.0.2.5', Active: false },
  ],
  summary: { numFailed: 0, numPassed: 0, numResults: 3 },
  warnings: [],
};

describe('named IPs in a flow scope', () => {
  it('finds bare node names among addresses, prefixes and ranges, in srcIps and dstIps only', () => {
    assert.deepEqual(namedIpNodes({ headers: { dstIps: 'server2, 10.0.0.0/8', srcIps: '1.1.1.1-1.1.1.9,Server3', dstPorts: 'ssh' } }), ['Server3', 'server2']);
    assert.deepEqual(namedIpNodes({ headers: { dstIps: '10.0.0.1' } }), []);
    assert.deepEqual(namedIpNodes({}), []);
  });

  it('replaces a name with its active addresses and keeps the rest; a name with none is unresolved', () => {
    const { parameters, unresolved } = resolveNamedIps({ headers: { dstIps: 'SERVER2,192.168.0.0/16', ipProtocols: ['tcp'] }, maxTraces: 1 }, owners);
    assert.deepEqual(parameters, { headers: { dstIps: '10.0.0.5,10.0.1.5,192.168.0.0/16', ipProtocols: ['tcp'] }, maxTraces: 1 });
    assert.deepEqual(unresolved, []);
    assert.deepEqual(resolveNamedIps({ headers: { srcIps: 'gone' } }, owners).unresolved, ['gone']);
  });
});
