import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { BatfishAnswerError } from '../../src/errors.js';
import { bgpSessionEdges, bgpSessionKey, failingSessionKeys } from '../../src/check/kinds/index.js';
import { table, recorded, spec, evaluate, questionsOf, node, ip } from './check-kinds-fixture.js';

describe('check kinds: BGP sessions', () => {
  const live = recorded('bgpSessionStatus__example-live__nodes-as2_remoteNodes-as3_before-session-vrf.json');

  it('passes the recorded ESTABLISHED session of example-live', () => {
    assert.equal(live.rows.length, 1);
    assert.deepEqual(evaluate(spec('bgp-sessions-established'), [live]), []);
  });

  it('reports only compatible sessions that are NOT_ESTABLISHED, as pybatfish does', () => {
    const broken: TableAnswer = {
      ...live,
      rows: [
        ...live.rows,
        { ...live.rows[0], Remote_IP: ip('10.23.21.9'), Established_Status: 'NOT_ESTABLISHED' },
        { ...live.rows[0], Remote_IP: ip('10.23.21.10'), Established_Status: 'NOT_COMPATIBLE' },
      ],
    };
    const drafts = evaluate(spec('bgp-sessions-established'), [broken]);
    assert.deepEqual(drafts.map((d) => d.message), ['BGP session as2border2 → 10.23.21.9 (EBGP_SINGLEHOP) is NOT_ESTABLISHED']);
    assert.deepEqual(drafts[0]?.keyValues, ['as2border2', 'default', '10.23.21.9']);
    assert.equal(drafts[0]?.row.Remote_IP, '10.23.21.9');
    assert.equal(drafts[0]?.row.Node, 'as2border2');
  });

  it('asks bgpSessionStatus without a status filter, so the answer also draws the session graph', () => {
    assert.deepEqual(questionsOf(spec('bgp-sessions-established', { nodes: 'core.*' })), [
      { question: 'bgpSessionStatus', parameters: { nodes: 'core.*' } },
    ]);
  });

  const compat = table(
    'bgpSessionCompatibility',
    ['UNIQUE_MATCH', 'DYNAMIC_MATCH', 'UNKNOWN_REMOTE', 'NO_MATCH_FOUND', 'LOCAL_IP_UNKNOWN_STATICALLY'].map((status, i) => ({
      Node: node('core-rtr01'), VRF: 'default', Remote_IP: ip(`10.10.3.${i + 1}`), Session_Type: 'EBGP_SINGLEHOP', Configured_Status: status,
    })),
  );

  it('passes UNIQUE_MATCH, DYNAMIC_MATCH and UNKNOWN_REMOTE by default, like assert_no_incompatible_bgp_sessions', () => {
    const drafts = evaluate(spec('bgp-sessions-compatible'), [compat]);
    assert.deepEqual(drafts.map((d) => d.message), [
      'BGP session core-rtr01 → 10.10.3.4 (EBGP_SINGLEHOP) is NO_MATCH_FOUND',
      'BGP session core-rtr01 → 10.10.3.5 (EBGP_SINGLEHOP) is LOCAL_IP_UNKNOWN_STATICALLY',
    ]);
  });

  it('fails every returned session when status is given, and honours allowed-statuses', () => {
    assert.equal(evaluate(spec('bgp-sessions-compatible', { status: 'UNIQUE_MATCH' }), [compat]).length, 5);
    const strict = evaluate(spec('bgp-sessions-compatible', { 'allowed-statuses': ['UNIQUE_MATCH'] }), [compat]);
    assert.equal(strict.length, 4);
  });

  it('gives the sessions for a picture, ok / external / broken, with failing ones marked', () => {
    const failing = failingSessionKeys([{ kind: 'bgp-sessions-compatible', row: { Node: 'core-rtr01', VRF: 'default', Remote_IP: '10.10.3.4' } }]);
    assert.ok(failing.has(bgpSessionKey('core-rtr01', 'default', '10.10.3.4')));
    assert.deepEqual(
      bgpSessionEdges(compat, failing).map((e) => `${e.node}>${e.remote}:${e.status}:${e.state}:${e.failing}`),
      [
        'core-rtr01>10.10.3.1:UNIQUE_MATCH:ok:false',
        'core-rtr01>10.10.3.2:DYNAMIC_MATCH:ok:false',
        'core-rtr01>10.10.3.3:UNKNOWN_REMOTE:external:false',
        'core-rtr01>10.10.3.4:NO_MATCH_FOUND:broken:true',
        'core-rtr01>10.10.3.5:LOCAL_IP_UNKNOWN_STATICALLY:external:false',
      ],
    );
    assert.deepEqual(bgpSessionEdges(live), [
      { node: 'as2border2', remote: 'as3border1', status: 'ESTABLISHED', state: 'ok', failing: false },
    ]);
  });
  it('is an answer error when Batfish leaves out the column a verdict needs', () => {
    const odd = table('detectLoops', []);
    assert.throws(() => evaluate(spec('bgp-sessions-established'), [odd]), BatfishAnswerError);
  });
});
