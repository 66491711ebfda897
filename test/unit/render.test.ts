import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseTableAnswer } from '../../src/batfish/answer.js';
import { jsonRows, renderJson, renderText } from '../../src/render/index.js';
import { colorStatus, renderTable, wrapText } from '../../src/render/table.js';
import { selectColumns, sortRows } from '../../src/render/select.js';
import { InputError } from '../../src/errors.js';
import { cellText, toText } from '../../src/render/values.js';
import { FIXTURES_DIR, RECORDED_ANSWERS } from '../support/recorded.js';

/**
 * Our copies only (test/fixtures/ORIGIN.md names their origin): reading `../shared` when it happens
 * to be beside the repo made the suite larger there and silently smaller everywhere else.
 */
const ANSWER_DIRS = [path.join(FIXTURES_DIR, 'answers')];

function tableAnswerFiles(): string[] {
  const files: string[] = [];
  for (const dir of ANSWER_DIRS) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown;
      const elements = Array.isArray(json) ? json : ((json as { answerElements?: unknown[] }).answerElements ?? []);
      const first = elements[0] as { class?: string } | undefined;
      if (first?.class === 'org.batfish.datamodel.table.TableAnswerElement') files.push(path.join(dir, name));
    }
  }
  return files;
}

function load(name: string) {
  return parseTableAnswer(JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'answers', name), 'utf8')));
}

describe('every recorded table answer', () => {
  const files = tableAnswerFiles();
  it('finds the recorded table answers', () => {
    assert.ok(files.length >= 4, `found ${files.length}`);
    // At least every table answer the simulator serves, so the list cannot shrink unnoticed.
    const names = files.map((f) => path.basename(f));
    for (const recorded of RECORDED_ANSWERS) assert.ok(names.includes(recorded.file), `${recorded.file} is rendered`);
  });
  for (const file of files) {
    it(`renders ${path.basename(file)} in all four formats`, () => {
      const answer = parseTableAnswer(JSON.parse(readFileSync(file, 'utf8')));
      const names = answer.columns.map((c) => c.name);
      for (const format of ['table', 'csv', 'markdown'] as const) {
        const text = renderText(answer, format, { color: false });
        for (const name of names) assert.ok(text.includes(name), `${format} lacks column ${name}`);
        assert.ok(!text.includes('[object Object]'), `${format} shows [object Object]`);
        assert.ok(!text.includes('undefined'), `${format} shows undefined`);
      }
      const narrow = renderTable(answer, { width: 80, color: false });
      for (const line of narrow.split('\n')) assert.ok([...line].length <= 80, `line wider than 80: ${line.slice(0, 100)}`);
      const json = JSON.parse(renderJson(jsonRows(answer))) as unknown[];
      assert.equal(json.length, answer.rows.length);
    });
  }
});

/**
 * The first trace of the recorded traceroute (host2 → 1.0.1.1), as pybatfish's `str(Trace)` prints
 * it: each step through its `*StepDetail.__str__` (pybatfish/datamodel/flow.py), each route
 * through `RouteInfo.__str__` and each next hop through `NextHop.__str__` (route.py).
 */
const PYBATFISH_TRACE_0 = `ACCEPTED
1. node: host2
  ORIGINATED(default)
  FORWARDED(Forwarded out interface: eth0 with resolved next-hop IP: 2.128.1.1, Routes: [static (Network: 0.0.0.0/0, Next Hop: interface eth0 ip 2.128.1.1)])
  PERMITTED(filter::OUTPUT (EGRESS_FILTER))
  TRANSMITTED(eth0)
2. node: as2dept1
  RECEIVED(GigabitEthernet3/0)
  PERMITTED(RESTRICT_HOST_TRAFFIC_IN (INGRESS_FILTER))
  FORWARDED(Forwarded out interface: GigabitEthernet0/0 with resolved next-hop IP: 2.34.101.3, Routes: [bgp (Network: 1.0.1.0/24, Next Hop: ip 2.34.101.3)])
  TRANSMITTED(GigabitEthernet0/0)
3. node: as2dist1
  RECEIVED(GigabitEthernet2/0)
  FORWARDED(Forwarded out interface: GigabitEthernet0/0 with resolved next-hop IP: 2.23.11.2, Routes: [ibgp (Network: 1.0.1.0/24, Next Hop: ip 10.12.11.1)])
  TRANSMITTED(GigabitEthernet0/0)
4. node: as2core1
  RECEIVED(GigabitEthernet2/0)
  PERMITTED(blocktelnet (INGRESS_FILTER))
  FORWARDED(Forwarded out interface: GigabitEthernet0/0 with resolved next-hop IP: 2.12.11.1, Routes: [ibgp (Network: 1.0.1.0/24, Next Hop: ip 10.12.11.1)])
  TRANSMITTED(GigabitEthernet0/0)
5. node: as2border1
  RECEIVED(GigabitEthernet1/0)
  FORWARDED(Forwarded out interface: GigabitEthernet0/0 with resolved next-hop IP: 10.12.11.1, Routes: [bgp (Network: 1.0.1.0/24, Next Hop: ip 10.12.11.1)])
  PERMITTED(INSIDE_TO_AS1 (EGRESS_FILTER))
  TRANSMITTED(GigabitEthernet0/0)
6. node: as1border1
  RECEIVED(GigabitEthernet1/0)
  ACCEPTED(GigabitEthernet0/0)`;

const FLOW = { dscp: 0, ecn: 0, fragmentOffset: 0, ingressNode: 'r1', ingressVrf: 'default', packetLength: 512, srcIp: '1.1.1.1', dstIp: '2.2.2.2' };
const step = (type: string, action: string, detail: Record<string, unknown>) => ({ type, action, detail });

describe('values as pybatfish shows them', () => {
  it('bgpSessionStatus: Node by name, SelfDescribing by value, a null cell blank, a set as a JSON array in CSV', () => {
    const answer = load('bgpSessionStatus__example-live__nodes-as2_remoteNodes-as3_before-session-vrf.json');
    const [row] = jsonRows(answer);
    assert.deepEqual(row, {
      Node: 'as2border2',
      VRF: 'default',
      Local_AS: 2,
      Local_Interface: null,
      Local_IP: '10.23.21.2',
      Remote_AS: '3',
      Remote_Node: 'as3border1',
      Remote_Interface: null,
      Remote_IP: '10.23.21.3',
      Address_Families: ['IPV4_UNICAST'],
      Session_Type: 'EBGP_SINGLEHOP',
      Established_Status: 'ESTABLISHED',
    });
    const csv = renderText(answer, 'csv', { color: false }).split('\r\n');
    assert.equal(csv[1], 'as2border2,default,2,,10.23.21.2,3,as3border1,,10.23.21.3,"[""IPV4_UNICAST""]",EBGP_SINGLEHOP,ESTABLISHED');
    assert.equal(renderText(answer, 'markdown', { color: false }).split('\n')[2], '| as2border2 | default | 2 |  | 10.23.21.2 | 3 | as3border1 |  | 10.23.21.3 | IPV4_UNICAST | EBGP_SINGLEHOP | ESTABLISHED |');
  });

  it('routes: NextHop in its text form, a null Tag blank', () => {
    const answer = load('routes__dc-as-reuse__all.json');
    const row = answer.rows[0]!;
    assert.equal(toText('NextHop', row.Next_Hop), 'interface Ethernet1');
    assert.equal(toText('Long', row.Tag), '');
    assert.equal(cellText('Long', row.Tag), '');
    assert.equal(toText('Node', row.Node), 'plane_0_spine_0');
    const table = renderTable(answer, { color: false });
    assert.match(table, /│ plane_0_spine_0 │ default │ 2\.0\.0\.0\/31 +│ interface Ethernet1 +│ connected +│ 0 +│ 0 +│ +│/);
  });

  it('traceroute: the recorded trace with every detail pybatfish shows', () => {
    const answer = load('traceroute__example-live__start-host2_dstIps-1.0.1.1.json');
    const row = answer.rows[0]!;
    assert.equal(toText('Flow', row.Flow), 'start=host2 [2.128.1.101:49152->1.0.1.1:33434 UDP]');
    const traces = row.Traces as unknown[];
    assert.equal(toText('Trace', traces[0]), PYBATFISH_TRACE_0);
    // The set: every trace whole, a blank line between two traces.
    const all = toText('Set<Trace>', row.Traces);
    assert.equal(all.split('\n\n').length, traces.length);
    assert.equal(all.split('\n\n')[0], PYBATFISH_TRACE_0);
    assert.equal(toText('Integer', row.TraceCount), String(row.TraceCount));
    // Every step of every trace has its detail: nothing falls back to a bare action.
    for (const line of all.split('\n').filter((l) => l.startsWith('  '))) assert.match(line, /^ {2}[A-Z_]+\(.+\)$/, line);
    const table = renderTable(answer, { color: false });
    assert.ok(table.includes('FORWARDED(Forwarded out interface: GigabitEthernet0/0 with resolved next-hop IP: 10.12.11.1, Routes: [bgp (Network: 1.0.1.0/24, Next Hop: ip 10.12.11.1)])'));
    assert.ok(table.includes('ACCEPTED(GigabitEthernet0/0)'));
    const json = jsonRows(answer)[0]!;
    assert.deepEqual((json.Traces as Array<{ disposition: string }>)[0]!.disposition, 'ACCEPTED');
  });

  it('unusedStructures: FileLines as file:[lines]', () => {
    const answer = load('unusedStructures__unit-tests__all.json');
    assert.equal(toText('FileLines', answer.rows[0]!.Source_Lines), 'configs/aaa_group_server_source_interface:[4, 5]');
    assert.equal(toText('FileLines', { filename: 'f', lines: [] }), 'f:[]');
  });

  it('bgpEdges (hand-built with the answerer\'s columns): AS numbers as text, null interfaces blank', () => {
    const answer = load('bgpEdges__example-live__all.json');
    const lines = renderText(answer, 'csv', { color: false }).split('\r\n');
    assert.equal(lines[0], 'Node,IP,Interface,AS_Number,Remote_Node,Remote_IP,Remote_Interface,Remote_AS_Number');
    assert.equal(lines[1], 'as1border1,1.1.1.1,,1,as1core1,1.10.1.1,,1');
  });

  it('null, an empty string and an empty list stay apart in tables, Markdown and CSV', () => {
    const table = {
      columns: [{ name: 'Name', schema: 'String' }, { name: 'Items', schema: 'List<String>' }],
      rows: [{ Name: null, Items: null }, { Name: '', Items: [] }, { Name: 'x', Items: ['a', 'b, c'] }],
    };
    assert.deepEqual([cellText('String', null), cellText('String', ''), cellText('List<String>', [])], ['', '""', '[]']);
    assert.equal(renderText(table, 'markdown', { color: false }), '| Name | Items |\n| --- | --- |\n|  |  |\n| "" | [] |\n| x | a, b, c |\n');
    assert.equal(renderText(table, 'csv', { color: false }), 'Name,Items\r\n,\r\n"""""",[]\r\nx,"[""a"",""b, c""]"\r\n');
    const text = renderTable(table, { color: false });
    assert.match(text, /│ "" +│ \[\] +│/);
  });

  it('Interface and next-hop names are quoted as pybatfish\'s escape_name quotes them', () => {
    assert.equal(toText('Interface', { hostname: 'r1', interface: 'Gi0/0' }), 'r1[Gi0/0]');
    assert.equal(toText('Interface', { hostname: 'r1', interface: 'Port-channel 1' }), 'r1["Port-channel 1"]');
    assert.equal(toText('Interface', { hostname: '1r', interface: 'eth0' }), '"1r"[eth0]');
    assert.equal(toText('Interface', { hostname: 'r1', interface: '/dev' }), 'r1["/dev"]');
    // A special character only counts after the first position (Python's find(c) > 0).
    assert.equal(toText('Interface', { hostname: 'r1', interface: '(x' }), 'r1[(x]');
    assert.equal(toText('Interface', { hostname: 'r1', interface: 'a,b' }), 'r1["a,b"]');
    assert.equal(toText('NextHop', { type: 'interface', interface: 'Port-channel 1', ip: '10.0.0.1' }), 'interface "Port-channel 1" ip 10.0.0.1');
    assert.equal(toText('NextHop', { type: 'ip', ip: '10.0.0.1' }), 'ip 10.0.0.1');
    assert.equal(toText('NextHop', { type: 'discard' }), 'discard');
    assert.equal(toText('NextHop', { type: 'vrf', vrf: 'mgmt' }), 'vrf mgmt');
    assert.equal(toText('NextHop', { type: 'vtep', vni: 5000, vtep: '1.1.1.1' }), 'vni 5000 vtep 1.1.1.1');
  });

  it('flows: pybatfish\'s TCP flag order, "no flags set", ICMP type and code, the extras', () => {
    const tcp = (flags: Record<string, number>) => toText('Flow', { ...FLOW, ipProtocol: 'TCP', srcPort: 1, dstPort: 22, ...flags });
    assert.equal(tcp({ tcpFlagsSyn: 1, tcpFlagsAck: 1 }), 'start=r1 [1.1.1.1:1->2.2.2.2:22 TCP (SYN-ACK)]');
    assert.equal(tcp({ tcpFlagsAck: 1, tcpFlagsFin: 1 }), 'start=r1 [1.1.1.1:1->2.2.2.2:22 TCP (FIN-ACK)]');
    assert.equal(tcp({ tcpFlagsUrg: 1, tcpFlagsPsh: 1, tcpFlagsEce: 1, tcpFlagsCwr: 1, tcpFlagsRst: 1 }), 'start=r1 [1.1.1.1:1->2.2.2.2:22 TCP (RST-CWR-ECE-PSH-URG)]');
    assert.equal(tcp({}), 'start=r1 [1.1.1.1:1->2.2.2.2:22 TCP (no flags set)]');
    assert.equal(toText('Flow', { ...FLOW, ipProtocol: 'ICMP', icmpVar: 8, icmpCode: 0, ingressVrf: 'mgmt' }), 'start=r1 vrf=mgmt [1.1.1.1->2.2.2.2 ICMP (type=8, code=0)]');
    assert.equal(toText('Flow', { ...FLOW, ipProtocol: 'UNNAMED_89', packetLength: 100 }), 'start=r1 [1.1.1.1->2.2.2.2 ipProtocol=89 length=100]');
    assert.equal(toText('Flow', { ...FLOW, ipProtocol: 'UDP', srcPort: 53, dstPort: 53, dscp: 46, ecn: 1, fragmentOffset: 8, ingressInterface: 'Gi0/0' }), 'start=r1 interface=Gi0/0 [1.1.1.1:53->2.2.2.2:53 UDP dscp=46 ecn=1 fragmentOffset=8]');
  });

  it('every step kind with its pybatfish detail', () => {
    const trace = (steps: unknown[]) => toText('Trace', { disposition: 'X', hops: [{ node: { name: 'r1' }, steps }] }).split('\n').slice(2);
    assert.deepEqual(
      trace([
        step('Delivered', 'DELIVERED_TO_SUBNET', { outputInterface: { hostname: 'r1', interface: 'Gi0/1' }, resolvedNexthopIp: '10.0.0.9' }),
        step('ArpError', 'NEIGHBOR_UNREACHABLE', { outputInterface: { hostname: 'r1', interface: 'Gi0/2' }, resolvedNexthopIp: '10.0.0.10' }),
        step('Delivered', 'EXITS_NETWORK', { outputInterface: { hostname: 'r1', interface: 'Gi0/3' } }),
        step('Routing', 'FORWARDED', { forwardingDetail: { type: 'ForwardedOutInterface', outputInterface: 'Port-channel 1' }, routes: [] }),
        step('Routing', 'FORWARDED', { forwardingDetail: { type: 'DelegatedToNextVrf', nextVrf: 'inside' }, routes: [{ protocol: 'static', network: '0.0.0.0/0', nextHop: { type: 'vrf', vrf: 'inside' }, admin: 1, metric: 0 }] }),
        step('Routing', 'FORWARDED', { forwardingDetail: { type: 'ForwardedIntoVxlanTunnel', vni: 5000, vtep: '1.1.1.1' }, routes: [] }),
        step('Routing', 'NULL_ROUTED', { forwardingDetail: { type: 'Discarded' }, routes: [{ protocol: 'static', network: '10.0.0.0/8', nextHop: { type: 'discard' }, admin: 1, metric: 0 }, { protocol: 'aggregate', network: '10.0.0.0/8', nextHop: { type: 'discard' }, admin: 200, metric: 0 }] }),
        step('Routing', 'FORWARDED', { arpIp: '10.0.0.1', outputInterface: 'Gi0/0', routes: [{ protocol: 'ospf', network: '10.1.0.0/16', nextHopIp: '10.0.0.1', admin: 110, metric: 20 }] }),
        step('Transformation', 'TRANSFORMED', { transformationType: 'SOURCE_NAT', flowDiffs: [{ fieldName: 'srcIp', oldValue: '10.0.0.5', newValue: '203.0.113.5' }, { fieldName: 'srcPort', oldValue: '1024', newValue: '40000' }] }),
        step('Transformation', 'TRANSFORMED', { transformationType: 'DEST_NAT', flowDiffs: [] }),
        step('Policy', 'PERMITTED', { policy: 'PBR-1' }),
        step('Filter', 'DENIED', { filter: 'EDGE-IN', type: 'INGRESS_FILTER', inputInterface: 'Gi0/0' }),
        step('Loop', 'LOOP', {}),
        step('Inbound', 'ACCEPTED', { interface: 'Loopback0' }),
        step('Originate', 'ORIGINATED', { originatingVrf: 'default' }),
        step('SetupSession', 'SETUP_SESSION', {
          sessionScope: { incomingInterfaces: ['Gi0/0', 'Gi0/1'] },
          sessionAction: { type: 'ForwardOutInterface', nextHop: { hostname: 'r2', interface: 'Gi0/9' }, outgoingInterface: 'Gi0/0' },
          matchCriteria: { ipProtocol: 'TCP', srcIp: '2.2.2.2', dstIp: '1.1.1.1', srcPort: 22, dstPort: 1 },
          transformation: [{ fieldName: 'dstIp', oldValue: '203.0.113.5', newValue: '10.0.0.5' }],
        }),
        step('MatchSession', 'MATCHED_SESSION', { sessionScope: { originatingVrf: 'default' }, sessionAction: { type: 'PostNatFibLookup' }, matchCriteria: { ipProtocol: 'ICMP', srcIp: '2.2.2.2', dstIp: '1.1.1.1' } }),
        step('MatchSession', 'MATCHED_SESSION', { incomingInterfaces: ['Gi0/0'], sessionAction: { type: 'FibLookup' }, matchCriteria: { ipProtocol: 'UDP', srcIp: '2.2.2.2', dstIp: '1.1.1.1' } }),
        step('NewKindOfStep', 'SOMETHING', { x: 1 }),
      ]),
      [
        '  DELIVERED_TO_SUBNET(Output Interface: Gi0/1, Resolved Next Hop IP: 10.0.0.9)',
        '  NEIGHBOR_UNREACHABLE(Output Interface: Gi0/2, Resolved Next Hop IP: 10.0.0.10)',
        '  EXITS_NETWORK(Output Interface: Gi0/3)',
        '  FORWARDED(Forwarded out interface: "Port-channel 1")',
        '  FORWARDED(Delegated to next VRF: inside, Routes: [static (Network: 0.0.0.0/0, Next Hop: vrf inside)])',
        '  FORWARDED(Forwarded into VXLAN tunnel with VNI: 5000 and VTEP: 1.1.1.1)',
        '  NULL_ROUTED(Discarded, Routes: [static (Network: 10.0.0.0/8, Next Hop: discard),aggregate (Network: 10.0.0.0/8, Next Hop: discard)])',
        '  FORWARDED(ARP IP: 10.0.0.1, Output Interface: Gi0/0, Routes: [ospf (Network: 10.1.0.0/16, Next Hop IP:10.0.0.1)])',
        '  TRANSFORMED(SOURCE_NAT srcIp: 10.0.0.5 -> 203.0.113.5, srcPort: 1024 -> 40000)',
        '  TRANSFORMED(DEST_NAT)',
        '  PERMITTED(PBR-1)',
        '  DENIED(EDGE-IN (INGRESS_FILTER))',
        '  LOOP',
        '  ACCEPTED(Loopback0)',
        '  ORIGINATED(default)',
        '  SETUP_SESSION(Incoming Interfaces: [Gi0/0, Gi0/1], Action: ForwardOutInterface(Next Hop: r2, Next Hop Interface: Gi0/9, Outgoing Interface: Gi0/0), Match Criteria: [ipProtocol=TCP, srcIp=2.2.2.2, dstIp=1.1.1.1, srcPort=22, dstPort=1], Transformation: [dstIp: 203.0.113.5 -> 10.0.0.5])',
        '  MATCHED_SESSION(Originating VRF: default, Action: PostNatFibLookup, Match Criteria: [ipProtocol=ICMP, srcIp=2.2.2.2, dstIp=1.1.1.1])',
        '  MATCHED_SESSION(Incoming Interfaces: [Gi0/0], Action: PostNatFibLookup, Match Criteria: [ipProtocol=UDP, srcIp=2.2.2.2, dstIp=1.1.1.1])',
        '  SOMETHING',
      ],
    );
  });

  it('BGP routes and their differences, ACL traces and trace trees in pybatfish\'s forms', () => {
    assert.equal(
      toText('BgpRoute', { network: '10.0.0.0/8', asPath: [65000, 65001], communities: ['65000:100', '65000:200'], localPreference: 100, nextHopIp: '10.1.1.1', originatorIp: '1.1.1.1', originType: 'igp', protocol: 'bgp' }),
      'Network: 10.0.0.0/8\nAS Path: [65000, 65001]\nCommunities: [65000:100, 65000:200]\nLocal Preference: 100\nMetric: 0\nNext Hop IP: 10.1.1.1\nOriginator IP: 1.1.1.1\nOrigin Type: igp\nProtocol: bgp\nSource Protocol: None\nTag: 0\nWeight: 0',
    );
    assert.equal(
      toText('BgpRouteDiffs', { diffs: [{ fieldName: 'localPreference', oldValue: '100', newValue: '200' }, { fieldName: 'communities', oldValue: '[]', newValue: '[65000:1]' }] }),
      'Local Preference: 100 --> 200\nCommunities: [] --> [65000:1]',
    );
    assert.equal(toText('AclTrace', { events: [{ description: 'Matched line 10' }, { description: null }, { description: 'Permitted' }] }), 'Matched line 10\nPermitted');
    const tree = { traceElement: { fragments: [{ class: 'T', text: 'Matched ' }, { class: 'L', text: 'line 10' }] }, children: [{ traceElement: { fragments: [{ text: 'child' }] }, children: [{ traceElement: { fragments: [{ text: 'grandchild' }] }, children: [] }] }] };
    assert.equal(toText('List<TraceTree>', [tree, tree]), '- Matched line 10\n  - child\n    - grandchild\n- Matched line 10\n  - child\n    - grandchild');
    assert.equal(toText('TraceTree', tree), 'Matched line 10\n  - child\n    - grandchild');
  });

  it('other schemas: booleans, issues, unknown objects, nested lists', () => {
    assert.equal(toText('Boolean', false), 'false');
    assert.equal(toText('Issue', { explanation: 'x', severity: 10, type: { major: 'a', minor: 'b' } }), 'a/b, severity 10: x');
    assert.equal(toText('Object', { a: 1 }), '{"a":1}');
    assert.equal(toText('List<Set<String>>', [['a', 'b'], ['c']]), 'a, b, c');
    assert.equal(renderText({ columns: [{ name: 'L', schema: 'List<Set<String>>' }], rows: [{ L: [['a', 'b'], []] }] }, 'csv', { color: false }), 'L\r\n"[[""a"",""b""],[]]"\r\n');
  });
});

describe('table layout', () => {
  const wide = {
    columns: ['First', 'Second', 'Third'].map((name) => ({ name, schema: 'String' })),
    rows: [{ First: 'a'.repeat(60), Second: 'b '.repeat(30), Third: 'short' }],
  };

  it('keeps a table that fits as it is', () => {
    const text = renderTable(wide, { color: false });
    assert.equal(text.split('\n')[0]!.length, 60 + 60 + 5 + 3 * 3 + 1);
  });

  it('wraps wide cells to fit the terminal', () => {
    const text = renderTable(wide, { width: 80, color: false });
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.every((l) => l.length <= 80));
    assert.ok(text.includes('short'));
    assert.equal(text.replace(/[^a]/g, '').length, 60, 'every a of the long cell is still shown');
  });

  it('continues a wrapped trace step two spaces further in, so its parts read as one', () => {
    assert.equal(wrapText('1. node: r1\n  FORWARDED(Forwarded out interface: eth0 with resolved next-hop IP: 10.0.0.1)', 30), [
      '1. node: r1',
      '  FORWARDED(Forwarded out',
      '    interface: eth0 with',
      '    resolved next-hop IP:',
      '    10.0.0.1)',
    ].join('\n'));
    assert.equal(wrapText('no indent here at all', 10), 'no indent\nhere at\nall');
  });

  it('switches to one record per block when columns cannot fit', () => {
    const many = {
      columns: Array.from({ length: 12 }, (_, i) => ({ name: `Column_${i}`, schema: 'String' })),
      rows: [Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`Column_${i}`, `value-${i}-long-enough`]))],
    };
    const text = renderTable(many, { width: 60, color: false });
    assert.match(text, /^-\[ row 1 \]/);
    assert.match(text, /^Column_11 {2}value-11-long-enough$/m);
  });

  it('uses colour only when asked', () => {
    const plain = renderTable(wide, { color: false });
    const colored = renderTable(wide, { color: true });
    assert.ok(!plain.includes('\u001b['));
    assert.ok(colored.includes('\u001b['));
  });

  it('escapes Markdown and quotes CSV', () => {
    const table = { columns: [{ name: 'A', schema: 'String' }], rows: [{ A: 'x|y\nz' }, { A: 'say "hi", ok' }, { A: '=cmd()' }] };
    assert.equal(renderText(table, 'markdown', { color: false }), '| A |\n| --- |\n| x\\|y<br>z |\n| say "hi", ok |\n| =cmd() |\n');
    assert.equal(renderText(table, 'csv', { color: false }), 'A\r\n"x|y\nz"\r\n"say ""hi"", ok"\r\n\'=cmd()\r\n');
  });
});

describe('columns, sorting and status colours', () => {
  const table = {
    columns: [
      { name: 'Interface', schema: 'String' },
      { name: 'Mtu', schema: 'Integer' },
      { name: 'Status', schema: 'String' },
    ],
    rows: [
      { Interface: 'Gi0/10', Mtu: 9000, Status: 'NOT_COMPATIBLE' },
      { Interface: 'Gi0/2', Mtu: 1500, Status: 'ESTABLISHED' },
      { Interface: 'Gi0/1', Mtu: 1500, Status: 'UNKNOWN_REMOTE' },
    ],
  };

  it('picks and orders columns, and names the real ones on a typo', () => {
    assert.deepEqual(selectColumns(table, ['status', 'Interface']).columns.map((c) => c.name), ['Status', 'Interface']);
    assert.throws(() => selectColumns(table, ['Speed']), (e: unknown) => e instanceof InputError && e.hint === 'columns: Interface, Mtu, Status');
  });

  it('sorts text with numbers as numbers, numbers by value, and descending with -', () => {
    assert.deepEqual(sortRows(table, 'Interface').rows.map((r) => r.Interface), ['Gi0/1', 'Gi0/2', 'Gi0/10']);
    assert.deepEqual(sortRows(table, '-Mtu').rows.map((r) => r.Mtu), [9000, 1500, 1500]);
    assert.throws(() => sortRows(table, 'Speed'), /cannot sort by 'Speed'/);
  });

  it('colours established green, external yellow and broken red, only with colour on', () => {
    assert.equal(colorStatus('ESTABLISHED'), '\u001b[32mESTABLISHED\u001b[39m');
    assert.equal(colorStatus('UNKNOWN_REMOTE'), '\u001b[33mUNKNOWN_REMOTE\u001b[39m');
    assert.equal(colorStatus('NOT_COMPATIBLE'), '\u001b[31mNOT_COMPATIBLE\u001b[39m');
    assert.equal(colorStatus('default'), 'default');
    assert.ok(renderTable(table, { color: true }).includes('\u001b[31mNOT_COMPATIBLE'));
    assert.ok(!renderTable(table, { color: false }).includes('\u001b['));
  });
});
