/**
 * What the change does: flows whose outcome changed and were not meant to (no-reachability-change),
 * elements whose failure breaks flows (survives-single-failure, N-1 over forks of the snapshot),
 * and filter changes that do more than intended (filter-change-limited-to, pybatfish's
 * "provably safe ACL changes" recipe).
 */
import { isObject, type TableAnswer } from '../../batfish/answer.js';
import { flowChanges, ipIn, startOf, type FlowChange } from '../impact/changes.js';
import type { CheckSpec, FindingLocation, ForkSpec, QuestionAsk } from '../model.js';
import { column, evidence, fileLinesOf, fileLocation, given, globRegExp, json, siteFile, text } from './helpers.js';
import { variables, type CheckKind, type FindingDraft, type NamedAsks, type OwnOption, type SiteContext } from './types.js';

const REACH_VARIABLES = ['headers', 'pathConstraints', 'ignoreFilters', 'maxTraces'];

const START_LOCATION: OwnOption = {
  name: 'start-location',
  type: 'string',
  description: 'where the flows start (location specifier); sets pathConstraints.startLocation',
};

/** differentialReachability's parameters from a check's `with` (actions left at Batfish's default, success). */
function reachParameters(spec: CheckSpec): Record<string, unknown> {
  const parameters = given(spec, REACH_VARIABLES);
  const start = spec.with['start-location'];
  if (start !== undefined) {
    const paths = isObject(parameters.pathConstraints) ? parameters.pathConstraints : {};
    parameters.pathConstraints = { ...paths, startLocation: start };
  }
  return parameters;
}

/** The config file of a node: the site's device file named after it (`configs/<node>.cfg`), if exactly one is. */
export function nodeFile(site: SiteContext, node: string): FindingLocation | null {
  const wanted = node.toLowerCase();
  const matches = (site.files ?? []).filter((f) => {
    const base = f.split('/').pop() ?? f;
    return base.toLowerCase() === wanted || base.toLowerCase().replace(/\.[^.]*$/, '') === wanted;
  });
  return matches.length === 1 ? fileLocation(site, matches[0]!, null) : null;
}

/** The node a flow was last seen on after the change (where it is dropped), else its start node. */
export function lastNode(change: Pick<FlowChange, 'afterTraces'>, fallback: string): string {
  for (const trace of change.afterTraces) {
    if (!isObject(trace) || !Array.isArray(trace.hops) || trace.hops.length === 0) continue;
    const hop = trace.hops[trace.hops.length - 1];
    if (isObject(hop)) return isObject(hop.node) ? String(hop.node.name ?? fallback) : String(hop.node ?? fallback);
  }
  return fallback;
}

function changeText(c: FlowChange): string {
  const how = c.change === 'lost' ? 'are no longer delivered' : c.change === 'gained' ? 'are now delivered' : 'end differently';
  return `${c.flows === 1 ? 'a flow' : `${c.flows} flows`} from ${c.start} ${how} (${c.before} → ${c.after}), e.g. ${c.example.text}`;
}

function flowDraft(answer: TableAnswer, c: FlowChange, site: SiteContext, prefix = ''): FindingDraft {
  const row = answer.rows.find((r) => startOf(r.Flow) === c.start) ?? {};
  return {
    message: `${prefix}${changeText(c)}`,
    row: evidence(answer, row),
    location: nodeFile(site, lastNode(c, c.start.replace(/\[.*$/, ''))),
    keyValues: [c.start, c.before, c.after],
  };
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/** Whether a changed flow is one the author meant to change (every `allow-*` given matches). */
function allowed(spec: CheckSpec, c: FlowChange): boolean {
  const dst = stringList(spec.with['allow-dst-ips']);
  const src = stringList(spec.with['allow-src-ips']);
  const start = stringList(spec.with['allow-start']);
  const how = String(spec.with['allow-change'] ?? 'any').toLowerCase();
  if (!dst.length && !src.length && !start.length) return false;
  if (how !== 'any' && how !== c.change) return false;
  if (dst.length && !dst.some((p) => ipIn(c.example.dstIp, p))) return false;
  if (src.length && !src.some((p) => ipIn(c.example.srcIp, p))) return false;
  const node = c.start.replace(/\[.*$/, '');
  if (start.length && !start.some((s) => globRegExp(s, 'i').test(node) || globRegExp(s, 'i').test(c.start))) return false;
  return true;
}

export const noReachabilityChange: CheckKind = {
  kind: 'no-reachability-change',
  description: 'flows whose outcome the change alters, beyond the changes allowed (differentialReachability against the base)',
  defaultSeverity: 'error',
  template: 'differentialReachability',
  needsBase: true,
  options: [
    ...variables(REACH_VARIABLES),
    START_LOCATION,
    { name: 'allow-dst-ips', type: 'string[]', description: 'changes to flows towards these prefixes are intended (e.g. ["10.9.0.0/24"])' },
    { name: 'allow-src-ips', type: 'string[]', description: 'changes to flows from these prefixes are intended' },
    { name: 'allow-start', type: 'string[]', description: 'changes to flows starting at these nodes (globs) are intended' },
    { name: 'allow-change', type: 'string', allowed: ['any', 'lost', 'gained'], default: 'any', description: 'which way an allowed flow may change: lost (no longer delivered), gained, or any' },
  ],
  rule: {
    short: 'The change alters no flow it was not meant to',
    full: 'Batfish compares every flow in scope between the base and the head (differentialReachability); a flow that is delivered on one side and not the other, and is not covered by the allow-* options, is a finding.',
  },
  questions: (spec) => ({ reach: { question: 'differentialReachability', parameters: reachParameters(spec), against: 'base' } }),
  evaluate: (spec, { reach: answer }, site) => {
    if (!answer) return [];
    return flowChanges(answer)
      .filter((c) => !allowed(spec, c))
      .map((c) => flowDraft(answer, c, site));
  },
};

/** One element of an N-1 scope: what to deactivate and how a person names it. */
interface Element {
  name: string;
  fork: ForkSpec;
}

function interfaceOf(value: unknown): { hostname: string; interface: string } | undefined {
  if (!isObject(value)) return undefined;
  const hostname = value.hostname ?? value.node;
  const name = value.interface ?? value.interfaceName;
  return typeof hostname === 'string' && typeof name === 'string' ? { hostname, interface: name } : undefined;
}

const interfaceName = (i: { hostname: string; interface: string }): string => `${i.hostname}[${i.interface}]`;

/** The elements an N-1 check fails one at a time: `elements` as given, else found in the first round's answers. */
function scopeOf(spec: CheckSpec, answers: Record<string, TableAnswer>): Element[] {
  const what = String(spec.with.deactivate ?? 'nodes').toLowerCase();
  const given = stringList(spec.with.elements);
  const byName = new Map<string, Element>();
  const add = (e: Element): void => void (byName.has(e.name) || byName.set(e.name, e));
  if (what === 'nodes') {
    const nodes = given.length ? given : nodesWithSessions(answers);
    for (const node of nodes) add({ name: `node ${node}`, fork: { deactivateNodes: [node] } });
  } else {
    const edges = answers.links;
    const pairs: Array<[{ hostname: string; interface: string }, { hostname: string; interface: string }]> = [];
    if (edges) {
      for (const row of edges.rows) {
        const a = interfaceOf(json(edges, row, 'Interface'));
        const b = interfaceOf(json(edges, row, 'Remote_Interface'));
        if (a && b) pairs.push([a, b]);
      }
    }
    if (what === 'interfaces') {
      const all = new Map(pairs.flat().map((i) => [interfaceName(i), i]));
      const names = given.length ? given : [...all.keys()].sort();
      for (const name of names) {
        const i = all.get(name) ?? parseInterface(name);
        if (i) add({ name: `interface ${interfaceName(i)}`, fork: { deactivateInterfaces: [i] } });
      }
    } else {
      for (const [a, b] of pairs) {
        const [x, y] = interfaceName(a) <= interfaceName(b) ? [a, b] : [b, a];
        const name = `${interfaceName(x)} - ${interfaceName(y)}`;
        if (given.length && !given.some((g) => g.replace(/\s+/g, '') === name.replace(/\s+/g, ''))) continue;
        // A link is both its directed layer-3 edges: Batfish blacklists edges, not cables.
        add({
          name: `link ${name}`,
          fork: {
            deactivateLinks: [
              { node1: x.hostname, node1interface: x.interface, node2: y.hostname, node2interface: y.interface },
              { node1: y.hostname, node1interface: y.interface, node2: x.hostname, node2interface: x.interface },
            ],
          },
        });
      }
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function parseInterface(name: string): { hostname: string; interface: string } | undefined {
  const m = /^([^[\]]+)\[(.+)\]$/.exec(name.trim());
  return m ? { hostname: m[1]!, interface: m[2]! } : undefined;
}

/** Nodes with a BGP or OSPF session, from bgpEdges and ospfEdges. */
function nodesWithSessions(answers: Record<string, TableAnswer>): string[] {
  const nodes = new Set<string>();
  const { bgp, ospf } = answers;
  if (bgp && column(bgp, 'Node')) for (const row of bgp.rows) for (const c of ['Node', 'Remote_Node']) if (text(bgp, row, c)) nodes.add(text(bgp, row, c));
  if (ospf) {
    for (const row of ospf.rows) {
      for (const c of ['Interface', 'Remote_Interface']) {
        const i = interfaceOf(json(ospf, row, c));
        if (i) nodes.add(i.hostname);
      }
    }
  }
  return [...nodes].sort();
}

const DOWN = 'down:';

export const survivesSingleFailure: CheckKind = {
  kind: 'survives-single-failure',
  description: 'nodes, interfaces or links whose failure alone breaks flows the snapshot delivers (N-1: a fork per element, differentialReachability against the snapshot)',
  defaultSeverity: 'error',
  template: 'differentialReachability',
  options: [
    { name: 'deactivate', type: 'string', allowed: ['nodes', 'interfaces', 'links'], default: 'nodes', description: 'what fails, one at a time: nodes (default: every node with a BGP or OSPF session), interfaces or links (default: every layer-3 edge)' },
    { name: 'elements', type: 'string[]', description: 'the elements to fail instead of the default scope: node names, `node[interface]`, or links `a[x] - b[y]`' },
    ...variables(REACH_VARIABLES),
    START_LOCATION,
  ],
  rule: {
    short: 'The network survives any single failure',
    full: 'For each element in scope, Batfish forks the snapshot with it deactivated and compares reachability with the snapshot itself; a flow delivered before and not with the element down is a finding naming the element. Links are deactivated as both their layer-3 edges.',
  },
  questions: (spec): NamedAsks => {
    if (stringList(spec.with.elements).length) return {};
    const what = String(spec.with.deactivate ?? 'nodes').toLowerCase();
    return what === 'nodes'
      ? { bgp: { question: 'bgpEdges', parameters: {} }, ospf: { question: 'ospfEdges', parameters: {} } }
      : { links: { question: 'layer3Edges', parameters: {} } };
  },
  followUp: (spec, answers) => {
    const parameters = reachParameters(spec);
    const asks: NamedAsks = {};
    for (const element of scopeOf(spec, answers)) {
      asks[`${DOWN}${element.name}`] = { question: 'differentialReachability', parameters, fork: element.fork } satisfies QuestionAsk;
    }
    return asks;
  },
  evaluate: (spec, answers, site) => {
    const drafts: FindingDraft[] = [];
    if (!Object.keys(answers).some((name) => name.startsWith(DOWN))) {
      // A gate that passes having failed nothing would say the network survives what was never tried.
      const what = String(spec.with.deactivate ?? 'nodes').toLowerCase();
      return [{
        message: `no ${what === 'nodes' ? 'node with a BGP or OSPF session' : what === 'interfaces' ? 'interface of a layer-3 edge' : 'layer-3 link'} found: no failure was tried (name them with elements:)`,
        row: {},
        location: null,
        keyValues: ['empty scope', what],
        severity: 'warning',
      }];
    }
    for (const [name, answer] of Object.entries(answers)) {
      if (!name.startsWith(DOWN)) continue;
      const element = name.slice(DOWN.length);
      const node = element.replace(/^(node|interface|link) /, '').replace(/\[.*$/, '');
      for (const c of flowChanges(answer).filter((f) => f.change === 'lost')) {
        const draft = flowDraft(answer, c, site, `with ${element} down, `);
        drafts.push({ ...draft, location: nodeFile(site, node) ?? draft.location, keyValues: [element, ...draft.keyValues] });
      }
    }
    return drafts;
  },
};

/** Where a filter line is written: the filter's lines in definedStructures, narrowed to the one whose text is `content`. */
export function filterLineLocation(
  defined: TableAnswer | undefined,
  filter: string,
  content: string,
  site: SiteContext,
  /** The node the filter is on: narrows filters of the same name on several nodes to its file. */
  node?: string,
): FindingLocation | null {
  if (!defined || !column(defined, 'Structure_Name')) return null;
  let spans = defined.rows
    .filter((r) => text(defined, r, 'Structure_Name') === filter)
    .flatMap((r) => fileLinesOf(r.Source_Lines))
    .filter((fl) => fl.filename);
  const own = node === undefined ? undefined : nodeFile(site, node);
  if (spans.length > 1 && own) spans = spans.filter((s) => siteFile(site, s.filename) === own.file);
  if (spans.length !== 1) return null;
  const span = spans[0]!;
  const lines = site.lines?.(span.filename);
  const wanted = content.trim();
  const exact = wanted && lines ? span.lines.find((n) => (lines[n - 1] ?? '').trim() === wanted) : undefined;
  const first = span.lines.length ? span.lines.reduce((a, b) => Math.min(a, b)) : null;
  return fileLocation(site, span.filename, exact ?? first);
}

export const filterChangeLimitedTo: CheckKind = {
  kind: 'filter-change-limited-to',
  description: 'a filter change that does more or less than intended: intended flows not treated as intended, or any other flow treated differently than in the base (searchFilters, with invertSearch against the base)',
  defaultSeverity: 'error',
  template: 'searchFilters',
  needsBase: true,
  options: [
    ...variables(['nodes', 'filters', 'headers'], ['nodes', 'filters', 'headers']),
    { name: 'action', type: 'string', allowed: ['permit', 'deny'], default: 'permit', description: 'what the change does to the intended flows (headers): permit them, or deny them' },
  ],
  pybatfish: 'the "Provably Safe ACL and Firewall Changes" notebook',
  rule: {
    short: 'The filter change does exactly what was intended',
    full: 'The intended flows (headers) must all be treated as `action` says on the head (searchFilters for the opposite action finds none), and no flow outside them may be treated differently than on the base (searchFilters with invertSearch, asked against the base, finds none).',
  },
  questions: (spec) => {
    const scope = given(spec, ['nodes', 'filters', 'headers']);
    const action = String(spec.with.action ?? 'permit').toLowerCase();
    return {
      intended: { question: 'searchFilters', parameters: { ...scope, action: action === 'permit' ? 'deny' : 'permit' } },
      others: { question: 'searchFilters', parameters: { ...scope, invertSearch: true }, against: 'base' },
    };
  },
  contextQuestions: (spec) => ({ defined: { question: 'definedStructures', parameters: given(spec, ['nodes']) } }),
  evaluate: (spec, { intended, others }, site, { defined }) => {
    const action = String(spec.with.action ?? 'permit').toLowerCase();
    const drafts: FindingDraft[] = [];
    for (const row of intended?.rows ?? []) {
      const filter = text(intended!, row, 'Filter_Name');
      const line = text(intended!, row, 'Line_Content');
      drafts.push({
        message: `${text(intended!, row, 'Node')} ${filter} does not ${action} an intended flow: ${text(intended!, row, 'Flow')} (${text(intended!, row, 'Action')} by ${line || 'the end of the filter'})`,
        row: evidence(intended!, row),
        location: filterLineLocation(defined, filter, line, site),
        keyValues: ['intended', text(intended!, row, 'Node'), filter, text(intended!, row, 'Action')],
      });
    }
    for (const row of others?.rows ?? []) {
      const filter = text(others!, row, 'Filter_Name');
      const line = text(others!, row, 'Snapshot_Line_Content');
      const before = text(others!, row, 'Reference_Action') || 'absent';
      const after = text(others!, row, 'Snapshot_Action') || 'absent';
      drafts.push({
        message: `${text(others!, row, 'Node')} ${filter} now treats a flow outside the intended ones differently: ${text(others!, row, 'Flow')} was ${before}, is ${after}${line ? ` (by ${line})` : ''}`,
        row: evidence(others!, row),
        location: filterLineLocation(defined, filter, line, site),
        keyValues: ['others', text(others!, row, 'Node'), filter, before, after],
      });
    }
    return drafts;
  },
};

