/**
 * The text of flows and packet traces as pybatfish prints them (Flow, Trace and the detail of each
 * step kind: routing, filters, sessions, transformations).
 */
import { isObject } from '../batfish/answer.js';
import { compactJson, py, quoteName, str } from './pytext.js';
import { nextHopText } from './route-text.js';

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
