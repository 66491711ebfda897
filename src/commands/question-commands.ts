/**
 * The first-class question commands: one class each, typed flags taken from the catalogue entry
 * (src/questions/catalog.ts) that a unit test checks against the served templates. A command's
 * `questions()` turns its flags into the question to ask; SiteCommand does the rest.
 */
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import type { QuestionAsk, QuestionParameters } from '../app/site-run.js';
import { InputError } from '../errors.js';
import { DATAPLANE_QUESTIONS, HEADER_FIELDS, PATH_FIELDS, QUESTION_COMMANDS, flagOf, type QuestionCommandSpec } from '../questions/catalog.js';
import { isGraphQuestion } from '../render/answer-graph.js';
import { NetqCommand, type AbstractCommandClass } from './base.js';
import { SiteCommand } from './site-command.js';

const DATAPLANE_NOTE =
  'This question needs the data plane: the first answer for a snapshot waits while Batfish computes routes, which can take minutes on large networks (the spinner shows that phase).';
const PICTURE_NOTE =
  '`--format dot` (Graphviz) and `--format mermaid` draw the answer as a graph: nodes, and one line per session coloured by status (green ok, grey dashed: the peer is outside the snapshot, red: broken), peers outside the snapshot drawn apart. `--format markdown` puts the Mermaid graph above the table.';
const EXIT_CODES = 'Exit codes: 0 ok, 2 bad command line, site or parameter, 3 Batfish failed or is unreachable, 4 Docker, 70 bug.';

function entry(command: string): QuestionCommandSpec {
  const spec = QUESTION_COMMANDS.find((s) => s.command === command);
  if (!spec) throw new Error(`no catalogue entry for ${command}`);
  return spec;
}

function variableFlag(spec: QuestionCommandSpec, variable: string) {
  const flag = spec.flags.find((f) => f.variable === variable);
  if (!flag) throw new Error(`catalogue entry ${spec.command} has no flag for ${variable}`);
  return flag;
}

/** A template variable given as text (a specifier, a name, a list written with commas). */
function text(spec: QuestionCommandSpec, variable: string) {
  const flag = variableFlag(spec, variable);
  return Option.String(flagOf(flag), { description: flag.description });
}

function yesNo(spec: QuestionCommandSpec, variable: string) {
  const flag = variableFlag(spec, variable);
  return Option.Boolean(flagOf(flag), { description: flag.description });
}

function integer(spec: QuestionCommandSpec, variable: string) {
  const flag = variableFlag(spec, variable);
  return Option.String(flagOf(flag), { description: flag.description, validator: t.cascade(t.isNumber(), [t.isInteger()]) });
}

function usageOf(spec: QuestionCommandSpec) {
  return Command.Usage({
    category: spec.category,
    description: spec.description,
    details: [spec.details, isGraphQuestion(spec.template) ? PICTURE_NOTE : '', DATAPLANE_QUESTIONS.has(spec.template) ? DATAPLANE_NOTE : '', EXIT_CODES].filter(Boolean).join('\n\n'),
    examples: spec.examples,
  });
}

/** The flow-header flags (`--dst-ips`, `--ip-protocols`, ...) of questions with a `headers` variable. */
function HeaderFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  const option = (field: string) => {
    const h = HEADER_FIELDS.find((f) => f.field === field)!;
    return Option.String(h.flag, { description: h.description });
  };
  abstract class WithHeaderFlags extends Base {
    srcIps = option('srcIps');
    dstIps = option('dstIps');
    srcPorts = option('srcPorts');
    dstPorts = option('dstPorts');
    ipProtocols = option('ipProtocols');
    applications = option('applications');
    icmpTypes = option('icmpTypes');
    icmpCodes = option('icmpCodes');

    /** The header constraints the flags give, or undefined when none is given. */
    headerConstraints(): Record<string, string> | undefined {
      const { srcIps, dstIps, srcPorts, dstPorts, ipProtocols, applications, icmpTypes, icmpCodes } = this;
      return definedOrNothing({ srcIps, dstIps, srcPorts, dstPorts, ipProtocols, applications, icmpTypes, icmpCodes });
    }

    /** The header constraints, required: a flow question needs at least one. */
    requiredHeaders(command: string): Record<string, string> {
      const headers = this.headerConstraints();
      if (!headers) throw new InputError(`${command} needs a flow header`, { hint: `give at least one of ${HEADER_FIELDS.map((h) => h.flag).join(', ')}` });
      return headers;
    }
  }
  return WithHeaderFlags;
}

/** The path-constraint flags of questions with a `pathConstraints` variable. */
function PathFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  const option = (field: string) => {
    const p = PATH_FIELDS.find((f) => f.field === field)!;
    return Option.String(p.flag, { description: p.description });
  };
  abstract class WithPathFlags extends Base {
    startLocation = option('startLocation');
    endLocation = option('endLocation');
    transitLocations = option('transitLocations');
    forbiddenLocations = option('forbiddenLocations');

    pathConstraints(): Record<string, string> | undefined {
      const { startLocation, endLocation, transitLocations, forbiddenLocations } = this;
      return definedOrNothing({ startLocation, endLocation, transitLocations, forbiddenLocations });
    }
  }
  return WithPathFlags;
}

function definedOrNothing(values: Record<string, string | undefined>): Record<string, string> | undefined {
  const entries = Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

const ask = (spec: QuestionCommandSpec, parameters: QuestionParameters): QuestionAsk[] => [{ question: spec.template, parameters }];

const BGP_SESSIONS = entry('bgp-sessions');
abstract class BgpSessionsFlags extends NetqCommand {
  nodes = text(BGP_SESSIONS, 'nodes');
  remoteNodes = text(BGP_SESSIONS, 'remoteNodes');
  status = text(BGP_SESSIONS, 'status');
  type = text(BGP_SESSIONS, 'type');
}
export class BgpSessionsCommand extends SiteCommand(BgpSessionsFlags) {
  static override paths = [[BGP_SESSIONS.command]];
  static override usage = usageOf(BGP_SESSIONS);
  questions(): QuestionAsk[] {
    return ask(BGP_SESSIONS, { nodes: this.nodes, remoteNodes: this.remoteNodes, status: this.status, type: this.type });
  }
}

const BGP_COMPAT = entry('bgp-compat');
abstract class BgpCompatFlags extends NetqCommand {
  nodes = text(BGP_COMPAT, 'nodes');
  remoteNodes = text(BGP_COMPAT, 'remoteNodes');
  status = text(BGP_COMPAT, 'status');
  type = text(BGP_COMPAT, 'type');
}
export class BgpCompatCommand extends SiteCommand(BgpCompatFlags) {
  static override paths = [[BGP_COMPAT.command]];
  static override usage = usageOf(BGP_COMPAT);
  questions(): QuestionAsk[] {
    return ask(BGP_COMPAT, { nodes: this.nodes, remoteNodes: this.remoteNodes, status: this.status, type: this.type });
  }
}

const BGP_PEERS = entry('bgp-peers');
abstract class BgpPeersFlags extends NetqCommand {
  nodes = text(BGP_PEERS, 'nodes');
  properties = text(BGP_PEERS, 'properties');
}
export class BgpPeersCommand extends SiteCommand(BgpPeersFlags) {
  static override paths = [[BGP_PEERS.command]];
  static override usage = usageOf(BGP_PEERS);
  questions(): QuestionAsk[] {
    return ask(BGP_PEERS, { nodes: this.nodes, properties: this.properties });
  }
}

const BGP_PROCESS = entry('bgp-process');
abstract class BgpProcessFlags extends NetqCommand {
  nodes = text(BGP_PROCESS, 'nodes');
  properties = text(BGP_PROCESS, 'properties');
}
export class BgpProcessCommand extends SiteCommand(BgpProcessFlags) {
  static override paths = [[BGP_PROCESS.command]];
  static override usage = usageOf(BGP_PROCESS);
  questions(): QuestionAsk[] {
    return ask(BGP_PROCESS, { nodes: this.nodes, properties: this.properties });
  }
}

const NODES = entry('nodes');
abstract class NodesFlags extends NetqCommand {
  nodes = text(NODES, 'nodes');
  properties = text(NODES, 'properties');
}
export class NodesCommand extends SiteCommand(NodesFlags) {
  static override paths = [[NODES.command]];
  static override usage = usageOf(NODES);
  questions(): QuestionAsk[] {
    return ask(NODES, { nodes: this.nodes, properties: this.properties });
  }
}

const INTERFACES = entry('interfaces');
abstract class InterfacesFlags extends NetqCommand {
  nodes = text(INTERFACES, 'nodes');
  interfaces = text(INTERFACES, 'interfaces');
  properties = text(INTERFACES, 'properties');
  excludeShutInterfaces = yesNo(INTERFACES, 'excludeShutInterfaces');
}
export class InterfacesCommand extends SiteCommand(InterfacesFlags) {
  static override paths = [[INTERFACES.command]];
  static override usage = usageOf(INTERFACES);
  questions(): QuestionAsk[] {
    const { nodes, interfaces, properties, excludeShutInterfaces } = this;
    return ask(INTERFACES, { nodes, interfaces, properties, excludeShutInterfaces });
  }
}

const IP_OWNERS = entry('ip-owners');
abstract class IpOwnersFlags extends NetqCommand {
  ips = text(IP_OWNERS, 'ips');
  duplicatesOnly = yesNo(IP_OWNERS, 'duplicatesOnly');
}
export class IpOwnersCommand extends SiteCommand(IpOwnersFlags) {
  static override paths = [[IP_OWNERS.command]];
  static override usage = usageOf(IP_OWNERS);
  questions(): QuestionAsk[] {
    return ask(IP_OWNERS, { ips: this.ips, duplicatesOnly: this.duplicatesOnly });
  }
}

const ROUTES = entry('routes');
abstract class RoutesFlags extends NetqCommand {
  nodes = text(ROUTES, 'nodes');
  vrfs = text(ROUTES, 'vrfs');
  // --network already names the Batfish network, so the prefix filter is --prefix.
  prefix = text(ROUTES, 'network');
  prefixMatchType = text(ROUTES, 'prefixMatchType');
  protocols = text(ROUTES, 'protocols');
  rib = text(ROUTES, 'rib');
}
export class RoutesCommand extends SiteCommand(RoutesFlags) {
  static override paths = [[ROUTES.command]];
  static override usage = usageOf(ROUTES);
  questions(): QuestionAsk[] {
    const { nodes, vrfs, prefixMatchType, protocols, rib } = this;
    return ask(ROUTES, { nodes, vrfs, network: this.prefix, prefixMatchType, protocols, rib });
  }
}

const UNDEFINED_REFS = entry('undefined-refs');
abstract class UndefinedRefsFlags extends NetqCommand {
  nodes = text(UNDEFINED_REFS, 'nodes');
}
export class UndefinedRefsCommand extends SiteCommand(UndefinedRefsFlags) {
  static override paths = [[UNDEFINED_REFS.command]];
  static override usage = usageOf(UNDEFINED_REFS);
  questions(): QuestionAsk[] {
    return ask(UNDEFINED_REFS, { nodes: this.nodes });
  }
}

const UNUSED_STRUCTURES = entry('unused-structures');
abstract class UnusedStructuresFlags extends NetqCommand {
  nodes = text(UNUSED_STRUCTURES, 'nodes');
}
export class UnusedStructuresCommand extends SiteCommand(UnusedStructuresFlags) {
  static override paths = [[UNUSED_STRUCTURES.command]];
  static override usage = usageOf(UNUSED_STRUCTURES);
  questions(): QuestionAsk[] {
    return ask(UNUSED_STRUCTURES, { nodes: this.nodes });
  }
}

const OSPF_SESSIONS = entry('ospf-sessions');
abstract class OspfSessionsFlags extends NetqCommand {
  nodes = text(OSPF_SESSIONS, 'nodes');
  remoteNodes = text(OSPF_SESSIONS, 'remoteNodes');
  statuses = text(OSPF_SESSIONS, 'statuses');
}
export class OspfSessionsCommand extends SiteCommand(OspfSessionsFlags) {
  static override paths = [[OSPF_SESSIONS.command]];
  static override usage = usageOf(OSPF_SESSIONS);
  questions(): QuestionAsk[] {
    return ask(OSPF_SESSIONS, { nodes: this.nodes, remoteNodes: this.remoteNodes, statuses: this.statuses });
  }
}

const TRACEROUTE = entry('traceroute');
abstract class TracerouteFlags extends NetqCommand {
  startLocation = text(TRACEROUTE, 'startLocation');
  maxTraces = integer(TRACEROUTE, 'maxTraces');
  ignoreFilters = yesNo(TRACEROUTE, 'ignoreFilters');
}
export class TracerouteCommand extends SiteCommand(HeaderFlags(TracerouteFlags)) {
  static override paths = [[TRACEROUTE.command]];
  static override usage = usageOf(TRACEROUTE);
  questions(): QuestionAsk[] {
    const { startLocation, maxTraces, ignoreFilters } = this;
    return ask(TRACEROUTE, { startLocation, maxTraces, ignoreFilters, headers: this.requiredHeaders(TRACEROUTE.command) });
  }
}

const REACHABILITY = entry('reachability');
abstract class ReachabilityFlags extends NetqCommand {
  actions = text(REACHABILITY, 'actions');
  invertSearch = yesNo(REACHABILITY, 'invertSearch');
  maxTraces = integer(REACHABILITY, 'maxTraces');
  ignoreFilters = yesNo(REACHABILITY, 'ignoreFilters');
}
export class ReachabilityCommand extends SiteCommand(PathFlags(HeaderFlags(ReachabilityFlags))) {
  static override paths = [[REACHABILITY.command]];
  static override usage = usageOf(REACHABILITY);
  questions(): QuestionAsk[] {
    const { actions, invertSearch, maxTraces, ignoreFilters } = this;
    return ask(REACHABILITY, { actions, invertSearch, maxTraces, ignoreFilters, headers: this.headerConstraints(), pathConstraints: this.pathConstraints() });
  }
}

const FILTER_LINES = entry('filter-lines');
abstract class FilterLinesFlags extends NetqCommand {
  nodes = text(FILTER_LINES, 'nodes');
  filters = text(FILTER_LINES, 'filters');
  ignoreComposites = yesNo(FILTER_LINES, 'ignoreComposites');
}
export class FilterLinesCommand extends SiteCommand(FilterLinesFlags) {
  static override paths = [[FILTER_LINES.command]];
  static override usage = usageOf(FILTER_LINES);
  questions(): QuestionAsk[] {
    return ask(FILTER_LINES, { nodes: this.nodes, filters: this.filters, ignoreComposites: this.ignoreComposites });
  }
}

const TEST_FILTERS = entry('test-filters');
abstract class TestFiltersFlags extends NetqCommand {
  nodes = text(TEST_FILTERS, 'nodes');
  filters = text(TEST_FILTERS, 'filters');
  startLocation = text(TEST_FILTERS, 'startLocation');
}
export class TestFiltersCommand extends SiteCommand(HeaderFlags(TestFiltersFlags)) {
  static override paths = [[TEST_FILTERS.command]];
  static override usage = usageOf(TEST_FILTERS);
  questions(): QuestionAsk[] {
    const { nodes, filters, startLocation } = this;
    return ask(TEST_FILTERS, { nodes, filters, startLocation, headers: this.requiredHeaders(TEST_FILTERS.command) });
  }
}

const DETECT_LOOPS = entry('detect-loops');
abstract class DetectLoopsFlags extends NetqCommand {
  maxTraces = integer(DETECT_LOOPS, 'maxTraces');
}
export class DetectLoopsCommand extends SiteCommand(DetectLoopsFlags) {
  static override paths = [[DETECT_LOOPS.command]];
  static override usage = usageOf(DETECT_LOOPS);
  questions(): QuestionAsk[] {
    return ask(DETECT_LOOPS, { maxTraces: this.maxTraces });
  }
}

/** Every first-class question command, in catalogue order. */
export const QUESTION_COMMAND_CLASSES = [
  BgpSessionsCommand,
  BgpCompatCommand,
  BgpPeersCommand,
  BgpProcessCommand,
  NodesCommand,
  InterfacesCommand,
  IpOwnersCommand,
  RoutesCommand,
  UndefinedRefsCommand,
  UnusedStructuresCommand,
  OspfSessionsCommand,
  TracerouteCommand,
  ReachabilityCommand,
  FilterLinesCommand,
  TestFiltersCommand,
  DetectLoopsCommand,
];

