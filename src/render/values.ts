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

/** The text of a cell: empty for null, lists joined, objects in pybatfish's text forms. */
export function toText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const { collection, inner } = splitSchema(schema);
  if (collection) {
    if (!Array.isArray(value)) return compactJson(value);
    const items = value.map((v) => toText(inner, v));
    // Multi-line items (traces, trees) read best one per block; short ones on one line.
    return items.some((i) => i.includes('\n')) ? items.join('\n') : items.join(', ');
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
      return flowText(value);
    case 'Trace':
      return traceText(value);
    case 'TraceTree':
      return traceTreeText(value, 0);
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

function compactJson(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** pybatfish quotes interface and host names that would otherwise be ambiguous. */
function quoteName(name: string): string {
  if (/^["/0-9]/.test(name) || /.[\s,\\&()[\]@!#$%^;?<>={}]/.test(name) || /\s/.test(name)) {
    return `"${name}"`;
  }
  return name;
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
const TCP_FLAG_NAMES = ['Syn', 'Ack', 'Fin', 'Rst', 'Psh', 'Urg', 'Ece', 'Cwr'] as const;

/** `start=host2 [2.128.1.101:49152->1.0.1.1:33434 UDP]`, as pybatfish prints a Flow. */
export function flowText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const protocol = str(value.ipProtocol);
  const hasPorts = PORT_PROTOCOLS.has(protocol) && value.srcPort != null && value.dstPort != null;
  const endpoint = (ip: unknown, port: unknown): string => (hasPorts ? `${str(ip)}:${str(port)}` : str(ip));
  let start = `start=${str(value.ingressNode)}`;
  if (value.ingressInterface != null) start += ` interface=${str(value.ingressInterface)}`;
  if (value.ingressVrf != null && value.ingressVrf !== 'default') start += ` vrf=${str(value.ingressVrf)}`;
  const extras: string[] = [];
  for (const field of ['dscp', 'ecn', 'fragmentOffset'] as const) {
    if (typeof value[field] === 'number' && value[field] !== 0) extras.push(`${field}=${String(value[field])}`);
  }
  if (typeof value.packetLength === 'number' && value.packetLength !== 512) {
    extras.push(`length=${value.packetLength}`);
  }
  const header = [`${endpoint(value.srcIp, value.srcPort)}->${endpoint(value.dstIp, value.dstPort)}`, protocolText(value), ...extras];
  return `${start} [${header.join(' ')}]`;
}

function protocolText(flow: Record<string, unknown>): string {
  const protocol = str(flow.ipProtocol);
  const unnamed = /^UNNAMED_(\d+)$/i.exec(protocol);
  if (unnamed) return `ipProtocol=${unnamed[1]}`;
  if (protocol === 'TCP') {
    const flags = TCP_FLAG_NAMES.filter((f) => flow[`tcpFlags${f}`] === 1 || flow[`tcpFlags${f}`] === true);
    return flags.length ? `TCP (${flags.map((f) => f.toUpperCase()).join('-')})` : 'TCP';
  }
  if (protocol === 'ICMP') return `ICMP (type=${str(flow.icmpVar)}, code=${str(flow.icmpCode)})`;
  return protocol;
}

/** A trace: the disposition, then `N. node: <name>` and one indented `ACTION(detail)` per step. */
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
      const detail = stepDetailText(str(step.type), step.detail);
      lines.push(`  ${str(step.action)}${detail ? `(${detail})` : ''}`);
    }
  });
  return lines.join('\n');
}

/** The essential field of each step kind, in the spirit of pybatfish's step detail strings. */
function stepDetailText(type: string, detail: unknown): string {
  if (!isObject(detail)) return '';
  switch (type) {
    case 'EnterInputInterface':
      return interfaceName(detail.inputInterface);
    case 'ExitOutputInterface':
      return interfaceName(detail.outputInterface);
    case 'Originate':
      return str(detail.originatingVrf);
    case 'Filter':
      return str(detail.filter);
    case 'Policy':
      return str(detail.policy);
    case 'Routing': {
      const routes = Array.isArray(detail.routes) ? detail.routes.filter(isObject) : [];
      const text = routes
        .map((r) => `${str(r.protocol)} (Network: ${str(r.network)}, Next Hop: ${nextHopText(r.nextHop ?? { type: 'ip', ip: r.nextHopIp })})`)
        .join(', ');
      return `Matched routes: ${text}`.trim();
    }
    case 'ArpError':
    case 'Delivered':
      return interfaceName(detail.outputInterface);
    case 'Inbound':
      return '';
    case 'Transformation': {
      const diffs = Array.isArray(detail.flowDiffs) ? detail.flowDiffs.filter(isObject) : [];
      const text = diffs.map((d) => `${str(d.fieldName)}: ${str(d.oldValue)} -> ${str(d.newValue)}`).join(', ');
      return [str(detail.transformationType), text].filter(Boolean).join(' ');
    }
    default:
      return '';
  }
}

/** Step details name an interface by a NodeInterfacePair or by its bare name. */
function interfaceName(value: unknown): string {
  return isObject(value) ? str(value.interface) : str(value);
}

/** Fragments joined; children indented two spaces a level and prefixed `- `. */
export function traceTreeText(value: unknown, depth: number): string {
  if (!isObject(value)) return compactJson(value);
  const element = isObject(value.traceElement) ? value.traceElement : {};
  const fragments = Array.isArray(element.fragments) ? element.fragments.filter(isObject) : [];
  const text = fragments.map((f) => str(f.text)).join('');
  const lines = [`${'  '.repeat(depth)}- ${text}`];
  for (const child of Array.isArray(value.children) ? value.children : []) lines.push(traceTreeText(child, depth + 1));
  return lines.join('\n');
}

export function nextHopText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  switch (value.type) {
    case 'ip':
      return `ip ${str(value.ip)}`;
    case 'interface':
      return value.ip != null ? `interface ${str(value.interface)} ip ${str(value.ip)}` : `interface ${str(value.interface)}`;
    case 'discard':
      return 'discard';
    case 'vrf':
      return `vrf ${str(value.vrf)}`;
    case 'vtep':
      return `vni ${str(value.vni)} vtep ${str(value.vtep)}`;
    default:
      return compactJson(value);
  }
}

function bgpRouteText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const fields: Array<[string, unknown]> = [
    ['Network', value.network],
    ['AS Path', Array.isArray(value.asPath) ? value.asPath.map((x) => (Array.isArray(x) ? x.join(' ') : str(x))).join(' ') : value.asPath],
    ['Communities', Array.isArray(value.communities) ? value.communities.join(' ') : value.communities],
    ['Local Preference', value.localPreference],
    ['Metric', value.metric],
    ['Next Hop IP', value.nextHopIp],
    ['Origin Type', value.originType],
    ['Originator IP', value.originatorIp],
    ['Protocol', value.protocol],
    ['Source Protocol', value.srcProtocol],
    ['Tag', value.tag],
    ['Weight', value.weight],
  ];
  return fields
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${str(v)}`)
    .join('\n');
}

function bgpRouteDiffsText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.diffs)) return compactJson(value);
  return value.diffs
    .filter(isObject)
    .map((d) => `${str(d.fieldName)}: ${str(d.oldValue)} --> ${str(d.newValue)}`)
    .join('\n');
}

/** Legacy ACL traces (older servers): one line per event description. */
function aclTraceText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.events)) return compactJson(value);
  return value.events.map((e) => (isObject(e) && typeof e.description === 'string' ? e.description : compactJson(e))).join('\n');
}

function issueText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const type = isObject(value.type) ? [value.type.major, value.type.minor].filter(Boolean).map(str).join('/') : '';
  const severity = value.severity != null ? `severity ${str(value.severity)}` : '';
  const head = [type, severity].filter(Boolean).join(', ');
  return head ? `${head}: ${str(value.explanation)}` : str(value.explanation);
}
