import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { InputError } from '../../src/errors.js';
import { checkOutputOptions, formatSiteAnswers, type AnswerFormat, type AnswerOutputOptions } from '../../src/output.js';
import { answerGraphEdges, GRAPH_QUESTIONS } from '../../src/render/answer-graph.js';
import { answerOf, recorded, resultOf } from './output-fixtures.js';
import { graphvizSkip, parseMermaid, renderDot, svgTexts } from './output-schemas.js';

const node = (name: string) => ({ id: `node-${name}`, name });
const iface = (hostname: string, name: string) => ({ hostname, interface: name });

/**
 * A dozen routers' BGP peerings as bgpSessionCompatibility answers them (its columns): two cores,
 * four distribution routers, four leaves, two borders with ISP peers outside the snapshot, one
 * peering nobody answers and one half-open one.
 */
function bgpCompat(): TableAnswer {
  const rows: Array<Record<string, unknown>> = [];
  const as = { core: 65000, dist: 65001, leaf: 65002, border: 65000 } as const;
  const tier = (n: string): keyof typeof as => (n.startsWith('core') ? 'core' : n.startsWith('dist') ? 'dist' : n.startsWith('leaf') ? 'leaf' : 'border');
  let ip = 1;
  const peer = (a: string, b: string, status = 'UNIQUE_MATCH', statusBack = status) => {
    const [ipA, ipB] = [`10.0.${ip}.1`, `10.0.${ip}.2`];
    ip++;
    rows.push({ Node: node(a), VRF: 'default', Local_AS: as[tier(a)], Local_IP: ipA, Remote_AS: String(as[tier(b)]), Remote_Node: node(b), Remote_IP: { schema: 'Ip', value: ipB }, Address_Families: ['IPV4_UNICAST'], Session_Type: 'EBGP_SINGLEHOP', Configured_Status: status });
    rows.push({ Node: node(b), VRF: 'default', Local_AS: as[tier(b)], Local_IP: ipB, Remote_AS: String(as[tier(a)]), Remote_Node: node(a), Remote_IP: { schema: 'Ip', value: ipA }, Address_Families: ['IPV4_UNICAST'], Session_Type: 'EBGP_SINGLEHOP', Configured_Status: statusBack });
  };
  peer('core01', 'core02');
  for (const c of ['core01', 'core02']) for (const d of ['dist01', 'dist02', 'dist03', 'dist04']) peer(c, d);
  peer('dist01', 'leaf01');
  peer('dist02', 'leaf02');
  peer('dist03', 'leaf03');
  peer('dist04', 'leaf04', 'HALF_OPEN', 'UNIQUE_MATCH');
  peer('border01', 'core01');
  peer('border02', 'core02');
  const external = (n: string, remoteIp: string, remoteAs: string) =>
    rows.push({ Node: node(n), VRF: 'default', Local_AS: 65000, Local_IP: '203.0.113.1', Remote_AS: remoteAs, Remote_Node: null, Remote_IP: { schema: 'Ip', value: remoteIp }, Address_Families: ['IPV4_UNICAST'], Session_Type: 'EBGP_SINGLEHOP', Configured_Status: 'UNKNOWN_REMOTE' });
  external('border01', '104.34.34.34', '174');
  external('border02', '198.51.100.9', '3356');
  rows.push({ Node: node('leaf02'), VRF: 'default', Local_AS: 65002, Local_IP: '10.9.9.1', Remote_AS: '65001', Remote_Node: null, Remote_IP: { schema: 'Ip', value: '10.9.9.9' }, Address_Families: ['IPV4_UNICAST'], Session_Type: 'EBGP_SINGLEHOP', Configured_Status: 'NO_MATCH_FOUND' });
  return answerOf(
    [['Node', 'Node'], ['VRF', 'String'], ['Local_AS', 'Long'], ['Local_Interface', 'Interface'], ['Local_IP', 'Ip'], ['Remote_AS', 'String'], ['Remote_Node', 'Node'], ['Remote_Interface', 'Interface'], ['Remote_IP', 'SelfDescribing'], ['Address_Families', 'Set<String>'], ['Session_Type', 'String'], ['Configured_Status', 'String']],
    rows,
  );
}

/** OSPF adjacencies of three routers (ospfSessionCompatibility's columns), one with an area mismatch. */
function ospf(): TableAnswer {
  const row = (a: string, ai: string, b: string, bi: string, status: string) => ({ Interface: iface(a, ai), VRF: 'default', IP: '10.1.1.1', Area: 0, Remote_Interface: iface(b, bi), Remote_VRF: 'default', Remote_IP: '10.1.1.2', Remote_Area: 0, Session_Status: status });
  return answerOf(
    [['Interface', 'Interface'], ['VRF', 'String'], ['IP', 'Ip'], ['Area', 'Long'], ['Remote_Interface', 'Interface'], ['Remote_VRF', 'String'], ['Remote_IP', 'Ip'], ['Remote_Area', 'Long'], ['Session_Status', 'String']],
    [row('r1', 'Gi0/0', 'r2', 'Gi0/0', 'ESTABLISHED'), row('r2', 'Gi0/0', 'r1', 'Gi0/0', 'ESTABLISHED'), row('r2', 'Gi0/1', 'r3', 'Gi0/1', 'AREA_MISMATCH'), row('r3', 'Gi0/1', 'r2', 'Gi0/1', 'AREA_MISMATCH')],
  );
}

/** Layer-3 links (layer3Edges' columns), listed once from each end, two of them parallel. */
function layer3(): TableAnswer {
  const link = (a: string, ai: string, b: string, bi: string) => [
    { Interface: iface(a, ai), IPs: ['10.0.0.1'], Remote_Interface: iface(b, bi), Remote_IPs: ['10.0.0.2'] },
    { Interface: iface(b, bi), IPs: ['10.0.0.2'], Remote_Interface: iface(a, ai), Remote_IPs: ['10.0.0.1'] },
  ];
  return answerOf([['Interface', 'Interface'], ['IPs', 'Set<Ip>'], ['Remote_Interface', 'Interface'], ['Remote_IPs', 'Set<Ip>']], [
    ...link('core-rtr01', 'Gi0/1', 'core-rtr02', 'Gi0/1'),
    ...link('core-rtr01', 'Gi0/2', 'core-rtr02', 'Gi0/2'),
    ...link('core-rtr01', 'Gi0/3', 'edge-sw01', 'Gi0/48'),
  ]);
}

const EXAMPLE_NODES = ['as1border1', 'as1border2', 'as1core1', 'as2border1', 'as2border2', 'as2core1', 'as2core2', 'as2dept1', 'as2dist1', 'as2dist2', 'as3border1', 'as3border2', 'as3core1'];

const options = (format: AnswerFormat): AnswerOutputOptions => ({ format, terminal: { color: false }, verbose: false });

describe('pictures: which rows become which lines', () => {
  it('bgpSessionCompatibility: matched ok, UNKNOWN_REMOTE external, anything else broken, grouped by AS', () => {
    const edges = answerGraphEdges('bgpSessionCompatibility', bgpCompat())!;
    assert.equal(edges.length, bgpCompat().rows.length);
    assert.deepEqual(edges.find((e) => e.remote === '104.34.34.34'), { node: 'border01', remote: '104.34.34.34', status: 'UNKNOWN_REMOTE', state: 'external', failing: false, nodeGroup: 'AS 65000' });
    assert.equal(edges.find((e) => e.remote === '10.9.9.9')!.state, 'broken');
    assert.equal(edges.find((e) => e.node === 'dist04' && e.remote === 'leaf04')!.state, 'broken');
    assert.equal(edges.find((e) => e.node === 'core01' && e.remote === 'core02')!.remoteGroup, 'AS 65000');
  });

  it('ospfSessionCompatibility and layer-3 edges: interfaces become their nodes', () => {
    assert.deepEqual(answerGraphEdges('ospfSessionCompatibility', ospf())!.map((e) => [e.node, e.remote, e.state]), [['r1', 'r2', 'ok'], ['r2', 'r1', 'ok'], ['r2', 'r3', 'broken'], ['r3', 'r2', 'broken']]);
    assert.deepEqual(answerGraphEdges('layer3Edges', layer3())!.map((e) => e.node), ['core-rtr01', 'core-rtr02', 'core-rtr01', 'core-rtr02', 'core-rtr01', 'edge-sw01']);
  });

  it('bgpEdges: every row is an established adjacency, grouped by AS number', () => {
    const edges = answerGraphEdges('bgpEdges', recorded('bgpEdges__example-live__all.json'))!;
    assert.equal(edges.length, 34);
    assert.ok(edges.every((e) => e.state === 'ok'));
    assert.equal(edges.find((e) => e.node === 'as2dept1')!.nodeGroup, 'AS 65001');
    assert.deepEqual([...new Set(edges.map((e) => e.node))].sort(), EXAMPLE_NODES);
  });

  it('draws nothing for an answer without the columns (a differential one, say) or a question that is no graph', () => {
    assert.equal(answerGraphEdges('bgpSessionStatus', answerOf([['Node', 'Node'], ['KeyPresence', 'String']], [])), undefined);
    assert.equal(answerGraphEdges('routes', recorded('routes__dc-as-reuse__all.json')), undefined);
    assert.equal(GRAPH_QUESTIONS.length, 7);
  });
});

describe('pictures: DOT renders with Graphviz', () => {
  const skip = graphvizSkip();

  it('edges --layer bgp of the dozen-node example network renders to an SVG with every router and AS', { skip }, () => {
    const { stdout } = formatSiteAnswers([resultOf('bgpEdges', recorded('bgpEdges__example-live__all.json'), { region: null, site: 'example-live' })], options('dot'));
    const svg = renderDot(stdout);
    const texts = svgTexts(svg);
    for (const name of [...EXAMPLE_NODES, 'AS 1', 'AS 2', 'AS 3', 'AS 65001', 'example-live BGP adjacencies']) assert.ok(texts.includes(name), name);
    // Mirrored rows are one undirected line each: 17 sessions.
    assert.equal(stdout.split('\n').filter((l) => / -> .*dir=none/.test(l)).length, 17);
    const width = Number(/<svg width="(\d+)pt"/.exec(svg)![1]);
    assert.ok(width < 1200, `an SVG a screen shows whole (${width}pt wide)`);
  });

  it('bgp-compat of a dozen routers: external peers apart, broken ones red, problems labelled', { skip }, () => {
    const { stdout } = formatSiteAnswers([resultOf('bgpSessionCompatibility', bgpCompat())], options('dot'));
    assert.match(stdout, /subgraph cluster_outside \{[^}]*label="104\.34\.34\.34"/s);
    const texts = svgTexts(renderDot(stdout));
    for (const label of ['core01', 'leaf04', 'border02', '198.51.100.9', '10.9.9.9', 'UNKNOWN_REMOTE', 'HALF_OPEN', 'NO_MATCH_FOUND', 'outside the snapshot', 'north_america/nyc BGP session compatibility']) {
      assert.ok(texts.includes(label), label);
    }
  });

  it('ospf-sessions and layer-3 links render too', { skip }, () => {
    for (const [question, answer] of [['ospfSessionCompatibility', ospf()], ['layer3Edges', layer3()]] as const) {
      const texts = svgTexts(renderDot(formatSiteAnswers([resultOf(question, answer)], options('dot')).stdout));
      assert.ok(texts.includes('r2') || texts.includes('core-rtr01'), question);
    }
  });
});

describe('pictures: mermaid parses with mermaid\'s own parser', () => {
  it('every graph question\'s picture parses', async () => {
    const answers: Array<[string, TableAnswer]> = [['bgpSessionCompatibility', bgpCompat()], ['ospfSessionCompatibility', ospf()], ['layer3Edges', layer3()], ['bgpEdges', recorded('bgpEdges__example-live__all.json')], ['bgpSessionStatus', recorded('bgpSessionStatus__example-live__nodes-as2_remoteNodes-as3_before-session-vrf.json')]];
    for (const [question, answer] of answers) {
      const { stdout } = formatSiteAnswers([resultOf(question, answer)], options('mermaid'));
      assert.match(stdout, /^---\ntitle: /);
      assert.deepEqual(await parseMermaid(stdout), { diagramType: 'flowchart-v2', config: {} }, question);
    }
  });

  it('--format markdown puts the mermaid graph above the table, and it parses', async () => {
    const { stdout } = formatSiteAnswers([resultOf('bgpSessionCompatibility', bgpCompat())], options('markdown'));
    const match = /^```mermaid\n([\s\S]*?)```\n\n\| Node \| VRF \|/.exec(stdout);
    assert.ok(match, stdout.slice(0, 200));
    assert.deepEqual(await parseMermaid(match[1]!), { diagramType: 'flowchart-v2', config: {} });
    assert.match(match[1]!, /subgraph outside_snapshot/);
  });

  it('--format markdown of an answer that is no graph (or has no rows) is the table alone', () => {
    assert.match(formatSiteAnswers([resultOf('routes', recorded('routes__dc-as-reuse__all.json'))], options('markdown')).stdout, /^\| Node \|/);
    assert.match(formatSiteAnswers([resultOf('bgpEdges', answerOf([['Node', 'Node'], ['Remote_Node', 'Node']], []))], options('markdown')).stdout, /^\| Node \|/);
  });

  it('--columns keeps the picture whole: the graph reads the columns the table drops', () => {
    const { stdout } = formatSiteAnswers([resultOf('bgpSessionCompatibility', bgpCompat())], { ...options('markdown'), columns: 'Node,Configured_Status' });
    assert.match(stdout, /^```mermaid\n[\s\S]*104\.34\.34\.34[\s\S]*```\n\n\| Node \| Configured_Status \|/);
  });
});

describe('pictures: refused where they make no sense (exit 2, naming the valid formats)', () => {
  const ask = (question: string) => [{ question, parameters: {} }];

  it('for an answer that is no graph', () => {
    assert.throws(
      () => checkOutputOptions({ questions: ask('routes'), all: false, differential: false }, { format: 'dot' }),
      (e: unknown) => e instanceof InputError && e.exitCode === 2 && /formats of this command: table, json, csv, markdown/.test(e.hint ?? ''),
    );
    assert.throws(() => checkOutputOptions({ questions: ['fileParseStatus', 'initIssues', 'parseWarning'].flatMap(ask), all: false, differential: false }, { format: 'mermaid' }), InputError);
  });

  it('with --all and with a reference snapshot', () => {
    assert.throws(() => checkOutputOptions({ questions: ask('bgpEdges'), all: true, differential: false }, { format: 'dot' }), /--all asks about many/);
    assert.throws(() => checkOutputOptions({ questions: ask('bgpSessionStatus'), all: false, differential: true }, { format: 'mermaid' }), /--reference compares two/);
  });

  it('accepts them for every graph question', () => {
    for (const question of GRAPH_QUESTIONS) for (const format of ['dot', 'mermaid'] as const) checkOutputOptions({ questions: ask(question), all: false, differential: false }, { format });
  });
});
