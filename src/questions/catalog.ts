/**
 * The first-class question commands: each maps a netq command and its named flags onto a Batfish
 * question template and its variables. A unit test checks every mapping against the templates a
 * stock server serves, so a flag can never name a variable that does not exist.
 */
import type { QuestionTemplate } from '../batfish/question.js';

/** A flag that sets one template variable. */
export interface VariableFlag {
  /** Template variable name, e.g. `remoteNodes`. */
  variable: string;
  /** Flag as typed, e.g. `--remote-nodes`; defaults to the variable in kebab case. */
  flag?: string;
  description: string;
  kind: 'string' | 'boolean' | 'integer';
}

/** Header-constraint fields that become flags for questions with a `headers` variable. */
export const HEADER_FIELDS: Array<{ field: string; flag: string; description: string }> = [
  { field: 'srcIps', flag: '--src-ips', description: 'Source IPs or IP specifier of the flow' },
  { field: 'dstIps', flag: '--dst-ips', description: 'Destination IPs or IP specifier of the flow' },
  { field: 'srcPorts', flag: '--src-ports', description: 'Source ports, e.g. 1024-65535' },
  { field: 'dstPorts', flag: '--dst-ports', description: 'Destination ports, e.g. 22,443' },
  { field: 'ipProtocols', flag: '--ip-protocols', description: 'IP protocols, comma-separated (TCP, UDP, ICMP, ...)' },
  { field: 'applications', flag: '--applications', description: 'Applications, comma-separated (SSH, DNS, HTTPS, ...)' },
  { field: 'icmpTypes', flag: '--icmp-types', description: 'ICMP types' },
  { field: 'icmpCodes', flag: '--icmp-codes', description: 'ICMP codes' },
];

/** Path-constraint fields that become flags for questions with a `pathConstraints` variable. */
export const PATH_FIELDS: Array<{ field: string; flag: string; description: string }> = [
  { field: 'startLocation', flag: '--start-location', description: 'Where flows start (location specifier)' },
  { field: 'endLocation', flag: '--end-location', description: 'Where flows end (node specifier)' },
  { field: 'transitLocations', flag: '--transit-locations', description: 'Nodes the flows must pass' },
  { field: 'forbiddenLocations', flag: '--forbidden-locations', description: 'Nodes the flows must not pass' },
];

export interface QuestionCommandSpec {
  /** Command path, e.g. `bgp-compat`. */
  command: string;
  /** Template instance name; for `edges` the one chosen by `--layer`. */
  template: string;
  category: string;
  description: string;
  details: string;
  flags: VariableFlag[];
  /** The template has a `headers` (headerConstraint) variable: offer the header flags. */
  headers?: 'required' | 'optional';
  /** The template has a `pathConstraints` variable: offer the path flags. */
  paths?: boolean;
  examples: Array<[string, string]>;
}

const nodes: VariableFlag = { variable: 'nodes', description: 'Only these nodes (node specifier: a name, a regex such as core.*, or /role/)', kind: 'string' };
const remoteNodes: VariableFlag = { variable: 'remoteNodes', description: 'Only sessions or edges whose remote node matches this node specifier', kind: 'string' };
const properties = (what: string): VariableFlag => ({
  variable: 'properties',
  description: `Only these ${what} properties (comma-separated names or a regex)`,
  kind: 'string',
});
const maxTraces: VariableFlag = { variable: 'maxTraces', description: 'At most this many traces per flow', kind: 'integer' };
const ignoreFilters: VariableFlag = { variable: 'ignoreFilters', description: 'Ignore ACLs and filters along the path', kind: 'boolean' };

/** Questions whose answer needs Batfish's data plane (slow on first use of a snapshot). */
export const DATAPLANE_QUESTIONS = new Set([
  'bgpSessionStatus', 'bidirectionalReachability', 'bidirectionalTraceroute', 'detectLoops',
  'differentialReachability', 'loopbackMultipathConsistency', 'multipathConsistency', 'ospfSessionCompatibility',
  'prefixTracer', 'reachability', 'subnetMultipathConsistency', 'traceroute', 'vxlanVniProperties', 'layer3Edges',
  'layer1Edges', 'userProvidedLayer1Edges', 'bgpEdges', 'ospfEdges', 'eigrpEdges', 'isisEdges', 'ipsecEdges',
  'vxlanEdges', 'routes', 'bgpRib', 'evpnRib', 'lpmRoutes',
]);

export const QUESTION_COMMANDS: QuestionCommandSpec[] = [
  {
    command: 'bgp-sessions',
    template: 'bgpSessionStatus',
    category: 'BGP',
    description: 'show the status of every configured BGP session of a site',
    details:
      "Uploads the site's configs to Batfish as a snapshot (unless Batfish already has them), parses them and asks `bgpSessionStatus`. Each row is one configured BGP peering: its local and remote node, AS numbers, addresses, session type and whether Batfish expects it to come up (ESTABLISHED, NOT_ESTABLISHED, NOT_COMPATIBLE).\n\nThe filters are Batfish specifiers passed as they are: `--nodes` and `--remote-nodes` take node specifiers (a name, a regex such as `as2.*`, or `/core/`), `--status` and `--type` take status and session-type specifiers. Progress and warnings go to stderr; stdout carries only the table (or JSON, CSV, Markdown).",
    flags: [
      nodes,
      remoteNodes,
      { variable: 'status', description: 'Only sessions with this status: ESTABLISHED, NOT_ESTABLISHED, NOT_COMPATIBLE (comma-separated)', kind: 'string' },
      { variable: 'type', description: 'Only sessions of this type: IBGP, EBGP_SINGLEHOP, EBGP_MULTIHOP, EBGP_UNNUMBERED, IBGP_UNNUMBERED, UNSET', kind: 'string' },
    ],
    examples: [
      ['Sessions of the nyc site', '$0 bgp-sessions -r north_america -s nyc'],
      ['Only sessions that will not come up, as JSON', '$0 bgp-sessions -r north_america -s nyc --status NOT_COMPATIBLE,NOT_ESTABLISHED --format json'],
      ['Sessions from as2 routers to as3 routers of a snapshot folder', "$0 bgp-sessions --snapshot-dir test/fixtures/networks/example-live --nodes 'as2.*' --remote-nodes 'as3.*'"],
      ['The sessions as a picture (Graphviz)', '$0 bgp-sessions -r north_america -s nyc --format dot | dot -Tsvg > nyc-bgp.svg'],
    ],
  },
  {
    command: 'bgp-compat',
    template: 'bgpSessionCompatibility',
    category: 'BGP',
    description: 'find BGP peers that are misconfigured or cannot be matched',
    details: 'Asks `bgpSessionCompatibility`: each configured peering with whether its two ends agree (addresses, AS numbers, types).',
    flags: [
      nodes,
      remoteNodes,
      { variable: 'status', description: 'Only this compatibility status (e.g. UNIQUE_MATCH, NO_MATCH_FOUND, UNKNOWN_REMOTE)', kind: 'string' },
      { variable: 'type', description: 'Only this session type (IBGP, EBGP_SINGLEHOP, ...)', kind: 'string' },
    ],
    examples: [
      ['Peers that cannot be matched at nyc', '$0 bgp-compat -r north_america -s nyc --status NO_MATCH_FOUND'],
      ['Every peering as a Mermaid graph (GitHub and GitLab draw it)', '$0 bgp-compat -r north_america -s nyc --format mermaid'],
    ],
  },
  {
    command: 'bgp-peers',
    template: 'bgpPeerConfiguration',
    category: 'BGP',
    description: 'show the configuration of every BGP peer',
    details: 'Asks `bgpPeerConfiguration`: local and remote AS and IP, peer group, import and export policies, ...',
    flags: [nodes, properties('BGP peer')],
    examples: [['Peers of the core routers', "$0 bgp-peers -r north_america -s nyc --nodes 'core.*'"]],
  },
  {
    command: 'bgp-process',
    template: 'bgpProcessConfiguration',
    category: 'BGP',
    description: 'show the configuration of every BGP process',
    details: 'Asks `bgpProcessConfiguration`: router ID, multipath settings, route reflector, ...',
    flags: [nodes, properties('BGP process')],
    examples: [['BGP processes at nyc', '$0 bgp-process -r north_america -s nyc']],
  },
  {
    command: 'nodes',
    template: 'nodeProperties',
    category: 'Configuration',
    description: 'show the properties of every node (device)',
    details: 'Asks `nodeProperties`: vendor, hostname, NTP and logging servers, VRFs, interfaces, ...',
    flags: [nodes, properties('node')],
    examples: [['NTP servers of every device', '$0 nodes -r north_america -s nyc --properties NTP_Servers']],
  },
  {
    command: 'interfaces',
    template: 'interfaceProperties',
    category: 'Configuration',
    description: 'show the properties of every interface',
    details: 'Asks `interfaceProperties`: addresses, VRF, ACLs, MTU, description, state, ...',
    flags: [
      nodes,
      { variable: 'interfaces', description: 'Only these interfaces (interface specifier)', kind: 'string' },
      properties('interface'),
      { variable: 'excludeShutInterfaces', description: 'Leave out shut-down interfaces', kind: 'boolean' },
    ],
    examples: [['Addresses of the core routers', "$0 interfaces -r north_america -s nyc --nodes 'core.*' --properties Primary_Address"]],
  },
  {
    command: 'ip-owners',
    template: 'ipOwners',
    category: 'Configuration',
    description: 'show which node, VRF and interface own each IP address',
    details: 'Asks `ipOwners`. With --duplicates-only, only addresses configured more than once.',
    flags: [
      { variable: 'ips', description: 'Only these IPs (IP space specifier)', kind: 'string' },
      { variable: 'duplicatesOnly', description: 'Only addresses that more than one interface owns', kind: 'boolean' },
    ],
    examples: [['Duplicate addresses at nyc', '$0 ip-owners -r north_america -s nyc --duplicates-only']],
  },
  {
    command: 'routes',
    template: 'routes',
    category: 'Routing',
    description: 'show the routing tables Batfish computes',
    details: 'Asks `routes` (main RIB by default; --rib bgp or evpn for those).',
    flags: [
      nodes,
      { variable: 'vrfs', description: 'Only these VRFs', kind: 'string' },
      // --network already names the Batfish network, so the prefix filter is --prefix.
      { variable: 'network', flag: '--prefix', description: 'Only routes for this prefix, e.g. 10.0.0.0/8', kind: 'string' },
      { variable: 'prefixMatchType', description: 'How --prefix matches: EXACT, LONGEST_PREFIX_MATCH, LONGER_PREFIXES, SHORTER_PREFIXES', kind: 'string' },
      { variable: 'protocols', description: 'Only these protocols (e.g. bgp,ospf,static)', kind: 'string' },
      { variable: 'rib', description: 'Which RIB: main, bgp or evpn', kind: 'string' },
    ],
    examples: [['The default route of every node', '$0 routes -r north_america -s nyc --prefix 0.0.0.0/0']],
  },
  {
    command: 'undefined-refs',
    template: 'undefinedReferences',
    category: 'Hygiene',
    description: 'find references to structures that are never defined',
    details: 'Asks `undefinedReferences`: an ACL, route map or prefix list used but not defined is usually a bug.',
    flags: [nodes],
    examples: [['Undefined references at nyc', '$0 undefined-refs -r north_america -s nyc']],
  },
  {
    command: 'unused-structures',
    template: 'unusedStructures',
    category: 'Hygiene',
    description: 'find structures that are defined but never used',
    details: 'Asks `unusedStructures`: ACLs, route maps, prefix lists, ... that nothing refers to.',
    flags: [nodes],
    examples: [['Unused structures at nyc', '$0 unused-structures -r north_america -s nyc']],
  },
  {
    command: 'ospf-sessions',
    template: 'ospfSessionCompatibility',
    category: 'Routing',
    description: 'show whether OSPF adjacencies are compatible',
    details: 'Asks `ospfSessionCompatibility`.',
    flags: [nodes, remoteNodes, { variable: 'statuses', description: 'Only these statuses (e.g. ESTABLISHED, AREA_MISMATCH)', kind: 'string' }],
    examples: [
      ['OSPF adjacencies at bangalore', '$0 ospf-sessions -r asia -s bangalore'],
      ['As a picture', '$0 ospf-sessions -r asia -s bangalore --format dot | dot -Tpng > bangalore-ospf.png'],
    ],
  },
  {
    command: 'traceroute',
    template: 'traceroute',
    category: 'Flows',
    description: 'trace a flow through the network, hop by hop',
    details: 'Asks `traceroute` for a flow starting at --start-location with the header given by the flags.',
    flags: [
      { variable: 'startLocation', description: 'Where the flow starts (location specifier, e.g. a node or node[interface])', kind: 'string' },
      maxTraces,
      ignoreFilters,
    ],
    headers: 'required',
    examples: [['HTTPS from edge-sw01 to the ISP', '$0 traceroute -r north_america -s nyc --start-location edge-sw01 --dst-ips 104.34.34.34 --ip-protocols TCP --dst-ports 443']],
  },
  {
    command: 'reachability',
    template: 'reachability',
    category: 'Flows',
    description: 'find flows that match a header, path and outcome',
    details: 'Asks `reachability`: searches all flows that match the header and path flags and end with --actions.',
    flags: [
      { variable: 'actions', description: 'Outcomes to search for: success, failure, or dispositions such as DENIED_IN (default success)', kind: 'string' },
      { variable: 'invertSearch', description: 'Search flows outside the header space instead', kind: 'boolean' },
      maxTraces,
      ignoreFilters,
    ],
    headers: 'optional',
    paths: true,
    examples: [['Can anything reach the web server on 443?', '$0 reachability -r north_america -s nyc --dst-ips 192.168.10.20 --dst-ports 443 --ip-protocols TCP']],
  },
  {
    command: 'filter-lines',
    template: 'filterLineReachability',
    category: 'Flows',
    description: 'find ACL and filter lines that can never match',
    details: 'Asks `filterLineReachability`: lines shadowed by earlier lines, or unmatchable.',
    flags: [
      nodes,
      { variable: 'filters', description: 'Only these filters (filter specifier)', kind: 'string' },
      { variable: 'ignoreComposites', description: 'Leave out composite filters', kind: 'boolean' },
    ],
    examples: [['Dead ACL lines at nyc', '$0 filter-lines -r north_america -s nyc']],
  },
  {
    command: 'test-filters',
    template: 'testFilters',
    category: 'Flows',
    description: 'show how filters treat a given flow',
    details: 'Asks `testFilters`: for each filter, whether it permits or denies the flow, and the matching line.',
    flags: [
      nodes,
      { variable: 'filters', description: 'Only these filters (filter specifier)', kind: 'string' },
      { variable: 'startLocation', description: 'Where the flow enters (location specifier)', kind: 'string' },
    ],
    headers: 'required',
    examples: [['Does EDGE-IN let BGP in?', '$0 test-filters -r north_america -s nyc --filters EDGE-IN --src-ips 104.34.34.34 --dst-ips 104.34.34.33 --applications BGP']],
  },
  {
    command: 'detect-loops',
    template: 'detectLoops',
    category: 'Flows',
    description: 'find forwarding loops',
    details: 'Asks `detectLoops`.',
    flags: [maxTraces],
    examples: [['Loops at nyc', '$0 detect-loops -r north_america -s nyc']],
  },
];

/** `remoteNodes` → `--remote-nodes`. */
export function flagOf(flag: VariableFlag): string {
  return flag.flag ?? `--${flag.variable.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Whether a template compares two snapshots: Batfish marks such templates `"differential": true`
 * at the top of the template (compareFilters, comparePeerGroupPolicies, compareRoutePolicies,
 * differentialReachability). pybatfish refuses to ask them without a reference snapshot.
 */
export function isDifferentialTemplate(template: Pick<QuestionTemplate, 'raw'>): boolean {
  return template.raw.differential === true;
}
