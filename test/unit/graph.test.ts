import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { type SessionEdge, toDot, toMermaid } from '../../src/render/graph.js';
import type { SessionEdge as ModelSessionEdge } from '../../src/check/model.js';

const e = (node: string, remote: string, status: string, state: SessionEdge['state'], failing = false): SessionEdge => ({
  node,
  remote,
  status,
  state,
  failing,
});

/** A dozen routers in three tiers, two ISP peers outside the snapshot, and two broken sessions. */
function dozen(): SessionEdge[] {
  const edges: SessionEdge[] = [];
  const up = (a: string, b: string) => edges.push(e(a, b, 'ESTABLISHED', 'ok'), e(b, a, 'ESTABLISHED', 'ok'));
  up('core-rtr01', 'core-rtr02');
  for (const core of ['core-rtr01', 'core-rtr02']) for (const dist of ['dist-rtr01', 'dist-rtr02']) up(core, dist);
  up('dist-rtr01', 'leaf01');
  up('dist-rtr01', 'leaf02');
  up('dist-rtr02', 'leaf03');
  up('border01', 'core-rtr01');
  up('border02', 'core-rtr02');
  edges.push(e('dist-rtr02', 'leaf04', 'NOT_ESTABLISHED', 'broken', true), e('leaf04', 'dist-rtr02', 'NOT_ESTABLISHED', 'broken', true));
  edges.push(e('border01', '104.34.34.34', 'UNKNOWN_REMOTE', 'external'), e('border02', '203.0.113.9', 'UNKNOWN_REMOTE', 'external'));
  edges.push(e('leaf02', '10.9.9.9', 'NO_MATCH_FOUND', 'broken', true));
  return edges;
}

/** Node names that would break either language if they reached its syntax. */
const HOSTILE = ['a"b', 'end', 'subgraph', 'x -> y', 'back\\slash\\N', '{brace}', 'semi;colon', 'line\nbreak', '#35;hash', '<b>tag</b>', 'pipe|bar', 'ünïcødé 🚀', 'graph', 'style', 'click'];

function hostileEdges(): SessionEdge[] {
  return HOSTILE.map((name, i) => e(name, HOSTILE[(i + 1) % HOSTILE.length]!, i % 3 === 0 ? 'NOT_"COMPATIBLE"|x' : 'ESTABLISHED', i % 3 === 0 ? 'broken' : 'ok', i % 3 === 0));
}

describe('graph: shared model', () => {
  it('takes the check model\'s SessionEdge as it is', () => {
    const model: ModelSessionEdge[] = [{ node: 'a', remote: 'b', status: 'ESTABLISHED', state: 'ok', failing: false }];
    assert.match(toDot(model), /n0 -> n1/);
  });
});

describe('graph: DOT', () => {
  const dot = spawnSync('dot', ['-V'], { encoding: 'utf8' });
  const hasDot = dot.error === undefined && dot.status === 0;
  // Without Graphviz the rendering checks are skipped locally; CI must have it.
  const skip = !hasDot && !process.env.CI ? 'Graphviz `dot` is not installed (apt-get install graphviz)' : false;

  /** The texts an SVG shows, with Graphviz's character references decoded. */
  function svgTexts(svg: string): string[] {
    return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1]!
        .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
  }

  function render(text: string, format = 'svg'): string {
    const out = spawnSync('dot', [`-T${format}`], { input: text, encoding: 'utf8' });
    assert.equal(out.error, undefined, `dot could not run: ${String(out.error)}`);
    assert.equal(out.status, 0, `dot failed: ${out.stderr}`);
    assert.equal(out.stderr, '', `dot warned: ${out.stderr}`);
    return out.stdout;
  }

  it('renders a dozen-node session graph to SVG with every name and problem status', { skip }, () => {
    const svg = render(toDot(dozen(), { title: 'nyc BGP sessions' }));
    assert.match(svg, /^<\?xml/);
    const texts = svgTexts(svg);
    for (const name of ['core-rtr01', 'core-rtr02', 'dist-rtr01', 'dist-rtr02', 'leaf01', 'leaf02', 'leaf03', 'leaf04', 'border01', 'border02', '104.34.34.34', '203.0.113.9', '10.9.9.9']) {
      assert.ok(texts.includes(name), name);
    }
    for (const label of ['NOT_ESTABLISHED', 'UNKNOWN_REMOTE', 'NO_MATCH_FOUND', 'outside the snapshot', 'nyc BGP sessions', 'named by a finding']) {
      assert.ok(texts.includes(label), label);
    }
  });

  it('renders any node name safely, showing it as written', { skip }, () => {
    const texts = svgTexts(render(toDot(hostileEdges())));
    for (const name of HOSTILE.filter((n) => !n.includes('\n'))) assert.ok(texts.includes(name), name);
    // A line break in a name is a line break in the picture.
    assert.ok(texts.includes('line') && texts.includes('break'));
  });

  it('colours edges by state, draws failing ones thick and external peers dashed in their own cluster', () => {
    const text = toDot(dozen());
    assert.match(text, /subgraph cluster_outside \{[^}]*n\d+ \[label="104\.34\.34\.34"/s);
    const line = (from: string, to: string) => {
      const ids = new Map([...text.matchAll(/^ {2,4}(n\d+) \[label="([^"]*)"/gm)].map((m) => [m[2]!, m[1]!]));
      const a = ids.get(from)!;
      const b = ids.get(to)!;
      return text.split('\n').find((l) => l.includes(`${a} -> ${b} [`) || l.includes(`${b} -> ${a} [`)) ?? '';
    };
    assert.match(line('core-rtr01', 'core-rtr02'), /color="#2e7d32", penwidth=1\.5, dir=none\]/);
    assert.match(line('dist-rtr02', 'leaf04'), /color="#c62828", label="NOT_ESTABLISHED".*penwidth=3\.5/);
    assert.match(line('border01', '104.34.34.34'), /color="#9e9e9e".*style=dashed/);
    // Mirrored sessions are one line; the ISP edges and the one-sided broken session stay arrows.
    assert.equal(text.split('\n').filter((l) => / -> /.test(l) && !l.includes('legend')).length, 14);
  });

  it('draws an unmatched remote IP dashed and red, not as a device', () => {
    assert.match(toDot(dozen()), /\[label="10\.9\.9\.9", style="rounded,dashed", color="#c62828"\]/);
  });

  it('uses only generated ids, whatever the names', () => {
    const text = toDot(hostileEdges());
    const edges = text.split('\n').filter((l) => / -> /.test(l) && !/^ {2,4}n\d+ \[label=/.test(l));
    assert.equal(edges.length, HOSTILE.length);
    for (const line of edges) assert.match(line, /^ {2}n\d+ -> n\d+ \[/);
    assert.ok(text.includes('label="back\\\\slash\\\\N"'), 'backslashes doubled so \\N stays text');
    assert.ok(text.includes('label="line\\nbreak"'));
  });

  it('writes a PNG a person can look at', { skip }, () => {
    const out = spawnSync('dot', ['-Tpng'], { input: toDot(dozen(), { title: 'nyc BGP sessions' }) });
    assert.equal(out.status, 0);
    assert.deepEqual([...out.stdout.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });
});

describe('graph: mermaid', () => {
  let parse: (text: string) => Promise<unknown>;
  before(async () => {
    // mermaid's parser runs DOMPurify on labels, which needs a DOM: jsdom stands in for the browser.
    const { window } = new JSDOM('');
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import('mermaid')).default;
    parse = (text) => mermaid.parse(text);
  });

  it('parses with mermaid\'s own parser', async () => {
    const result = await parse(toMermaid(dozen(), { title: 'nyc BGP sessions' }));
    assert.deepEqual(result, { diagramType: 'flowchart-v2', config: {} });
  });

  it('the parser rejects broken text, so the check above means something', async () => {
    await assert.rejects(parse('flowchart LR\n  n0["a" --> n1\n'));
    await assert.rejects(parse('flowchart LR\n  n0 --> n1\n  linkStyle 5 stroke:red\n'));
  });

  it('parses with any node name and status text', async () => {
    await parse(toMermaid(hostileEdges()));
    await parse(toMermaid(hostileEdges(), { labels: 'all', direction: 'TB' }));
  });

  it('keeps names out of the syntax and escapes labels', () => {
    const text = toMermaid(hostileEdges(), { labels: 'all' });
    assert.ok(text.includes('["a#34;b"]'));
    assert.ok(text.includes('["#35;35;hash"]'));
    assert.ok(text.includes('["#60;b#62;tag#60;/b#62;"]'));
    assert.ok(text.includes('["line break"]'));
    assert.ok(text.includes('|"NOT_#34;COMPATIBLE#34;#124;x"|'));
    for (const line of text.split('\n').filter((l) => /-->|---|==>|===/.test(l))) assert.match(line, /^ {2}n\d+ [-=.>]+(\|"[^"]*"\|)? n\d+$/);
  });

  it('puts external peers in their own subgraph and marks failing sessions thick and red', () => {
    const text = toMermaid(dozen());
    const sub = text.slice(text.indexOf('subgraph outside_snapshot'), text.indexOf('  end\n'));
    assert.ok(sub.includes('["104.34.34.34"]:::outside') && sub.includes('["203.0.113.9"]:::outside'));
    assert.ok(!sub.includes('core-rtr01'));
    const edges = text.split('\n').filter((l) => /^ {2}n\d+ /.test(l) && /-|=/.test(l));
    const styles = text.split('\n').filter((l) => l.startsWith('  linkStyle '));
    assert.equal(styles.length, edges.length, 'one style per edge, indices in order');
    edges.forEach((line, i) => {
      const style = styles[i]!;
      assert.ok(style.startsWith(`  linkStyle ${i} `));
      if (line.includes('==')) assert.match(style, /stroke:#c62828,stroke-width:4px/);
      if (line.includes('-.-')) assert.match(style, /stroke:#9e9e9e.*dasharray/);
      if (line.includes('---')) assert.match(style, /stroke:#2e7d32/);
    });
    assert.equal(edges.filter((l) => l.includes('==')).length, 2);
    assert.ok(edges.some((l) => l.includes('===|"NOT_ESTABLISHED"|')), 'a session broken on both ends is one thick line');
  });

  it('labels only problem edges by default, every edge on request', () => {
    assert.ok(!toMermaid(dozen()).includes('"ESTABLISHED"'));
    assert.ok(toMermaid(dozen(), { labels: 'all' }).includes('|"ESTABLISHED"|'));
    assert.ok(!toMermaid(dozen(), { labels: 'none' }).includes('|"'));
  });
});
