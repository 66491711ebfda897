import { isObject } from '../batfish/answer.js';
import type { SessionEdge } from './graph.js';
import type { RenderTable } from './model.js';
import { toText } from './values.js';

/**
 * The answers that are graphs, and how each row becomes one line of the picture. Rows are read by
 * the column names Batfish's answerers write (BgpSessionStatusAnswerer,
 * BgpSessionCompatibilityAnswerer, OspfSessionCompatibilityAnswerer, EdgesAnswerer).
 */
export const GRAPH_QUESTIONS = ['bgpSessionStatus', 'bgpSessionCompatibility', 'ospfSessionCompatibility', 'layer1Edges', 'layer3Edges', 'bgpEdges', 'ospfEdges'] as const;

/** What the picture of each question shows, for its title. */
const GRAPH_TITLES: Record<string, string> = {
  bgpSessionStatus: 'BGP sessions',
  bgpSessionCompatibility: 'BGP session compatibility',
  ospfSessionCompatibility: 'OSPF sessions',
  layer1Edges: 'layer-1 links',
  layer3Edges: 'layer-3 links',
  bgpEdges: 'BGP adjacencies',
  ospfEdges: 'OSPF adjacencies',
};

/** Statuses of sessions that are up or compatible. */
const OK_STATUSES = new Set(['ESTABLISHED', 'UNIQUE_MATCH', 'DYNAMIC_MATCH']);
/** Compatibility statuses of sessions whose peer is outside the snapshot. */
const EXTERNAL_STATUSES = new Set(['UNKNOWN_REMOTE', 'LOCAL_IP_UNKNOWN_STATICALLY']);

/** True when netq can draw this question's answer (case-insensitive, as Batfish names templates). */
export function isGraphQuestion(question: string): boolean {
  return GRAPH_QUESTIONS.some((q) => q.toLowerCase() === question.toLowerCase());
}

/** `BGP sessions` for bgpSessionStatus, ...; the question's name for any other. */
export function graphTitle(question: string): string {
  return GRAPH_TITLES[GRAPH_QUESTIONS.find((q) => q.toLowerCase() === question.toLowerCase()) ?? ''] ?? question;
}

/**
 * The lines of the picture of an answer: one per row, ok (established, compatible, or an edge
 * of the topology), external (the peer is outside the snapshot) or broken. Undefined when the
 * question is not a graph, or the answer lacks the columns (a differential answer, say).
 */
export function answerGraphEdges(question: string, table: RenderTable): SessionEdge[] | undefined {
  const name = GRAPH_QUESTIONS.find((q) => q.toLowerCase() === question.toLowerCase());
  if (!name) return undefined;
  const has = (...columns: string[]): boolean => columns.every((c) => table.columns.some((col) => col.name === c));
  const cell = (row: Record<string, unknown>, column: string): string => {
    const meta = table.columns.find((c) => c.name === column);
    return meta ? toText(meta.schema, row[column]) : '';
  };
  const host = (row: Record<string, unknown>, column: string): string => {
    const value = row[column];
    return isObject(value) && typeof value.hostname === 'string' ? value.hostname : cell(row, column).replace(/\[.*$/, '');
  };
  const as = (value: string): string | undefined => (value ? `AS ${value}` : undefined);
  const edge = (node: string, remote: string, status: string, groups: { nodeGroup?: string | undefined; remoteGroup?: string | undefined } = {}): SessionEdge => ({
    node,
    remote,
    status,
    state: OK_STATUSES.has(status) ? 'ok' : EXTERNAL_STATUSES.has(status) ? 'external' : 'broken',
    failing: false,
    ...(groups.nodeGroup ? { nodeGroup: groups.nodeGroup } : {}),
    ...(groups.remoteGroup ? { remoteGroup: groups.remoteGroup } : {}),
  });
  switch (name) {
    case 'bgpSessionStatus':
    case 'bgpSessionCompatibility': {
      const status = name === 'bgpSessionStatus' ? 'Established_Status' : 'Configured_Status';
      if (!has('Node', 'Remote_IP', status)) return undefined;
      return table.rows.map((row) =>
        edge(cell(row, 'Node'), cell(row, 'Remote_Node') || cell(row, 'Remote_IP'), cell(row, status), {
          nodeGroup: as(cell(row, 'Local_AS')),
          remoteGroup: cell(row, 'Remote_Node') ? as(cell(row, 'Remote_AS')) : undefined,
        }),
      );
    }
    case 'ospfSessionCompatibility':
      if (!has('Interface', 'Remote_Interface', 'Session_Status')) return undefined;
      return table.rows.map((row) => edge(host(row, 'Interface'), host(row, 'Remote_Interface') || cell(row, 'Remote_IP'), cell(row, 'Session_Status')));
    case 'bgpEdges':
      if (!has('Node', 'Remote_Node')) return undefined;
      // Every row is an edge of the BGP topology Batfish computed: an established session.
      return table.rows.map((row) =>
        edge(cell(row, 'Node'), cell(row, 'Remote_Node'), 'ESTABLISHED', { nodeGroup: as(cell(row, 'AS_Number')), remoteGroup: as(cell(row, 'Remote_AS_Number')) }),
      );
    default:
      // layer1Edges, layer3Edges, ospfEdges: one row per direction of each link.
      if (!has('Interface', 'Remote_Interface')) return undefined;
      return table.rows.map((row) => edge(host(row, 'Interface'), host(row, 'Remote_Interface'), 'ESTABLISHED'));
  }
}
