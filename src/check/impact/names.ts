/**
 * A differential pitfall handled for users: Batfish resolves a named IP specifier (`dstIps:
 * server2`, the addresses of node server2) on each snapshot it looks at, and differentialReachability
 * on the snapshot side only. On a fork with server2 down, or a head that renumbers it, the name
 * resolves to something else or to nothing, and the question then silently compares other flows,
 * or none. netq resolves such names once, on the side the change is compared with (the base; for
 * N-1 the unforked snapshot), from ipOwners, and sends the addresses to both sides. Pure.
 */
import type { TableAnswer } from '../../batfish/answer.js';
import { toText } from '../../render/index.js';

const IP_FIELDS = ['srcIps', 'dstIps'] as const;

/** A token of an IP specifier that names a node: a bare word, not an address, prefix, range or specifier function. */
function isNodeName(token: string): boolean {
  return /^[A-Za-z_][\w.-]*$/.test(token) && !/^ref\./i.test(token);
}

const tokens = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((t) => t.trim()).filter(Boolean) : []);

function headersOf(parameters: Record<string, unknown>): Record<string, unknown> | undefined {
  const headers = parameters.headers;
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers) ? (headers as Record<string, unknown>) : undefined;
}

/** The node names the flow scope's `headers.srcIps` / `headers.dstIps` use, sorted. */
export function namedIpNodes(parameters: Record<string, unknown>): string[] {
  const headers = headersOf(parameters);
  if (!headers) return [];
  return [...new Set(IP_FIELDS.flatMap((f) => tokens(headers[f]).filter(isNodeName)))].sort();
}

/**
 * `parameters` with every node name in the IP fields replaced by that node's active interface
 * addresses in `owners` (an ipOwners answer); `unresolved` lists the names with none.
 */
export function resolveNamedIps(parameters: Record<string, unknown>, owners: TableAnswer): { parameters: Record<string, unknown>; unresolved: string[] } {
  const headers = headersOf(parameters);
  if (!headers) return { parameters, unresolved: [] };
  const cell = (row: Record<string, unknown>, name: string): string => {
    const column = owners.columns.find((c) => c.name === name);
    return column ? toText(column.schema, row[name]) : '';
  };
  const byNode = new Map<string, string[]>();
  for (const row of owners.rows) {
    if (row.Active === false) continue;
    const node = cell(row, 'Node').toLowerCase();
    const ip = cell(row, 'IP');
    if (node && ip) byNode.set(node, [...(byNode.get(node) ?? []), ip]);
  }
  const unresolved = new Set<string>();
  const resolved: Record<string, unknown> = { ...headers };
  for (const field of IP_FIELDS) {
    const list = tokens(headers[field]);
    if (!list.some(isNodeName)) continue;
    resolved[field] = list
      .flatMap((t) => {
        if (!isNodeName(t)) return [t];
        const ips = byNode.get(t.toLowerCase());
        if (!ips?.length) unresolved.add(t);
        return ips ? [...new Set(ips)].sort() : [];
      })
      .join(',');
  }
  return { parameters: { ...parameters, headers: resolved }, unresolved: [...unresolved].sort() };
}
