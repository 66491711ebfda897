/**
 * The impact kinds (issue 18) on answers in Batfish's differential shapes: the columns of
 * DifferentialReachabilityAnswerer (TracerouteAnswerer.metadata(true)), TableDiff of
 * TestFiltersAnswerer's table (searchFilters with a reference), CompareFiltersAnswerer and the
 * routes differential (RoutesAnswerer.getDiffTableMetadata(MAIN)), at batfish cba1873338ae.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { filterChanges, flowChanges, ipIn, routeChanges } from '../../src/check/impact/changes.js';
import { kindByName, type SiteContext } from '../../src/check/kinds/index.js';
import { planFollowUps, planQuestions } from '../../src/check/plan.js';
import type { CheckSpec } from '../../src/check/model.js';

function answer(columns: Array<[string, string, boolean]>, rows: Array<Record<string, unknown>>): TableAnswer {
  return {
    columns: columns.map(([name, schema, isKey]) => ({ name, schema, description: '', isKey, isValue: !isKey })),
    rows: rows.map((r) => Object.fromEntries(columns.map(([n]) => [n, r[n] ?? null]))),
    summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

const DIFF_REACH: Array<[string, string, boolean]> = [
  ['Flow', 'Flow', true],
  ['Snapshot_Traces', 'Set<Trace>', false],
  ['Snapshot_TraceCount', 'Integer', false],
  ['Reference_Traces', 'Set<Trace>', false],
  ['Reference_TraceCount', 'Integer', false],
];

const flow = (node: string, dstIp: string, iface?: string): Record<string, unknown> => ({
  dscp: 0, dstIp, dstPort: 33434, ecn: 0, fragmentOffset: 0, icmpCode: 255, icmpVar: 255, ingressNode: node,
  ...(iface ? { ingressInterface: iface } : {}), ingressVrf: 'default', ipProtocol: 'UDP', packetLength: 512, srcIp: '1.0.2.1', srcPort: 49152,
  tcpFlagsAck: 0, tcpFlagsCwr: 0, tcpFlagsEce: 0, tcpFlagsFin: 0, tcpFlagsPsh: 0, tcpFlagsRst: 0, tcpFlagsSyn: 0, tcpFlagsUrg: 0,
});
const trace = (disposition: string, nodes: string[]): Record<string, unknown> => ({ disposition, hops: nodes.map((n) => ({ node: n, steps: [] })) });

const REACH = answer(DIFF_REACH, [
  { Flow: flow('milan', '2.128.0.0'), Snapshot_Traces: [trace('NO_ROUTE', ['milan'])], Snapshot_TraceCount: 1, Reference_Traces: [trace('ACCEPTED', ['milan', 'london'])], Reference_TraceCount: 1 },
  { Flow: flow('milan', '2.128.0.9'), Snapshot_Traces: [trace('NO_ROUTE', ['milan'])], Snapshot_TraceCount: 1, Reference_Traces: [trace('ACCEPTED', ['milan', 'london'])], Reference_TraceCount: 1 },
  { Flow: flow('paris', '10.9.0.5', 'GigabitEthernet0/0'), Snapshot_Traces: [trace('ACCEPTED', ['paris'])], Snapshot_TraceCount: 1, Reference_Traces: [trace('DENIED_IN', ['paris'])], Reference_TraceCount: 1 },
]);

const SITE: SiteContext = { site: 'lab/impact', dirFromCwd: 'regions/lab/impact', files: ['configs/milan.cfg', 'configs/paris.cfg', 'configs/london.cfg'], hasBase: true };

const spec = (check: string, withs: Record<string, unknown> = {}): CheckSpec => ({ name: check, check, severity: 'error', with: withs, tags: [] });

describe('impact: the changes read from differential answers', () => {
  it('groups differentialReachability rows by start and outcome change, Reference being the before side', () => {
    const changes = flowChanges(REACH);
    assert.deepEqual(
      changes.map((c) => [c.start, c.before, c.after, c.change, c.flows]),
      [
        ['milan', 'ACCEPTED', 'NO_ROUTE', 'lost', 2],
        ['paris[GigabitEthernet0/0]', 'DENIED_IN', 'ACCEPTED', 'gained', 1],
      ],
    );
    assert.match(changes[0]!.example.text, /^start=milan \[1\.0\.2\.1:49152->2\.128\.0\.0:33434 UDP\]$/);
    assert.match(changes[0]!.example.before[0]!, /^ACCEPTED\n1\. node: milan\n2\. node: london/);
  });

  it('refuses a non-differential answer with what it lacks', () => {
    const plain = answer([['Flow', 'Flow', true], ['Traces', 'Set<Trace>', false]], []);
    assert.throws(() => flowChanges(plain), /no column Snapshot_Traces, Reference_Traces/);
  });

  it('reads the routes differential: unchanged rows left out, lost and gained by Entry_Presence', () => {
    const routes = answer(
      [['Node', 'Node', true], ['VRF', 'String', true], ['Network', 'Prefix', true], ['Entry_Presence', 'String', false],
        ['Snapshot_Next_Hop', 'NextHop', false], ['Reference_Next_Hop', 'NextHop', false], ['Snapshot_Protocol', 'String', false], ['Reference_Protocol', 'String', false]],
      [
        { Node: { name: 'milan' }, VRF: 'default', Network: '2.128.0.0/16', Entry_Presence: 'Only in Reference', Reference_Next_Hop: { type: 'ip', ip: '10.0.0.1' }, Reference_Protocol: 'bgp' },
        { Node: { name: 'milan' }, VRF: 'default', Network: '2.129.0.0/16', Entry_Presence: 'Unchanged', Snapshot_Protocol: 'bgp', Reference_Protocol: 'bgp' },
        { Node: { name: 'paris' }, VRF: 'default', Network: '10.9.0.0/24', Entry_Presence: 'Only in Snapshot', Snapshot_Next_Hop: { type: 'discard' }, Snapshot_Protocol: 'static' },
      ],
    );
    assert.deepEqual(routeChanges(routes).map((r) => [r.node, r.network, r.change, r.after?.protocol ?? null, r.before?.protocol ?? null]), [
      ['milan', '2.128.0.0/16', 'lost', null, 'bgp'],
      ['paris', '10.9.0.0/24', 'gained', 'static', null],
    ]);
  });

  it('reads compareFilters pairs, End of ACL included', () => {
    const cf = answer(
      [['Node', 'Node', true], ['Filter_Name', 'String', false], ['Line_Index', 'String', true], ['Line_Content', 'String', false], ['Line_Action', 'String', false], ['Reference_Line_Index', 'String', false], ['Reference_Line_Content', 'String', true]],
      [{ Node: { name: 'rtr-with-acl' }, Filter_Name: 'acl_in', Line_Index: 23, Line_Content: '462 permit tcp 10.10.10.0/24 18.18.18.0/26 eq 80', Line_Action: 'PERMIT', Reference_Line_Index: 'End of ACL', Reference_Line_Content: '' }],
    );
    assert.deepEqual(filterChanges(cf), [
      { node: 'rtr-with-acl', filter: 'acl_in', line: { index: '23', content: '462 permit tcp 10.10.10.0/24 18.18.18.0/26 eq 80', action: 'PERMIT' }, reference: { index: 'End of ACL', content: '' } },
    ]);
  });

  it('tells addresses in and out of prefixes', () => {
    assert.ok(ipIn('10.9.0.5', '10.9.0.0/24'));
    assert.ok(!ipIn('10.9.1.5', '10.9.0.0/24'));
    assert.ok(ipIn('1.2.3.4', '0.0.0.0/0'));
    assert.ok(ipIn('1.2.3.4', '1.2.3.4'));
    assert.ok(!ipIn('1.2.3.4', 'server2'));
  });
});

describe('impact kinds', () => {
  it('no-reachability-change asks against the base, and lets only the allowed changes through', () => {
    const kind = kindByName('no-reachability-change')!;
    const s = spec('no-reachability-change', { 'allow-dst-ips': ['10.9.0.0/24'] });
    assert.deepEqual(kind.questions(s), { reach: { question: 'differentialReachability', parameters: {}, against: 'base' } });
    const drafts = kind.evaluate(s, { reach: REACH }, SITE, {});
    assert.equal(drafts.length, 1);
    assert.match(drafts[0]!.message, /^2 flows from milan are no longer delivered \(ACCEPTED → NO_ROUTE\)/);
    // Where the flows now stop: milan's config.
    assert.deepEqual(drafts[0]!.location, { file: 'regions/lab/impact/configs/milan.cfg', line: null });
    // allow-change narrows it: only lost flows to the prefix may change, so the gained one fails too.
    const lostOnly = kind.evaluate(spec('no-reachability-change', { 'allow-dst-ips': ['10.9.0.0/24'], 'allow-change': 'lost' }), { reach: REACH }, SITE, {});
    assert.equal(lostOnly.length, 2);
    // Without any allow-*, every change is a finding.
    assert.equal(kind.evaluate(spec('no-reachability-change'), { reach: REACH }, SITE, {}).length, 2);
  });

  it('survives-single-failure: the default scope is every node with a BGP or OSPF session, one fork each, checked against the snapshot', () => {
    const kind = kindByName('survives-single-failure')!;
    const s = spec('survives-single-failure', { headers: { dstIps: '2.128.0.0/16' } });
    const bgp = answer([['Node', 'Node', true], ['Remote_Node', 'Node', true]], [{ Node: { name: 'milan' }, Remote_Node: { name: 'london' } }]);
    const ospf = answer([['Interface', 'Interface', true], ['Remote_Interface', 'Interface', true]], [
      { Interface: { hostname: 'paris', interface: 'Gi0/0' }, Remote_Interface: { hostname: 'london', interface: 'Gi1/0' } },
    ]);
    const first = planQuestions([s]);
    assert.deepEqual(first.map((a) => a.question), ['bgpEdges', 'ospfEdges']);
    const answers = new Map([['bgpEdges', bgp], ['ospfEdges', ospf]]);
    const more = planFollowUps([s], (a) => answers.get(a.question));
    assert.deepEqual(more.map((a) => a.fork?.deactivateNodes), [['london'], ['milan'], ['paris']]);
    for (const a of more) assert.deepEqual(a, { question: 'differentialReachability', parameters: { headers: { dstIps: '2.128.0.0/16' } }, fork: a.fork });
    // The fork with london down loses milan's flows; the others lose nothing.
    const empty = answer(DIFF_REACH, []);
    const drafts = kind.evaluate(s, { bgp, ospf, 'down:node london': REACH, 'down:node milan': empty, 'down:node paris': empty }, SITE, {});
    assert.equal(drafts.length, 1, 'only lost flows count: a flow the failure delivers is no weakness');
    assert.match(drafts[0]!.message, /^with node london down, 2 flows from milan are no longer delivered/);
    assert.deepEqual(drafts[0]!.location, { file: 'regions/lab/impact/configs/london.cfg', line: null });
    assert.equal(drafts[0]!.keyValues[0], 'node london');
  });

  it('survives-single-failure with nothing in scope warns that no failure was tried, never passes silently', () => {
    const kind = kindByName('survives-single-failure')!;
    const none = answer([['Node', 'Node', true], ['Remote_Node', 'Node', true]], []);
    const drafts = kind.evaluate(spec('survives-single-failure'), { bgp: none, ospf: none }, SITE, {});
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0]!.severity, 'warning');
    assert.match(drafts[0]!.message, /no node with a BGP or OSPF session found: no failure was tried/);
  });

  it('survives-single-failure fails a link as both its directed edges, each link once', () => {
    const kind = kindByName('survives-single-failure')!;
    const s = spec('survives-single-failure', { deactivate: 'links' });
    assert.deepEqual(Object.values(kind.questions(s)).map((a) => a.question), ['layer3Edges']);
    const edges = answer([['Interface', 'Interface', true], ['Remote_Interface', 'Interface', true]], [
      { Interface: { hostname: 'a', interface: 'e0' }, Remote_Interface: { hostname: 'b', interface: 'e1' } },
      { Interface: { hostname: 'b', interface: 'e1' }, Remote_Interface: { hostname: 'a', interface: 'e0' } },
    ]);
    const asks = Object.entries(kind.followUp!(s, { links: edges }));
    assert.equal(asks.length, 1);
    assert.equal(asks[0]![0], 'down:link a[e0] - b[e1]');
    assert.deepEqual(asks[0]![1].fork, {
      deactivateLinks: [
        { node1: 'a', node1interface: 'e0', node2: 'b', node2interface: 'e1' },
        { node1: 'b', node1interface: 'e1', node2: 'a', node2interface: 'e0' },
      ],
    });
  });

  it('filter-change-limited-to: intended flows still denied, and other flows changed, each on the filter line responsible', () => {
    const kind = kindByName('filter-change-limited-to')!;
    const headers = { srcIps: '10.10.10.0/24', dstIps: '18.18.18.0/27', ipProtocols: ['tcp'], dstPorts: '80, 8080' };
    const s = spec('filter-change-limited-to', { nodes: 'rtr-with-acl', filters: 'acl_in', headers });
    assert.deepEqual(kind.questions(s), {
      intended: { question: 'searchFilters', parameters: { nodes: 'rtr-with-acl', filters: 'acl_in', headers, action: 'deny' } },
      others: { question: 'searchFilters', parameters: { nodes: 'rtr-with-acl', filters: 'acl_in', headers, invertSearch: true }, against: 'base' },
    });
    // The row pybatfish's "Provably Safe ACL and Firewall Changes" notebook shows for candidate1.
    const others = answer(
      [['Node', 'Node', true], ['Filter_Name', 'String', true], ['Flow', 'Flow', true], ['KeyPresence', 'String', false], ['Snapshot_Action', 'String', false], ['Reference_Action', 'String', false],
        ['Snapshot_Line_Content', 'String', false], ['Reference_Line_Content', 'String', false], ['Snapshot_Trace', 'List<TraceTree>', false], ['Reference_Trace', 'List<TraceTree>', false]],
      [{ Node: { name: 'rtr-with-acl' }, Filter_Name: 'acl_in', Flow: { ...flow('rtr-with-acl', '18.18.18.32'), ipProtocol: 'TCP', dstPort: 80, srcIp: '10.10.10.0', tcpFlagsSyn: 1 }, KeyPresence: 'In both',
        Snapshot_Action: 'PERMIT', Reference_Action: 'DENY', Snapshot_Line_Content: '462 permit tcp 10.10.10.0/24 18.18.18.0/26 eq 80', Reference_Line_Content: '2020 deny tcp any any' }],
    );
    const intended = answer([['Node', 'Node', true], ['Filter_Name', 'String', true], ['Flow', 'Flow', true], ['Action', 'String', false], ['Line_Content', 'String', false], ['Trace', 'List<TraceTree>', false]], []);
    const defined = answer([['Structure_Type', 'String', true], ['Structure_Name', 'String', true], ['Source_Lines', 'FileLines', true]], [
      { Structure_Type: 'ipv4 access-list', Structure_Name: 'acl_in', Source_Lines: { filename: 'configs/rtr-with-acl.cfg', lines: [5, 6, 7, 8] } },
    ]);
    const text = ['hostname rtr-with-acl', '!', '!', 'ip access-list acl_in', '  420 permit icmp any any', '  462 permit tcp 10.10.10.0/24 18.18.18.0/26 eq 80', '  463 permit tcp 10.10.10.0/24 18.18.18.0/26 eq 8080', '  2020 deny tcp any any'];
    const site: SiteContext = { ...SITE, files: ['configs/rtr-with-acl.cfg'], lines: (f) => (f === 'configs/rtr-with-acl.cfg' ? text : undefined) };
    const drafts = kind.evaluate(s, { intended, others }, site, { defined });
    assert.equal(drafts.length, 1);
    assert.match(drafts[0]!.message, /outside the intended ones differently: .*was DENY, is PERMIT \(by 462 permit tcp/);
    assert.deepEqual(drafts[0]!.location, { file: 'regions/lab/impact/configs/rtr-with-acl.cfg', line: 6 });
  });

  it('a check that compares with the base cannot run without one', async () => {
    const { evaluateSite } = await import('../../src/check/engine.js');
    const { results } = evaluateSite([spec('no-reachability-change')], () => REACH, { ...SITE, hasBase: false });
    assert.equal(results[0]!.status, 'error');
    assert.match(results[0]!.error!.message, /--base-ref REF or --base-dir DIR/);
  });
});
