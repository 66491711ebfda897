import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseTableAnswer } from '../../src/batfish/answer.js';
import { jsonRows, renderJson, renderText } from '../../src/render/index.js';
import { colorStatus, renderTable } from '../../src/render/table.js';
import { selectColumns, sortRows } from '../../src/render/select.js';
import { InputError } from '../../src/errors.js';
import { toText } from '../../src/render/values.js';
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

describe('values as pybatfish shows them', () => {
  it('bgpSessionStatus: Node by name, SelfDescribing by value, sets joined, null empty', () => {
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
    assert.equal(csv[1], 'as2border2,default,2,,10.23.21.2,3,as3border1,,10.23.21.3,IPV4_UNICAST,EBGP_SINGLEHOP,ESTABLISHED');
  });

  it('routes: NextHop in its text form, null Tag empty', () => {
    const answer = load('routes__dc-as-reuse__all.json');
    const row = answer.rows[0]!;
    assert.equal(toText('NextHop', row.Next_Hop), 'interface Ethernet1');
    assert.equal(toText('Long', row.Tag), '');
    assert.equal(toText('Node', row.Node), 'plane_0_spine_0');
    assert.equal(toText('NextHop', { type: 'ip', ip: '10.0.0.1' }), 'ip 10.0.0.1');
    assert.equal(toText('NextHop', { type: 'discard' }), 'discard');
  });

  it('traceroute: Flow in pybatfish form and each trace with its hops', () => {
    const answer = load('traceroute__example-live__start-host2_dstIps-1.0.1.1.json');
    const row = answer.rows[0]!;
    assert.equal(toText('Flow', row.Flow), 'start=host2 [2.128.1.101:49152->1.0.1.1:33434 UDP]');
    const traces = toText('Set<Trace>', row.Traces).split('\n');
    assert.equal(traces[0], 'ACCEPTED');
    assert.equal(traces[1], '1. node: host2');
    assert.match(traces[2]!, /^ {2}ORIGINATED\(default\)$/);
    assert.equal(toText('Integer', row.TraceCount), String(row.TraceCount));
    assert.equal(toText('Set<Trace>', row.Traces).split('\n').filter((l) => l === 'ACCEPTED').length, (row.Traces as unknown[]).length);
    const json = jsonRows(answer)[0]!;
    assert.deepEqual((json.Traces as Array<{ disposition: string }>)[0]!.disposition, 'ACCEPTED');
  });

  it('unusedStructures: FileLines as file:[lines]', () => {
    const answer = load('unusedStructures__unit-tests__all.json');
    assert.equal(toText('FileLines', answer.rows[0]!.Source_Lines), 'configs/aaa_group_server_source_interface:[4, 5]');
  });

  it('Interface names are quoted when pybatfish would quote them', () => {
    assert.equal(toText('Interface', { hostname: 'r1', interface: 'Gi0/0' }), 'r1[Gi0/0]');
    assert.equal(toText('Interface', { hostname: 'r1', interface: 'Port-channel 1' }), 'r1["Port-channel 1"]');
    assert.equal(toText('Interface', { hostname: '1r', interface: 'eth0' }), '"1r"[eth0]');
  });

  it('TCP and ICMP flows name flags and type/code', () => {
    const base = { dscp: 0, ecn: 0, fragmentOffset: 0, ingressNode: 'r1', ingressVrf: 'default', packetLength: 512, srcIp: '1.1.1.1', dstIp: '2.2.2.2' };
    assert.equal(
      toText('Flow', { ...base, ipProtocol: 'TCP', srcPort: 1, dstPort: 22, tcpFlagsSyn: 1, tcpFlagsAck: 1 }),
      'start=r1 [1.1.1.1:1->2.2.2.2:22 TCP (SYN-ACK)]',
    );
    assert.equal(toText('Flow', { ...base, ipProtocol: 'ICMP', icmpVar: 8, icmpCode: 0, ingressVrf: 'mgmt' }), 'start=r1 vrf=mgmt [1.1.1.1->2.2.2.2 ICMP (type=8, code=0)]');
    assert.equal(toText('Flow', { ...base, ipProtocol: 'UNNAMED_89', packetLength: 100 }), 'start=r1 [1.1.1.1->2.2.2.2 ipProtocol=89 length=100]');
  });

  it('other schemas: booleans, issues, trace trees, unknown objects', () => {
    assert.equal(toText('Boolean', false), 'false');
    assert.equal(toText('Issue', { explanation: 'x', severity: 10, type: { major: 'a', minor: 'b' } }), 'a/b, severity 10: x');
    const tree = { traceElement: { fragments: [{ class: 'T', text: 'Matched ' }, { class: 'L', text: 'line 10' }] }, children: [{ traceElement: { fragments: [{ text: 'child' }] }, children: [] }] };
    assert.equal(toText('List<TraceTree>', [tree]), '- Matched line 10\n  - child');
    assert.equal(toText('Object', { a: 1 }), '{"a":1}');
    assert.equal(toText('AclTrace', { events: [{ description: 'Matched line 10' }, { description: 'Permitted' }] }), 'Matched line 10\nPermitted');
    assert.equal(toText('BgpRoute', { network: '10.0.0.0/8', asPath: [[65000], [65001]], nextHopIp: '10.1.1.1', protocol: 'bgp' }), 'Network: 10.0.0.0/8\nAS Path: 65000 65001\nNext Hop IP: 10.1.1.1\nProtocol: bgp');
    assert.equal(toText('List<Set<String>>', [['a', 'b'], ['c']]), 'a, b, c');
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
