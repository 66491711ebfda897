import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTableAnswer, type TableAnswer } from '../../src/batfish/answer.js';
import { BatfishAnswerError } from '../../src/errors.js';
import {
  bgpSessionEdges,
  bgpSessionKey,
  CHECK_KINDS,
  failingSessionKeys,
  kindByName,
  kindParameters,
  siteFile,
  type FindingDraft,
  type SiteContext,
} from '../../src/check/kinds.js';
import type { CheckSpec } from '../../src/check/model.js';
import { bundledTemplates } from '../../src/questions/bundled.js';
import { loadRecordedElements } from '../support/recorded.js';

const SITE: SiteContext = { site: 'north_america/nyc', dirFromCwd: 'regions/north_america/nyc' };

/**
 * Column shapes as Batfish's answerers write them (name, schema, isKey, isValue): the
 * *Answerer.java files of batfish/batfish, as the simulator's KNOWN_COLUMNS lists them.
 */
const COLUMNS: Record<string, Array<[string, string, boolean, boolean]>> = {
  fileParseStatus: [['File_Name', 'String', true, false], ['Status', 'String', false, true], ['File_Format', 'String', false, true], ['Nodes', 'List<Node>', false, true]],
  initIssues: [['Nodes', 'List<String>', true, false], ['Source_Lines', 'List<FileLines>', true, false], ['Type', 'String', true, false], ['Details', 'String', false, true], ['Line_Text', 'String', false, true], ['Parser_Context', 'String', false, true]],
  bgpSessionCompatibility: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Local_AS', 'Long', false, false], ['Local_Interface', 'Interface', false, true], ['Local_IP', 'Ip', false, false], ['Remote_AS', 'String', false, false], ['Remote_Node', 'Node', false, false], ['Remote_Interface', 'Interface', false, true], ['Remote_IP', 'SelfDescribing', true, false], ['Address_Families', 'Set<String>', false, false], ['Session_Type', 'String', false, false], ['Configured_Status', 'String', false, true]],
  bgpSessionStatus: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Local_AS', 'Long', false, false], ['Local_Interface', 'Interface', false, true], ['Local_IP', 'Ip', false, false], ['Remote_AS', 'String', false, false], ['Remote_Node', 'Node', false, false], ['Remote_Interface', 'Interface', false, true], ['Remote_IP', 'SelfDescribing', true, false], ['Address_Families', 'Set<String>', false, false], ['Session_Type', 'String', false, false], ['Established_Status', 'String', false, true]],
  ospfSessionCompatibility: [['Interface', 'Interface', true, false], ['VRF', 'String', true, false], ['IP', 'Ip', true, false], ['Area', 'Long', true, false], ['Remote_Interface', 'Interface', false, true], ['Remote_VRF', 'String', false, true], ['Remote_IP', 'Ip', false, true], ['Remote_Area', 'Long', false, true], ['Session_Status', 'String', false, true]],
  undefinedReferences: [['File_Name', 'String', true, false], ['Struct_Type', 'String', true, false], ['Ref_Name', 'String', true, false], ['Context', 'String', true, false], ['Lines', 'FileLines', false, false]],
  filterLineReachability: [['Sources', 'List<String>', true, false], ['Unreachable_Line', 'String', true, false], ['Unreachable_Line_Action', 'String', true, false], ['Blocking_Lines', 'List<String>', false, true], ['Different_Action', 'Boolean', false, true], ['Reason', 'String', false, true], ['Additional_Info', 'String', false, false]],
  definedStructures: [['Structure_Type', 'String', true, false], ['Structure_Name', 'String', true, false], ['Source_Lines', 'FileLines', true, false]],
  detectLoops: [['Flow', 'Flow', true, false], ['Traces', 'Set<Trace>', false, true], ['TraceCount', 'Integer', false, true]],
  reachability: [['Flow', 'Flow', true, false], ['Traces', 'Set<Trace>', false, true], ['TraceCount', 'Integer', false, true]],
  ipOwners: [['Node', 'Node', true, true], ['VRF', 'String', true, true], ['Interface', 'String', true, true], ['IP', 'Ip', true, true], ['Mask', 'Integer', true, true], ['Active', 'Boolean', true, true]],
  bgpProcessConfiguration: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Router_ID', 'Ip', true, false], ['Multipath_EBGP', 'Boolean', false, true]],
  ospfProcessConfiguration: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Process_ID', 'String', true, false], ['Router_ID', 'Ip', false, true]],
  searchFilters: [['Node', 'Node', true, false], ['Filter_Name', 'String', true, false], ['Flow', 'Flow', true, false], ['Action', 'String', false, true], ['Line_Content', 'String', false, true], ['Trace', 'List<TraceTree>', false, true]],
  nodeProperties: [['Node', 'Node', true, false], ['Configuration_Format', 'String', false, true], ['Domain_Name', 'String', false, true], ['NTP_Servers', 'Set<String>', false, true]],
};

function table(question: string, rows: Array<Record<string, unknown>>): TableAnswer {
  const columns = COLUMNS[question];
  assert.ok(columns, `no column shape for ${question}`);
  return {
    columns: columns.map(([name, schema, isKey, isValue]) => ({ name, schema, description: '', isKey, isValue })),
    // As parseTableAnswer does: every column in every row.
    rows: rows.map((row) => Object.fromEntries(columns.map(([name]) => [name, row[name] ?? null]))),
    summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

function recorded(file: string): TableAnswer {
  return parseTableAnswer(loadRecordedElements(file));
}

function spec(kind: string, parameters: Record<string, unknown> = {}, extra: Partial<CheckSpec> = {}): CheckSpec {
  return { name: `${kind} check`, check: kind, severity: kindByName(kind)?.defaultSeverity ?? 'error', with: parameters, tags: [], ...extra };
}

function evaluate(check: CheckSpec, answers: TableAnswer[], context: Array<TableAnswer | undefined> = []): FindingDraft[] {
  const kind = kindByName(check.check);
  assert.ok(kind, `no kind ${check.check}`);
  return kind.evaluate(check, answers, SITE, context);
}

const node = (name: string): { id: string; name: string } => ({ id: `node-${name}`, name });
const ip = (value: string): { schema: string; value: string } => ({ schema: 'Ip', value });
const flow = (ingressNode: string, dstIp: string): Record<string, unknown> => ({
  dscp: 0, dstIp, dstPort: 443, ecn: 0, fragmentOffset: 0, icmpCode: null, icmpVar: null, ingressInterface: null,
  ingressNode, ingressVrf: 'default', ipProtocol: 'TCP', packetLength: 512, srcIp: '10.0.0.5', srcPort: 49152,
  tcpFlagsAck: 0, tcpFlagsCwr: 0, tcpFlagsEce: 0, tcpFlagsFin: 0, tcpFlagsPsh: 0, tcpFlagsRst: 0, tcpFlagsSyn: 0, tcpFlagsUrg: 0,
});

describe('check kinds: catalogue', () => {
  it('has every kind of issue 8 once, each with a question and a description', () => {
    assert.deepEqual(
      CHECK_KINDS.map((k) => k.kind),
      [
        'parse-clean', 'bgp-sessions-established', 'bgp-sessions-compatible', 'ospf-sessions-compatible',
        'no-undefined-references', 'no-unused-structures', 'no-unreachable-filter-lines', 'no-forwarding-loops',
        'no-duplicate-ips', 'no-duplicate-router-ids', 'flows-succeed', 'flows-fail', 'filter-permits', 'filter-denies',
        'route-present', 'route-absent', 'node-properties', 'question',
      ],
    );
    for (const kind of CHECK_KINDS) assert.ok(kind.description.length > 10, kind.kind);
    assert.equal(kindByName('no-unused-structures')?.defaultSeverity, 'warning');
    assert.equal(kindByName('parse-clean')?.defaultSeverity, 'error');
  });

  it('takes only variables its bundled template has, and lists them with its own options', async () => {
    const templates = await bundledTemplates();
    for (const kind of CHECK_KINDS) {
      if (!kind.template) continue;
      const template = templates.get(kind.template.toLowerCase());
      assert.ok(template, `${kind.kind}: no template ${kind.template}`);
      for (const v of kind.variables) assert.ok(template.variables[v], `${kind.kind}: ${kind.template} has no variable ${v}`);
      for (const q of kind.questions(spec(kind.kind, { network: '10.0.0.0/8', headers: {}, filters: 'x', expect: { A: 1 } }))) {
        assert.ok(templates.has(q.question.toLowerCase()), `${kind.kind} asks unknown ${q.question}`);
      }
    }
    const flows = kindParameters(kindByName('flows-succeed')!, templates);
    assert.deepEqual(flows.map((p) => `${p.source}:${p.name}${p.required ? '!' : ''}`), [
      'variable:headers!', 'variable:pathConstraints', 'variable:ignoreFilters', 'variable:maxTraces', 'option:start-location',
    ]);
  });
});

describe('check kinds: parse-clean', () => {
  const files = table('fileParseStatus', [
    { File_Name: 'configs/core-rtr01.cfg', Status: 'PASSED', File_Format: 'CISCO_IOS', Nodes: [node('core-rtr01')] },
    { File_Name: 'configs/edge-rtr02.cfg', Status: 'FAILED', File_Format: 'CISCO_IOS', Nodes: [] },
    { File_Name: 'configs/edge-sw01.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'ARISTA', Nodes: [node('edge-sw01')] },
    { File_Name: 'configs/dist-sw02.cfg', Status: 'PARTIALLY_UNRECOGNIZED', File_Format: 'ARISTA', Nodes: [node('dist-sw02')] },
    { File_Name: 'configs/empty.cfg', Status: 'EMPTY', File_Format: 'EMPTY', Nodes: [] },
  ]);
  const issues = table('initIssues', [
    { Source_Lines: [{ filename: 'configs/edge-rtr02.cfg', lines: [12] }], Type: 'Parse error', Details: 'Error parsing configuration file\nstack...', Line_Text: 'router bgpp 65001' },
    { Source_Lines: [{ filename: 'configs/edge-sw01.cfg', lines: [9, 5] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'foo bar' },
    { Source_Lines: [{ filename: 'configs/core-rtr01.cfg', lines: [3] }], Type: 'Parse warning', Details: 'This syntax is unrecognized', Line_Text: 'ignored' },
    { Nodes: ['core-rtr01'], Type: 'Convert error', Details: 'Could not convert VRF BLUE' },
    { Nodes: ['core-rtr01'], Type: 'Convert warning (redflag)', Details: 'not fatal' },
  ]);

  it('fails FAILED files at the check severity and warns on partially recognised lines, with their lines', () => {
    const drafts = evaluate(spec('parse-clean'), [files, issues]);
    assert.deepEqual(
      drafts.map((d) => [d.message, d.location, d.severity ?? 'check']),
      [
        ['configs/edge-rtr02.cfg failed to parse: Error parsing configuration file', { file: 'regions/north_america/nyc/configs/edge-rtr02.cfg', line: 12 }, 'check'],
        ["configs/edge-sw01.cfg: Batfish does not recognise 'foo bar'", { file: 'regions/north_america/nyc/configs/edge-sw01.cfg', line: 5 }, 'warning'],
        ['configs/dist-sw02.cfg is only partially recognised', { file: 'regions/north_america/nyc/configs/dist-sw02.cfg', line: null }, 'warning'],
        ['core-rtr01 could not be converted: Could not convert VRF BLUE', null, 'check'],
      ],
    );
    // The warning's identity is its file and text, never its line numbers.
    assert.deepEqual(drafts[1]?.keyValues, ['PARTIALLY_UNRECOGNIZED', 'configs/edge-sw01.cfg', 'foo bar']);
    assert.equal(drafts[1]?.row.Line_Text, 'foo bar');
  });

  it('accepts partially recognised files with allow-partial', () => {
    const drafts = evaluate(spec('parse-clean', { 'allow-partial': true }), [files, issues]);
    assert.deepEqual(drafts.map((d) => d.keyValues[0]), ['FAILED', 'CONVERT_ERROR']);
  });

  it('passes a snapshot whose files all passed', () => {
    const clean = table('fileParseStatus', [{ File_Name: 'configs/a.cfg', Status: 'PASSED' }]);
    assert.deepEqual(evaluate(spec('parse-clean'), [clean, table('initIssues', [])]), []);
  });
});

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
    assert.deepEqual(kindByName('bgp-sessions-established')!.questions(spec('bgp-sessions-established', { nodes: 'core.*' })), [
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
});

describe('check kinds: OSPF, references, structures, filters, loops', () => {
  it('reports OSPF sessions whose status is not ESTABLISHED', () => {
    const answer = table('ospfSessionCompatibility', [
      { Interface: { hostname: 'r1', interface: 'Gi0/0' }, VRF: 'default', IP: '10.0.0.1', Area: 0, Remote_Interface: { hostname: 'r2', interface: 'Gi0/0' }, Session_Status: 'ESTABLISHED' },
      { Interface: { hostname: 'r1', interface: 'Gi0/1' }, VRF: 'default', IP: '10.0.1.1', Area: 0, Remote_Interface: { hostname: 'r3', interface: 'Gi0/0' }, Session_Status: 'AREA_MISMATCH' },
    ]);
    const drafts = evaluate(spec('ospf-sessions-compatible'), [answer]);
    assert.deepEqual(drafts.map((d) => d.message), ['OSPF session r1[Gi0/1] → r3[Gi0/0] (area 0) is AREA_MISMATCH']);
  });

  it('puts undefined references on their file and first line', () => {
    const answer = table('undefinedReferences', [
      { File_Name: 'configs/core-rtr01.cfg', Struct_Type: 'route-map', Ref_Name: 'RM-OUT', Context: 'bgp outbound route-map', Lines: { filename: 'configs/core-rtr01.cfg', lines: [44, 40] } },
    ]);
    const [draft, ...rest] = evaluate(spec('no-undefined-references'), [answer]);
    assert.equal(rest.length, 0);
    assert.equal(draft?.message, "route-map 'RM-OUT' is used (bgp outbound route-map) but not defined in configs/core-rtr01.cfg");
    assert.deepEqual(draft?.location, { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: 40 });
    assert.deepEqual(draft?.keyValues, ['configs/core-rtr01.cfg', 'route-map', 'RM-OUT', 'bgp outbound route-map']);
    assert.deepEqual(evaluate(spec('no-undefined-references'), [table('undefinedReferences', [])]), []);
  });

  it('reports each unused structure of the recorded unit-tests answer, located, keyed without lines', () => {
    const answer = recorded('unusedStructures__unit-tests__all.json');
    const drafts = evaluate(spec('no-unused-structures'), [answer]);
    assert.equal(drafts.length, answer.rows.length);
    assert.equal(drafts.length, 245);
    assert.deepEqual(drafts[0], {
      message: "aaa server group tacacs+ 'tacacs' is defined but never used in configs/aaa_group_server_source_interface",
      row: {
        Structure_Type: 'aaa server group tacacs+',
        Structure_Name: 'tacacs',
        Source_Lines: { filename: 'configs/aaa_group_server_source_interface', lines: [4, 5] },
      },
      location: { file: 'regions/north_america/nyc/configs/aaa_group_server_source_interface', line: 4 },
      keyValues: ['aaa server group tacacs+', 'tacacs', 'configs/aaa_group_server_source_interface'],
    });
  });

  it("locates unreachable filter lines at the filter's definition when definedStructures says where", () => {
    const answer = table('filterLineReachability', [
      { Sources: ['edge-sw01: EDGE-IN'], Unreachable_Line: 'permit tcp any any eq 22', Unreachable_Line_Action: 'PERMIT', Blocking_Lines: ['deny ip any any'], Different_Action: true, Reason: 'BLOCKING_LINES' },
    ]);
    const defined = table('definedStructures', [
      { Structure_Type: 'ipv4 access-list extended', Structure_Name: 'EDGE-IN', Source_Lines: { filename: 'configs/edge-sw01.cfg', lines: [30, 31, 32] } },
      { Structure_Type: 'ipv4 access-list extended', Structure_Name: 'EDGE-IN', Source_Lines: { filename: 'configs/edge-sw02.cfg', lines: [7, 8] } },
    ]);
    const files = table('fileParseStatus', [
      { File_Name: 'configs/edge-sw01.cfg', Status: 'PASSED', Nodes: [node('edge-sw01')] },
      { File_Name: 'configs/edge-sw02.cfg', Status: 'PASSED', Nodes: [node('edge-sw02')] },
    ]);
    const check = spec('no-unreachable-filter-lines');
    const [located] = evaluate(check, [answer], [defined, files]);
    assert.equal(located?.message, "filter line 'permit tcp any any eq 22' of edge-sw01: EDGE-IN can never match (BLOCKING_LINES: deny ip any any)");
    assert.deepEqual(located?.location, { file: 'regions/north_america/nyc/configs/edge-sw01.cfg', line: 30 });
    // Two definitions of that name and no file map: no guess.
    assert.equal(evaluate(check, [answer], [defined, undefined])[0]?.location, null);
    assert.deepEqual(kindByName('no-unreachable-filter-lines')!.contextQuestions?.(check).map((q) => q.question), ['definedStructures', 'fileParseStatus']);
  });

  it('reports each forwarding loop by its flow', () => {
    const answer = table('detectLoops', [{ Flow: flow('core-rtr01', '10.9.9.9'), Traces: [{ disposition: 'LOOP', hops: [] }], TraceCount: 1 }]);
    const drafts = evaluate(spec('no-forwarding-loops'), [answer]);
    assert.deepEqual(drafts.map((d) => d.message), ['forwarding loop: start=core-rtr01 [10.0.0.5:49152->10.9.9.9:443 TCP]']);
    assert.deepEqual(drafts[0]?.keyValues, ['core-rtr01', '', 'default', '10.9.9.9']);
    assert.deepEqual(evaluate(spec('no-forwarding-loops'), [table('detectLoops', [])]), []);
  });

  it('is an answer error when Batfish leaves out the column a verdict needs', () => {
    const odd = table('detectLoops', []);
    assert.throws(() => evaluate(spec('bgp-sessions-established'), [odd]), BatfishAnswerError);
  });
});

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
    assert.deepEqual(kindByName('no-duplicate-ips')!.questions(spec('no-duplicate-ips')), [
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
    assert.deepEqual(kindByName('no-duplicate-router-ids')!.questions(ospfOnly), [
      { question: 'ospfProcessConfiguration', parameters: { nodes: 'r.*' } },
    ]);
    assert.equal(evaluate(ospfOnly, [ospf]).length, 2);
  });
});

describe('check kinds: flows and filters', () => {
  it('flows-succeed asks reachability for failing flows from the start location, as assert_flows_succeed', () => {
    const check = spec('flows-succeed', { headers: { dstIps: '10.9.9.9', applications: ['HTTPS'] }, 'start-location': 'edge-sw01' });
    assert.deepEqual(kindByName('flows-succeed')!.questions(check), [
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
    assert.deepEqual(kindByName('flows-fail')!.questions(check)[0]?.parameters, {
      headers: { dstIps: '10.9.9.9' },
      pathConstraints: { startLocation: 'x', endLocation: 'y' },
      actions: 'success',
    });
    const answer = table('reachability', [{ Flow: flow('x', '10.9.9.9'), Traces: [{ disposition: 'ACCEPTED', hops: [] }], TraceCount: 1 }]);
    assert.deepEqual(evaluate(check, [answer]).map((d) => d.message), ['flow start=x [10.0.0.5:49152->10.9.9.9:443 TCP] succeeds (ACCEPTED)']);
  });

  it('filter-permits searches denied flows and filter-denies permitted ones, as the pybatfish asserts', () => {
    const permits = spec('filter-permits', { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' } });
    const denies = spec('filter-denies', { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' }, startLocation: 'edge-sw01' });
    assert.equal(kindByName('filter-permits')!.questions(permits)[0]?.parameters.action, 'deny');
    assert.deepEqual(kindByName('filter-denies')!.questions(denies)[0], {
      question: 'searchFilters',
      parameters: { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' }, startLocation: 'edge-sw01', action: 'permit' },
    });
    const answer = table('searchFilters', [
      { Node: node('edge-sw01'), Filter_Name: 'EDGE-IN', Flow: flow('edge-sw01', '10.9.9.9'), Action: 'DENY', Line_Content: 'deny ip any any' },
    ]);
    const [draft] = evaluate(permits, [answer]);
    assert.equal(draft?.message, 'filter EDGE-IN on edge-sw01 denies start=edge-sw01 [10.0.0.5:49152->10.9.9.9:443 TCP] (deny ip any any)');
    // Batfish picks one example flow per filter: the identity is the filter, not the example.
    assert.deepEqual(draft?.keyValues, ['edge-sw01', 'EDGE-IN']);
    assert.deepEqual(evaluate(denies, [table('searchFilters', [])]), []);
  });
});

describe('check kinds: routes, node properties, any question', () => {
  const routes = recorded('routes__dc-as-reuse__all.json');
  // Batfish filters by network itself; the recorded answer holds every route, so pick as it would.
  const routesTo = (network: string): TableAnswer => ({ ...routes, rows: routes.rows.filter((r) => r.Network === network) });

  it('route-present passes when the recorded routes have the prefix and fails once when none does', () => {
    const check = spec('route-present', { network: '2.0.0.0/31', nodes: 'plane_0_spine_0' });
    assert.deepEqual(kindByName('route-present')!.questions(check), [
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

  it('question expects no rows by default and reports each row, located when the row says where', () => {
    const answer = table('undefinedReferences', [
      { File_Name: 'configs/a.cfg', Struct_Type: 'acl', Ref_Name: 'X', Context: 'interface', Lines: { filename: 'configs/a.cfg', lines: [7] } },
    ]);
    const check = spec('question', { question: 'undefinedReferences', parameters: { nodes: 'a' } });
    assert.deepEqual(kindByName('question')!.questions(check), [{ question: 'undefinedReferences', parameters: { nodes: 'a' } }]);
    const drafts = evaluate(check, [answer]);
    assert.deepEqual(drafts.map((d) => [d.message, d.location]), [
      ['undefinedReferences: File_Name=configs/a.cfg, Struct_Type=acl, Ref_Name=X, Context=interface', { file: 'regions/north_america/nyc/configs/a.cfg', line: 7 }],
    ]);
  });

  it('question checks rows and min-rows', () => {
    const two = routesTo('2.0.0.0/31');
    const count = two.rows.length;
    const ask = { question: 'routes', parameters: {} };
    assert.deepEqual(evaluate(spec('question', ask, { expect: { rows: count } }), [two]), []);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { rows: count + 1 } }), [two]).map((d) => d.message), [
      `routes returned ${count} row${count === 1 ? '' : 's'}, expected ${count + 1}`,
    ]);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { minRows: count } }), [two]), []);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { minRows: 500 } }), [two]).map((d) => d.keyValues), [['min-rows']]);
  });
});

describe('check kinds: paths', () => {
  it('maps snapshot paths to paths from the current folder', () => {
    assert.equal(siteFile(SITE, 'configs/core-rtr01.cfg'), 'regions/north_america/nyc/configs/core-rtr01.cfg');
    assert.equal(siteFile({ site: 'x', dirFromCwd: '.' }, 'configs/r1'), 'configs/r1');
    assert.equal(siteFile({ site: 'x', dirFromCwd: 'snap/' }, './configs/r1'), 'snap/configs/r1');
  });
});
