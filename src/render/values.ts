import { isObject } from '../batfish/answer.js';

/**
 * Schema-aware conversion of Batfish answer cells, following pybatfish's rules (PROTOCOL.md 4.8):
 * `toJsonValue` gives the value pybatfish would hand a script, `toText` the text a person reads.
 */

/** `List<Set<Ip>>` → { collection: 'List', inner: 'Set<Ip>' }; `Ip` → { inner: 'Ip' }. */
export function splitSchema(schema: string): { collection?: 'List' | 'Set'; inner: string } {
  const match = /^(list|set)<(.+)>$/i.exec(schema.trim());
  if (!match) return { inner: schema.trim() };
  return { collection: match[1]!.toLowerCase() === 'list' ? 'List' : 'Set', inner: match[2]! };
}

/** The value as pybatfish converts it: Node → its name, SelfDescribing → its inner value, ... */
export function toJsonValue(schema: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { collection, inner } = splitSchema(schema);
  if (collection) return Array.isArray(value) ? value.map((v) => toJsonValue(inner, v)) : value;
  switch (inner) {
    case 'Node':
      return isObject(value) && typeof value.name === 'string' ? value.name : value;
    case 'SelfDescribing':
      return isObject(value) && typeof value.schema === 'string' ? toJsonValue(value.schema, value.value) : value;
    default:
      return value;
  }
}

/**
 * The text of a cell: empty for null, lists joined, objects in pybatfish's text forms (the
 * `__str__` of its datamodel classes, or the lines of `_repr_html_` where a class has only that).
 */
export function toText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const { collection, inner } = splitSchema(schema);
  if (collection) {
    if (!Array.isArray(value)) return compactJson(value);
    // pybatfish prints a List<TraceTree> as one tree per `- ` item.
    if (inner === 'TraceTree') return value.map((tree) => traceTreeText(tree, 0)).join('\n');
    const items = value.map((v) => toText(inner, v));
    // Multi-line items (traces) read best as blocks with a blank line between them (pybatfish's
    // HTML separates list items the same way); short ones on one line.
    return items.some((i) => i.includes('\n')) ? items.join('\n\n') : items.join(', ');
  }
  switch (inner) {
    case 'String':
    case 'Ip':
    case 'Prefix':
      return typeof value === 'string' ? value : compactJson(value);
    case 'Integer':
    case 'Long':
    case 'Double':
    case 'Boolean':
      return String(value);
    case 'Node':
      return isObject(value) && typeof value.name === 'string' ? value.name : compactJson(value);
    case 'SelfDescribing':
      return isObject(value) && typeof value.schema === 'string'
        ? toText(value.schema, value.value)
        : compactJson(value);
    case 'Interface':
      return interfaceText(value);
    case 'FileLines':
      return fileLinesText(value);
    case 'Flow':
      return flowText(value, 'pybatfish');
    case 'Trace':
      return traceText(value);
    case 'TraceTree':
      // Alone (not an item of a list), pybatfish prints the root without the `- `.
      return traceTreeText(value, 0).replace(/^- /, '');
    case 'NextHop':
      return nextHopText(value);
    case 'BgpRoute':
      return bgpRouteText(value);
    case 'BgpRouteDiffs':
      return bgpRouteDiffsText(value);
    case 'Issue':
      return issueText(value);
    case 'AclTrace':
      return aclTraceText(value);
    default:
      return typeof value === 'string' ? value : compactJson(value);
  }
}

/**
 * The text of a cell in a table or Markdown: `toText`, except that the three kinds of nothing
 * stay apart. A null cell is blank, an empty string is `""` and an empty list is `[]` (pybatfish
 * shows None, an empty cell and `[]`).
 */
export function cellText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value === '') return '""';
  if (Array.isArray(value) && value.length === 0) return '[]';
  return toText(schema, value);
}

/**
 * The text of a CSV field: like `cellText`, but a list is a JSON array of its items' texts
 * (`["a","b, c"]`), so an item holding `, ` can never be mistaken for two items, and `[]` is an
 * empty list. A null cell is an empty field.
 */
export function csvText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const { collection } = splitSchema(schema);
  if (collection && Array.isArray(value)) return JSON.stringify(csvValue(schema, value));
  return cellText(schema, value);
}

function csvValue(schema: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { collection, inner } = splitSchema(schema);
  if (collection && Array.isArray(value)) return value.map((v) => csvValue(inner, v));
  return toText(schema, value);
}

function compactJson(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
/** Python's `str()` of a value that may be None, as pybatfish's format strings print it. */
const py = (v: unknown): string => (v === null || v === undefined ? 'None' : typeof v === 'object' ? pythonRepr(v) : String(v));

/** A JSON value as Python prints it inside a list: `[65000, [1, 2]]`, strings quoted. */
function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `'${k}': ${pythonRepr(v)}`).join(', ')}}`;
  return String(value);
}

/** Characters that make pybatfish quote a name (`pybatfish.util._NAME_SPECIAL_CHARS_`). */
const NAME_SPECIAL_CHARS = [...' \t,\\&()[]@!#$%^;?<>={}'];

/**
 * pybatfish's `escape_name`: a name is quoted when it starts with `"`, `/` or a digit, or when a
 * special character occurs in it after the first position (Python's `find(c) > 0`).
 */
export function quoteName(name: string): string {
  if (name.length === 0) return name;
  const quote = name.startsWith('"') || name.startsWith('/') || /^\d/.test(name) || NAME_SPECIAL_CHARS.some((c) => name.indexOf(c) > 0);
  return quote ? `"${name}"` : name;
}

function interfaceText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  return `${quoteName(str(value.hostname))}[${quoteName(str(value.interface))}]`;
}

function fileLinesText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const lines = Array.isArray(value.lines) ? value.lines.join(', ') : '';
  return `${str(value.filename)}:[${lines}]`;
}

const PORT_PROTOCOLS = new Set(['TCP', 'UDP', 'DCCP', 'SCTP']);
/** pybatfish's order: common flags first, so SYN-ACK and FIN-ACK read as people say them. */
const TCP_FLAG_ORDER = ['Syn', 'Fin', 'Ack', 'Rst', 'Cwr', 'Ece', 'Psh', 'Urg'] as const;

/**
 * `start=host2 [2.128.1.101:49152->1.0.1.1:33434 UDP]`, as pybatfish prints a Flow. Cells use the
 * `pybatfish` style; the default `message` style (the one-line flows of netq check's finding
 * messages, kept as they were) writes a TCP flow without flags as plain `TCP` instead of
 * pybatfish's `TCP (no flags set)`.
 */
export function flowText(value: unknown, style: 'pybatfish' | 'message' = 'message'): string {
  if (!isObject(value)) return compactJson(value);
  const protocol = str(value.ipProtocol);
  const hasPorts = PORT_PROTOCOLS.has(protocol) && value.srcPort != null && value.dstPort != null;
  const endpoint = (ip: unknown, port: unknown): string => (hasPorts ? `${str(ip)}:${str(port)}` : str(ip));
  let start = `start=${py(value.ingressNode)}`;
  if (value.ingressInterface != null) start += ` interface=${str(value.ingressInterface)}`;
  if (value.ingressVrf != null && value.ingressVrf !== 'default') start += ` vrf=${str(value.ingressVrf)}`;
  const extras: string[] = [];
  for (const field of ['dscp', 'ecn', 'fragmentOffset'] as const) {
    if (typeof value[field] === 'number' && value[field] !== 0) extras.push(`${field}=${String(value[field])}`);
  }
  if (value.packetLength != null && value.packetLength !== 512) extras.push(`length=${str(value.packetLength)}`);
  const header = [`${endpoint(value.srcIp, value.srcPort)}->${endpoint(value.dstIp, value.dstPort)}`, protocolText(value, style), ...extras];
  return `${start} [${header.join(' ')}]`;
}

function protocolText(flow: Record<string, unknown>, style: 'pybatfish' | 'message'): string {
  const protocol = str(flow.ipProtocol);
  const unnamed = /^UNNAMED_(\d+)$/i.exec(protocol);
  if (unnamed) return `ipProtocol=${unnamed[1]}`;
  if (protocol.toLowerCase() === 'tcp') {
    const flags = TCP_FLAG_ORDER.filter((f) => flow[`tcpFlags${f}`] === 1 || flow[`tcpFlags${f}`] === true);
    if (flags.length === 0) return style === 'pybatfish' ? 'TCP (no flags set)' : 'TCP';
    return `TCP (${flags.map((f) => f.toUpperCase()).join('-')})`;
  }
  if (protocol.toLowerCase() === 'icmp') return `ICMP (type=${py(flow.icmpVar)}, code=${py(flow.icmpCode)})`;
  return protocol;
}

/**
 * A trace as pybatfish prints it: the disposition, then `N. node: <name>` and one indented
 * `ACTION(detail)` per step, the detail in the text form of its step kind.
 */
export function traceText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const hops = Array.isArray(value.hops) ? value.hops : [];
  const lines = [str(value.disposition)];
  hops.forEach((hop, index) => {
    if (!isObject(hop)) return;
    const node = isObject(hop.node) ? str(hop.node.name) : str(hop.node);
    lines.push(`${index + 1}. node: ${node}`);
    for (const step of Array.isArray(hop.steps) ? hop.steps : []) {
      if (!isObject(step)) continue;
      lines.push(`  ${stepText(step)}`);
    }
  });
  return lines.join('\n');
}

/** `ACTION(detail)`, or the action alone when the detail has no text (pybatfish's `Step`). */
export function stepText(step: Record<string, unknown>): string {
  const detail = stepDetailText(str(step.type), isObject(step.detail) ? step.detail : {});
  return detail ? `${str(step.action)}(${detail})` : str(step.action);
}

/** The detail of each step kind, as pybatfish's `*StepDetail.__str__` writes it. */
function stepDetailText(type: string, detail: Record<string, unknown>): string {
  switch (type) {
    case 'EnterInputInterface':
      return interfaceName(detail.inputInterface);
    case 'ExitOutputInterface':
      return interfaceName(detail.outputInterface);
    case 'Originate':
      return str(detail.originatingVrf);
    case 'Inbound':
      return str(detail.interface);
    case 'Loop':
      return '';
    case 'Filter':
      return `${str(detail.filter)} (${str(detail.type)})`;
    case 'Policy':
      return str(detail.policy);
    case 'Routing':
      return routingText(detail);
    case 'ArpError':
    case 'Delivered': {
      const parts: string[] = [];
      const output = interfaceName(detail.outputInterface);
      if (output) parts.push(`Output Interface: ${output}`);
      if (detail.resolvedNexthopIp) parts.push(`Resolved Next Hop IP: ${str(detail.resolvedNexthopIp)}`);
      return parts.join(', ');
    }
    case 'MatchSession':
    case 'SetupSession':
      return sessionText(detail);
    case 'Transformation': {
      const diffs = Array.isArray(detail.flowDiffs) ? detail.flowDiffs.filter(isObject) : [];
      return diffs.length ? `${str(detail.transformationType)} ${diffs.map(flowDiffText).join(', ')}` : str(detail.transformationType);
    }
    default:
      // A step kind pybatfish does not know yet: its action alone.
      return '';
  }
}

/** `Forwarded out interface: X with resolved next-hop IP: Y, Routes: [...]` (RoutingStepDetail). */
function routingText(detail: Record<string, unknown>): string {
  const routes = Array.isArray(detail.routes) ? detail.routes.filter(isObject) : [];
  const routeList = routes.length ? `Routes: [${routes.map(routeInfoText).join(',')}]` : '';
  const parts: string[] = [];
  if (isObject(detail.forwardingDetail)) {
    parts.push(forwardingDetailText(detail.forwardingDetail));
  } else {
    // Answers of older servers, which had no forwardingDetail.
    if (detail.arpIp != null) parts.push(`ARP IP: ${str(detail.arpIp)}`);
    if (detail.outputInterface != null) parts.push(`Output Interface: ${str(detail.outputInterface)}`);
  }
  if (routeList) parts.push(routeList);
  return parts.join(', ');
}

function forwardingDetailText(fd: Record<string, unknown>): string {
  switch (fd.type) {
    case 'ForwardedOutInterface':
      return fd.resolvedNextHopIp
        ? `Forwarded out interface: ${quoteName(str(fd.outputInterface))} with resolved next-hop IP: ${str(fd.resolvedNextHopIp)}`
        : `Forwarded out interface: ${quoteName(str(fd.outputInterface))}`;
    case 'DelegatedToNextVrf':
      return `Delegated to next VRF: ${quoteName(str(fd.nextVrf))}`;
    case 'ForwardedIntoVxlanTunnel':
      return `Forwarded into VXLAN tunnel with VNI: ${str(fd.vni)} and VTEP: ${str(fd.vtep)}`;
    case 'Discarded':
      return 'Discarded';
    default:
      return compactJson(fd);
  }
}

/** `bgp (Network: 1.0.1.0/24, Next Hop: ip 2.34.101.3)` (RouteInfo). */
function routeInfoText(route: Record<string, unknown>): string {
  if (!isObject(route.nextHop)) return `${str(route.protocol)} (Network: ${str(route.network)}, Next Hop IP:${py(route.nextHopIp)})`;
  return `${str(route.protocol)} (Network: ${str(route.network)}, Next Hop: ${nextHopText(route.nextHop)})`;
}

function flowDiffText(diff: Record<string, unknown>): string {
  return `${str(diff.fieldName)}: ${str(diff.oldValue)} -> ${str(diff.newValue)}`;
}

/** Setup and match of a firewall session: scope, action, match criteria, transformation. */
function sessionText(detail: Record<string, unknown>): string {
  const scope = isObject(detail.sessionScope) ? detail.sessionScope : detail;
  const scopeText =
    'originatingVrf' in scope && !('incomingInterfaces' in scope)
      ? `Originating VRF: ${str(scope.originatingVrf)}`
      : `Incoming Interfaces: [${(Array.isArray(scope.incomingInterfaces) ? scope.incomingInterfaces : []).map(str).join(', ')}]`;
  const parts = [scopeText, `Action: ${sessionActionText(isObject(detail.sessionAction) ? detail.sessionAction : {})}`];
  const criteria = isObject(detail.matchCriteria) ? detail.matchCriteria : {};
  const fields = ['ipProtocol', 'srcIp', 'dstIp'];
  if (criteria.srcPort != null && criteria.dstPort != null) fields.push('srcPort', 'dstPort');
  parts.push(`Match Criteria: [${fields.map((f) => `${f}=${str(criteria[f])}`).join(', ')}]`);
  const diffs = Array.isArray(detail.transformation) ? detail.transformation.filter(isObject) : [];
  if (diffs.length) parts.push(`Transformation: [${diffs.map(flowDiffText).join(', ')}]`);
  return parts.join(', ');
}

function sessionActionText(action: Record<string, unknown>): string {
  switch (action.type) {
    case 'Accept':
    case 'PreNatFibLookup':
      return action.type;
    case 'PostNatFibLookup':
    case 'FibLookup':
      return 'PostNatFibLookup';
    case 'ForwardOutInterface': {
      const nextHop = isObject(action.nextHop) ? action.nextHop : {};
      return `ForwardOutInterface(Next Hop: ${str(nextHop.hostname)}, Next Hop Interface: ${str(nextHop.interface)}, Outgoing Interface: ${str(action.outgoingInterface)})`;
    }
    default:
      return compactJson(action);
  }
}

/** Step details name an interface by a NodeInterfacePair or by its bare name. */
function interfaceName(value: unknown): string {
  return isObject(value) ? str(value.interface) : str(value);
}

/**
 * A filter trace tree: the root's text, then each child on its own line, indented two spaces a
 * level and prefixed `- `. As an item of a list (`List<TraceTree>`) the root is prefixed `- ` too.
 */
export function traceTreeText(value: unknown, depth: number): string {
  if (!isObject(value)) return compactJson(value);
  const lines = [`${depth === 0 ? '- ' : ''}${traceElementText(value.traceElement)}`];
  const walk = (children: unknown, level: number): void => {
    for (const child of Array.isArray(children) ? children.filter(isObject) : []) {
      lines.push(`${'  '.repeat(level)}- ${traceElementText(child.traceElement)}`);
      walk(child.children, level + 1);
    }
  };
  walk(value.children, depth + 1);
  return lines.join('\n');
}

function traceElementText(element: unknown): string {
  const fragments = isObject(element) && Array.isArray(element.fragments) ? element.fragments.filter(isObject) : [];
  return fragments.map((f) => str(f.text)).join('');
}

/** `ip 10.0.0.1`, `interface Ethernet1 ip 10.0.0.1`, `discard`, `vrf X`, `vni 5 vtep 1.1.1.1` (NextHop). */
export function nextHopText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  switch (value.type) {
    case 'ip':
      return `ip ${str(value.ip)}`;
    case 'interface':
      return value.ip ? `interface ${quoteName(str(value.interface))} ip ${str(value.ip)}` : `interface ${quoteName(str(value.interface))}`;
    case 'discard':
      return 'discard';
    case 'vrf':
      return `vrf ${quoteName(str(value.vrf))}`;
    case 'vtep':
      return `vni ${str(value.vni)} vtep ${str(value.vtep)}`;
    default:
      return compactJson(value);
  }
}

/**
 * A BGP route as the lines pybatfish shows it (its `_repr_html_`): every attribute, with
 * pybatfish's defaults for the ones the answer leaves out.
 */
function bgpRouteText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const or = (v: unknown, fallback: unknown): unknown => (v === undefined ? fallback : v);
  const communities = Array.isArray(value.communities) ? value.communities : [];
  return [
    `Network: ${py(value.network)}`,
    `AS Path: ${pythonRepr(or(value.asPath, []))}`,
    `Communities: [${communities.map(py).join(', ')}]`,
    `Local Preference: ${py(or(value.localPreference, 0))}`,
    `Metric: ${py(or(value.metric, 0))}`,
    `Next Hop IP: ${py(value.nextHopIp)}`,
    `Originator IP: ${py(value.originatorIp)}`,
    `Origin Type: ${py(value.originType)}`,
    `Protocol: ${py(value.protocol)}`,
    `Source Protocol: ${py(value.srcProtocol)}`,
    `Tag: ${py(or(value.tag, 0))}`,
    `Weight: ${py(or(value.weight, 0))}`,
  ].join('\n');
}

/** pybatfish's names for the fields of a BGP route difference; others are capitalised. */
const BGP_DIFF_NAMES: Record<string, string> = {
  asPath: 'AS Path',
  localPreference: 'Local Preference',
  metric: 'Metric',
  nextHopIp: 'Next Hop IP',
  originatorIp: 'Originator IP',
  originType: 'Origin Type',
  sourceProtocol: 'Source Protocol',
  tag: 'Tag',
  weight: 'Weight',
};

/** One `Field: old --> new` line per difference (BgpRouteDiffs). */
function bgpRouteDiffsText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.diffs)) return compactJson(value);
  return value.diffs
    .filter(isObject)
    .map((d) => {
      const field = str(d.fieldName);
      // Python's str.capitalize(): first letter upper case, the rest lower case.
      const name = BGP_DIFF_NAMES[field] ?? field.charAt(0).toUpperCase() + field.slice(1).toLowerCase();
      return `${name}: ${str(d.oldValue)} --> ${str(d.newValue)}`;
    })
    .join('\n');
}

/** ACL traces: one line per event that has a description (AclTrace). */
function aclTraceText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.events)) return compactJson(value);
  return value.events
    .filter((e) => isObject(e) && e.description !== null && e.description !== undefined)
    .map((e) => str((e as Record<string, unknown>).description))
    .join('\n');
}

/** pybatfish has no class for issues (it shows the dict); netq writes `major/minor, severity N: explanation`. */
function issueText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const type = isObject(value.type) ? [value.type.major, value.type.minor].filter(Boolean).map(str).join('/') : '';
  const severity = value.severity != null ? `severity ${str(value.severity)}` : '';
  const head = [type, severity].filter(Boolean).join(', ');
  return head ? `${head}: ${str(value.explanation)}` : str(value.explanation);
}
