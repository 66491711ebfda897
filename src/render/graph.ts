import { isIP } from 'node:net';

/**
 * Session and link graphs as text a picture tool draws: Mermaid (GitHub and GitLab render it in
 * comments) and Graphviz DOT. Both come from one layout-free model, so the two pictures always
 * agree on what is a node, what is outside the snapshot and which session is broken.
 */

/**
 * One session (or link) to draw: its two ends and how it stands. The same shape as the check
 * model's `SessionEdge` (src/check/model.ts), declared here because rendering sits below the
 * application layer and never imports it.
 */
export interface SessionEdge {
  node: string;
  /** The remote node, or the remote IP when the peer is outside the snapshot. */
  remote: string;
  /** Batfish's status text (ESTABLISHED, UNIQUE_MATCH, NOT_COMPATIBLE, UNKNOWN_REMOTE, ...). */
  status: string;
  /** ok: up/compatible; external: the peer is outside the snapshot; broken: anything else. */
  state: 'ok' | 'external' | 'broken';
  /** Drawn thick: a finding names this session. */
  failing: boolean;
  /** A group the local node belongs to (e.g. `AS 65001`), drawn as a box around its members. */
  nodeGroup?: string;
  /** The group of the remote node; a peer outside the snapshot stays in its own box. */
  remoteGroup?: string;
}

export interface GraphOptions {
  /** Layout direction: left to right (default) or top to bottom. */
  direction?: 'LR' | 'TB';
  /** A caption drawn above the graph. */
  title?: string;
  /**
   * Which edges carry their status as a label: every edge (default), only the ones that are not
   * ok (keeps a large healthy graph quiet), or none.
   */
  labels?: 'all' | 'problems' | 'none';
  /** Draw a key of the edge styles (DOT only; default true). Mermaid has no room for one. */
  legend?: boolean;
}

/** The colours of the three states, shared by both formats so a reader learns them once. */
export const EDGE_COLORS = { ok: '#2e7d32', external: '#9e9e9e', broken: '#c62828' } as const;

interface GraphNode {
  id: string;
  name: string;
  /**
   * device: in the snapshot; outside: a peer of an external session (drawn apart);
   * unresolved: the far end of a broken session that Batfish could not match to a device.
   */
  kind: 'device' | 'outside' | 'unresolved';
  /** The group box a device is drawn in, if any. */
  group?: string;
}

interface GraphEdge {
  from: GraphNode;
  to: GraphNode;
  status: string;
  state: SessionEdge['state'];
  failing: boolean;
  /** Both ends configured the session with the same outcome: drawn once, without an arrow. */
  mutual: boolean;
  /** How many sessions this line stands for (parallel sessions over several addresses). */
  count: number;
}

interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Group names in natural order, each with its devices. */
  groups: Array<{ id: string; name: string; nodes: GraphNode[] }>;
}

/**
 * Builds the drawable graph. Batfish lists a session once from each end, so two mirrored
 * sessions with the same status become one undirected line; sessions whose two ends disagree
 * stay two arrows, since the disagreement is the interesting part. Node ids are `n0`, `n1`, ...
 * in name order, so no node name (quotes, spaces, `->`, keywords such as `end`) reaches the
 * syntax of either language.
 */
function buildGraph(input: readonly SessionEdge[]): Graph {
  // Devices: every name a session starts from, and every name an ok session was matched to.
  const devices = new Set<string>();
  for (const e of input) {
    devices.add(e.node);
    if (e.state === 'ok') devices.add(e.remote);
  }
  const names = new Set<string>();
  for (const e of input) {
    names.add(e.node);
    names.add(e.remote);
  }
  const outside = new Set(input.filter((e) => e.state === 'external' && !devices.has(e.remote)).map((e) => e.remote));
  const sorted = [...names].sort(compareNames);
  // Batfish names the remote node of every session it could match, so a bare IP at the far end
  // of a broken session is a peer it could not find: drawn dashed, not as a device.
  const nodes = new Map<string, GraphNode>(
    sorted.map((name, i) => [
      name,
      { id: `n${i}`, name, kind: devices.has(name) ? 'device' : outside.has(name) ? 'outside' : isIP(name) ? 'unresolved' : 'device' },
    ]),
  );
  const node = (name: string): GraphNode => nodes.get(name)!;
  // The first group named for a device is its box; peers outside the snapshot have none.
  for (const e of input) {
    const local = node(e.node);
    if (e.nodeGroup && local.kind === 'device') local.group ??= e.nodeGroup;
    const remote = node(e.remote);
    if (e.remoteGroup && remote.kind === 'device') remote.group ??= e.remoteGroup;
  }
  const groupNames = [...new Set([...nodes.values()].map((n) => n.group).filter((g): g is string => g !== undefined))].sort(compareNames);
  const groups = groupNames.map((name, i) => ({ id: `g${i}`, name, nodes: [...nodes.values()].filter((n) => n.group === name) }));

  // Identical sessions (same ends, status and failing mark) collapse into one line with a count.
  const directed = new Map<string, GraphEdge>();
  for (const e of input) {
    const key = JSON.stringify([e.node, e.remote, e.status, e.state, e.failing]);
    const seen = directed.get(key);
    if (seen) seen.count++;
    else directed.set(key, { from: node(e.node), to: node(e.remote), status: e.status, state: e.state, failing: e.failing, mutual: false, count: 1 });
  }
  const edges: GraphEdge[] = [];
  const merged = new Set<GraphEdge>();
  for (const edge of directed.values()) {
    if (merged.has(edge)) continue;
    const mirror = directed.get(JSON.stringify([edge.to.name, edge.from.name, edge.status, edge.state, edge.failing]));
    if (mirror && mirror !== edge && !merged.has(mirror) && mirror.count === edge.count) {
      merged.add(mirror);
      edges.push({ ...edge, mutual: true });
    } else {
      edges.push(edge);
    }
  }
  edges.sort((a, b) => compareNames(a.from.name, b.from.name) || compareNames(a.to.name, b.to.name) || a.status.localeCompare(b.status));
  return { nodes: [...nodes.values()], edges, groups };
}

/** Natural order, so `leaf2` comes before `leaf10`. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function edgeLabel(edge: GraphEdge, labels: GraphOptions['labels']): string {
  if (labels === 'none' || (labels === 'problems' && edge.state === 'ok' && !edge.failing)) return '';
  return edge.count > 1 ? `${edge.status} ×${edge.count}` : edge.status;
}

/** Mermaid's entity codes: inside a quoted label only `"` is special, but `#` starts an entity
 * and `<`/`>`/`&` would be read as HTML by the renderer. */
function mermaidText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[#"<>&|`]/g, (c) => `#${c.codePointAt(0)!};`);
}

/**
 * A Mermaid flowchart of sessions: nodes by name, peers outside the snapshot in their own
 * subgraph with dashed grey borders, edges green (ok), grey dashed (external) or red (broken),
 * and every session a finding names drawn thick.
 */
export function toMermaid(edges: readonly SessionEdge[], options: GraphOptions = {}): string {
  const { nodes, edges: lines, groups } = buildGraph(edges);
  const labels = options.labels ?? 'problems';
  const out: string[] = [];
  if (options.title) out.push('---', `title: ${JSON.stringify(options.title.replace(/[\r\n]+/g, ' '))}`, '---');
  out.push(`flowchart ${options.direction ?? 'LR'}`);
  out.push(`  classDef outside stroke:${EDGE_COLORS.external},stroke-dasharray:4 3,color:#616161`);
  out.push(`  classDef unresolved stroke:${EDGE_COLORS.broken},stroke-dasharray:4 3`);
  out.push(`  classDef broken stroke:${EDGE_COLORS.broken},stroke-width:2px`);
  const brokenNodes = troubledNodes(lines);
  const mermaidNode = (n: GraphNode, indent: string): string => {
    const cls = n.kind === 'unresolved' ? ':::unresolved' : brokenNodes.has(n.id) ? ':::broken' : '';
    return `${indent}${n.id}["${mermaidText(n.name)}"]${cls}`;
  };
  for (const g of groups) {
    out.push(`  subgraph ${g.id}["${mermaidText(g.name)}"]`);
    for (const n of g.nodes) out.push(mermaidNode(n, '    '));
    out.push('  end');
  }
  for (const n of nodes.filter((n) => n.kind !== 'outside' && n.group === undefined)) out.push(mermaidNode(n, '  '));
  const outside = nodes.filter((n) => n.kind === 'outside');
  if (outside.length > 0) {
    out.push('  subgraph outside_snapshot["outside the snapshot"]');
    for (const n of outside) out.push(`    ${n.id}["${mermaidText(n.name)}"]:::outside`);
    out.push('  end');
  }
  const styles: string[] = [];
  lines.forEach((l, i) => {
    const label = edgeLabel(l, labels);
    // Thick for failing, dotted for external, plain otherwise; an arrow only when one-sided.
    const arrow = l.failing ? (l.mutual ? '===' : '==>') : l.state === 'external' ? (l.mutual ? '-.-' : '-.->') : l.mutual ? '---' : '-->';
    out.push(`  ${l.from.id} ${arrow}${label ? `|"${mermaidText(label)}"|` : ''} ${l.to.id}`);
    const width = l.failing ? 4 : 2;
    const dash = l.state === 'external' ? ',stroke-dasharray:5 4' : '';
    styles.push(`  linkStyle ${i} stroke:${EDGE_COLORS[l.state]},stroke-width:${width}px${dash}`);
  });
  for (const style of styles) out.push(style);
  return `${out.join('\n')}\n`;
}

/** Devices at the local end of a broken or failing session: outlined red so they stand out. */
function troubledNodes(lines: GraphEdge[]): Set<string> {
  return new Set(lines.filter((l) => l.failing || l.state === 'broken').flatMap((l) => [l.from, l.to]).filter((n) => n.kind === 'device').map((n) => n.id));
}

/** A DOT double-quoted string: backslash first, so `\N`, `\l` and friends stay literal text. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

/** Text inside a DOT HTML-like label. */
function dotHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A Graphviz digraph of sessions, the same picture as `toMermaid`: peers outside the snapshot in
 * their own dashed cluster at the edge of the drawing, edge colours by state, failing sessions
 * bold, and a legend. Render it with `dot -Tsvg`.
 */
export function toDot(edges: readonly SessionEdge[], options: GraphOptions = {}): string {
  const { nodes, edges: lines, groups } = buildGraph(edges);
  const labels = options.labels ?? 'problems';
  const font = 'Helvetica,Arial,sans-serif';
  const out: string[] = ['digraph sessions {'];
  const graphAttrs = [`rankdir=${options.direction ?? 'LR'}`, `fontname=${dotString(font)}`, 'nodesep=0.3', 'ranksep=0.8', 'pad=0.3'];
  if (options.title) graphAttrs.push(`label=${dotString(options.title)}`, 'labelloc=t', 'fontsize=18');
  out.push(`  graph [${graphAttrs.join(', ')}];`);
  out.push(`  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#455a64", fontname=${dotString(font)}, fontsize=12];`);
  out.push(`  edge [fontname=${dotString(font)}, fontsize=10, arrowsize=0.7];`);
  const brokenNodes = troubledNodes(lines);
  const dotNode = (n: GraphNode, indent: string): string => {
    const extra =
      n.kind === 'unresolved'
        ? `, style="rounded,dashed", color=${dotString(EDGE_COLORS.broken)}`
        : brokenNodes.has(n.id)
          ? `, color=${dotString(EDGE_COLORS.broken)}, penwidth=2`
          : '';
    return `${indent}${n.id} [label=${dotString(n.name)}${extra}];`;
  };
  for (const g of groups) {
    out.push(`  subgraph cluster_${g.id} {`);
    out.push(`    label=${dotString(g.name)}; style="rounded,filled"; color="#b0bec5"; fillcolor="#f5f7f8"; fontcolor="#37474f"; fontsize=12;`);
    for (const n of g.nodes) out.push(dotNode(n, '    '));
    out.push('  }');
  }
  for (const n of nodes.filter((n) => n.kind !== 'outside' && n.group === undefined)) out.push(dotNode(n, '  '));
  const outside = nodes.filter((n) => n.kind === 'outside');
  if (outside.length > 0) {
    out.push('  subgraph cluster_outside {');
    out.push(`    label="outside the snapshot"; style="dashed,rounded"; color=${dotString(EDGE_COLORS.external)}; fontcolor="#616161"; fontsize=11;`);
    for (const n of outside) {
      out.push(`    ${n.id} [label=${dotString(n.name)}, style="rounded,dashed", color=${dotString(EDGE_COLORS.external)}, fontcolor="#616161"];`);
    }
    out.push('  }');
  }
  for (const l of lines) {
    const color = EDGE_COLORS[l.state];
    const attrs = [`color=${dotString(color)}`];
    const label = edgeLabel(l, labels);
    if (label) attrs.push(`label=${dotString(label)}`, `fontcolor=${dotString(l.state === 'ok' ? '#1b5e20' : color)}`);
    if (l.state === 'external') attrs.push('style=dashed');
    attrs.push(l.failing ? 'penwidth=3.5' : 'penwidth=1.5');
    if (l.failing) attrs.push(`fontname=${dotString('Helvetica-Bold')}`);
    // An edge to a peer outside the snapshot is laid out from the peer's side (and drawn with
    // its arrow reversed), so the outside cluster lands at the border of the picture instead of
    // in the middle of the network.
    const reversed = l.to.kind === 'outside' && l.from.kind !== 'outside';
    if (l.mutual) attrs.push('dir=none');
    else if (reversed) attrs.push('dir=back');
    out.push(reversed ? `  ${l.to.id} -> ${l.from.id} [${attrs.join(', ')}];` : `  ${l.from.id} -> ${l.to.id} [${attrs.join(', ')}];`);
  }
  if (options.legend ?? true) for (const line of dotLegend(lines)) out.push(line);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/**
 * A key with one sample line per edge style the graph uses, as one small table node: sample
 * edges would be laid out (and stretched) like real ones.
 */
function dotLegend(lines: GraphEdge[]): string[] {
  const rows: Array<[string, string, string]> = [];
  const has = (p: (l: GraphEdge) => boolean): boolean => lines.some(p);
  if (has((l) => l.state === 'ok')) rows.push(['━━━', EDGE_COLORS.ok, 'ok']);
  if (has((l) => l.state === 'external')) rows.push(['╍╍╍', EDGE_COLORS.external, 'peer outside the snapshot']);
  if (has((l) => l.state === 'broken')) rows.push(['━━━', EDGE_COLORS.broken, 'broken']);
  if (has((l) => l.failing)) rows.push(['<b>▬▬▬</b>', EDGE_COLORS.broken, 'named by a finding']);
  if (rows.length === 0) return [];
  const cells = rows
    .map(([line, color, text]) => `<tr><td align="left"><font color="${color}">${line}</font></td><td align="left">${dotHtml(text)}</td></tr>`)
    .join('');
  return [
    `  legend [shape=plain, style="", fontsize=10, fontcolor="#37474f", label=<<table border="1" color="#b0bec5" cellborder="0" cellspacing="2" cellpadding="2">${cells}</table>>];`,
  ];
}
