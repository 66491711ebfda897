/** Addresses: duplicate IPs, duplicate router IDs. */
import type { CheckSpec } from '../model.js';
import { evidence, given, keyTexts, need, option, text, vrfSuffix } from './helpers.js';
import { variables, type CheckKind } from './types.js';

export const noDuplicateIps: CheckKind = {
  kind: 'no-duplicate-ips',
  description: 'IP addresses owned by more than one interface (ipOwners duplicatesOnly=true)',
  defaultSeverity: 'error',
  template: 'ipOwners',
  options: variables(['ips']),
  rule: { short: 'No IP address is owned by two interfaces' },
  questions: (spec) => ({ owners: { question: 'ipOwners', parameters: { ...given(spec, ['ips']), duplicatesOnly: true } } }),
  evaluate: (_spec, { owners: answer }) => {
    if (!answer) return [];
    need(answer, 'IP', 'ipOwners');
    const owner = (row: Record<string, unknown>): string => `${text(answer, row, 'Node')}[${text(answer, row, 'Interface')}]`;
    return answer.rows.map((row) => {
      const ip = text(answer, row, 'IP');
      const others = answer.rows.filter((r) => r !== row && text(answer, r, 'IP') === ip).map(owner);
      return {
        message: `IP ${ip} on ${owner(row)}${vrfSuffix(text(answer, row, 'VRF'))} is also owned by ${others.join(', ') || 'another interface'}`,
        row: evidence(answer, row),
        location: null,
        keyValues: keyTexts(answer, row, ['Node', 'VRF', 'Interface', 'IP']),
      };
    });
  },
};

const ROUTER_ID_PROTOCOLS = ['bgp', 'ospf'];

function routerIdProtocols(spec: CheckSpec): string[] {
  const chosen = option<string[]>(spec, 'protocols', ROUTER_ID_PROTOCOLS).map((p) => p.toLowerCase());
  // A fixed order, so questions() and evaluate() agree whatever order the file lists them in.
  return ROUTER_ID_PROTOCOLS.filter((p) => chosen.includes(p));
}

export const noDuplicateRouterIds: CheckKind = {
  kind: 'no-duplicate-router-ids',
  description: 'router IDs used by more than one BGP or OSPF process (bgpProcessConfiguration, ospfProcessConfiguration)',
  defaultSeverity: 'error',
  template: 'bgpProcessConfiguration',
  options: [
    ...variables(['nodes']),
    { name: 'protocols', type: 'string[]', description: 'which processes to compare', default: ROUTER_ID_PROTOCOLS, allowed: ROUTER_ID_PROTOCOLS },
    {
      name: 'ignore-same-node',
      type: 'boolean',
      description: 'only report a router ID shared by different nodes (not by VRFs of one node)',
      default: false,
    },
  ],
  pybatfish: 'assert_no_duplicate_router_ids',
  rule: { short: 'No two routers share a router ID' },
  // Named by protocol: bgp, ospf.
  questions: (spec) =>
    Object.fromEntries(
      routerIdProtocols(spec).map((p) => [p, { question: `${p}ProcessConfiguration`, parameters: given(spec, ['nodes']) }]),
    ),
  evaluate: (spec, answers) => {
    const ignoreSameNode = option(spec, 'ignore-same-node', false);
    return routerIdProtocols(spec).flatMap((protocol) => {
      const answer = answers[protocol];
      if (!answer) return [];
      need(answer, 'Router_ID', `${protocol}ProcessConfiguration`);
      const rows = answer.rows.map((row) => ({ row, id: text(answer, row, 'Router_ID'), node: text(answer, row, 'Node') }));
      const byId = new Map<string, typeof rows>();
      for (const r of rows) if (r.id) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      return rows.flatMap(({ row, id, node }) => {
        const group = byId.get(id) ?? [];
        // pybatfish's default: any two processes with one router ID; with ignore-same-node
        // (the intent its docstring gives), only IDs that more than one node uses.
        const duplicated = ignoreSameNode ? new Set(group.map((g) => g.node)).size > 1 : group.length > 1;
        if (!id || !duplicated) return [];
        const others = group.filter((g) => g.row !== row).map((g) => `${g.node}${vrfSuffix(text(answer, g.row, 'VRF'))}`);
        return [
          {
            message: `${protocol.toUpperCase()} router ID ${id} of ${node}${vrfSuffix(text(answer, row, 'VRF'))} is also used by ${[...new Set(others)].join(', ')}`,
            row: { Protocol: protocol.toUpperCase(), ...evidence(answer, row) },
            location: null,
            keyValues: [protocol, ...keyTexts(answer, row, ['Node', 'VRF', 'Process_ID', 'Router_ID'])],
          },
        ];
      });
    });
  },
};
